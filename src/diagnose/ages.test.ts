import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgeTracker, idleBounds, timerAge } from './ages.js';
import { host, LINUX_DEFAULT_SYSCTLS, sock } from './snapshot-builder.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';

const T0 = 1_700_000_000_000;
const cw = (inode: number, port = 40000): SocketRecord => ({ ...sock('CLOSE-WAIT', '10.0.0.1:8080', `10.1.0.1:${port}`, { inode, pid: 9, name: 'svc' }), id: `inode:${inode}` });
const at = (takenAt: number, sockets: SocketRecord[], readMs = 0): HostSnapshot => ({ ...host({ takenAt, sysctls: LINUX_DEFAULT_SYSCTLS }, sockets), readDoneAt: takenAt + readMs });

test('seen at the first read: at least the time since, no upper bound', () => {
  const t = new AgeTracker();
  assert.deepEqual(t.observe(at(T0, [cw(1)])).sockets[0].ageRange, { atLeastMs: 0, basis: [] });
  const r = t.observe(at(T0 + 5000, [cw(1)], 100));
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 5100, basis: ['reads'] });
  assert.equal(r.sockets[0].ageMs, 5100);
  assert.equal(r.agesAt, T0 + 5100);
});

test('appeared between two reads: entered after the earlier read began, by the end of the read that lists it', () => {
  const t = new AgeTracker();
  t.observe(at(T0, [], 50));
  t.observe(at(T0 + 2000, [cw(1)], 50));
  const r = t.observe(at(T0 + 4000, [cw(1)], 50));
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 2000, atMostMs: 4050, basis: ['reads'], seenEntering: true });
  assert.deepEqual(r.flows, []);
});

test('a state change between reads restarts the interval and is a net flow', () => {
  const t = new AgeTracker();
  const est = { ...cw(1), state: 'ESTABLISHED' as const };
  t.observe(at(T0, [est, cw(2, 40001)]));
  const r = t.observe(at(T0 + 1000, [cw(1), { ...cw(3, 40002) }]));
  assert.deepEqual(r.sockets.map((k) => k.ageRange), [
    { atLeastMs: 0, atMostMs: 1000, basis: ['reads'], seenEntering: true },
    { atLeastMs: 0, atMostMs: 1000, basis: ['reads'], seenEntering: true },
  ]);
  assert.deepEqual(r.flows, [
    { from: 'ESTABLISHED', to: 'CLOSE-WAIT', count: 1 },
    { from: 'new', to: 'CLOSE-WAIT', count: 1 },
    { from: 'CLOSE-WAIT', to: 'gone', count: 1 },
  ]);
});

test('TIME-WAIT timer: 60 s − remaining, within the timer unit and the read', () => {
  const tw = sock('TIME-WAIT', '10.0.0.1:8080', '10.1.0.1:5000', { timer: { kind: 'timewait', remainingMs: 45_000, retransmits: 0 } });
  const r = new AgeTracker().observe(at(T0, [tw], 30));
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 14_980, atMostMs: 15_050, basis: ['timewait-timer'] });
});

test('a timer figure that contradicts the reads is dropped: the reads win', () => {
  const t = new AgeTracker();
  const tw = (rem: number): SocketRecord => ({ ...sock('TIME-WAIT', '10.0.0.1:8080', '10.1.0.1:5000', { timer: { kind: 'timewait', remainingMs: rem } }), id: 'cookie:1' });
  t.observe(at(T0, [tw(59_000)]));
  // Re-armed by a retransmitted FIN: the timer says 1 s old, the reads prove 20 s.
  const r = t.observe(at(T0 + 20_000, [tw(59_000)]));
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 20_000, basis: ['reads'] });
});

test('orphan FIN-WAIT-2 from tcp_fin_timeout; SYN-SENT from the retransmit schedule', () => {
  const fw2 = sock('FIN-WAIT-2', '10.0.0.1:5000', '10.1.0.1:80', { timer: { kind: 'timewait', remainingMs: 20_000 } });
  assert.deepEqual(timerAge(fw2, { 'net.ipv4.tcp_fin_timeout': '30' }), { ms: 10_000, basis: 'fin-wait-2-timer' });
  // Third SYN retransmit pending: 1 + 2 + 4 s spent, 8 s timer with 3 s left → 12 s.
  const syn = sock('SYN-SENT', '10.0.0.1:5000', '10.1.0.1:80', { timer: { kind: 'on', remainingMs: 3000, retransmits: 3 } });
  assert.deepEqual(timerAge(syn, {}), { ms: 12_000, basis: 'syn-timer' });
  assert.equal(timerAge({ ...syn, timer: { kind: 'on', remainingMs: 30_000, retransmits: 0 } }, {}), undefined);
});

