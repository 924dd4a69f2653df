// `tcplens capture DIR` on this host, end to end through the real CLI: what it writes, that the
// doctor reads it back, and that bad arguments exit 2 with a message and no stack trace.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';

const parent = mkdtempSync(path.join(tmpdir(), 'tcplens-live-capture-'));
after(() => rmSync(parent, { recursive: true, force: true }));
const noTrace = (s: string): void => assert.doesNotMatch(s, /\bat .*:\d+:\d+/);

test('capture this host: /proc files, sysctls, tool outputs, manifest; the doctor reads it back', () => {
  const dir = path.join(parent, 'host');
  const r = runCli(['capture', dir]);
  assert.equal(r.status, 0, r.stderr);
  const names = readdirSync(dir);
  for (const f of ['manifest.json', 'proc-net-tcp', 'proc-net-snmp', 'proc-net-netstat', 'proc-net-sockstat', 'sysctl.txt']) assert.ok(names.includes(f), f);
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { netns: null; files: { name: string }[]; skipped: { from: string }[] };
  assert.equal(m.netns, null);
  // Every file on disk is listed in the manifest, with where it came from.
  assert.deepEqual(m.files.map((f) => f.name).sort(), names.filter((n) => n !== 'manifest.json').sort());
  assert.match(readFileSync(path.join(dir, 'sysctl.txt'), 'utf8'), /^net\.ipv4\.tcp_fin_timeout = \d+$/m);
  assert.match(r.stdout, new RegExp(`wrote ${names.length} files to `));

  const d = runCli(['doctor', '--input', dir, '--json']);
  if (/not implemented/.test(d.stderr)) return;
  assert.ok(d.status === 0 || d.status === 1, d.stderr);
  const report = JSON.parse(d.stdout) as { summary: { total: number } };
  assert.ok(report.summary.total >= 0);
});

test('capture --lang zh speaks Chinese; refusals exit 2 without a stack trace', () => {
  const dir = path.join(parent, 'zh');
  const r = runCli(['capture', dir, '--lang', 'zh']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /已写入 \d+ 个文件/);
  const again = runCli(['capture', dir, '--lang', 'zh']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /不是空目录/);
  noTrace(again.stderr);
  const file = path.join(parent, 'plain-file');
  writeFileSync(file, 'x');
  for (const args of [['capture'], ['capture', 'a', 'b'], ['capture', file], ['capture', path.join(parent, 'n'), '--netns', '../etc'], ['capture', path.join(parent, 'n'), '--bogus']]) {
    const bad = runCli(args);
    assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, /^tcplens capture: /);
    noTrace(bad.stderr);
  }
  assert.deepEqual(readdirSync(parent).includes('n'), false, 'nothing written for a refused --netns');
  const help = runCli(['capture', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /tcplens doctor --input DIR/);
});
