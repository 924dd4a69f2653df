// `tcplens packetdrill` end to end, through the real CLI: exit statuses, PASS/FAIL lines with the
// first mismatch, located parse errors, --json and --verbose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, SHARED } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

const FIX = path.join(ROOT, 'test/fixtures/packetdrill');
const fx = (p: string): string => path.join('test/fixtures/packetdrill', p);

test('a truncated script is a located parse error, exit 2', () => {
  const r = runCli(['packetdrill', fx('bad/truncated.pkt')]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.trim(), `ERROR ${fx('bad/truncated.pkt')}:3:57: expected a TCP option (nop, eol, mss N, wscale N, sackOK, TS val N ecr N, sack a:b, FO cookie, FOEXP cookie, md5 digest), found 'wsc'`);
  assert.equal(r.stderr, '');
});

test('a write no real run can make (99,999,999,999 bytes) is a located error, exit 2, not an engine exception', () => {
  const r = runCli(['packetdrill', fx('bad/huge-write.pkt')]);
  assert.equal(r.status, 2);
  assert.match(r.stdout, /huge-write\.pkt:3:18: write\(\) of 99999999999 bytes: one call moves at most 2147479552 bytes/);
  assert.doesNotMatch(r.stdout, /Invalid typed array length/);
});

test('binary garbage is a located parse error naming the byte, exit 2', () => {
  const r = runCli(['packetdrill', fx('bad/binary-garbage.pkt')]);
  assert.equal(r.status, 2);
  assert.match(r.stdout, /binary-garbage\.pkt:2:7: expected .* found byte 0x01/);
});

test('a path that does not exist, no path, a bad --ip_version: exit 2 with a message, no stack trace', () => {
  const missing = runCli(['packetdrill', 'no/such/dir']);
  assert.equal(missing.status, 2);
  assert.match(missing.stdout, /ERROR no\/such\/dir: no such file or folder/);
  const none = runCli(['packetdrill']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give at least one \.pkt file or folder/);
  const ipv = runCli(['packetdrill', '--ip_version=ipv5', FIX]);
  assert.equal(ipv.status, 2);
  assert.match(ipv.stderr, /--ip_version must be one of ipv4, ipv6, ipv4-mapped-ipv6, got 'ipv5'/);
  for (const r of [missing, none, ipv]) assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
});

test('a device or folder that is not a script is an error, never a hang', () => {
  const r = runCli(['packetdrill', '/dev/zero'], { timeoutMs: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stdout, /ERROR \/dev\/zero: not a regular file/);
});

test('--help', () => {
  const r = runCli(['packetdrill', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: tcplens packetdrill/);
});

test("--tolerance_usecs / --tolerance_percent set the slack as packetdrill's flags do; a script's own option lines win", () => {
  const early = fx('tolerance/one-ms-early.pkt');
  assert.equal(runCli(['packetdrill', early]).status, 0);
  const strict = runCli(['packetdrill', '--tolerance_usecs=0', '--tolerance_percent=0', early]);
  assert.equal(strict.status, 1, strict.stdout);
  assert.match(strict.stdout, /^FAIL .*one-ms-early\.pkt:\d+: /);
  // zero-tolerance.pkt says --tolerance_usecs=0 itself: a generous flag does not loosen it.
  assert.equal(runCli(['packetdrill', '--tolerance_usecs=5000', fx('runner-defects/zero-tolerance.pkt')]).status, 1);
  const bad = runCli(['packetdrill', '--tolerance_usecs=-3', early]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--tolerance_usecs needs a number of at least 0, got '-3'/);
});

test('a corpus script that Linux fails too is marked so under its FAIL line, from the suite record above it', () => {
  const script = path.join(SHARED, 'conformance/packetdrill/gtests/net/tcp/ts_recent/invalid_ack.pkt');
  const r = runCli(['packetdrill', script]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^FAIL /);
  assert.match(lines[1], /^ {2}Linux 6\.18 fails this script too: /);
  const json = JSON.parse(runCli(['packetdrill', '--json', script]).stdout) as Array<{ linux?: { pass: boolean; kernel: string } }>;
  assert.deepEqual({ pass: json[0].linux?.pass, kernel: json[0].linux?.kernel }, { pass: false, kernel: '6.18' });
  const zh = runCli(['packetdrill', '--lang', 'zh', script]).stdout;
  assert.match(zh, /Linux 6\.18 运行此脚本同样失败/);
});
