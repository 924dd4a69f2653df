// TCP Fast Open at a listening host (tcp_try_fastopen, tcp_fastopen_create_child): a SYN with a
// valid cookie and data makes a child at once — accept() returns before the handshake completes,
// the data is readable, the SYN-ACK acknowledges it — and a SYN asking for a cookie gets one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { fastopenCookie } from '../core/fastopen.js';
import { NO_FLAGS, type Segment, type TcpOption } from '../core/segment.js';
import { seq } from '../core/seq.js';
import { Host } from './host.js';

const S = '192.168.0.1';
const C = '192.0.2.1';

function server(tfo: number): { h: Host; lfd: number } {
  const config = defaultConfig();
  config.tcp_fastopen = tfo;
  config.tcp_fastopen_key = [0xa1a1a1a1, 0xb2b2b2b2, 0xc3c3c3c3, 0xd4d4d4d4];
  const h = new Host({ addrs: [S], config, seed: 1, hostname: 'server' });
  const lfd = h.socket('ipv4') as number;
  assert.equal(h.bind(lfd, S, 80), 0);
  assert.equal(h.listen(lfd, 8), 0);
  return { h, lfd };
}

function syn(options: TcpOption[], data: number): Segment {
  return {
    srcAddr: C, srcPort: 40000, dstAddr: S, dstPort: 80, seq: seq(1000), ack: seq(0),
    flags: { ...NO_FLAGS, syn: true }, window: 65535, urgent: 0, options, payload: new Uint8Array(data).fill(7),
  };
}

const COOKIE = fastopenCookie([0xa1a1a1a1, 0xb2b2b2b2, 0xc3c3c3c3, 0xd4d4d4d4], Uint8Array.of(192, 0, 2, 1), Uint8Array.of(192, 168, 0, 1));

test('a valid cookie with data: the child is accepted in SYN-RECEIVED, its data readable, the SYN-ACK acks it', () => {
  const { h, lfd } = server(0x403);
  h.handleSegment(syn([{ kind: 'mss', value: 1460 }, { kind: 'fastopen', cookie: COOKIE }], 10), 0);
  const synAck = h.pollTransmit();
  assert.ok(synAck && synAck.flags.syn && synAck.flags.ack);
  assert.equal(synAck.ack, 1011);
  assert.ok(!synAck.options.some((o) => o.kind === 'fastopen'), 'a valid cookie gets no cookie back');
  const a = h.accept(lfd);
  assert.ok(!isSysError(a));
  const st = h.status(a.fd);
  assert.ok(!isSysError(st));
  assert.equal(st.state, 'SYN-RECEIVED');
  const got = h.recv(a.fd, 100);
  assert.ok(!isSysError(got) && got.length === 10);
  assert.equal(h.counters()['TcpExt:TCPFastOpenPassive'], 1);
});

test('a cookie request: a plain request socket, the SYN-ACK carries the cookie and ignores the data', () => {
  const { h, lfd } = server(0x403);
  h.handleSegment(syn([{ kind: 'mss', value: 1460 }, { kind: 'fastopen', cookie: new Uint8Array(0) }], 10), 0);
  const synAck = h.pollTransmit();
  assert.ok(synAck);
  assert.equal(synAck.ack, 1001);
  const fo = synAck.options.find((o) => o.kind === 'fastopen');
  assert.ok(fo && fo.kind === 'fastopen');
  assert.deepEqual([...fo.cookie], [...COOKIE]);
  assert.ok(isSysError(h.accept(lfd)));
  assert.equal(h.counters()['TcpExt:TCPFastOpenCookieReqd'], 1);
});

test('without the server bit (tcp_fastopen=1) the SYN\'s data is ignored', () => {
  const { h, lfd } = server(0x1);
  h.handleSegment(syn([{ kind: 'mss', value: 1460 }, { kind: 'fastopen', cookie: COOKIE }], 10), 0);
  assert.equal(h.pollTransmit()?.ack, 1001);
  assert.ok(isSysError(h.accept(lfd)));
});
