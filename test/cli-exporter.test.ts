// tcplens exporter as users run it: usage errors, a taken port, the rules and dashboard it prints,
// the rules' promtool unit tests, 50 concurrent scrapes and `promtool check metrics` on its output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';
import { assertPromtoolAccepts, prometheusSkipReason, startExporter } from './helpers/exporter.js';

const RULES = path.join(ROOT, 'deploy/prometheus/tcplens-rules.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/tcplens.json');

test('bad --listen values exit 2 with the reason, in English and in Chinese', () => {
  for (const v of ['localhost', '127.0.0.1:99999', '[nope]:80', 'a b:1']) {
    const r = runCli(['exporter', '--listen', v]);
    assert.equal(r.status, 2, v);
    assert.match(r.stderr, new RegExp(`^tcplens exporter: --listen: '${v.replace(/[[\]]/g, '\\$&')}'`), v);
  }
  const zh = runCli(['exporter', '--listen', 'localhost', '--lang', 'zh']);
  assert.equal(zh.status, 2);
  assert.match(zh.stderr, /不是 主机:端口/);
  for (const args of [['--labels', 'peer'], ['--top', 'many'], ['--findings-interval', 'soon'], ['--findings-interval', '-5'], ['--netns', 'all', '--netns', 'x'], ['--netns', 'bad/name'], ['--netns', 'tcplens-no-such-namespace', '--listen', '127.0.0.1:1']]) {
    const r = runCli(['exporter', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('a port already taken exits 2 and says so, in English and in Chinese', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  try {
    const en = spawnSync(process.execPath, [path.join(ROOT, 'bin/tcplens.js'), 'exporter', '--listen', `127.0.0.1:${port}`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C' } });
    assert.equal(en.status, 2);
    assert.match(en.stderr, new RegExp(`--listen 127.0.0.1:${port}: the port is already in use`));
    const zh = spawnSync(process.execPath, [path.join(ROOT, 'bin/tcplens.js'), 'exporter', '--listen', `127.0.0.1:${port}`, '--lang', 'zh'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(zh.status, 2);
    assert.match(zh.stderr, /端口已被占用/);
  } finally {
    srv.close();
  }
});

test('--rules and --grafana print the files shipped under deploy/', () => {
  const rules = runCli(['exporter', '--rules']);
  assert.equal(rules.status, 0);
  assert.equal(rules.stdout, readFileSync(RULES, 'utf8'));
  const dash = runCli(['exporter', '--grafana']);
  assert.equal(dash.status, 0);
  assert.equal(dash.stdout, readFileSync(DASHBOARD, 'utf8'));
  const parsed = JSON.parse(dash.stdout) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  assert.ok(parsed.panels.length >= 10);
});

test('--help names every option in both languages', () => {
  for (const lang of ['en', 'zh']) {
    const r = runCli(['exporter', '--help', '--lang', lang]);
    assert.equal(r.status, 0);
    for (const opt of ['--listen', '--netns', '--top', '--labels', '--node-names', '--findings-interval', '--rules', '--grafana']) assert.ok(r.stdout.includes(opt), `${lang} ${opt}`);
  }
});

describe('with promtool', { skip: prometheusSkipReason() }, () => {
  test('the alert rules pass their promtool unit tests (firing, pending and quiet cases)', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const r = spawnSync('promtool', ['test', 'rules', path.join(ROOT, 'deploy/prometheus/tcplens-rules.test.yml')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  test('50 concurrent scrapes of the running exporter all answer, and promtool check metrics accepts the output', async () => {
    const ex = await startExporter([]);
    try {
      const bodies = await Promise.all(Array.from({ length: 50 }, async () => {
        const r = await fetch(`${ex.url}/metrics`);
        assert.equal(r.status, 200);
        return r.text();
      }));
      for (const b of bodies) assert.match(b, /^tcplens_up\{netns=""\} 1$/m);
      const last = bodies[bodies.length - 1];
      assert.match(last, /^tcplens_scrape_errors_total\{netns=""\} 0$/m);
      assertPromtoolAccepts(last);
      assert.equal(ex.stderr().includes('failed'), false, ex.stderr());
    } finally {
      await ex.stop();
    }
  });
});
