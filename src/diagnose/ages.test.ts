import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgeTracker, timerAge } from './ages.js';
import { host, LINUX_DEFAULT_SYSCTLS, sock } from './snapshot-builder.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';

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
  assert.deepEqual(r.sockets[0].ageRange, { atLeastMs: 2000, atMostMs: 4050, basis: ['reads'] });
  assert.deepEqual(r.flows, []);
});

test('a state change between reads restarts the interval and is a net flow', () => {
  const t = new AgeTracker();
  const est = { ...cw(1), state: 'ESTABLISHED' as const };
  t.observe(at(T0, [est, cw(2, 40001)]));
  const r = t.observe(at(T0 + 1000, [cw(1), { ...cw(3, 40002) }]));
  assert.deepEqual(r.sockets.map((k) => k.ageRange), [
    { atLeastMs: 0, atMostMs: 1000, basis: ['reads'] },
    { atLeastMs: 0, atMostMs: 1000, basis: ['reads'] },
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
