// sock-diag.c's checks of what the kernel sends, fed hand-made datagrams (the layout of
// include/uapi/linux/netlink.h and inet_diag.h): records, NLMSG_DONE with and without an error,
// NLMSG_ERROR, stale sequence numbers, short records and bytes that are not a whole message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecords, nativeBindingForTest } from './sock-diag.js';

const NLMSG_ERROR = 2, NLMSG_DONE = 3, SOCK_DIAG_BY_FAMILY = 20;
const EPERM = 1, EINTR = 4, EBADMSG = 74;
const SEQ = 7;

const b = nativeBindingForTest();
const skip = b ? undefined : 'the native addon is not built (node scripts/build-native.mjs)';

/** One netlink message: nlmsghdr (len, type, flags, seq, pid) + payload, padded to 4 bytes. */
function msg(type: number, payload: Uint8Array, opts: { seq?: number; len?: number } = {}): Uint8Array {
  const total = 16 + payload.length;
  const out = new Uint8Array((total + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint32(0, opts.len ?? total, true);
  v.setUint16(4, type, true);
  v.setUint16(6, 2 /* NLM_F_MULTI */, true);
  v.setUint32(8, opts.seq ?? SEQ, true);
  v.setUint32(12, 0, true);
  out.set(payload, 16);
  return out;
}

/** struct inet_diag_msg (72 bytes): ports and addresses in network order, the rest host order. */
function diag(f: { family: 2 | 10; state: number; sport: number; dport: number; src: number[]; dst: number[]; timer?: number; retrans?: number; expires?: number; rq?: number; wq?: number; uid?: number; inode?: number; cookie?: [number, number] }): Uint8Array {
  const out = new Uint8Array(72);
  const v = new DataView(out.buffer);
  out[0] = f.family; out[1] = f.state; out[2] = f.timer ?? 0; out[3] = f.retrans ?? 0;
  v.setUint16(4, f.sport, false); v.setUint16(6, f.dport, false);
  out.set(f.src, 8); out.set(f.dst, 24);
  // idiag_if (40) stays 0; idiag_cookie[0], [1] (44, 48: low and high words); then expires, rqueue, wqueue, uid, inode.
  v.setUint32(44, f.cookie?.[0] ?? 0, true); v.setUint32(48, f.cookie?.[1] ?? 0, true);
  v.setUint32(52, f.expires ?? 0, true); v.setUint32(56, f.rq ?? 0, true); v.setUint32(60, f.wq ?? 0, true);
  v.setUint32(64, f.uid ?? 0, true); v.setUint32(68, f.inode ?? 0, true);
  return out;
}

function int32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n, true);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const est = diag({ family: 2, state: 1, sport: 8080, dport: 56322, src: [127, 0, 0, 1], dst: [10, 1, 2, 3], timer: 1, retrans: 2, expires: 412, rq: 5, wq: 1448, uid: 1000, cookie: [0xdeadbeef, 0x12] });
const listen6 = diag({ family: 10, state: 10, sport: 443, dport: 0, src: [...Array(15).fill(0), 1], dst: Array(16).fill(0), rq: 3, wq: 4096 });

test('records then NLMSG_DONE: the dump is complete', { skip }, () => {
  const r = b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, est), msg(SOCK_DIAG_BY_FAMILY, listen6), msg(NLMSG_DONE, int32(0))), SEQ);
  assert.equal(r?.status, 1);
  assert.equal(r?.counts[1], 1);
  assert.equal(r?.counts[10], 1);
  const recs = decodeRecords(r?.records ?? new ArrayBuffer(0));
  assert.deepEqual(recs.map((s) => [s.id, s.state, s.family, `${s.localAddress}:${s.localPort}`, `${s.remoteAddress}:${s.remotePort}`, s.recvQ, s.sendQ, s.uid, s.timer]), [
    ['cookie:00000012deadbeef', 'ESTABLISHED', 'ipv4', '127.0.0.1:8080', '10.1.2.3:56322', 5, 1448, 1000, { kind: 'on', remainingMs: 412, retransmits: 2 }],
    ['cookie:0000000000000000', 'LISTEN', 'ipv6', '::1:443', ':::0', 3, 4096, 0, { kind: 'off', remainingMs: 0, retransmits: 0 }],
  ]);
});

