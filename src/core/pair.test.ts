import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pair, lcg } from './testing/pair.js';

function bytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

test('bulk data arrives intact and in order over a lossy, duplicating, reordering link; both sides end CLOSED', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = lcg(seed);
    const p = new Pair(r, { loss: 0.08, dup: 0.05, reorderMs: 15, delayMs: 10 });
    while (p.now < 20000 && (p.a.state !== 'ESTABLISHED' || p.b?.state !== 'ESTABLISHED')) p.run(p.now + 100);
    assert.equal(p.a.state, 'ESTABLISHED', `seed ${seed}: ${p.a.history.join('; ')}`);
    const up = bytes(60000 + seed * 997, r);
    const down = bytes(20000, r);
    let sentUp = 0;
    let sentDown = 0;
    for (let t = p.now; t < 120000 && (sentUp < up.length || sentDown < down.length); t += 50) {
      if (sentUp < up.length) { const n = p.a.send(up.subarray(sentUp), p.now); if (typeof n === 'number') sentUp += n; }
      if (p.b && sentDown < down.length) { const n = p.b.send(down.subarray(sentDown), p.now); if (typeof n === 'number') sentDown += n; }
      p.pump();
      p.run(t + 50);
    }
    for (let i = 0; i < 400 && (p.received.b.length < up.length || p.received.a.length < down.length); i++) p.run(p.now + 500);
    p.a.close(p.now);
    p.pump();
    p.run(p.now + 30000);
    p.b?.close(p.now);
    p.pump();
    p.run(p.now + 200000);
    assert.deepEqual(Uint8Array.from(p.received.b), up, `seed ${seed}: upstream bytes differ`);
    assert.deepEqual(Uint8Array.from(p.received.a), down, `seed ${seed}: downstream bytes differ`);
    assert.equal(p.a.state, 'CLOSED', `seed ${seed} A: ${p.a.history.join('; ')}`);
    assert.equal(p.b?.state, 'CLOSED', `seed ${seed} B: ${p.b?.history.join('; ')}`);
  }
});
