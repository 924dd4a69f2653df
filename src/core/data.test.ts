import { test } from 'node:test';
import assert from 'node:assert/strict';
import { established, establishedClient } from './testing/fixtures.js';
import { isSysError } from './errno.js';
import { Trace } from './testing/trace.js';

test('a write goes out as MSS-sized segments; IW10 limits the burst; each 2-segment GSO packet ends with PSH', () => {
  const t = established();
  t.advance(0.1);
  assert.equal(t.c.send(new Uint8Array(12000), t.now), 12000);
  t.drain();
  // tcp_tso_autosize at a 10 ms SRTT: 2-segment GSO packets, PSH on each (__tcp_transmit_skb).
  const expected = Array.from({ length: 10 }, (_, i) => `${i % 2 === 1 ? 'P.' : '.'} ${1 + i * 1000}:${1001 + i * 1000}(1000) ack 1`);
  t.recv(0.1, ...expected);
  t.send(0.11, '. 1:1(0) ack 10001 win 257');
  t.recv(0.11, '. 10001:11001(1000) ack 1', 'P. 11001:12001(1000) ack 1');
});

test('receive: bytes come back in order; EAGAIN when empty', () => {
  const t = established();
  assert.deepEqual(t.c.recv(10, t.now), { errno: 'EAGAIN' });
  t.send(0.02, 'P. 1:4(3) ack 1 win 257');
  const r = t.c.recv(10, t.now);
  assert.ok(!isSysError(r) && r.length === 3);
});

test('zero window: data waits, a window probe (seq SND.UNA-1) goes out, the window update releases it', () => {
  const t = establishedClient();
  t.send(0.02, '. 1:1(0) ack 1 win 0');
  t.advance(0.03);
  t.c.send(new Uint8Array(100), t.now);
  t.drain();
  t.recvNothing(0.03);
  assert.equal(t.c.timerView(t.now).kind, 'persist');
  t.recv(0.24, '. 0:0(0) ack 1');
  t.send(0.5, '. 1:1(0) ack 1 win 100');
  t.recv(0.5, 'P. 1:101(100) ack 1');
});

test('send before the handshake completes → EAGAIN; after SHUT_WR → EPIPE; after RST → ECONNRESET then EPIPE', () => {
  const t = established();
  t.send(0.02, 'R. 1:1(0) ack 1 win 257');
  assert.deepEqual(t.c.send(new Uint8Array(1), t.now), { errno: 'ECONNRESET' });
  assert.deepEqual(t.c.send(new Uint8Array(1), t.now), { errno: 'EPIPE' });
});

test('status() reads like TCP_INFO', () => {
  const t = established();
  const s = t.c.status();
  assert.equal(s.state, 'ESTABLISHED');
  assert.equal(s.advMss, 1460);
  assert.equal(s.sndMss, 1000);
  assert.equal(Math.round(s.srttMs ?? 0), 10);
  assert.equal(Math.round(s.rtoMs), 210);
});

test('receive window shrinks as unread data piles up and reopens when read', () => {
  const t = new Trace({}, { rcvbuf: 10000 });
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 win 8760 <mss 1460,nop,wscale 0>');
  t.send(0.01, '. 1:1(0) ack 1 win 257');
  t.send(0.02, 'P. 1:4001(4000) ack 1 win 257');
  const [ack] = t.recv(0.02, '. 1:1(0) ack 4001');
  assert.ok(ack.window < 8760);
  const r = t.c.recv(10000, t.now);
  assert.ok(!isSysError(r) && r.length === 4000);
});

test('three duplicate ACKs → fast retransmit of the first unacknowledged segment (RFC 5681 §3.2)', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(5000), t.now);
  t.drain();
  t.recv(0.1, '. 1:1001(1000) ack 1', 'P. 1001:2001(1000) ack 1', '. 2001:3001(1000) ack 1', 'P. 3001:4001(1000) ack 1', 'P. 4001:5001(1000) ack 1');
  t.send(0.11, '. 1:1(0) ack 1001 win 257');
  t.send(0.111, '. 1:1(0) ack 1001 win 257');
  t.send(0.112, '. 1:1(0) ack 1001 win 257');
  t.recvNothing(0.112);
  t.send(0.113, '. 1:1(0) ack 1001 win 257');
  t.recv(0.113, '. 1001:2001(1000) ack 1');
  t.send(0.12, '. 1:1(0) ack 5001 win 257');
  assert.equal(t.c.status().bytesAcked, 5000);
});

test('a quick reply makes the connection interactive: the next data is ACKed after 40 ms', () => {
  const t = established();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 101');
  t.advance(0.03);
  t.c.recv(100, t.now);
  t.c.send(new Uint8Array(50), t.now);
  t.drain();
  t.recv(0.03, 'P. 1:51(50) ack 101');
  t.send(0.1, 'P. 101:201(100) ack 51 win 257');
  t.recvNothing(0.1399);
  t.recv(0.14, '. 51:51(0) ack 201');
});

test('out-of-order data with SACK negotiated → duplicate ACKs carry SACK blocks, latest first (RFC 2018)', () => {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(0.01, '. 1:1(0) ack 1 win 257');
  t.send(0.02, 'P. 1001:2001(1000) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 1 <nop,nop,sack 1001:2001>');
  t.send(0.03, 'P. 3001:4001(1000) ack 1 win 257');
  t.recv(0.03, '. 1:1(0) ack 1 <nop,nop,sack 3001:4001 1001:2001>');
  t.send(0.04, 'P. 1:1001(1000) ack 1 win 257');
  t.recv(0.04, '. 1:1(0) ack 2001 <nop,nop,sack 3001:4001>');
});

test('SACK-aware recovery: holes are resent, SACKed segments are not (RFC 6675)', () => {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(0.01, '. 1:1(0) ack 1 win 257');
  t.advance(0.1);
  t.c.send(new Uint8Array(5000), t.now);
  t.drain();
  t.recv(0.1, '. 1:1001(1000) ack 1', 'P. 1001:2001(1000) ack 1', '. 2001:3001(1000) ack 1', 'P. 3001:4001(1000) ack 1', 'P. 4001:5001(1000) ack 1');
  // 1:1001 and 2001:3001 are lost.
  t.send(0.111, '. 1:1(0) ack 1 win 257 <nop,nop,sack 1001:2001>');
  t.send(0.112, '. 1:1(0) ack 1 win 257 <nop,nop,sack 1001:2001 3001:4001>');
  t.recvNothing(0.112);
  t.send(0.113, '. 1:1(0) ack 1 win 257 <nop,nop,sack 1001:2001 3001:5001>');
  t.recv(0.113, '. 1:1001(1000) ack 1');
  t.send(0.12, '. 1:1(0) ack 2001 win 257 <nop,nop,sack 3001:5001>');
  t.recv(0.12, '. 2001:3001(1000) ack 1');
  t.send(0.13, '. 1:1(0) ack 5001 win 257');
  t.recvNothing(0.13);
  assert.equal(t.c.status().bytesAcked, 5000);
});

test('Nagle (Minshall): a second small write waits for the ACK of the first; TCP_NODELAY sends at once', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(10), t.now);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recv(0.1, 'P. 1:11(10) ack 1');
  t.send(0.11, '. 1:1(0) ack 11 win 257');
  t.recv(0.11, 'P. 11:21(10) ack 1');
  const u = established({}, { nodelay: true });
  u.advance(0.1);
  u.c.send(new Uint8Array(10), u.now);
  u.c.send(new Uint8Array(10), u.now);
  u.drain();
  u.recv(0.1, 'P. 1:11(10) ack 1', 'P. 11:21(10) ack 1');
});
