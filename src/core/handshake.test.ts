import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from './testing/trace.js';
import { stepText } from './transitions.js';
import { established, establishedClient, synReceived } from './testing/fixtures.js';

test('SYN carries Linux option layout with timestamps: mss, sackOK, TS, nop, wscale 8', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.expectState('SYN-SENT');
});

test('SYN without timestamps: mss, nop, nop, sackOK, nop, wscale; Linux default tcp_rmem gives wscale 7', () => {
  const t = new Trace({ tcp_timestamps: 0, tcp_rmem: [4096, 131072, 6291456] });
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 7>');
});

test('SYN-ACK echoes only what the SYN offered, in Linux order', () => {
  const cases: Array<[string, string]> = [
    ['<mss 1000,sackOK,nop,nop,nop,wscale 7>', '<mss 1460,nop,nop,sackOK,nop,wscale 8>'],
    ['<mss 1000,nop,wscale 7>', '<mss 1460,nop,wscale 8>'],
    ['<mss 1000,sackOK,TS val 100 ecr 0>', '<mss 1460,sackOK,TS val 0 ecr 100>'],
    ['<mss 1000>', '<mss 1460>'],
  ];
  for (const [syn, synAck] of cases) {
    const t = new Trace();
    t.send(0, `S 0:0(0) win 32792 ${syn}`);
    t.recv(0, `S. 0:0(0) ack 1 ${synAck}`);
  }
});

test('passive open: SYN → SYN-RECEIVED, ACK → ESTABLISHED; SYN-ACK window 65535 unscaled', () => {
  const t = synReceived();
  assert.deepEqual(t.states, ['LISTEN', 'SYN-RECEIVED']);
  t.send(0.01, '. 1:1(0) ack 1 win 257');
  assert.deepEqual(t.states, ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED']);
  assert.equal(t.c.status().sndWnd, 257 << 7);
});

test('SO_RCVBUF=20000 → SYN-ACK win 18980 and wscale 0 (tcp_rcv_neg_window.pkt)', () => {
  const t = new Trace({}, { rcvbuf: 20000 });
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 win 18980 <mss 1460,nop,wscale 0>');
});

test('active open: SYN-ACK → ESTABLISHED with an immediate ACK; no TS afterwards when the peer has none', () => {
  const t = establishedClient();
  assert.deepEqual(t.states, ['CLOSED', 'SYN-SENT', 'ESTABLISHED']);
  assert.equal(t.c.status().sndMss, 1460);
});

test('TCP_MAXSEG 1100 before connect → SYN mss 1100, snd_mss 1100, IW10 = 11000 bytes', () => {
  const t = new Trace({}, { maxseg: 1100 });
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1100,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.send(0.1, 'S. 0:0(0) ack 1 win 32792 <mss 1460,nop,wscale 7>');
  t.recv(0.1, '. 1:1(0) ack 1');
  assert.equal(t.c.status().advMss, 1100);
  assert.equal(t.c.status().sndMss, 1100);
  t.advance(0.2);
  assert.equal(t.c.send(new Uint8Array(12000), t.now), 12000);
  t.drain();
  // 2-segment GSO packets (tcp_tso_autosize at this SRTT), each ending with PSH (__tcp_transmit_skb).
  const segs = t.recv(0.2, ...Array.from({ length: 10 }, (_, i) => `${i % 2 === 1 ? 'P.' : '.'} ${1 + i * 1100}:${1 + (i + 1) * 1100}(1100) ack 1`));
  assert.equal(segs.length, 10);
});

test('RST|ACK in SYN-SENT → CLOSED with ECONNREFUSED', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.send(0.01, 'R. 0:0(0) ack 1 win 0');
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ECONNREFUSED']);
  assert.deepEqual(t.states, ['CLOSED', 'SYN-SENT', 'CLOSED']);
});

