// A transmit that fails locally: the device (a qdisc with `pfifo limit 0`) drops what we send, and
// the engine is told as Linux's tcp_transmit_skb is told (NET_XMIT_DROP). The data does not count
// as sent; with nothing in flight the probe0 timer retries it (tcp_check_probe_timer at
// max(RTO, 200 ms), then tcp_send_probe0 every TCP_RESOURCE_PROBE_INTERVAL = 500 ms, no backoff),
// and TCP_USER_TIMEOUT is measured from the first retry (icsk_probes_tstamp in tcp_probe_timer).
// The fixture's RTO is 210 ms (10 ms handshake RTT + 200 ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { established } from './testing/fixtures.js';
import type { Trace } from './testing/trace.js';
import type { Segment } from './segment.js';

const DROP_ALL = (): boolean => false;

function dropped(t: Trace): string[] {
  const out: string[] = [];
  for (let s: Segment | undefined = t.c.pollLocalDrop(); s; s = t.c.pollLocalDrop()) out.push(t.describe(s));
  return out;
}

test('a dropped write is not sent: SND.NXT stays, probe0 at RTO then every 500 ms, ETIMEDOUT at TCP_USER_TIMEOUT without RST (user-timeout-probe.pkt)', () => {
  const t = established({}, { userTimeoutMs: 1000 });
  t.c.setTransmitFilter(DROP_ALL);
  t.advance(1);
  assert.equal(t.c.send(new Uint8Array(10), t.now), 10);
  t.drain();
  t.recvNothing(1);
  assert.deepEqual(dropped(t), ['P. 1:11(10) ack 1 win 256']);
  const s = t.c.status();
  assert.equal(s.sndNxt, s.sndUna, 'the dropped data is not in flight');
  assert.deepEqual([t.c.timerView().next, t.c.timerView().nextAt], ['persist', 1210]);
  t.recvNothing(1.21); // probe0 fires: the data is tried again, dropped again; the episode's stamp is 1.21 s
  assert.deepEqual(dropped(t), ['P. 1:11(10) ack 1 win 256']);
  assert.deepEqual([t.c.status().probes, t.c.status().backoff, t.c.timerView().nextAt], [1, 0, 1710]);
  t.recvNothing(1.71);
  assert.deepEqual(dropped(t), ['P. 1:11(10) ack 1 win 256']);
  assert.deepEqual([t.c.status().probes, t.c.status().backoff, t.c.timerView().nextAt], [2, 0, 2210]);
  // 2.21 s: 1000 ms since the stamp — tcp_write_err: ETIMEDOUT, CLOSED, nothing sent (no RST).
  t.recvNothing(2.21);
  assert.deepEqual(dropped(t), []);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('a write while the retry is pending is dropped too and moves no timer', () => {
  const t = established({}, { userTimeoutMs: 1000 });
  t.c.setTransmitFilter(DROP_ALL);
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.advance(1.1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  assert.deepEqual(dropped(t), ['P. 1:11(10) ack 1 win 256', 'P. 1:21(20) ack 1 win 256']);
  assert.equal(t.c.timerView().nextAt, 1210);
});

test('the device takes packets again: the next retry sends the data, the probes reset, the RTO takes over', () => {
  const t = established({}, { userTimeoutMs: 3000 });
  t.c.setTransmitFilter(DROP_ALL);
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recvNothing(1.71);
  assert.equal(dropped(t).length, 3);
  assert.equal(t.c.status().probes, 2);
  t.c.setTransmitFilter(undefined); // `tc qdisc del dev tun0 root`: TCP is not woken; it waits for its timer
  t.recvNothing(2.2);
  t.recv(2.21, 'P. 1:11(10) ack 1');
  assert.deepEqual([t.c.status().probes, t.c.status().backoff], [0, 0]);
  assert.equal(t.c.timerView().kind !== 'persist', true);
  t.send(2.22, '. 1:1(0) ack 11 win 257');
  assert.equal(t.c.timerView().kind, 'off');
  t.expectState('ESTABLISHED');
});

test('without TCP_USER_TIMEOUT the retries stop after tcp_retries2 probes (tcp_probe_timer max_probes)', () => {
  const t = established({ tcp_retries2: 3 });
  t.c.setTransmitFilter(DROP_ALL);
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recvNothing(2.71); // retries at 1.21, 1.71, 2.21; the 2.71 run finds 3 probes out
  assert.equal(dropped(t).length, 4);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});

test('data in flight when the device starts dropping: the RTO retransmission fails locally, so it retries every 500 ms without backoff (tcp_retransmit_timer)', () => {
  const t = established({}, { userTimeoutMs: 1500 });
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  t.recv(1, 'P. 1:11(10) ack 1');
  t.c.setTransmitFilter(DROP_ALL);
  // No SACK, so no tail loss probe (tcp_schedule_loss_probe: tcp_is_sack): the RTO at 1.21 is dropped.
  t.recvNothing(1.21);
  assert.deepEqual(dropped(t), ['P. 1:11(10) ack 1 win 256']);
  assert.deepEqual([t.c.status().retransmits, t.c.status().backoff, t.c.timerView().nextAt], [1, 0, 1710]);
  t.recvNothing(1.71);
  assert.deepEqual([t.c.status().retransmits, t.c.status().backoff, t.c.timerView().nextAt], [2, 0, 2210]);
  // TCP_USER_TIMEOUT from the first transmission (retrans_stamp, 1.0 s): the 2.71 s run is past 2.5 s.
  t.recvNothing(2.71);
  t.expectState('CLOSED');
  assert.deepEqual(t.errors(), ['ETIMEDOUT']);
});
