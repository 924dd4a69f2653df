import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastopenCookie, parseFastopenKey, siphash24, tryFastopen, type FastopenKey } from './fastopen.js';
import { TCPI_OPT } from './tcp-info.js';
import { Trace } from './testing/trace.js';

const KEY = parseFastopenKey('a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4') as FastopenKey;
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const bytes = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

test('SipHash-2-4 reference vector (64-byte key 00..0f, message 00..0e)', () => {
  const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
  assert.equal(siphash24(msg, 0x0706050403020100n, 0x0f0e0d0c0b0a0908n), 0xa129ca6149be45e5n);
});

test('__tcp_fastopen_cookie_gen_cipher: the cookies Linux gives packetdrill\'s addresses under the selftests\' key', () => {
  // ksft_runner.sh's TFO_COOKIE values: 192.0.2.1 → 192.168.0.1 and fd3d:fa7b:d17d::1 → fd3d:a0b:17d6::1.
  assert.equal(hex(fastopenCookie(KEY, Uint8Array.of(192, 0, 2, 1), Uint8Array.of(192, 168, 0, 1))), '3021b9d889017eeb');
  const v6 = (w: number[]): Uint8Array => Uint8Array.from([...w, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1].flatMap((x, i) => (i < 3 ? [x >> 8, x & 0xff] : [x])));
  assert.equal(hex(fastopenCookie(KEY, v6([0xfd3d, 0xfa7b, 0xd17d]), v6([0xfd3d, 0x0a0b, 0x17d6]))), 'c1d1e9742a47a9bc');
  assert.equal(parseFastopenKey('a1-b2'), undefined);
});

test('tcp_try_fastopen: a child for a valid cookie (with or without data), a cookie for a request or a bad one, nothing without a queue', () => {
  const valid = bytes('3021b9d889017eeb');
  const base = { sysctl: 0x70403, maxQlen: 1, qlen: 0, valid };
  assert.deepEqual(tryFastopen({ ...base, option: { cookie: valid, exp: false }, synData: true }), { child: true, counters: ['TCPFastOpenPassive'] });
  assert.equal(tryFastopen({ ...base, option: { cookie: valid, exp: true }, synData: false }).child, true);
  const req = tryFastopen({ ...base, option: { cookie: new Uint8Array(0), exp: true }, synData: true });
  assert.equal(req.child, false);
  assert.deepEqual(req.synAckCookie, { cookie: valid, exp: true });
  const bad = tryFastopen({ ...base, option: { cookie: bytes('aaaaaaaaaaaaaaaa'), exp: false }, synData: true });
  assert.equal(bad.child, false);
  assert.deepEqual(bad.counters, ['TCPFastOpenPassiveFail']);
  assert.equal(tryFastopen({ ...base, synData: true }).synAckCookie, undefined); // data, no option: plain SYN-ACK
  assert.equal(tryFastopen({ ...base, maxQlen: 0, option: { cookie: valid, exp: false }, synData: true }).child, false);
  assert.equal(tryFastopen({ ...base, sysctl: 0x1, option: { cookie: valid, exp: false }, synData: true }).child, false);
  assert.equal(tryFastopen({ ...base, sysctl: 0x202, synData: true }).child, true); // TFO_SERVER_COOKIE_NOT_REQD
  assert.deepEqual(tryFastopen({ ...base, qlen: 1, option: { cookie: valid, exp: false }, synData: true }).counters, ['TCPFastOpenListenOverflow']);
});

test('tcp_fastopen_create_child: the SYN-ACK acknowledges the SYN\'s data, readable and writable in SYN-RECEIVED', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.fastopen = { child: true };
  t.send(0, 'S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop>');
  t.recv(0, 'S. 0:0(0) ack 11 <mss 1460,nop,nop,sackOK>');
  t.expectState('SYN-RECEIVED');
  assert.equal(t.c.readableBytes(), 10);
  assert.equal(t.c.tcpInfo(0)['tcpi_options']! & TCPI_OPT.SYN_DATA, TCPI_OPT.SYN_DATA);
  assert.equal(t.c.send(new Uint8Array(100), 0), 100);
  t.drain();
  t.recv(0, 'P. 1:101(100) ack 11');
  t.send(0.01, '. 11:11(0) ack 101 win 257');
  t.expectState('ESTABLISHED');
  assert.equal(t.c.status().sndUna, t.c.status().sndNxt);
});

test('tcp_synack_options: the cookie follows the other options, padded to 32 bits; a retransmitted SYN-ACK has none', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.fastopen = { child: false, synAckCookie: { cookie: bytes('3021b9d889017eeb'), exp: false } };
  t.send(0, 'S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,FO>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,FO 3021b9d889017eeb,nop,nop>');
  t.recv(1, 'S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK>');
});
