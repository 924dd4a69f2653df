import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetstatS } from './netstat-s.js';

test('netstat -s: a counter longer than a u64 is an unread line, never Infinity', () => {
  const text = ['Tcp:', '    12 active connection openings', 'TcpExt:', `    TCPOrigDataSent: ${'9'.repeat(400)}`, `    ${'7'.repeat(400)} active connection openings`, '    TCPOrigDataSent: 42', ''].join('\n');
  const part = parseNetstatS('s.txt', text);
  for (const v of Object.values(part.counters!)) assert.ok(Number.isFinite(v), JSON.stringify(part.counters));
  assert.equal(part.counters!['TcpExt:TCPOrigDataSent'], 42);
  assert.ok(part.problems.length >= 1);
});
