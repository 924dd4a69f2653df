import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheSet, cookieCheck, fastopenSynAck, synDataSpace, validCookie, type FastopenMetrics } from './fastopen-client.js';
import { TCPI_OPT } from './tcp-info.js';
import { Trace } from './testing/trace.js';

const bytes = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const COOKIE = bytes('abcd1234');
const cached = (over: Partial<FastopenMetrics> = {}): FastopenMetrics => ({ mss: 0, cookie: COOKIE, exp: false, tryExp: 0, synLoss: 0, ...over });
const counters = (t: Trace): string[] => t.events.flatMap((e) => (e.type === 'mib' ? [e.counter] : []));
const lessons = (t: Trace): unknown[] => t.events.flatMap((e) => (e.type === 'fastopen-learnt' ? [e.lesson] : []));

test('tcp_fastopen_cookie_check: data with a cached cookie or in cookie-less mode, else a cookie request', () => {
  assert.deepEqual(cookieCheck(0x1, undefined, 1460), { ok: false, option: { cookie: new Uint8Array(0), exp: false }, mss: 1460 });
  assert.deepEqual(cookieCheck(0x1, cached({ mss: 940 }), 1460), { ok: true, option: { cookie: COOKIE, exp: false }, mss: 940 });
  // TFO_CLIENT_NO_COOKIE (0x4): data, no option at all (cookie len -1).
  assert.deepEqual(cookieCheck(0x5, undefined, 1460).option, { cookie: undefined, exp: false });
  assert.equal(cookieCheck(0x5, undefined, 1460).ok, true);
  // try_exp 1: the request goes in the experimental option.
  assert.deepEqual(cookieCheck(0x1, cached({ cookie: undefined, tryExp: 1 }), 1460).option, { cookie: new Uint8Array(0), exp: true });
});

test('tcp_send_syn_data: the SYN takes the MSS less MAX_TCP_OPTION_SPACE, bounded by the cached MSS and TCP_MAXSEG', () => {
  assert.equal(synDataSpace(5000, 1460, 1460, undefined), 1420);
  assert.equal(synDataSpace(1900, 940, 1460, undefined), 900); // 940 - 40
  assert.equal(synDataSpace(1000, 1460, 1460, 1040), 1000);
  assert.equal(synDataSpace(2000, 1460, 1460, 1040), 1000); // TCP_MAXSEG 1040 - 40
  assert.equal(synDataSpace(300, 1460, 1460, undefined), 300);
});

test('tcp_parse_fastopen_option / tcp_fastopen_cache_set: cookies of 4..16 even bytes are kept; a missing one flips the option form once', () => {
  assert.equal(validCookie({ cookie: bytes('1122'), exp: false }), undefined);
  assert.equal(validCookie({ cookie: bytes('01234567aabbccdd0123456701234567afaf'), exp: false }), undefined);
  assert.ok(validCookie({ cookie: bytes('112233445566'), exp: false }));
  const asked = fastopenSynAck({ synFastopen: true, synFastopenExp: false, synData: false, dataLeft: false, retransmitted: false, mss: 1460, option: undefined });
  assert.equal(asked.lesson.tryExp, 1);
  const m = cacheSet(undefined, asked.lesson);
  assert.deepEqual(m, { mss: 1460, cookie: undefined, exp: false, tryExp: 1, synLoss: 0 });
  const back = fastopenSynAck({ synFastopen: true, synFastopenExp: true, synData: false, dataLeft: false, retransmitted: false, mss: 0, option: undefined });
  assert.equal(cacheSet(m, back.lesson).tryExp, 2);
  // An unsolicited cookie is not cached.
  const unsolicited = fastopenSynAck({ synFastopen: false, synFastopenExp: false, synData: true, dataLeft: false, retransmitted: false, mss: 1460, option: { cookie: COOKIE, exp: false } });
  assert.equal(cacheSet(undefined, unsolicited.lesson).cookie, undefined);
  assert.equal(unsolicited.counter, 'TCPFastOpenActive');
});

test('SYN-data fully acknowledged: ACK at once, TCPI_OPT_SYN_DATA, TCPFastOpenActive, the cookie learnt', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(1000) });
  t.recv(0, 'S 0:1000(1000) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO abcd1234,nop,nop>');
  t.send(0.01, 'S. 0:0(0) ack 1001 win 5840 <mss 940,nop,nop,sackOK,nop,wscale 6,FO 1234abcd5678dcba,nop,nop>');
  t.recv(0.01, '. 1001:1001(0) ack 1');
  t.expectState('ESTABLISHED');
  assert.equal(t.c.tcpInfo(t.now)['tcpi_options']! & TCPI_OPT.SYN_DATA, TCPI_OPT.SYN_DATA);
  assert.deepEqual(counters(t), ['TCPFastOpenActive']);
  assert.equal(t.c.tcpInfo(t.now)['tcpi_delivered'], 1, 'the SYN and its data count once');
  assert.deepEqual(lessons(t), [{ mss: 940, cookie: { cookie: bytes('1234abcd5678dcba'), exp: false }, synLost: false, tryExp: 0 }]);
  assert.equal(t.c.status().sndUna, t.c.status().sndNxt);
});

