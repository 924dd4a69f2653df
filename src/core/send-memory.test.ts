// The send buffer as Linux charges it: blocking-write.pkt (packetdrill gtests/net/tcp/blocking),
// checked against Linux's own trace of that script: SO_SNDBUF 21000 (42000 after doubling), peer
// MSS 1000, window 50000, tcp_min_tso_segs=10, one write of 61000 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from './testing/trace.js';
import { seqDiff } from './seq.js';
import type { Seq } from './seq.js';
import { SKB_TX_OVERHEAD } from './send-memory.js';

function blockingWrite(): Trace {
  const t = new Trace({ tcp_min_tso_segs: 10 });
  t.send(0.1, 'S 0:0(0) win 50000 <mss 1000,nop,wscale 0>');
  t.recv(0.1, 'S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>');
  t.send(0.2, '. 1:1(0) ack 1 win 50000');
  t.expectState('ESTABLISHED');
  t.c.setOption({ sndbuf: 21000 }, t.now);
  return t;
}

const sent = (t: Trace): number => seqDiff(t.c.status().sndNxt as Seq, t.localIsn) - 1; // data bytes sent (less the SYN)
const writes = (t: Trace): number => t.events.filter((e) => e.type === 'writable').length;

test('write(61000) with sk_sndbuf 42000: skbs of 25000 (half the window) take 60000, then EAGAIN', () => {
  const t = blockingWrite();
  // skb 1..25001 fills, goes out to cwnd (1..10001) and is cut; the rest grows to 10001..35001
  // (wmem 37560 < 42000), so one more skb 35001..60001 starts: 3 skbs, 60000 bytes, wmem 63840.
  assert.equal(t.c.send(new Uint8Array(61000), t.now), 60000);
  t.drain();
  assert.equal(sent(t), 10000);
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EAGAIN' });
  assert.equal(t.c.writableSpace(), 0);
});

test('blocked writer: ack 10001 and 30001 do not wake it, 35001 neither, 36001 does (free >= queued/2)', () => {
  const t = blockingWrite();
  t.c.send(new Uint8Array(61000), t.now);
  t.drain();
  const before = writes(t);
  t.send(0.3, '. 1:1(0) ack 10001 win 50000');          // cwnd 20: 10001..30001 out
  assert.equal(sent(t), 30000);
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EAGAIN' });
  t.send(0.4, '. 1:1(0) ack 30001 win 50000');          // all 60000 out, in skbs 5000,10000,10000,5000
  assert.equal(sent(t), 60000);
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EAGAIN' });
  t.send(0.45, '. 1:1(0) ack 35001 win 50000');         // wmem 25000 + 3 skbs = 28840 > 28000
  assert.equal(25000 + 3 * SKB_TX_OVERHEAD, 28840);
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EAGAIN' });
  assert.equal(writes(t), before + 3, 'each ACK of data still reports that space freed (the event is a hint)');
  assert.equal(t.c.writableSpace(), 0);
  t.send(0.5, '. 1:1(0) ack 36001 win 50000');          // wmem 27840: 14160 free >= 13920
  assert.ok(t.c.writableSpace() > 0);
  assert.equal(t.c.send(new Uint8Array(1000), t.now), 1000);
  t.drain();
  assert.equal(sent(t), 61000);
});

test('a small write on an empty buffer is one skb: writableSpace is the buffer less one overhead', () => {
  const t = blockingWrite();
  assert.equal(t.c.writableSpace(), 42000);
  assert.equal(t.c.send(new Uint8Array(100), t.now), 100);
  assert.equal(t.c.writableSpace(), 42000 - 100 - SKB_TX_OVERHEAD);
});

test('a blocked writer is not left waiting when the peer resets: the error, then EPIPE', () => {
  const t = blockingWrite();
  t.c.send(new Uint8Array(61000), t.now);
  t.drain();
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EAGAIN' });
  t.send(0.3, 'R. 1:1(0) ack 10001 win 50000');
  t.expectState('CLOSED');
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'ECONNRESET' });
  assert.deepEqual(t.c.send(new Uint8Array(1000), t.now), { errno: 'EPIPE' });
});
