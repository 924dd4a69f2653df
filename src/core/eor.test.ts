import { test } from 'node:test';
import assert from 'node:assert/strict';
import { established } from './testing/fixtures.js';

// MSG_EOR as tcp_sendmsg_locked marks it (TCP_SKB_CB(skb)->eor) and tcp_skb_can_collapse_to /
// tcp_skb_can_collapse honour it: eor/no-coalesce-*.pkt in the packetdrill suite.

test('MSG_EOR: a later write starts a new skb, and no segment runs across the record end', () => {
  const t = established();
  t.advance(0.1);
  assert.equal(t.c.send(new Uint8Array(10400), t.now), 10400);
  assert.equal(t.c.send(new Uint8Array(400), t.now, { eor: true }), 400);
  assert.equal(t.c.send(new Uint8Array(2000), t.now), 2000);
  t.drain();
  t.recv(0.1, ...Array.from({ length: 10 }, (_, i) => `${i % 2 === 1 ? 'P.' : '.'} ${1 + i * 1000}:${1001 + i * 1000}(1000) ack 1`));
  t.send(0.11, '. 1:1(0) ack 10001 win 257');
  // The record 10001:10801 (the first write's tail and the EOR write) goes out alone, cut short of
  // the MSS, though more data follows and Nagle would otherwise wait.
  t.recv(0.11, 'P. 10001:10801(800) ack 1', '. 10801:11801(1000) ack 1', 'P. 11801:12801(1000) ack 1');
});

test('without MSG_EOR the same writes coalesce into MSS-sized segments', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(10400), t.now);
  t.c.send(new Uint8Array(400), t.now);
  t.c.send(new Uint8Array(1600), t.now);
  t.drain();
  t.recv(0.1, ...Array.from({ length: 10 }, (_, i) => `${i % 2 === 1 ? 'P.' : '.'} ${1 + i * 1000}:${1001 + i * 1000}(1000) ack 1`));
  t.send(0.11, '. 1:1(0) ack 10001 win 257');
  t.recv(0.11, '. 10001:11001(1000) ack 1', '. 11001:12001(1000) ack 1', 'P. 12001:12401(400) ack 1');
});

// TCP_CORK and MSG_MORE hold a short tail (TCP_NAGLE_CORK); TCP_NODELAY pushes it (TCP_NAGLE_PUSH),
// as nagle/sockopt_cork_nodelay.pkt and nagle/sendmsg_msg_more.pkt show on Linux.

test('TCP_CORK holds short writes until uncorked; the segment carries PSH from the last write', () => {
  const t = established();
  t.advance(0.1);
  t.c.setOption({ cork: true }, t.now);
  t.c.send(new Uint8Array(40), t.now);
  t.c.send(new Uint8Array(40), t.now);
  t.drain();
  t.recvNothing(0.15);
  t.c.setOption({ cork: false }, t.now);
  t.drain();
  t.recv(0.15, 'P. 1:81(80) ack 1');
});

test('MSG_MORE writes mark no PSH and wait; TCP_NODELAY pushes them out', () => {
  const t = established();
  t.advance(0.1);
  t.c.send(new Uint8Array(40), t.now, { more: true });
  t.c.send(new Uint8Array(40), t.now, { more: true });
  t.drain();
  t.recvNothing(0.15);
  t.c.setOption({ nodelay: true }, t.now);
  t.drain();
  t.recv(0.15, '. 1:81(80) ack 1');
});

test('a MSG_MORE tail with nothing in flight leaves on the probe0 timer, with PSH (tcp_write_wakeup)', () => {
  const t = established();
  t.advance(0.1);
  t.c.setOption({ nodelay: true }, t.now);
  t.c.send(new Uint8Array(40), t.now, { more: true });
  t.drain();
  assert.equal(t.c.timerView(t.now).kind, 'persist');
  t.recvNothing(0.2);
  t.recv(0.31, 'P. 1:41(40) ack 1');
});
