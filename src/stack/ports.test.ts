import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortTable, type BindOwner } from './ports.js';
import { Rng } from '../core/random.js';

function owner(addr: string, port: number, o: Partial<{ reuseAddr: boolean; reusePort: boolean; listening: boolean; tw: boolean }> = {}): BindOwner {
  return {
    addr, port, reuseAddr: o.reuseAddr ?? false, reusePort: o.reusePort ?? false,
    isListening: () => o.listening ?? false, isTimeWait: () => o.tw ?? false,
  };
}

test('connect: 40000-40999 gives exactly 1,000 ports toward one destination, then EADDRNOTAVAIL', () => {
  const pt = new PortTable(new Rng(1));
  const used = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const r = pt.connectPort([40000, 40999], { lo: 7, hi: 99 }, (p) => (used.has(p) ? 'busy' : 'free'));
    assert.ok(r, `connection ${i + 1} got a port`);
    assert.ok(r.port >= 40000 && r.port <= 40999);
    assert.ok(!used.has(r.port));
    used.add(r.port);
    pt.add(owner('10.0.0.1', r.port), false);
  }
  assert.equal(pt.connectPort([40000, 40999], { lo: 7, hi: 99 }, (p) => (used.has(p) ? 'busy' : 'free')), undefined);
  // Another destination shares the same ports: only its own 4-tuples count.
  assert.ok(pt.connectPort([40000, 40999], { lo: 8, hi: 5 }, () => 'free'));
});

test('connect: a TIME-WAIT 4-tuple that tcp_tw_reuse may take is reused; a port someone bind()s is skipped', () => {
  const pt = new PortTable(new Rng(2));
  pt.add(owner('0.0.0.0', 40000, { listening: true }), true);
  pt.add(owner('10.0.0.1', 40001, { tw: true }), false);
  const r = pt.connectPort([40000, 40001], { lo: 1, hi: 0 }, (p) => (p === 40001 ? 'reuse-tw' : 'free'));
  assert.deepEqual(r, { port: 40001, reuseTw: true });
});

test('bind: same port conflicts unless both SO_REUSEADDR and the other is not listening, or both SO_REUSEPORT', () => {
  const pt = new PortTable(new Rng(3));
  const l = owner('0.0.0.0', 80, { listening: true, reuseAddr: true });
  pt.add(l, true);
  assert.equal(pt.bindConflict('10.0.0.1', 80, true, false), true, 'a listener on 0.0.0.0:80 blocks 10.0.0.1:80');
  assert.equal(pt.bindConflict('10.0.0.1', 81, false, false), false);
  pt.remove(l);
  pt.add(owner('0.0.0.0', 80, { tw: true, reuseAddr: true }), true);
  assert.equal(pt.bindConflict('0.0.0.0', 80, false, false), true, 'TIME-WAIT without SO_REUSEADDR: EADDRINUSE');
  assert.equal(pt.bindConflict('0.0.0.0', 80, true, false), false, 'restart with SO_REUSEADDR over TIME-WAIT');
  const pt2 = new PortTable(new Rng(4));
  pt2.add(owner('0.0.0.0', 443, { listening: true, reusePort: true }), true);
  assert.equal(pt2.bindConflict('0.0.0.0', 443, false, true), false, 'SO_REUSEPORT group');
  assert.equal(pt2.bindConflict('0.0.0.0', 443, true, false), true);
  assert.equal(pt2.bindConflict('::1', 443, false, false), false, '0.0.0.0 does not cover IPv6');
});

test('bind(port 0) finds a free port in the range', () => {
  const pt = new PortTable(new Rng(5));
  pt.add(owner('0.0.0.0', 50000), true);
  const p = pt.findOpenPort('0.0.0.0', false, false, [50000, 50001]);
  assert.equal(p, 50001);
  pt.add(owner('0.0.0.0', 50001), true);
  assert.equal(pt.findOpenPort('0.0.0.0', false, false, [50000, 50001]), undefined);
});
