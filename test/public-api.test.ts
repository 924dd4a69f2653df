// What the CLI does, a TypeScript user can do through the barrel: run a lab scenario, parse a
// paste, diagnose it, and drive a Host by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tcplens from '../src/public/index.js';

test('a lab scenario runs through the public API and ends A in TIME-WAIT for 60 s', () => {
  const s = tcplens.findScenario('active-close');
  assert.ok(s);
  const r = s.run({ settings: {}, params: {}, seed: 1, profile: 'linux' });
  assert.equal(r.kind, 'exchange');
  if (r.kind !== 'exchange') return;
  const a = r.timeline.filter((e) => e.host === 'A');
  const tw = a.find((e) => e.to === 'TIME-WAIT');
  const closed = a.find((e) => e.from === 'TIME-WAIT' && e.to === 'CLOSED');
  assert.ok(tw && closed);
  assert.equal(closed.at - tw.at, 60_000);
});

test('a pasted ss listing is parsed and diagnosed through the public API', () => {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*'];
  for (let i = 0; i < 300; i++) rows.push(`CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:${40000 + i}`);
  const snap = tcplens.snapshotFromText('paste', rows.join('\n') + '\n');
  assert.equal(snap.sockets.filter((s) => s.state === 'CLOSE-WAIT').length, 300);
  const findings = tcplens.diagnose(snap);
  assert.ok(findings.some((f) => f.id === 'close_wait_leak'));
});

test('a Host driven by hand refuses a connection to a closed port with ECONNREFUSED', () => {
  const a = new tcplens.Host({ addrs: ['10.0.0.1'], seed: 7 });
  const b = new tcplens.Host({ addrs: ['10.0.0.2'], seed: 8 });
  const fd = a.socket('ipv4');
  assert.equal(typeof fd, 'number');
  if (typeof fd !== 'number') return;
  assert.deepEqual(a.connect(fd, '10.0.0.2', 9), { errno: 'EINPROGRESS' });
  let now = 0;
  for (let i = 0; i < 10; i++) {
    now += 1;
    for (let s = a.pollTransmit(); s; s = a.pollTransmit()) b.handleSegment(s, now);
    for (let s = b.pollTransmit(); s; s = b.pollTransmit()) a.handleSegment(s, now);
  }
  assert.deepEqual(a.getsockopt(fd, 'SO_ERROR'), 111);
});

test('the Node entry adds the live read, capture and the CLI, and repeats nothing of the pure entry', async () => {
  const node = await import('../src/public/node.js');
  for (const name of ['readLiveSnapshot', 'readLiveStateCounts', 'writeCapture', 'runCli', 'nativeAvailable']) {
    assert.equal(typeof (node as Record<string, unknown>)[name], 'function', name);
  }
  const shared = Object.keys(node).filter((k) => k in tcplens);
  assert.deepEqual(shared, []);
  const snap = await node.readLiveSnapshot({ processes: false });
  assert.equal(snap.sources[0].kind, 'proc');
  assert.ok(Array.isArray(tcplens.diagnose(snap)));
});

test('the pure entry exports no Node-only reader', () => {
  for (const name of ['openSource', 'sample', 'readLiveSnapshot', 'writeCapture', 'runCli']) {
    assert.equal(name in tcplens, false, name);
  }
  // The /proc/net/tcp parser is pure (it reads bytes or text given to it): a browser page can parse a paste of it.
  assert.equal(typeof tcplens.parseProcNetTcp, 'function');
});

test('every name the two entry points export has a one-line description above it', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  for (const entry of ['index', 'node']) {
    const file = fileURLToPath(new URL(`../../src/public/${entry}.ts`, import.meta.url));
    const lines = readFileSync(file, 'utf8').split('\n');
    const bare = lines.flatMap((l, i) => (/^export\b/.test(l) && !/^\/\*\*.*\*\/$/.test(lines[i - 1] ?? '') ? [`${entry}.ts:${i + 1}: ${l}`] : []));
    assert.deepEqual(bare, []);
    assert.equal(lines.filter((l) => /^export \*/.test(l)).length, 0, 'exports are chosen, not export *');
  }
});

test('an ss filter through the public API: parse, match, and filterSockets with it', () => {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*'];
  for (let i = 0; i < 5; i++) rows.push(`CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:${40000 + i}`);
  rows.push('ESTABLISHED 0     0      10.0.0.5:8080       10.0.0.9:41000');
  const snap = tcplens.snapshotFromText('paste', rows.join('\n') + '\n');
  const f = tcplens.parseSocketFilter('state close-wait sport = :8080 and dport < :40003');
  assert.equal(snap.sockets.filter((k) => tcplens.matchesSocketFilter(f, k)).length, 3);
  assert.equal(tcplens.filterSockets(snap, { match: f }).length, 3);
  assert.throws(() => tcplens.parseSocketFilter('sport = :x8'), (e: unknown) => e instanceof tcplens.SocketFilterError && e.column === 9);
});
