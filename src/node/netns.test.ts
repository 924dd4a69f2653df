import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNetnsName, enterArgv, netnsPidOf, splitGrepLines, splitMarked } from './netns.js';
import { SourceError } from './source-error.js';

test('namespace names are plain file names', () => {
  for (const ok of ['blue', 'tlt-123-1-ab', 'ns_1.x', 'pid:1', 'pid:4242']) assert.doesNotThrow(() => checkNetnsName(ok));
  for (const bad of ['', '.', '..', '../etc', 'a/b', 'a b', '-'.repeat(65), 'x;rm', 'pid:', 'pid:-1', 'pid:1x']) {
    assert.throws(() => checkNetnsName(bad), SourceError, bad);
  }
});

test('the output of the in-namespace read splits back into files, empty ones included', () => {
  const out = Buffer.from('\n@@tcplens-file@@ net/tcp\n  sl  local\n   0: x\n\n@@tcplens-file@@ sys/net/core/somaxconn\n4096\n\n@@tcplens-file@@ net/tcp6\n');
  const m = splitMarked(out);
  assert.deepEqual([...m.keys()], ['net/tcp', 'sys/net/core/somaxconn', 'net/tcp6']);
  assert.equal(m.get('net/tcp')?.toString(), '  sl  local\n   0: x\n');
  assert.equal(m.get('sys/net/core/somaxconn')?.toString(), '4096\n');
  assert.equal(m.get('net/tcp6')?.length, 0);
});

test('grep -H lines become files again; a value keeps its own colons and spaces', () => {
  const m = splitGrepLines('sys/net/ipv4/tcp_fin_timeout:60\nsys/net/ipv4/ip_local_port_range:32768\t60999\nsys/x/multi:a\nsys/x/multi:b:c\n\n');
  assert.equal(m.get('sys/net/ipv4/tcp_fin_timeout')?.toString(), '60\n');
  assert.equal(m.get('sys/net/ipv4/ip_local_port_range')?.toString(), '32768\t60999\n');
  assert.equal(m.get('sys/x/multi')?.toString(), 'a\nb:c\n');
  assert.equal(m.size, 3);
});

test('a namespace is entered with ip netns exec, a process\'s with nsenter', () => {
  assert.deepEqual(enterArgv('blue'), ['ip', 'netns', 'exec', 'blue']);
  assert.deepEqual(enterArgv('pid:4242'), ['nsenter', '-t', '4242', '-n', '--']);
  assert.equal(netnsPidOf('pid:4242'), 4242);
  assert.equal(netnsPidOf('blue'), undefined);
});
