import { test } from 'node:test';
import assert from 'node:assert/strict';
import { established, finWait1 } from './testing/fixtures.js';
import { dueTimers, emptyTimers, nextDeadline, TIMER_KINDS } from './timers.js';
import { modelTimeout } from './rto.js';
import { isSysError } from './errno.js';

test('timers fire in one stable order whatever order they were armed in', () => {
  const t = emptyTimers();
  t['time-wait'] = 5; t.keepalive = 5; t['delayed-ack'] = 5; t.retransmit = 4;
  assert.deepEqual(dueTimers(t, 5), ['delayed-ack', 'retransmit', 'keepalive', 'time-wait']);
  assert.equal(nextDeadline(t), 4);
  assert.equal(TIMER_KINDS.length, 7);
});

test('keepalive: probe seq=SND.UNA-1 after KEEPIDLE, every KEEPINTVL, RST + ETIMEDOUT after KEEPCNT (keepalive-detects-dead-peer.pkt)', () => {
  const t = established();
  t.c.setOption({ keepalive: true, keepidle: 2, keepintvl: 1, keepcnt: 2 }, t.now);
  t.recvNothing(2.0099);
  t.recv(2.01, '. 0:0(0) ack 1');
  t.send(2.02, '. 1:1(0) ack 1 win 257');
  t.recvNothing(4.0199);
  t.recv(4.02, '. 0:0(0) ack 1');
  t.recv(5.02, '. 0:0(0) ack 1');
  t.recv(6.02, 'R. 1:1(0) ack 1');
  t.expectState('CLOSED');
  assert.deepEqual(t.c.recv(100, t.now), { errno: 'ETIMEDOUT' });
  const again = t.c.recv(100, t.now);
  assert.ok(!isSysError(again) && again.length === 0);
});

test('keepalive: idle a hair short of KEEPIDLE in floating point still probes at the deadline, never re-arms for the same instant', () => {
  // The timer was armed from an earlier receive; a segment a microsecond later leaves
  // now - lastRecv a hair below keepidle when it fires. Re-arming for that hair would fire again
  // at the same instant for ever (a livelock once it is below the clock's resolution).
  const t = established();
  t.c.setOption({ keepalive: true, keepidle: 2, keepintvl: 1, keepcnt: 2 }, t.now);
  t.send(0.010001, '. 1:1(0) ack 1 win 257');
  t.recvNothing(2.0099);
  t.recv(2.01, '. 0:0(0) ack 1');
});

test('keepalive defaults 7200/75/9 find a dead peer after 2 h 11 min 15 s', () => {
  const t = established();
  t.c.setOption({ keepalive: true }, t.now);
  t.recvNothing(7200.0099);
  t.recv(7200.01, '. 0:0(0) ack 1');
  for (let i = 1; i < 9; i++) t.recv(7200.01 + 75 * i, '. 0:0(0) ack 1');
  t.recvNothing(7875.0099);
  t.recv(7875.01, 'R. 1:1(0) ack 1');
  assert.equal(7875, 2 * 3600 + 11 * 60 + 15);
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('tcp_retries2=15 from a 200 ms RTO takes 924.6 s (tcp_model_timeout)', () => {
  const t = established();
  assert.equal(modelTimeout({ config: t.config } as never, 15, 200), 924600);
});

test('established connection: data retransmitted with backoff, then ETIMEDOUT without RST', () => {
  const t = established({ tcp_retries2: 3 });
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recv(1, 'P. 1:11(10) ack 1');
  // No SACK, so no tail loss probe (tcp_schedule_loss_probe: tcp_is_sack): the RTO, 210 ms.
  t.recv(1.21, 'P. 1:11(10) ack 1');
  t.recv(1.63, 'P. 1:11(10) ack 1'); // backoff ×2
  t.recv(2.47, 'P. 1:11(10) ack 1');
  // tcp_retries2 = 3 at rto_min 200 ms: (2^4 - 1) · 200 ms = 3 s after the first transmission;
  // the RTO that finds it passed is the next one, at 2.47 + 1.68 s.
  t.recvNothing(4.15);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('TCP_USER_TIMEOUT ends an orphaned FIN-WAIT-1 silently (user_timeout.pkt shape)', () => {
  const t = established();
  t.advance(0.1);
  t.c.setOption({ userTimeoutMs: 3000 }, t.now);
  t.c.close(t.now);
  t.drain();
  t.recv(0.1, 'F. 1:1(0) ack 1');
  // RTOs only (no SACK, no loss probe), the last one clamped to the user timeout.
  t.recv(0.31, 'F. 1:1(0) ack 1');
  t.recv(0.73, 'F. 1:1(0) ack 1');
  t.recv(1.57, 'F. 1:1(0) ack 1');
  t.recvNothing(3.1);
  t.expectState('CLOSED');
});

test('tcp_orphan_retries=0 means 8 for an orphan that is still alive', () => {
  const t = finWait1();
  t.advance(300);
  t.expectState('CLOSED');
  assert.equal(t.c.history.at(-1)?.cause, 'orphan-retries');
});

test('quick ACKs at connection start, then the 40 ms delayed ACK', () => {
  const t = established();
  for (let i = 0; i < 16; i++) {
    const at = 0.02 + i * 0.001;
    t.send(at, `P. ${1 + i * 10}:${11 + i * 10}(10) ack 1 win 257`);
    t.recv(at, `. 1:1(0) ack ${11 + i * 10}`);
  }
  t.send(0.1, 'P. 161:171(10) ack 1 win 257');
  t.recvNothing(0.1399);
  t.recv(0.14, '. 1:1(0) ack 171');
});

test('keepalive cannot end CLOSE-WAIT: the live peer answers every probe', () => {
  const t = established();
  t.c.setOption({ keepalive: true, keepidle: 10, keepintvl: 1, keepcnt: 2 }, t.now);
  t.send(0.02, 'F. 1:1(0) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 2');
  for (let i = 0; i < 5; i++) {
    const at = 10.02 + i * 10.01;
    t.recv(at, '. 0:0(0) ack 2');
    t.send(at + 0.01, '. 2:2(0) ack 1 win 257');
  }
  t.expectState('CLOSE-WAIT');
});
