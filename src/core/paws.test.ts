import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from './testing/trace.js';

/** Server with timestamps, ESTABLISHED at 10 ms; ts_recent = 1010 (the peer's TSval). */
function establishedTs(): Trace {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,TS val 1000 ecr 0,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 0 ecr 1000,nop,wscale 8>');
  t.send(0.01, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1010 ecr 0>');
  t.expectState('ESTABLISHED');
  return t;
}

/** The same connection closed by us and the peer: TIME-WAIT at 30 ms, ts_recent = 1020. */
function timeWaitTs(): Trace {
  const t = establishedTs();
  t.advance(0.01);
  t.c.close(t.now);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
  t.send(0.02, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1020 ecr 10>');
  t.recv(0.02, '. 2:2(0) ack 2 <nop,nop,TS val 20 ecr 1020>');
  t.expectState('TIME-WAIT');
  return t;
}

test('PAWS window of 1 (tcp_paws_check, TCP_PAWS_WINDOW): data one tick older than ts_recent is taken (s_paws1.pkt)', () => {
  const t = establishedTs();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257 <nop,nop,TS val 1020 ecr 0>');
  t.recv(0.02, '. 1:1(0) ack 101 <nop,nop,TS val 20 ecr 1020>');
  t.send(0.03, 'P. 101:201(100) ack 1 win 257 <nop,nop,TS val 1019 ecr 0>');
  // ts_recent does not move back (tcp_replace_ts_recent): the echo stays 1020.
  t.recv(0.03, '. 1:1(0) ack 201 <nop,nop,TS val 30 ecr 1020>');
  assert.equal(t.c.readableBytes(), 200);
});

test('PAWS: data two ticks older than ts_recent is dropped with a duplicate ACK', () => {
  const t = establishedTs();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257 <nop,nop,TS val 1020 ecr 0>');
  t.recv(0.02, '. 1:1(0) ack 101 <nop,nop,TS val 20 ecr 1020>');
  t.send(0.03, 'P. 101:201(100) ack 1 win 257 <nop,nop,TS val 1018 ecr 0>');
  t.recv(0.03, '. 1:1(0) ack 101 <nop,nop,TS val 30 ecr 1020>');
  assert.equal(t.c.readableBytes(), 100);
});

test('PAWS: a late pure duplicate ACK within an RTO of ts_recent passes silently (tcp_disordered_ack)', () => {
  const t = establishedTs();
  t.send(0.02, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1200 ecr 0>');
  t.recvNothing(0.02);
  // An earlier ACK overtaken on the way: the handshake's 10 ms RTT gives rto 210 ms, so 252 ticks
  // of replay window (rto·1200/HZ); without tcp_disordered_ack this would draw a duplicate ACK.
  t.send(0.03, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1010 ecr 0>');
  t.recvNothing(0.5);
});

test('PAWS: a stale pure ACK beyond the replay window draws a duplicate ACK', () => {
  const t = establishedTs();
  t.send(0.02, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 5000 ecr 0>');
  t.send(0.03, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1010 ecr 0>');
  t.recv(0.03, '. 1:1(0) ack 1 <nop,nop,TS val 30 ecr 5000>');
});

test('PAWS in TIME-WAIT: an RST with a stale TSval does not end it; the next FIN is ACKed (s_tw_rst_paws.pkt)', () => {
  const t = timeWaitTs();
  t.send(0.12, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>');
  t.recvNothing(0.12);
  t.expectState('TIME-WAIT');
  t.send(0.22, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1030 ecr 10>');
  // Out of window (seq 1 < RCV.NXT 2): ACKed, ts_recent untouched, so the echo is still 1020.
  t.recv(0.22, '. 2:2(0) ack 2 <nop,nop,TS val 220 ecr 1020>');
  t.expectState('TIME-WAIT');
});

test('PAWS in TIME-WAIT: an RST with a fresh TSval still assassinates it (tcp_rfc1337=0)', () => {
  const t = timeWaitTs();
  t.send(0.12, 'R 2:2(0) win 0 <nop,nop,TS val 1030 ecr 10>');
  t.expectState('CLOSED');
});

test('PAWS in TIME-WAIT: a stale RST is accepted once ts_recent is TCP_PAWS_MSL (60 s) old', () => {
  const t = timeWaitTs();
  // A retransmitted FIN restarts the 60 s timer without refreshing ts_recent (stored at 20 ms).
  t.send(30, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1030 ecr 10>');
  t.recv(30, '. 2:2(0) ack 2');
  t.send(60.01, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>');
  t.expectState('TIME-WAIT');
  t.send(60.03, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>');
  t.expectState('CLOSED');
});

test('PAWS: an old pure ACK (below RCV.NXT) with a stale TSval is dropped without a dupack (Linux 6.14+ PAWS_OLD_ACK)', () => {
  const t = establishedTs();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257 <nop,nop,TS val 5000 ecr 0>');
  t.recv(0.02, '. 1:1(0) ack 101 <nop,nop,TS val 20 ecr 5000>');
  t.send(0.03, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1010 ecr 0>');
  t.recvNothing(0.5);
});
