import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParseProblem } from '../model/snapshot.js';
import { parseCounterPairs, parseSockstat } from './proc-counters.js';

test('TcpExt pairs become TcpExt:Name counters', () => {
  const c = parseCounterPairs('TcpExt: ListenOverflows ListenDrops\nTcpExt: 3 4\n', 'netstat');
  assert.deepEqual(c, { 'TcpExt:ListenOverflows': 3, 'TcpExt:ListenDrops': 4 });
});

test('a values line cut short keeps what it has and reports the mismatch', () => {
  const problems: ParseProblem[] = [];
  const c = parseCounterPairs('Tcp: A B C\nTcp: 1 2\n', 'snmp', {}, problems);
  assert.deepEqual(c, { 'Tcp:A': 1, 'Tcp:B': 2 });
  assert.deepEqual(problems, [{ file: 'snmp', line: 2, message: 'Tcp: 3 names but 2 values' }]);
});

test('a value that is not a number is a problem, not NaN', () => {
  const problems: ParseProblem[] = [];
  const c = parseCounterPairs('Tcp: A B\nTcp: 1 x\n', 'snmp', {}, problems);
  assert.deepEqual(c, { 'Tcp:A': 1 });
  assert.match(problems[0].message, /Tcp:B: not a number 'x'/);
});

test('sockstat: the TCP line only, TCP6 and UDP ignored', () => {
  assert.deepEqual(parseSockstat('sockets: used 1\nTCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1\nUDP: inuse 9 mem 2\n'), { inuse: 4, orphan: 0, tw: 4, alloc: 17, mem: 1 });
  assert.equal(parseSockstat('TCP6: inuse 17\n'), undefined);
});
