// Congestion window rules as Linux applies them, as traces: limited transmit falls out of
// tcp_packets_in_flight() on the first duplicate ACKs, and cwnd grows only while it is what limits
// sending (tcp_is_cwnd_limited / tcp_cwnd_validate). TCP_INFO (tcp-info.ts) reads the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { established } from './testing/fixtures.js';
import { TCP_INFINITE_SSTHRESH, TCP_CA } from './tcp-info.js';

// At a 10 ms SRTT, tcp_tso_autosize gives 2-segment GSO packets (1 ms of pacing is under 2 MSS),
// and __tcp_transmit_skb puts PSH on each: every second segment, and the one that ends the write.
const burst = (from: number, n: number, pshLast: boolean): string[] =>
  Array.from({ length: n }, (_, i) => `${(i === n - 1 && pshLast) || i % 2 === 1 ? 'P.' : '.'} ${from + i * 1000}:${from + 1000 + i * 1000}(1000) ack 1`);

test('limited transmit (RFC 3042): each of the first two duplicate ACKs lets one new segment out; the third retransmits', () => {
  const t = established();
  t.advance(0.1);
  assert.equal(t.c.send(new Uint8Array(11000), t.now), 11000);
  t.drain();
  t.recv(0.1, ...burst(1, 10, true));
  // Without SACK each duplicate counts one segment out of flight (tcp_add_reno_sack).
  // (before the loss probe, due 2·SRTT after the burst)
  t.send(0.11, '. 1:1(0) ack 1 win 257');
  t.recv(0.11, 'P. 10001:11001(1000) ack 1');
  assert.equal(t.c.tcpInfo(t.now).tcpi_ca_state, TCP_CA.Disorder);
  t.send(0.111, '. 1:1(0) ack 1 win 257');
  t.recvNothing(0.111); // nothing new left to send
  t.send(0.112, '. 1:1(0) ack 1 win 257');
  t.recv(0.112, '. 1:1001(1000) ack 1');
  assert.equal(t.c.tcpInfo(t.now).tcpi_ca_state, TCP_CA.Recovery);
});

test('an application-limited sender does not grow cwnd past twice what it had in flight (tcp_is_cwnd_limited)', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(5000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 5, true));
  t.send(0.2, '. 1:1(0) ack 2001 win 257');
  t.send(0.2, '. 1:1(0) ack 4001 win 257');
  t.send(0.2, '. 1:1(0) ack 5001 win 257');
  const info = t.c.tcpInfo(t.now);
  assert.equal(info.tcpi_snd_cwnd, 10);
  assert.equal(info.tcpi_snd_ssthresh, TCP_INFINITE_SSTHRESH);
});

test('a cwnd-limited sender grows cwnd by one segment per segment acknowledged in slow start', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(10000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 10, true));
  t.send(0.2, '. 1:1(0) ack 10001 win 257');
  assert.equal(t.c.tcpInfo(t.now).tcpi_snd_cwnd, 20);
});
