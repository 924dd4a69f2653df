// sockstat, ss -s, sysctl and ps: the small formats of a capture folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSockstat } from './sockstat.js';
import { parseSsSummary } from './ss-summary.js';
import { parseSysctl } from './sysctl.js';
import { parsePs } from './ps.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('/proc/net/sockstat capture: the TCP line', () => {
  const p = parseSockstat('sockstat', fixture('linux/proc-net-sockstat.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockstat, { inuse: 18, orphan: 0, tw: 3, alloc: 22, mem: 96 });
  assert.equal(p.counters!['sockstat:sockets:used'], 29);
});

test('ss -s capture, and the pre-4.17 layout', () => {
  const p = parseSsSummary('ss-s', fixture('linux/ss-s.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockstat, { orphan: 0, tw: 3, alloc: 22 });
  assert.equal(p.counters!['Tcp:CurrEstab'], 12);
  const old = parseSsSummary('old', 'Total: 1090 (kernel 0)\nTCP:   3141 (estab 1200, closed 1900, orphaned 12, synrecv 0, timewait 1850/0), ports 0\n');
  assert.deepEqual(old.sockstat, { orphan: 12, tw: 1850, alloc: 1291 });
});

test('sysctl capture, /proc/sys dumps, and sysctl error lines', () => {
  const p = parseSysctl('sysctl', fixture('linux/sysctl-tcp.txt'));
  assert.deepEqual(p.problems, []);
  assert.equal(p.sysctls!['net.ipv4.tcp_fin_timeout'], '60');
  assert.equal(p.sysctls!['net.ipv4.ip_local_port_range'], '32768 60999');
  assert.equal(p.sysctls!['net.core.somaxconn'], '4096');
  const dump = parseSysctl('d', '/proc/sys/net/ipv4/tcp_tw_reuse:2\n/proc/sys/net/core/somaxconn:128\nsysctl: permission denied on key "net.ipv4.tcp_fastopen_key"\n');
  assert.deepEqual(dump.sysctls, { 'net.ipv4.tcp_tw_reuse': '2', 'net.core.somaxconn': '128' });
  assert.equal(dump.problems[0].line, 3);
});

test('ps -eo and ps aux captures: names for pids', () => {
  const eo = parsePs('eo', fixture('linux/ps-eo.txt'));
  assert.deepEqual(eo.problems, []);
  assert.deepEqual(eo.processes!.map((p) => [p.pid, p.name]), [[6559, 'node'], [6592, 'python3']]);
  assert.match(eo.processes![1].cmdline!, /^\/root\/.*python3 -c/);
  const aux = parsePs('aux', fixture('linux/ps-aux.txt'));
  assert.deepEqual(aux.problems, []);
  assert.deepEqual(aux.processes!.map((p) => [p.pid, p.name]), [[6559, 'node'], [6592, 'python3']]);
  const k = parsePs('k', '  PID CMD\n    2 [kthreadd]\n   77 /usr/sbin/sshd: root@pts/0\n');
  assert.deepEqual(k.processes!.map((p) => p.name), ['kthreadd', 'sshd']);
});

test('values Linux refuses or no tool prints are line errors, not facts', () => {
  const s = parseSysctl('s', 'net.ipv4.tcp_syn_retries = 1000000000\nnet.ipv4.tcp_fin_timeout = 60\nnet.ipv4.ip_local_port_range = 1024\t70000\n');
  assert.deepEqual(s.sysctls, { 'net.ipv4.tcp_fin_timeout': '60' });
  assert.deepEqual(s.problems.map((p) => p.line), [1, 3]);
  assert.match(s.problems[0].message, /Linux refuses this value \(outside 1\.\.127\)/);
  const ps = parsePs('p', '  PID COMMAND\n   -1 init\n 1e21 x\n  812 sshd\n');
  assert.deepEqual(ps.processes!.map((p) => p.pid), [812]);
  assert.deepEqual(ps.problems.map((p) => p.line), [2, 3]);
  const ss = parseSockstat('k', 'TCP: inuse -5 orphan 0 tw 3 alloc 7 mem 1\n');
  assert.deepEqual(ss.sockstat, { orphan: 0, tw: 3, alloc: 7, mem: 1 });
  assert.equal(ss.problems.length, 1);
});

test('ss -s: a Total of hundreds of digits is an error on its line, not Infinity', () => {
  const p = parseSsSummary('ss-s', `Total: ${'3'.repeat(400)}\nTCP:   25 (estab 12, closed 4, orphaned 0, timewait 3)\n`);
  assert.equal(p.counters!['ss:Total'], undefined);
  assert.deepEqual(p.problems.map((x) => x.line), [1]);
  assert.equal(p.counters!['ss:TCP:total'], 25);
});
