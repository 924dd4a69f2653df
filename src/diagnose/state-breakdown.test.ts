import { test } from 'node:test';
import assert from 'node:assert/strict';
import { host, LINUX_DEFAULT_SYSCTLS, sock, times } from './snapshot-builder.js';
import { ephemeralUseByDestination, listenQueues, oldestAgeMsByState, stateCountsByPort, stateCountsByProcess } from './state-breakdown.js';

// A web server on 8080 leaking CLOSE-WAIT, a cache on 6379, a client spending ports toward a database.
const snap = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, [
  sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 10, name: 'web', recvQ: 3 }),
  ...times(5, (i) => sock('CLOSE-WAIT', '10.0.0.5:8080', `10.0.0.9:${41000 + i}`, { pid: 10, name: 'web' })),
  ...times(2, (i) => sock('TIME-WAIT', '10.0.0.5:8080', `10.0.0.9:${42000 + i}`, { timer: { kind: 'timewait', remainingMs: 50_000 + i * 1000 } })),
  sock('LISTEN', '127.0.0.1:6379', '0.0.0.0:*', { pid: 20, name: 'cache', sendQ: 511 }),
  sock('ESTABLISHED', '127.0.0.1:6379', '127.0.0.1:50000', { pid: 20, name: 'cache' }),
  ...times(3, (i) => sock('ESTABLISHED', `10.0.0.5:${33000 + i}`, '10.0.0.7:5432', { pid: 30, name: 'worker' })),
  sock('TIME-WAIT', '10.0.0.5:34000', '10.0.0.7:5432'),
  sock('ESTABLISHED', '127.0.0.1:50000', '127.0.0.1:6379', { pid: 30, name: 'worker' }),
  sock('ESTABLISHED', '10.0.0.5:1000', '10.0.0.8:22', { pid: 40, name: 'ssh' }),
]);

test('by listening port: the listener, its connections and their leftovers; the smaller port folded under --top 1', () => {
  const all = stateCountsByPort(snap, 20);
  assert.deepEqual(all.top.map((g) => [g.key, g.total]), [[8080, 8], [6379, 2]]);
  assert.equal(all.top[0].counts['CLOSE-WAIT'], 5);
  assert.equal(all.top[0].counts['TIME-WAIT'], 2);
  assert.equal(all.other, undefined);
  const one = stateCountsByPort(snap, 1);
  assert.deepEqual(one.top.map((g) => g.key), [8080]);
  assert.equal(one.other?.LISTEN, 1);
  assert.equal(one.other?.ESTABLISHED, 1);
  assert.deepEqual([one.foldedGroups, one.foldedSockets], [1, 2]);
});

test('by process: owners by pid, ownerless sockets in their own group, folding keeps the biggest', () => {
  const all = stateCountsByProcess(snap, 20);
  assert.deepEqual(all.top.map((g) => [g.key.comm, g.key.pid, g.total]), [['web', 10, 6], ['worker', 30, 4], ['', undefined, 3], ['cache', 20, 2], ['ssh', 40, 1]]);
  const two = stateCountsByProcess(snap, 2);
  assert.deepEqual([two.foldedGroups, two.foldedSockets], [3, 6]);
  assert.equal(two.other?.['TIME-WAIT'], 3);
});

test('ephemeral ports per destination count every state toward it, against ip_local_port_range', () => {
  const use = ephemeralUseByDestination(snap, 20);
  assert.deepEqual(use.range, { lo: 32768, hi: 60999, size: 28232, assumed: false });
  // 10.0.0.8:22 is reached from port 1000 (outside the range); 6379's peer port 50000 is in it.
  assert.deepEqual(use.top, [{ address: '10.0.0.7', port: 5432, used: 4 }, { address: '127.0.0.1', port: 6379, used: 1 }]);
  assert.deepEqual(ephemeralUseByDestination(snap, 1).foldedSockets, 1);
});

test('accept queues: queued from Recv-Q, the limit only where the source shows it', () => {
  assert.deepEqual(listenQueues(snap), [{ address: '0.0.0.0', port: 8080, queued: 3 }, { address: '127.0.0.1', port: 6379, queued: 0, limit: 511 }]);
});

test('oldest age per state: TIME-WAIT from its timer, nothing for states without an age', () => {
  assert.deepEqual(oldestAgeMsByState(snap), { 'TIME-WAIT': 10_000 });
});