test('SYN-ACK acknowledges only the SYN: the data goes again at once and carries the ACK (TCPFastOpenActiveFail)', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(1000) });
  t.recv(0, 'S 0:1000(1000) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO abcd1234,nop,nop>');
  t.send(0.02, 'S. 0:0(0) ack 1 win 5840 <mss 1460,nop,nop,sackOK,nop,wscale 6>');
  t.recv(0.02, 'P. 1:1001(1000) ack 1');
  assert.equal(t.c.tcpInfo(t.now)['tcpi_options']! & TCPI_OPT.SYN_DATA, 0);
  assert.deepEqual(counters(t), ['TCPFastOpenActiveFail']);
  assert.equal(t.c.tcpInfo(t.now)['tcpi_delivered'], 1);
  t.send(0.04, '. 1:1(0) ack 1001 win 257');
  t.recv(0.04);
  assert.equal(t.c.tcpInfo(t.now)['tcpi_delivered'], 2);
});

test('a SYN-data that times out is retransmitted as a bare SYN, without data or cookie; the SYN-ACK then gets the data', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(500) });
  t.recv(0, 'S 0:500(500) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO abcd1234,nop,nop>');
  t.recv(1, 'S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 8>');
  t.send(1.1, 'S. 0:0(0) ack 1 win 5840 <mss 1460,nop,nop,sackOK,nop,wscale 6>');
  t.recv(1.1, 'P. 1:501(500) ack 1');
  // tcp_rcv_fastopen_synack: SYN timed out, no cookie, data unacknowledged: a lost SYN-data.
  assert.deepEqual(lessons(t), [{ mss: 1460, cookie: undefined, synLost: true, tryExp: 0 }]);
});

test('a blocking writer with data left (sk_write_pending): the SYN-ACK is not ACKed alone, the data carries the ACK', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(900), writePending: true });
  t.recv(0, 'S 0:900(900) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO abcd1234,nop,nop>');
  t.send(0.02, 'S. 0:0(0) ack 901 win 5840 <mss 1460,nop,nop,sackOK,nop,wscale 6>');
  t.recv(0.02);
  assert.equal(t.c.send(new Uint8Array(1000), t.now), 1000);
  t.drain();
  t.recv(0.02, 'P. 901:1901(1000) ack 1');
});

test('a cookie request: SYN with an empty option; data on the SYN-ACK is taken (tcp_fastopen_add_skb)', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: new Uint8Array(0), exp: false }, data: new Uint8Array(0) });
  t.recv(0, 'S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO,nop,nop>');
  t.send(0.01, 'S. 0:1400(1400) ack 1 win 5840 <mss 1040,nop,nop,sackOK,nop,wscale 6,FO abcd1234,nop,nop>');
  t.recv(0.01, '. 1:1(0) ack 1401');
  assert.equal(t.c.readableBytes(), 1400);
  assert.deepEqual(counters(t), []);
  assert.deepEqual(lessons(t), [{ mss: 1040, cookie: { cookie: COOKIE, exp: false }, synLost: false, tryExp: 0 }]);
});

test('a SYN-ACK with data and FIN: the data is readable and the FIN taken, ESTABLISHED → CLOSE-WAIT (tcp_fastopen_add_skb → tcp_fin)', () => {
  const t = new Trace({ tcp_timestamps: 0 });
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(1000) });
  t.recv(0, 'S 0:1000(1000) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO abcd1234,nop,nop>');
  t.send(0.01, 'SF. 0:1400(1400) ack 1001 win 5840 <mss 1040,nop,nop,sackOK,nop,wscale 6>');
  t.recv(0.01, '. 1001:1001(0) ack 1402');
  t.expectState('CLOSE-WAIT');
  assert.equal(t.c.readableBytes(), 1400);
});

test('SYN-SENT: a SYN-ACK echoing a timestamp we never sent gets an RST (PAWSACTIVEREJECTED), a valid one then connects', () => {
  const t = new Trace();
  t.connect(0, { option: { cookie: COOKIE, exp: false }, data: new Uint8Array(100) });
  t.recv(0, 'S 0:100(100) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8,FO abcd1234,nop,nop>');
  t.send(0.01, 'S. 0:0(0) ack 101 win 5840 <mss 1040,TS val 1000 ecr 9999,sackOK,nop,wscale 6>');
  t.recv(0.01, 'R 101:101(0)');
  t.expectState('SYN-SENT');
  t.send(0.02, 'S. 0:0(0) ack 101 win 5840 <mss 1040,TS val 1000 ecr 0,sackOK,nop,wscale 6>');
  t.expectState('ESTABLISHED');
});