/** A netlink attribute: rta_len, rta_type, payload padded to 4 bytes. */
function rta(type: number, payload: Uint8Array, len = 4 + payload.length): Uint8Array {
  const out = new Uint8Array((4 + payload.length + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, len, true); v.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

/** struct tcp_info up to tcpi_last_ack_recv (60 bytes): last_data_sent at 44, last_data_recv 52, last_ack_recv 56. */
function tcpInfo(snd: number, rcv: number, ack: number, size = 104): Uint8Array {
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out[0] = 8; // tcpi_state: CLOSE-WAIT
  if (size >= 60) { v.setUint32(44, snd, true); v.setUint32(48, 7, true); v.setUint32(52, rcv, true); v.setUint32(56, ack, true); }
  return out;
}

const INET_DIAG_MEMINFO = 1, INET_DIAG_INFO = 2;
const cw = diag({ family: 2, state: 8, sport: 8080, dport: 40000, src: [10, 0, 0, 1], dst: [10, 0, 0, 2], rq: 0, wq: 0, uid: 0, cookie: [9, 0] });

test('INET_DIAG_INFO: tcp_info\'s idle times become ss -i\'s lastsnd/lastrcv/lastack; other attributes are passed over', { skip }, () => {
  const r = b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, cat(cw, rta(INET_DIAG_MEMINFO, new Uint8Array(16)), rta(INET_DIAG_INFO, tcpInfo(1500, 93_000, 1200)))), msg(NLMSG_DONE, int32(0))), SEQ);
  assert.equal(r?.status, 1);
  const [k] = decodeRecords(r?.records ?? new ArrayBuffer(0));
  assert.deepEqual(k.extra, { lastsnd: 1500, lastrcv: 93_000, lastack: 1200 });
});

test('INET_DIAG_INFO too short for the idle times, or a malformed attribute: no idle times, the record kept', { skip }, () => {
  const short = b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, cat(cw, rta(INET_DIAG_INFO, tcpInfo(1, 2, 3, 56)))), msg(NLMSG_DONE, int32(0))), SEQ);
  assert.equal(short?.status, 1);
  assert.equal(decodeRecords(short?.records ?? new ArrayBuffer(0))[0].extra, undefined);
  // rta_len past the message's end: the attribute walk stops there; the record stands.
  const bad = b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, cat(cw, rta(INET_DIAG_INFO, tcpInfo(1, 2, 3), 400))), msg(NLMSG_DONE, int32(0))), SEQ);
  assert.equal(bad?.status, 1);
  const recs = decodeRecords(bad?.records ?? new ArrayBuffer(0));
  assert.equal(recs.length, 1);
  assert.equal(recs[0].extra, undefined);
});

test('records without NLMSG_DONE: more datagrams to come', { skip }, () => {
  assert.equal(b?.parseForTest(msg(SOCK_DIAG_BY_FAMILY, est), SEQ).status, 0);
  assert.equal(b?.parseForTest(new Uint8Array(0), SEQ).status, 0);
});

test('a message of another sequence number or an unknown type is skipped', { skip }, () => {
  const r = b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, est, { seq: SEQ - 1 }), msg(0x30, new Uint8Array(8)), msg(SOCK_DIAG_BY_FAMILY, est), msg(NLMSG_DONE, int32(0))), SEQ);
  assert.equal(r?.status, 1);
  assert.equal(r?.counts[1], 1);
});

test('NLMSG_ERROR carries the errno; error 0 is an ACK and is passed over', { skip }, () => {
  const err = (e: number): Uint8Array => cat(int32(-e), new Uint8Array(16));
  assert.equal(b?.parseForTest(msg(NLMSG_ERROR, err(EPERM)), SEQ).status, -EPERM);
  assert.equal(b?.parseForTest(cat(msg(NLMSG_ERROR, err(0)), msg(NLMSG_DONE, int32(0))), SEQ).status, 1);
  assert.equal(b?.parseForTest(msg(NLMSG_ERROR, int32(-EPERM)), SEQ).status, -EBADMSG, 'an error message too short for struct nlmsgerr');
});

test('NLMSG_DONE with a negative value: the dump itself failed', { skip }, () => {
  assert.equal(b?.parseForTest(msg(NLMSG_DONE, int32(-EINTR)), SEQ).status, -EINTR);
  assert.equal(b?.parseForTest(msg(NLMSG_DONE, new Uint8Array(0)), SEQ).status, 1, 'a DONE without a value is plain DONE');
});

test('malformed: a record shorter than inet_diag_msg, trailing bytes, a length past the datagram', { skip }, () => {
  assert.equal(b?.parseForTest(msg(SOCK_DIAG_BY_FAMILY, est.subarray(0, 40)), SEQ).status, -EBADMSG);
  assert.equal(b?.parseForTest(cat(msg(SOCK_DIAG_BY_FAMILY, est), new Uint8Array(7)), SEQ).status, -EBADMSG);
  const long = msg(SOCK_DIAG_BY_FAMILY, est, { len: 16 + 72 + 100 });
  assert.equal(b?.parseForTest(long, SEQ).status, -EBADMSG);
  const tiny = msg(SOCK_DIAG_BY_FAMILY, new Uint8Array(0), { len: 8 });
  assert.equal(b?.parseForTest(tiny, SEQ).status, -EBADMSG, 'nlmsg_len smaller than its own header');
});
