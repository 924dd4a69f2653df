import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finWait2, timeWait } from './testing/fixtures.js';
import { seqDiff } from './seq.js';
import { LOCAL_ISN } from './testing/trace.js';

test('retransmitted FIN in TIME-WAIT → ACK again and the 60 s timer restarts (lost final ACK)', () => {
  const t = timeWait();
  t.send(0.34, 'F. 1:1(0) ack 2 win 257');
  t.recv(0.34, '. 2:2(0) ack 2');
  t.recvNothing(60.33);
  t.expectState('TIME-WAIT');
  t.advance(60.34);
  t.expectState('CLOSED');
});

test('bare in-window ACK in TIME-WAIT restarts the timer, sends nothing', () => {
  const t = timeWait();
  t.send(30, '. 2:2(0) ack 2 win 257');
  t.recvNothing(30);
  t.advance(89.99);
  t.expectState('TIME-WAIT');
  t.advance(90);
  t.expectState('CLOSED');
});

test('in-window RST ends TIME-WAIT when tcp_rfc1337=0 (time-wait-assassinated-by-rst.pkt)', () => {
  const t = timeWait();
  t.send(0.05, 'R 2:2(0) win 0');
  t.expectState('CLOSED');
  assert.deepEqual(t.c.history.at(-1), { from: 'TIME-WAIT', to: 'CLOSED', cause: 'rst-received' });
});

test('tcp_rfc1337=1: RST in TIME-WAIT is ignored', () => {
  const t = timeWait({ tcp_rfc1337: 1 });
  t.send(0.05, 'R 2:2(0) win 0');
  t.recvNothing(0.05);
  t.expectState('TIME-WAIT');
});

test('SYN with a higher sequence number in TIME-WAIT → new incarnation, ISN = SND.NXT + 65537', () => {
  const t = timeWait();
  t.send(0.14, 'S 1000:1000(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recvNothing(0.14);
  const ev = t.events.find((e) => e.type === 'new-incarnation');
  assert.ok(ev && ev.type === 'new-incarnation');
  assert.equal(seqDiff(ev.isn, LOCAL_ISN), 65539);
  t.expectState('CLOSED');
});

test('a wandering duplicate SYN from an old incarnation (lower seq) is answered with an ACK', () => {
  const t = timeWait();
  t.send(0.14, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recv(0.14, '. 2:2(0) ack 2');
  t.expectState('TIME-WAIT');
  assert.ok(!t.events.some((e) => e.type === 'new-incarnation'));
});

test('timer view in TIME-WAIT looks like ss -o timer:(timewait,...)', () => {
  const t = timeWait();
  t.advance(10.04);
  const v = t.c.timerView(t.now);
  assert.equal(v.kind, 'timewait');
  assert.equal(Math.round(v.remainingMs), 50000);
});

test('orphaned FIN-WAIT-2: an out-of-window RST is answered with an ACK, the orphan lives on (tcp_timewait_state_process → TCP_TW_ACK)', () => {
  const t = finWait2();
  t.send(0.05, 'R 0:0(0) win 0');
  t.recv(0.05, '. 2:2(0) ack 1');
  t.expectState('FIN-WAIT-2');
  t.send(0.06, 'R 1:1(0) win 0');
  t.expectState('CLOSED');
});
