// Loss recovery as Linux 6.x does it, as traces: RACK's reordering timer and marks
// (tcp_recovery.c), PRR's pacing of what Recovery sends (tcp_cwnd_reduction), CUBIC's ssthresh,
// the scoreboard counts TCP_INFO shows, and the loss probe that only SACK connections get.
// The shapes follow the upstream packetdrill scripts sack-shift-sacked-7-5-6-8-9-fack.pkt and
// prr-ss-10pkt-lost-1.pkt (peer SYN <mss 1000,sackOK,nop,nop,nop,wscale 7>).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from './testing/trace.js';
import { TCP_CA } from './tcp-info.js';

/** A SACK connection, server side, ESTABLISHED at `rtt` s (the handshake's RTT sample). */
function sackEstablished(rtt: number): Trace {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(rtt, '. 1:1(0) ack 1 win 320');
  t.expectState('ESTABLISHED');
  return t;
}

// At this RTT tcp_tso_autosize gives 2-segment packets, and __tcp_transmit_skb sets PSH on the
// last segment of each (and tcp_mark_push on the end of the write).
const burst = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${i % 2 === 1 || i === n - 1 ? 'P.' : '.'} ${from + i * 1000}:${from + 1000 + i * 1000}(1000) ack 1`);

test('RACK: one SACK above a hole waits min_rtt/4 + TCP_TIMEOUT_MIN, then marks the older segments lost and Recovery resends the first', () => {
  const t = sackEstablished(0.1);
  t.c.send(new Uint8Array(10000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 10));
  t.send(0.2, '. 1:1(0) ack 1 win 257 <sack 7001:8001,nop,nop>');
  // reo_wnd = min_rtt/4 = 25 ms (no reordering seen, one SACKed segment < dupthresh 3).
  t.recvNothing(0.226);
  t.recv(0.227, '. 1:1001(1000) ack 1');
  const info = t.c.tcpInfo(t.now);
  assert.deepEqual([info.tcpi_ca_state, info.tcpi_lost, info.tcpi_sacked, info.tcpi_retrans, info.tcpi_reordering],
    [TCP_CA.Recovery, 7, 1, 1, 3]);
  // CUBIC: ssthresh = 10 · 717/1024.
  assert.equal(info.tcpi_snd_ssthresh, 7);
  // Each further SACK delivers one segment and PRR lets one retransmission out.
  t.send(0.227, '. 1:1(0) ack 1 win 257 <sack 5001:6001 7001:8001,nop,nop>');
  t.recv(0.227, '. 1001:2001(1000) ack 1');
  assert.equal(t.c.tcpInfo(t.now).tcpi_lost, 6);
  // 7001:8001 then 5001:6001: 3 segments of reordering, not more than dupthresh.
  assert.equal(t.c.tcpInfo(t.now).tcpi_reordering, 3);
  t.send(0.327, '. 1:1(0) ack 10001 win 257');
  const done = t.c.tcpInfo(t.now);
  assert.deepEqual([done.tcpi_ca_state, done.tcpi_unacked, done.tcpi_sacked, done.tcpi_lost, done.tcpi_retrans, done.tcpi_snd_cwnd],
    [TCP_CA.Open, 0, 0, 0, 0, 7]);
});

test('a SACK below the highest one is reordering: tcpi_reordering grows to the distance in segments', () => {
  const t = sackEstablished(0.1);
  t.c.send(new Uint8Array(10000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 10));
  t.send(0.2, '. 1:1(0) ack 1 win 257 <sack 7001:8001,nop,nop>');
  t.recv(0.227, '. 1:1001(1000) ack 1');
  t.send(0.229, '. 1:1(0) ack 1 win 257 <sack 3001:4001 7001:8001,nop,nop>');
  t.recv(0.229, '. 1001:2001(1000) ack 1');
  assert.deepEqual([t.c.tcpInfo(t.now).tcpi_lost, t.c.tcpInfo(t.now).tcpi_reordering, t.c.tcpInfo(t.now).tcpi_reord_seen], [6, 5, 1]);
});

test('PRR: the third SACKed segment proves the loss at once (reo_wnd 0), cwnd follows the flight down to ssthresh, new data goes one per delivery', () => {
  const t = sackEstablished(0.1);
  t.c.send(new Uint8Array(10000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 10));
  t.send(0.21, '. 1:1(0) ack 1 win 320 <sack 1001:2001,nop,nop>');
  t.send(0.22, '. 1:1(0) ack 1 win 320 <sack 1001:3001,nop,nop>');
  assert.equal(t.c.tcpInfo(t.now).tcpi_ca_state, TCP_CA.Disorder);
  t.send(0.23, '. 1:1(0) ack 1 win 320 <sack 1001:4001,nop,nop>');
  t.recv(0.23, '. 1:1001(1000) ack 1');
  const info = t.c.tcpInfo(t.now);
  assert.deepEqual([info.tcpi_ca_state, info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh], [TCP_CA.Recovery, 7, 7]);
  t.c.send(new Uint8Array(7000), 0.25);
  t.drain();
  t.send(0.26, '. 1:1(0) ack 1 win 320 <sack 1001:5001,nop,nop>');
  // One segment at a time, none at the end of the write: no PSH (as prr-ss-10pkt-lost-1.pkt expects).
  t.recv(0.26, '. 10001:11001(1000) ack 1');
  t.send(0.27, '. 1:1(0) ack 1 win 320 <sack 1001:6001,nop,nop>');
  t.recv(0.27, '. 11001:12001(1000) ack 1');
});

test('loss probe only with SACK (tcp_schedule_loss_probe: tcp_is_sack): PTO = 2·SRTT + tcp_rto_min for one segment, capped by the RTO, then the RTO', () => {
  const t = sackEstablished(0.01);
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recv(1, 'P. 1:11(10) ack 1');
  t.recv(1.21, 'P. 1:11(10) ack 1'); // min(2·10 + 200 ms, RTO 210 ms)
  t.recv(1.42, 'P. 1:11(10) ack 1'); // the RTO
  t.recv(1.84, 'P. 1:11(10) ack 1'); // backoff ×2
});

test('Reno is selectable: ssthresh = cwnd / 2 on the loss (tcp_reno_ssthresh)', () => {
  const t = new Trace({ tcp_congestion_control: 'reno' });
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(0.1, '. 1:1(0) ack 1 win 320');
  t.c.send(new Uint8Array(10000), t.now);
  t.drain();
  t.recv(0.1, ...burst(1, 10));
  t.send(0.21, '. 1:1(0) ack 1 win 320 <sack 1001:4001,nop,nop>');
  t.recv(0.21, '. 1:1001(1000) ack 1');
  assert.equal(t.c.tcpInfo(t.now).tcpi_snd_ssthresh, 5);
});
