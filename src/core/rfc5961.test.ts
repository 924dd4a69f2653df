import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeWait, established } from './testing/fixtures.js';
import { resetFor } from './reset.js';
import { rfcAcceptable, linuxSequenceCheck } from './acceptability.js';
import { seq } from './seq.js';
import { Trace } from './testing/trace.js';

test('RST with SEG.SEQ = RCV.NXT → CLOSED, ECONNRESET', () => {
  const t = established();
  t.send(0.02, 'R. 1:1(0) ack 1 win 257');
  t.recvNothing(0.02);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ECONNRESET']);
});

test('RST in CLOSE-WAIT → EPIPE (Linux tcp_reset)', () => {
  const t = closeWait();
  t.send(0.03, 'R. 2:2(0) ack 1 win 257');
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['EPIPE']);
});

test('RST inside the window but not at RCV.NXT → challenge ACK, connection stays (RFC 5961 §3.2)', () => {
  const t = established();
  t.send(0.02, 'R. 100:100(0) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 1');
  t.expectState('ESTABLISHED');
});

test('RST outside the window → dropped silently', () => {
  const t = established();
  t.send(0.02, 'R. 90000000:90000000(0) ack 1 win 257');
  t.recvNothing(0.02);
  t.expectState('ESTABLISHED');
});

test('SYN in ESTABLISHED → challenge ACK (RFC 5961 §4.2)', () => {
  const t = established();
  t.send(0.02, 'S 0:0(0) win 32792 <mss 1000>');
  t.recv(0.02, '. 1:1(0) ack 1');
  t.expectState('ESTABLISHED');
});

test('ACK beyond SND.NXT → challenge ACK, segment dropped (RFC 5961 §5.2, Linux 6.x)', () => {
  const t = established();
  t.send(0.02, 'P. 1:11(10) ack 500 win 257');
  t.recv(0.02, '. 1:1(0) ack 1');
  assert.equal(t.c.readableBytes(), 0);
});

test('challenge ACKs are rate-limited to one per tcp_invalid_ratelimit (500 ms)', () => {
  const t = established();
  t.send(0.02, 'S 0:0(0) win 32792');
  t.recv(0.02, '. 1:1(0) ack 1');
  t.send(0.03, 'S 0:0(0) win 32792');
  t.recvNothing(0.03);
  t.send(0.53, 'S 0:0(0) win 32792');
  t.recv(0.53, '. 1:1(0) ack 1');
});

test('segment without ACK in ESTABLISHED is dropped (validate-established-no-flags.pkt)', () => {
  const t = established();
  t.send(0.02, '- 1:11(10) win 257');
  t.recvNothing(0.02);
  assert.equal(t.c.readableBytes(), 0);
});

test('old duplicate data → immediate duplicate ACK', () => {
  const t = established();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 101');
  t.send(0.03, 'P. 1:101(100) ack 1 win 257');
  t.recv(0.03, '. 1:1(0) ack 101');
});

test('out-of-order data → immediate duplicate ACK, then the hole fills', () => {
  const t = established();
  t.send(0.02, 'P. 101:201(100) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 1');
  t.send(0.03, 'P. 1:101(100) ack 1 win 257');
  t.recv(0.03, '. 1:1(0) ack 201');
  assert.equal(t.c.readableBytes(), 200);
});

test('resetFor: ACK-bearing segment → R seq=SEG.ACK; otherwise R. ack=SEG.SEQ+LEN; never for RST', () => {
  const t = new Trace();
  const withAck = resetFor(t.inbound('. 1:1(0) ack 2 win 257'));
  assert.ok(withAck && withAck.flags.rst && !withAck.flags.ack);
  const syn = t.inbound('S 0:0(0) win 32792 <mss 1000>');
  const r = resetFor(syn);
  assert.ok(r && r.flags.rst && r.flags.ack && r.seq === 0);
  assert.equal(r.ack, (syn.seq + 1) >>> 0);
  assert.equal(r.dstPort, syn.srcPort);
  assert.equal(resetFor(t.inbound('R 0:0(0) win 0')), undefined);
});

test('RFC 9293 acceptability table and Linux tcp_sequence across the 2^32 wrap', () => {
  const nxt = seq(0xfffffff0);
  assert.equal(rfcAcceptable(nxt, 0, nxt, 0), true);
  assert.equal(rfcAcceptable(seq(0xfffffff1), 0, nxt, 0), false);
  assert.equal(rfcAcceptable(seq(5), 0, nxt, 100), true);
  assert.equal(rfcAcceptable(seq(5), 10, nxt, 0), false);
  assert.equal(rfcAcceptable(seq(0xffffffe0), 20, nxt, 100), true);
  assert.equal(rfcAcceptable(seq(200), 20, nxt, 100), false);
  assert.equal(linuxSequenceCheck(seq(0xffffffe0), seq(0xffffffe5), nxt, nxt, 100, true), 'old');
  assert.equal(linuxSequenceCheck(seq(50), seq(200), nxt, nxt, 100, true), 'ok');
  assert.equal(linuxSequenceCheck(seq(50), seq(200), nxt, nxt, 100, false), 'end-beyond-window');
  assert.equal(linuxSequenceCheck(seq(150), seq(200), nxt, nxt, 100, true), 'beyond-window');
});

test('PAWS (RFC 7323 §5): a segment with an older timestamp is dropped with a duplicate ACK', () => {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 20000 <mss 1000,sackOK,TS val 100 ecr 0>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 0 ecr 100>');
  t.send(0.1, '. 1:1(0) ack 1 win 20000 <nop,nop,TS val 200 ecr 0>');
  t.send(0.2, 'P. 1:101(100) ack 1 win 20000 <nop,nop,TS val 150 ecr 0>');
  t.recv(0.2, '. 1:1(0) ack 1 <nop,nop,TS val 200 ecr 200>');
  assert.equal(t.c.readableBytes(), 0);
});
