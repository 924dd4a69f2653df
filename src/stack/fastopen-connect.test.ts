// TCP Fast Open at a connecting host: the first connect asks for a cookie, the SYN-ACK's cookie is
// cached per destination, and the next connect under TCP_FASTOPEN_CONNECT returns at once and sends
// SYN+data with the first write; sendto(MSG_FASTOPEN)'s answers follow __inet_stream_connect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { NO_FLAGS, type Segment } from '../core/segment.js';
import { seq, seqAdd } from '../core/seq.js';
import { Host } from './host.js';

const C = '192.168.0.1';
const S = '192.0.2.1';
const COOKIE = Uint8Array.of(0xab, 0xcd, 0x12, 0x34);

function client(tfo = 1): Host {
  const config = defaultConfig();
  config.tcp_fastopen = tfo;
  config.tcp_timestamps = 0;
  return new Host({ addrs: [C], config, seed: 1, hostname: 'client' });
}

function synAck(syn: Segment, acked: number, cookie?: Uint8Array): Segment {
  return {
    srcAddr: S, srcPort: 80, dstAddr: C, dstPort: syn.srcPort, seq: seq(5000), ack: seqAdd(syn.seq, 1 + acked),
    flags: { ...NO_FLAGS, syn: true, ack: true }, window: 65535, urgent: 0,
    options: [{ kind: 'mss', value: 1460 }, ...(cookie ? [{ kind: 'fastopen' as const, cookie }] : [])], payload: new Uint8Array(0),
  };
}

const foOption = (seg: Segment): Uint8Array | undefined => {
  const o = seg.options.find((x) => x.kind === 'fastopen');
  return o && o.kind === 'fastopen' ? o.cookie : undefined;
};

test('TCP_FASTOPEN_CONNECT: a cookie request first, then connect() returns 0 and the first write sends SYN+data', () => {
  const h = client();
  const fd1 = h.socket('ipv4', { nonblock: true }) as number;
  assert.equal(h.setsockopt(fd1, 'TCP_FASTOPEN_CONNECT', 1), 0);
  assert.deepEqual(h.connect(fd1, S, 80), { errno: 'EINPROGRESS' });
  const req = h.pollTransmit() as Segment;
  assert.deepEqual(foOption(req), new Uint8Array(0), 'the SYN asks for a cookie');
  assert.deepEqual(h.sendFastopen(fd1, new Uint8Array(10), {}), { errno: 'EALREADY' });
  h.handleSegment(synAck(req, 0, COOKIE), 10);
  assert.equal(h.pollTransmit()?.flags.ack, true);

  const fd2 = h.socket('ipv4', { nonblock: true }) as number;
  assert.equal(h.setsockopt(fd2, 'TCP_FASTOPEN_CONNECT', 1), 0);
  assert.equal(h.connect(fd2, S, 80), 0);
  assert.equal(h.pollTransmit(), undefined, 'a deferred connect sends nothing');
  assert.equal(h.fastopenDeferred(fd2), true);
  assert.deepEqual(h.connect(fd2, S, 80), { errno: 'EISCONN' });
  const r = h.readiness(fd2);
  assert.ok(!isSysError(r) && r.writable && !r.readable);
  assert.deepEqual(h.recv(fd2, 100), { errno: 'EAGAIN' });
  assert.equal(h.send(fd2, new Uint8Array(2000)), 1420);
  const syn = h.pollTransmit() as Segment;
  assert.equal(syn.payload.length, 1420);
  assert.deepEqual(foOption(syn), COOKIE);
  h.handleSegment(synAck(syn, 1420), 20);
  assert.equal(h.counters()['TcpExt:TCPFastOpenActive'], 1);
});

test('sendto(MSG_FASTOPEN): EOPNOTSUPP without TFO_CLIENT_ENABLE or for AF_UNSPEC; cookie-less mode sends data at once', () => {
  const off = client(0);
  const fd = off.socket('ipv4') as number;
  assert.deepEqual(off.sendFastopen(fd, new Uint8Array(10), { to: { addr: S, port: 80 } }), { errno: 'EOPNOTSUPP' });
  assert.deepEqual(off.setsockopt(fd, 'TCP_FASTOPEN_CONNECT', 1), { errno: 'EOPNOTSUPP' });
  const h = client(0x5);
  const fd2 = h.socket('ipv4') as number;
  assert.deepEqual(h.sendFastopen(fd2, new Uint8Array(10), { unspec: true }), { errno: 'EOPNOTSUPP' });
  assert.equal(h.sendFastopen(fd2, new Uint8Array(300), { to: { addr: S, port: 80 } }), 300);
  const syn = h.pollTransmit() as Segment;
  assert.equal(syn.payload.length, 300);
  assert.equal(foOption(syn), undefined, 'TFO_CLIENT_NO_COOKIE: no option');
});

test('ip tcp_metrics flush all forgets the cookie: the next Fast Open asks again', () => {
  const h = client();
  const fd1 = h.socket('ipv4', { nonblock: true }) as number;
  assert.deepEqual(h.sendFastopen(fd1, new Uint8Array(0), { to: { addr: S, port: 80 } }), { errno: 'EINPROGRESS' });
  const req = h.pollTransmit() as Segment;
  h.handleSegment(synAck(req, 0, COOKIE), 10);
  h.flushTcpMetrics();
  const fd2 = h.socket('ipv4', { nonblock: true }) as number;
  assert.deepEqual(h.sendFastopen(fd2, new Uint8Array(100), { to: { addr: S, port: 80 } }), { errno: 'EINPROGRESS' });
  let s = h.pollTransmit();
  while (s && !s.flags.syn) s = h.pollTransmit();
  assert.ok(s);
  assert.equal(s.payload.length, 0);
  assert.deepEqual(foOption(s), new Uint8Array(0));
});

test('connect(AF_UNSPEC) on a connection: RST, and the socket connects again', () => {
  const h = client();
  const fd = h.socket('ipv4', { nonblock: true }) as number;
  assert.deepEqual(h.connect(fd, S, 80), { errno: 'EINPROGRESS' });
  const syn = h.pollTransmit() as Segment;
  h.handleSegment(synAck(syn, 0), 10);
  h.pollTransmit();
  assert.equal(h.disconnect(fd), 0);
  assert.equal(h.pollTransmit()?.flags.rst, true);
  assert.deepEqual(h.connect(fd, S, 80), { errno: 'EINPROGRESS' });
  assert.equal(h.pollTransmit()?.flags.syn, true);
});
