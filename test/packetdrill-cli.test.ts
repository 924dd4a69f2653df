// `tcplens packetdrill` end to end, through the real CLI: exit statuses, PASS/FAIL lines with the
// first mismatch, located parse errors, --json and --verbose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

const FIX = path.join(ROOT, 'test/fixtures/packetdrill');
const fx = (p: string): string => path.join('test/fixtures/packetdrill', p);

test('a truncated script is a located parse error, exit 2', () => {
  const r = runCli(['packetdrill', fx('bad/truncated.pkt')]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.trim(), `ERROR ${fx('bad/truncated.pkt')}:3:57: expected a TCP option (nop, eol, mss N, wscale N, sackOK, TS val N ecr N, sack a:b, FO cookie), found 'wsc'`);
  assert.equal(r.stderr, '');
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
