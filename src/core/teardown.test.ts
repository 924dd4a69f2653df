import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeWait, closing, established, establishedClient, finWait1, finWait2, lastAck, timeWait } from './testing/fixtures.js';
import { isSysError } from './errno.js';
import { Trace } from './testing/trace.js';

test('client path: ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT → CLOSED after 60 s', () => {
  const t = timeWait();
  assert.deepEqual(t.states, ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
  t.recvNothing(60.03);
  t.expectState('TIME-WAIT');
  t.recvNothing(60.04);
  t.expectState('CLOSED');
  assert.deepEqual(t.c.history.at(-1), { from: 'TIME-WAIT', to: 'CLOSED', cause: 'time-wait-timeout' });
});

test('server path: FIN in ESTABLISHED → CLOSE-WAIT; close → LAST-ACK; ACK → CLOSED', () => {
  const t = lastAck();
  t.send(0.04, '. 2:2(0) ack 2 win 257');
  t.recvNothing(0.04);
  t.expectState('CLOSED');
  assert.deepEqual(t.states, ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
});

test('FIN+ACK in FIN-WAIT-1 → TIME-WAIT directly (tcp_basic_client.pkt)', () => {
  const t = establishedClient();
  t.advance(0.02);
  assert.equal(t.c.send(new Uint8Array(1000), t.now), 1000);
  t.drain();
  t.recv(0.02, 'P. 1:1001(1000) ack 1');
  t.send(0.03, '. 1:1(0) ack 1001 win 257');
  t.c.close(t.now);
  t.drain();
  t.recv(0.03, 'F. 1001:1001(0) ack 1');
  t.send(0.04, 'F. 1:1(0) ack 1002 win 257');
  t.recv(0.04, '. 1002:1002(0) ack 2');
  t.expectState('TIME-WAIT');
  assert.deepEqual(t.states.slice(-3), ['FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
});

test('FIN in FIN-WAIT-1 (not acking ours) → CLOSING; ACK → TIME-WAIT (simultaneous-close-closing.pkt)', () => {
  const t = closing();
  t.send(0.04, '. 2:2(0) ack 2 win 257');
  t.recvNothing(0.04);
  t.expectState('TIME-WAIT');
  t.send(0.54, 'F. 1:1(0) ack 2 win 257');
  t.recv(0.54, '. 2:2(0) ack 2');
});

test('FIN after data in ESTABLISHED: ACK delayed 40 ms (tcp_basic_server.pkt)', () => {
  const t = established();
  t.send(0.02, 'P. 1:1001(1000) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 1001');
  const r = t.c.recv(1000, t.now);
  assert.equal(isSysError(r) ? -1 : r.length, 1000);
  t.send(0.03, 'F. 1001:1001(0) ack 1 win 257');
  t.recvNothing(0.0699);
  t.recv(0.07, '. 1:1(0) ack 1002');
  t.c.close(t.now);
  t.drain();
  t.recv(0.07, 'F. 1:1(0) ack 1002');
  t.send(0.08, '. 1002:1002(0) ack 2 win 257');
  t.expectState('CLOSED');
});

test('EOF only after all data; read() = 0 after FIN', () => {
  const t = established();
  t.send(0.02, 'FP. 1:101(100) ack 1 win 257');
  t.expectState('CLOSE-WAIT');
  const a = t.c.recv(1000, t.now);
  assert.ok(!isSysError(a) && a.length === 100);
  const b = t.c.recv(1000, t.now);
  assert.ok(!isSysError(b) && b.length === 0);
});

test('CLOSE-WAIT leak: without close() CLOSE-WAIT lasts for ever, no timer', () => {
  const t = closeWait();
  assert.equal(t.c.nextDeadline(), undefined);
  t.recvNothing(3600 * 24);
  t.expectState('CLOSE-WAIT');
  assert.equal(t.c.timerView(t.now).kind, 'off');
});

test('lost final ACK: LAST-ACK retransmits the FIN (RTO at 210 ms: no loss probe without SACK), then the ACK → CLOSED', () => {
  const t = lastAck();
  t.recvNothing(0.2399);
  t.recv(0.24, 'F. 1:1(0) ack 2');
  t.send(0.25, '. 2:2(0) ack 2 win 257');
  t.expectState('CLOSED');
});

test('LAST-ACK keeps retransmitting its FIN with backoff while the ACK is lost', () => {
  // Without SACK there is no tail loss probe (tcp_schedule_loss_probe: tcp_is_sack): RTOs only.
  const t = lastAck();
  t.recv(0.24, 'F. 1:1(0) ack 2');
  t.recvNothing(0.65);
  t.recv(0.66, 'F. 1:1(0) ack 2');
  t.recvNothing(1.49);
  t.recv(1.5, 'F. 1:1(0) ack 2');
});

test('close() with unread data → RST|ACK seq=SND.NXT, CLOSED (close-with-unread-data-rst.pkt)', () => {
  const t = established();
  t.send(0.02, 'P. 1:101(100) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 101');
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'R. 1:1(0) ack 101');
  t.expectState('CLOSED');
});

test('SO_LINGER {on, 0}: close() → RST|ACK, no TIME-WAIT (linger-zero-rst-no-time-wait.pkt)', () => {
  const t = established();
  t.c.setOption({ linger: { onoff: true, seconds: 0 } }, t.now);
  t.c.close(t.now);
  t.drain();
  t.recv(0.01, 'R. 1:1(0) ack 1');
  t.expectState('CLOSED');
  assert.ok(!t.states.includes('TIME-WAIT'));
});

test('SO_LINGER {on, 5}: close() still sends FIN (the host makes close wait)', () => {
  const t = established({}, { linger: { onoff: true, seconds: 5 } });
  t.c.close(t.now);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
});

test('orphaned FIN-WAIT-2 lives tcp_fin_timeout, duplicate ACKs absorbed (fin-wait-2-orphan-times-out.pkt)', () => {
  const t = finWait2({ tcp_fin_timeout: 3 });
  t.send(1.03, '. 1:1(0) ack 2 win 257');
  t.recvNothing(3.0299);
  t.expectState('FIN-WAIT-2');
  t.advance(3.03);
  t.expectState('CLOSED');
  assert.deepEqual(t.c.history.at(-1), { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'fin-wait-2-timeout' });
});

test('FIN-WAIT-2 after shutdown(SHUT_WR) has no timer and still takes data (fin-wait-2-half-closed-has-no-timer.pkt)', () => {
  const t = established({ tcp_fin_timeout: 1 });
  assert.equal(t.c.shutdown('SHUT_WR', t.now), 0);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
  t.send(0.02, '. 1:1(0) ack 2 win 257');
  t.expectState('FIN-WAIT-2');
  assert.equal(t.c.nextDeadline(), undefined);
  t.send(3.02, 'P. 1:11(10) ack 2 win 257');
  t.recv(3.02, '. 2:2(0) ack 11');
  const r = t.c.recv(100, t.now);
  assert.ok(!isSysError(r) && r.length === 10);
  assert.deepEqual(t.c.send(new Uint8Array(1), t.now), { errno: 'EPIPE' });
});

test('TCP_LINGER2 < 0: an orphan reaching FIN-WAIT-2 is reset at once', () => {
  const t = finWait1({}, { linger2: -1 });
  t.send(0.03, '. 1:1(0) ack 2 win 257');
  t.recv(0.03, 'R 2:2(0)');
  t.expectState('CLOSED');
});

test('TCP_LINGER2 = 5 overrides tcp_fin_timeout', () => {
  const t = finWait2({}, { linger2: 5 });
  t.advance(5.0299);
  t.expectState('FIN-WAIT-2');
  t.advance(5.03);
  t.expectState('CLOSED');
});

test('data for an orphan in FIN-WAIT-2 → RST, gone', () => {
  const t = finWait2();
  t.send(0.05, 'P. 1:11(10) ack 2 win 257');
  t.recv(0.05, 'R 2:2(0)');
  t.expectState('CLOSED');
});

test('old FIN (ack below SND.UNA) in FIN-WAIT-2 is still ACKed (tcp_disorder_fin_in_FIN_WAIT.pkt)', () => {
  const t = established();
  t.c.shutdown('SHUT_WR', t.now);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
  t.send(0.01, '. 2:2(0) ack 2 win 257');
  t.send(0.01, 'F. 1:1(0) ack 1 win 257');
  t.recv(0.01, '. 2:2(0) ack 2');
  t.expectState('TIME-WAIT');
});

test('FIN-WAIT-1 retransmits its FIN until acknowledged', () => {
  const t = finWait1();
  t.recv(0.23, 'F. 1:1(0) ack 1');
  t.send(0.25, '. 1:1(0) ack 2 win 257');
  t.expectState('FIN-WAIT-2');
});

test('shutdown(SHUT_RD): read() = 0 at once, incoming data still ACKed and readable (shutdown-rd-wr-close.pkt)', () => {
  const t = established();
  assert.equal(t.c.shutdown('SHUT_RD', t.now), 0);
  const a = t.c.recv(1000, t.now);
  assert.ok(!isSysError(a) && a.length === 0);
  t.send(0.02, '. 1:1001(1000) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 1001');
  const b = t.c.recv(1000, t.now);
  assert.ok(!isSysError(b) && b.length === 1000);
});

test('SHUT_RDWR: FIN at once, read() = 0, write() = EPIPE', () => {
  const t = established();
  assert.equal(t.c.shutdown('SHUT_RDWR', t.now), 0);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
  const r = t.c.recv(10, t.now);
  assert.ok(!isSysError(r) && r.length === 0);
  assert.deepEqual(t.c.send(new Uint8Array(10), t.now), { errno: 'EPIPE' });
});

test('close() in SYN-SENT sends nothing and closes (close-on-syn-sent.pkt)', () => {
  const t = new Trace();
  t.connect(0);
  t.recv(0, 'S 0:0(0)');
  t.advance(0.01);
  t.c.close(t.now);
  t.drain();
  t.recvNothing(5);
  t.expectState('CLOSED');
  t.send(5, 'S. 0:0(0) ack 1 win 5792 <mss 1460>');
  t.recv(5, 'R 1:1(0)');
});

test('tcp_fin_timeout 300 s: an orphaned FIN-WAIT-2 sits on the keepalive timer 240 s, then a 240 s minisocket (Linux)', () => {
  const t = finWait2({ tcp_fin_timeout: 300 });
  assert.equal(t.c.timerView(t.now).kind, 'keepalive');
  t.advance(240.04);
  t.expectState('FIN-WAIT-2');
  assert.equal(t.c.timerView(t.now).kind, 'timewait');
  t.advance(480.0299);
  t.expectState('FIN-WAIT-2');
  t.advance(480.03);
  t.expectState('CLOSED');
});

test('tcp_fin_timeout 120 s: 60 s + 60 s = 120 s', () => {
  const t = finWait2({ tcp_fin_timeout: 120 });
  t.advance(120.0299);
  t.expectState('FIN-WAIT-2');
  t.advance(120.03);
  t.expectState('CLOSED');
});
