import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionPair, uniform } from './testing/connection-pair.js';
import { stepText } from './transitions.js';

function bytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

test('bulk data arrives intact and in order over a lossy, duplicating, reordering link; both sides end CLOSED', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = uniform(seed);
    const p = new ConnectionPair(r, { loss: 0.08, dup: 0.05, reorderMs: 15, delayMs: 10 });
    while (p.now < 20000 && (p.a.state !== 'ESTABLISHED' || p.b?.state !== 'ESTABLISHED')) p.run(p.now + 100);
    assert.equal(p.a.state, 'ESTABLISHED', `seed ${seed}: ${p.a.history.map((s) => stepText(s)).join('; ')}`);
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
    assert.equal(p.a.state, 'CLOSED', `seed ${seed} A: ${p.a.history.map((s) => stepText(s)).join('; ')}`);
    assert.equal(p.b?.state, 'CLOSED', `seed ${seed} B: ${p.b?.history.map((s) => stepText(s)).join('; ')}`);
  }
});

test('random close, shutdown, abort, linger and keepalive calls under loss: both ends always reach CLOSED (no livelock)', () => {
  const seeds = [...Array.from({ length: 40 }, (_, i) => i + 1), 244];
  for (const seed of seeds) {
    const r = uniform(seed * 7 + 3);
    const p = new ConnectionPair(r, { loss: r() * 0.3, dup: r() * 0.2, reorderMs: r() * 40, delayMs: 1 + r() * 50 });
    const acts = ['sendA', 'sendB', 'closeA', 'closeB', 'shutA', 'shutB', 'readA', 'readB', 'abortA', 'lingerB', 'keepA'];
    for (let i = 0; i < 30; i++) {
      const a = acts[Math.floor(r() * acts.length)];
      const c = a.endsWith('A') ? p.a : p.b;
      if (c) {
        if (a.startsWith('send')) c.send(new Uint8Array(Math.floor(r() * 5000)), p.now);
        else if (a.startsWith('close')) c.close(p.now);
        else if (a.startsWith('shut')) c.shutdown(r() < 0.5 ? 'SHUT_WR' : 'SHUT_RD', p.now);
        else if (a.startsWith('read')) c.recv(100000, p.now);
        else if (a.startsWith('abort') && r() < 0.2) c.abort(p.now);
        else if (a.startsWith('linger')) c.setOption({ linger: { onoff: true, seconds: 0 } }, p.now);
        else if (a.startsWith('keep')) c.setOption({ keepalive: true, keepidle: 5, keepintvl: 1, keepcnt: 3 }, p.now);
      }
      p.pump();
      p.run(p.now + r() * 300);
    }
    p.a.close(p.now);
    p.b?.close(p.now);
    p.pump();
    p.run(p.now + 2_000_000, 500000);
    assert.equal(p.a.state, 'CLOSED', `seed ${seed} A: ${p.a.history.map((s) => stepText(s)).join('; ')}`);
    if (p.b) assert.equal(p.b.state, 'CLOSED', `seed ${seed} B: ${p.b.history.map((s) => stepText(s)).join('; ')}`);
  }
});

test('the FIN-WAIT-2 / CLOSE-WAIT pair: A closes, B never does — A\'s orphan times out, B stays in CLOSE-WAIT', () => {
  const p = new ConnectionPair(uniform(1), { loss: 0, dup: 0, reorderMs: 0, delayMs: 10 });
  p.run(100);
  p.a.close(p.now);
  p.pump();
  p.run(200);
  assert.equal(p.a.state, 'FIN-WAIT-2');
  assert.equal(p.b?.state, 'CLOSE-WAIT');
  p.run(60_500);
  assert.equal(p.a.state, 'CLOSED');
  assert.equal(p.b?.state, 'CLOSE-WAIT');
  p.run(3_600_000);
  assert.equal(p.b?.state, 'CLOSE-WAIT');
  // When B finally closes, its FIN meets no connection: the peer host would answer with RST.
  p.b?.close(p.now);
  p.pump();
  assert.equal(p.b?.state, 'LAST-ACK');
});

test('lost final ACK on a lossless-but-for-one link: B retransmits its FIN, A re-ACKs from TIME-WAIT, B closes', () => {
  const p = new ConnectionPair(uniform(2), { loss: 0, dup: 0, reorderMs: 0, delayMs: 10 });
  p.run(100);
  p.a.close(p.now);
  p.pump();
  p.run(200);
  let dropped = 0;
  p.drop = (seg, to) => to === 'b' && seg.flags.ack && !seg.flags.fin && seg.payload.length === 0 && p.a.state === 'TIME-WAIT' && dropped++ === 0;
  p.b?.close(p.now);
  p.pump();
  p.run(250);
  assert.equal(dropped, 1);
  assert.equal(p.a.state, 'TIME-WAIT');
  assert.equal(p.b?.state, 'LAST-ACK');
  p.run(2_000);
  assert.equal(p.b?.state, 'CLOSED');
  assert.equal(p.a.state, 'TIME-WAIT');
  // TIME-WAIT began at ~0.21 s and was restarted by the retransmitted FIN at ~0.43 s.
  p.run(60_300);
  assert.equal(p.a.state, 'TIME-WAIT');
  p.run(61_000);
  assert.equal(p.a.state, 'CLOSED');
});
