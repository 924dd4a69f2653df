// The SACK blocks we send, in Linux's order (tcp_sack_new_ofo_skb: the block the latest arrival
// extended or made goes first; tcp_sack_maybe_coalesce; D-SACK first, once), as a trace in the
// shape of the kernel selftest tcp_dsack_mult.pkt.
import { test } from 'node:test';
import { Trace } from './testing/trace.js';

test('SACK blocks most recent first, coalesced, and D-SACKs for data we already had', () => {
  const t = new Trace();
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(0.1, '. 1:1(0) ack 1 win 1024');
  t.send(0.1, 'P. 1001:2001(1000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 1 <nop,nop,sack 1001:2001>');
  t.send(0.1, 'P. 2001:3001(1000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 1 <nop,nop,sack 1001:3001>');
  t.send(0.1, 'P. 4001:5001(1000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 1 <nop,nop,sack 4001:5001 1001:3001>');
  t.send(0.1, 'P. 7001:8001(1000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 1 <nop,nop,sack 7001:8001 4001:5001 1001:3001>');
  // 1:6001 covers the held 1001:3001 (a D-SACK) and 4001:5001; only 7001:8001 still waits.
  t.send(0.1, 'P. 1:6001(6000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 6001 <nop,nop,sack 1001:3001 7001:8001>');
  t.send(0.1, 'P. 6001:8001(2000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 8001 <nop,nop,sack 7001:8001>');
  // An old retransmission: a D-SACK alone.
  t.send(0.1, 'P. 1:1001(1000) ack 1 win 1024');
  t.recv(0.1, '. 1:1(0) ack 8001 <nop,nop,sack 1:1001>');
});