test('LISTEN has no age', () => {
  const r = new AgeTracker().observe(at(T0, [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*')]));
  assert.equal(r.sockets[0].ageRange, undefined);
});

// tcp_info's idle times (netlink INET_DIAG_INFO, ss -i): lastsnd, lastrcv, lastack in ms.
const idle = (k: SocketRecord, lastsnd: number, lastrcv: number, lastack: number): SocketRecord => ({ ...k, extra: { lastsnd, lastrcv, lastack } });
const UP_10_DAYS = 10 * 86_400_000;

test('ESTABLISHED: every stamp moved in the state, so at least the oldest of the three', () => {
  const est = idle({ ...cw(1), state: 'ESTABLISHED' }, 1_800_000, 3_600_000, 1_200_000);
  const r = new AgeTracker().observe({ ...at(T0, [est], 40), uptimeMs: UP_10_DAYS });
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 3_599_980, basis: ['tcp-info'] });
  assert.equal(r.sockets[0].ageMs, 3_599_980);
});

test('CLOSE-WAIT: at most since the last data (none comes after the FIN), at least since the FIN\'s ACK', () => {
  const k = idle(cw(1), 5_000, 93_000, 90_000);
  const r = new AgeTracker().observe({ ...at(T0, [k], 40), uptimeMs: UP_10_DAYS });
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 89_980, atMostMs: 93_060, basis: ['tcp-info'] });
  // On a host up for more than 49.7 days the stamps may have wrapped: no upper bound from them.
  const long = new AgeTracker().observe({ ...at(T0, [k], 40), uptimeMs: 60 * 86_400_000 });
  assert.deepEqual(long.sockets[0].ageRange, { atLeastMs: 89_980, basis: ['tcp-info'] });
  const unknown = new AgeTracker().observe(at(T0, [k], 40));
  assert.equal(unknown.sockets[0].ageRange?.atMostMs, undefined, 'uptime unknown: no upper bound either');
});

test('tcp_info says nothing of other states, and a figure the reads contradict is dropped', () => {
  for (const state of ['FIN-WAIT-1', 'FIN-WAIT-2', 'LAST-ACK', 'CLOSING', 'SYN-SENT'] as const) {
    assert.equal(idleBounds(idle({ ...cw(1), state }, 1, 2, 3), UP_10_DAYS), undefined, state);
  }
  // Seen arriving 1 s ago, yet lastack claims 10 min in CLOSE-WAIT (an ACK that overtook the FIN, a restored socket): the reads win.
  const t = new AgeTracker();
  t.observe({ ...at(T0, []), uptimeMs: UP_10_DAYS });
  const r = t.observe({ ...at(T0 + 1000, [idle(cw(1), 1, 600_000, 600_000)]), uptimeMs: UP_10_DAYS });
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 0, atMostMs: 1000, basis: ['reads'], seenEntering: true });
});

test('a CLOSE-WAIT present at the first read with a tcp_info upper bound is not counted as seen entering', () => {
  const t = new AgeTracker();
  t.observe({ ...at(T0, [idle(cw(1), 1, 93_000, 90_000)]), uptimeMs: UP_10_DAYS });
  const r = t.observe({ ...at(T0 + 5000, [idle(cw(1), 1, 98_000, 95_000)]), uptimeMs: UP_10_DAYS });
  const a = r.sockets[0].ageRange;
  assert.ok(a?.atMostMs !== undefined && a.seenEntering === undefined, JSON.stringify(a));
  assert.deepEqual(a.basis, ['reads', 'tcp-info']);
});

// watch lists every state but ESTABLISHED between its full reads (src/node/watch-read.ts).
const LIGHT: ReadonlySet<TcpState> = new Set(TCP_STATES.filter((st) => st !== 'ESTABLISHED'));
const est = (inode: number): SocketRecord => ({ ...cw(inode), state: 'ESTABLISHED' });

test('a read without ESTABLISHED: its sockets are kept, neither seen nor gone, and a move out of it is still a flow', () => {
  const t = new AgeTracker();
  t.observe(at(T0, [est(1), est(2)]));
  const a = t.observe(at(T0 + 1000, [], 10), LIGHT);
  assert.deepEqual(a.flows, []);
  assert.equal(t.size, 2);
  const b = t.observe(at(T0 + 2000, [cw(1)], 10), LIGHT);
  assert.deepEqual(b.flows, [{ from: 'ESTABLISHED', to: 'CLOSE-WAIT', count: 1 }]);
  // Not in CLOSE-WAIT at the read before (which listed CLOSE-WAIT), in it by the end of this one.
  assert.deepEqual(b.sockets[0].ageRange, { atLeastMs: 0, atMostMs: 1010, basis: ['reads'], seenEntering: true });
  // The next full read: 2 closed and 3 opened some time since the last read that listed ESTABLISHED.
  const c = t.observe(at(T0 + 3000, [cw(1), est(3)], 10));
  assert.deepEqual(c.flows, [
    { from: 'new', to: 'ESTABLISHED', count: 1, sinceAt: T0 },
    { from: 'ESTABLISHED', to: 'gone', count: 1, sinceAt: T0 },
  ]);
  assert.deepEqual(c.sockets[0].ageRange, { atLeastMs: 1000, atMostMs: 2010, basis: ['reads'], seenEntering: true });
  assert.equal(t.size, 2);
});
