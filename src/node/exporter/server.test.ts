// The exporter in-process on this host: concurrent scrapes share one read, routes answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exporter } from './server.js';
import { LABEL_SETS } from './metrics.js';

test('50 concurrent scrapes all succeed and share reads; /, /healthz, 404 and 405 answer', async () => {
  const ex = await Exporter.start({ listen: { host: '127.0.0.1', port: 0 }, netns: [], top: 20, labels: new Set(LABEL_SETS), nodeNames: false });
  try {
    const base = `http://127.0.0.1:${ex.address().port}`;
    const bodies = await Promise.all(Array.from({ length: 50 }, async () => {
      const r = await fetch(`${base}/metrics`);
      assert.equal(r.status, 200);
      return r.text();
    }));
    for (const b of bodies) {
      assert.match(b, /^tcplens_up\{netns=""\} 1$/m);
      assert.match(b, /^tcplens_scrape_errors_total\{netns=""\} 0$/m);
    }
    assert.ok(ex.reads < 50, `${ex.reads} reads for 50 scrapes`);
    assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok\n');
    assert.match(await (await fetch(`${base}/`)).text(), /href="\/metrics"/);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await ex.close();
  }
});

test('--node-names: node_exporter\'s names for the signals it also has; the tcplens-only series keep their prefix', async () => {
  const ex = await Exporter.start({ listen: { host: '127.0.0.1', port: 0 }, netns: [], top: 20, labels: new Set(), nodeNames: true });
  try {
    const body = await ex.scrape();
    assert.match(body, /^node_tcp_connection_states\{netns="",state="LISTEN"\} \d+$/m);
    assert.match(body, /^node_netstat_TcpExt_ListenOverflows\{netns=""\} \d+$/m);
    assert.match(body, /^node_sockstat_TCP_inuse\{netns=""\} \d+$/m);
    assert.doesNotMatch(body, /^tcplens_tcp_connection_states/m);
    // --labels none: host-wide only.
    assert.doesNotMatch(body, /^tcplens_(port|process)_connection_states\{/m);
    assert.doesNotMatch(body, /^tcplens_ephemeral_ports_used\{/m);
    assert.match(body, /^tcplens_up\{netns=""\} 1$/m);
  } finally {
    await ex.close();
  }
});

test('--netns all answers whatever namespaces exist, with the error counter declared', async () => {
  const ex = await Exporter.start({ listen: { host: '127.0.0.1', port: 0 }, netns: 'all', top: 20, labels: new Set(LABEL_SETS), nodeNames: false });
  try {
    const r = await fetch(`http://127.0.0.1:${ex.address().port}/metrics`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /# TYPE tcplens_scrape_errors_total counter/);
  } finally {
    await ex.close();
  }
});
