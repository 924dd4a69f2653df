import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNstat, parseProcCounters, splitNstatName } from './proc-counters.js';
import { parseNetstatS } from './netstat-s.js';
import { parseSockstat } from './sockstat.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('/proc/net/netstat and /proc/net/snmp captures: name/value line pairs', () => {
  const ns = parseProcCounters('netstat', fixture('linux/proc-net-netstat.txt'));
  assert.deepEqual(ns.problems, []);
  assert.equal(ns.counters!['TcpExt:ListenOverflows'], 1);
  assert.equal(ns.counters!['TcpExt:ListenDrops'], 1);
  assert.equal(ns.counters!['TcpExt:TW'], 3);
  const snmp = parseProcCounters('snmp', fixture('linux/proc-net-snmp.txt'));
  assert.deepEqual(snmp.problems, []);
  assert.equal(snmp.counters!['Tcp:CurrEstab'], 12);
  assert.equal(snmp.counters!['Tcp:MaxConn'], -1);
});

test('a name line without its value line, and a count mismatch, are reported', () => {
  const p = parseProcCounters('x', 'TcpExt: A B C\nTcpExt: 1 2\nTcp: X Y\n');
  assert.deepEqual(p.counters, { 'TcpExt:A': 1, 'TcpExt:B': 2 });
  assert.deepEqual(p.problems.map((x) => x.line), [2, 3]);
});

test('nstat -az capture: glued prefixes are split back', () => {
  assert.equal(splitNstatName('TcpExtListenDrops'), 'TcpExt:ListenDrops');
  assert.equal(splitNstatName('TcpActiveOpens'), 'Tcp:ActiveOpens');
  assert.equal(splitNstatName('IcmpMsgInType3'), 'IcmpMsg:InType3');
  const p = parseNstat('nstat', fixture('linux/nstat-az.txt'));
  assert.deepEqual(p.problems, []);
  assert.equal(p.counters!['Tcp:ActiveOpens'], 12);
  assert.equal(p.counters!['Ip:InReceives'], 45);
});

test('netstat -s capture: the key counters from prose, the rest counted as unread', () => {
  const p = parseNetstatS('s', fixture('linux/netstat-s.txt'));
  assert.equal(p.counters!['TcpExt:ListenOverflows'], 1);
  assert.equal(p.counters!['TcpExt:ListenDrops'], 1);
  assert.equal(p.counters!['Tcp:ActiveOpens'], 12);
  assert.equal(p.counters!['TcpExt:TCPOrigDataSent'], 9);
  assert.equal(p.problems.length, 1);
  assert.match(p.problems[0].message, /sentences were not read/);
});

test('a value that is not a number is a problem, not NaN', () => {
  const p = parseProcCounters('snmp', 'Tcp: A B\nTcp: 1 x\n');
  assert.deepEqual(p.counters, { 'Tcp:A': 1 });
  assert.match(p.problems[0].message, /Tcp:B/);
});

test('sockstat: the snapshot\'s sockstat is the TCP line; a TCP6-only file has none', () => {
  assert.deepEqual(parseSockstat('s', 'sockets: used 1\nTCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1\nUDP: inuse 9 mem 2\n').sockstat, { inuse: 4, orphan: 0, tw: 4, alloc: 17, mem: 1 });
  assert.equal(parseSockstat('s', 'TCP6: inuse 17\n').sockstat, undefined);
});

test('negative counters are problems; Tcp MaxConn -1 is what Linux prints', () => {
  const p = parseProcCounters('s', 'Tcp: RtoAlgorithm MaxConn ActiveOpens\nTcp: 1 -1 -7\n');
  assert.deepEqual(p.counters, { 'Tcp:RtoAlgorithm': 1, 'Tcp:MaxConn': -1 });
  assert.equal(p.problems.length, 1);
  const n = parseNstat('n', '#kernel\nTcpExtListenDrops  -15  0.0\nTcpActiveOpens 3 0.0\n');
  assert.deepEqual(n.counters, { 'Tcp:ActiveOpens': 3 });
  assert.equal(n.problems[0].line, 2);
});