test('SYN-ACK with a bad ACK in SYN-SENT → RST seq=SEG.ACK, stay SYN-SENT', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.send(0.01, 'S. 0:0(0) ack 5000 win 65535 <mss 1460>');
  t.recv(0.01, 'R 5000:5000(0)');
  t.expectState('SYN-SENT');
});

test('simultaneous open: SYN in SYN-SENT → SYN-RECEIVED with SYN-ACK of our ISN; the peer SYN-ACK → ESTABLISHED, no extra ACK', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.send(0.01, 'S 0:0(0) win 65535 <mss 1460,nop,wscale 7>');
  t.recv(0.01, 'S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>');
  t.expectState('SYN-RECEIVED');
  t.send(0.02, 'S. 0:0(0) ack 1 win 257 <mss 1460,nop,wscale 7>');
  t.recvNothing(0.02);
  t.expectState('ESTABLISHED');
  assert.deepEqual(t.states, ['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
});

test('SYN retries with tcp_syn_linear_timeouts=0: 1, 2, 4 s then ETIMEDOUT (syn-retries-then-etimedout.pkt)', () => {
  const t = new Trace({ tcp_syn_retries: 2, tcp_syn_linear_timeouts: 0 });
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.recv(1, 'S 0:0(0)');
  t.recv(3, 'S 0:0(0)');
  t.recvNothing(6.99);
  t.expectState('SYN-SENT');
  t.recvNothing(7);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

// ip-sysctl.rst: "with tcp_syn_linear_timeouts = 4 we would expect SYN RTOs to be: 1, 1, 1, 1, 1, 2, 4, ..."
test('SYN retries with tcp_syn_linear_timeouts=4: RTOs 1, 1, 1, 1, 1, 2 s; ETIMEDOUT after syn_retries + 4', () => {
  const t = new Trace({ tcp_syn_retries: 3, tcp_syn_linear_timeouts: 4 });
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  for (const s of [1, 2, 3, 4, 5, 7, 11]) t.recv(s, 'S 0:0(0)');
  // 3 + 4 retransmissions: the 7th at 11 s, then its 8 s RTO runs out (the count; the time check,
  // tcp_model_timeout(3, 1 s) = 15 s, found 11 s at the run before).
  t.recvNothing(18.99);
  t.expectState('SYN-SENT');
  t.recvNothing(19);
  t.expectState('CLOSED');
});

test('fewer SYN retries than linear timeouts: the time check of retransmits_timed_out ends it first (tcp_model_timeout(1, 1 s) = 3 s)', () => {
  const t = new Trace({ tcp_syn_retries: 1, tcp_syn_linear_timeouts: 4 });
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  for (const s of [1, 2]) t.recv(s, 'S 0:0(0)');
  t.recvNothing(2.99);
  t.expectState('SYN-SENT');
  t.recvNothing(3);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('SYN-ACK retries 1, 2, 4, 8, 16 s then the half-open connection is dropped silently', () => {
  const t = synReceived();
  for (const s of [1, 3, 7, 15, 31]) t.recv(s, 'S. 0:0(0) ack 1');
  t.recvNothing(62.9);
  t.expectState('SYN-RECEIVED');
  t.recvNothing(63);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), []);
});

test('retransmitted SYN in SYN-RECEIVED → SYN-ACK again', () => {
  const t = synReceived();
  t.send(0.5, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recv(0.5, 'S. 0:0(0) ack 1');
});

test('ACK of something else in SYN-RECEIVED → RST seq=SEG.ACK', () => {
  const t = synReceived();
  t.send(0.01, '. 1:1(0) ack 77 win 257');
  t.recv(0.01, 'R 77:77(0)');
  t.expectState('SYN-RECEIVED');
});

test('timestamps: TSval is ms + offset, TSecr echoes the peer (fin_tsval.pkt shape)', () => {
  const t = new Trace();
  t.tsOffset = 100;
  t.send(0, 'S 0:0(0) win 20000 <mss 1000,sackOK,TS val 100 ecr 0>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 100>');
  t.send(0.1, '. 1:1(0) ack 1 win 20000 <nop,nop,TS val 200 ecr 100>');
  t.advance(1.1);
  t.c.close(t.now);
  t.drain();
  t.recv(1.1, 'F. 1:1(0) ack 1 <nop,nop,TS val 1200 ecr 200>');
  assert.equal(t.c.status().sndMss, 988);
});

test('established fixture records the state sequence', () => {
  const t = established();
  assert.deepEqual(t.c.history, [
    { from: 'LISTEN', to: 'SYN-RECEIVED', cause: 'syn-received' },
    { from: 'SYN-RECEIVED', to: 'ESTABLISHED', cause: 'ack-of-syn-ack' },
  ]);
  assert.deepEqual(t.c.history.map((s) => stepText(s)), ['LISTEN → SYN-RECEIVED (SYN received)', 'SYN-RECEIVED → ESTABLISHED (ACK of our SYN-ACK received)']);
});

test('TCP_USER_TIMEOUT bounds SYN retries: ETIMEDOUT once it has passed', () => {
  const t = new Trace({}, { userTimeoutMs: 2500 });
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.recv(1, 'S 0:0(0)');
  t.recv(2, 'S 0:0(0)');
  t.recvNothing(2.5);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('the third ACK may carry data and even a FIN: ESTABLISHED, then CLOSE-WAIT, ACKed 40 ms later', () => {
  const t = synReceived();
  t.send(0.01, 'FP. 1:11(10) ack 1 win 257');
  t.recvNothing(0.0499);
  t.recv(0.05, '. 1:1(0) ack 12'); // the FIN made it interactive: delayed ACK, as ioctl-siocinq-fin.pkt shows on Linux
  assert.deepEqual(t.states.slice(-2), ['ESTABLISHED', 'CLOSE-WAIT']);
  assert.equal(t.c.readableBytes(), 10);
});

test('RST in SYN-RECEIVED (in window) drops the half-open connection silently', () => {
  const t = synReceived();
  t.send(0.01, 'R 1:1(0) win 0');
  t.recvNothing(0.01);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), []);
});

test('Linux 6.x defaults (tcp_syn_retries 6, 4 linear timeouts): connect() fails after 131 s', () => {
  const t = new Trace({ tcp_syn_retries: 6, tcp_syn_linear_timeouts: 4 });
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  for (const s of [1, 2, 3, 4, 5, 7, 11, 19, 35, 67]) t.recv(s, 'S 0:0(0)');
  t.recvNothing(130.99);
  t.expectState('SYN-SENT');
  t.advance(131);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('SYN-SENT, a stale peer ACKs an old connection: RST, and the SYN goes again after TCP_TIMEOUT_MIN (s_synsent_badack.pkt)', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.send(0.01, '. 5000:5000(0) ack 777 win 257');
  t.recv(0.01, 'R 777:777(0)');
  // tcp_rcv_synsent_state_process: icsk_retransmits == 0 → retransmit timer re-armed to 2 jiffies.
  t.recv(0.012, 'S 0:0(0)');
  t.expectState('SYN-SENT');
  // That was retransmission 1 of the linear ones: the next waits the full 1 s.
  t.recvNothing(1.011);
  t.recv(1.012, 'S 0:0(0)');
});

test('SYN-SENT, a bad ACK after a SYN was already retransmitted: RST only, the timer keeps its time', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.recv(1, 'S 0:0(0)');
  t.send(1.5, '. 5000:5000(0) ack 777 win 257');
  t.recv(1.5, 'R 777:777(0)');
  t.recvNothing(1.99);
  t.recv(2, 'S 0:0(0)');
});

test('SYN-SENT, an RST|ACK with a bad ACK is dropped without an answer but still re-arms the SYN timer', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.send(0.01, 'R. 5000:5000(0) ack 777 win 0');
  t.recv(0.012, 'S 0:0(0)');
  t.expectState('SYN-SENT');
});
