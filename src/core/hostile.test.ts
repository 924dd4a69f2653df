import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Trace } from './testing/trace.js';
import { closeWait, closing, established, establishedClient, finWait1, finWait2, lastAck, synReceived, timeWait } from './testing/fixtures.js';
import type { Segment, TcpOption } from './segment.js';
import { seq } from './seq.js';
import { isSysError } from './errno.js';
import { uniform } from './testing/connection-pair.js';


const FIXTURES: Array<[string, () => Trace]> = [
  ['SYN-RECEIVED', () => synReceived()], ['ESTABLISHED', () => established()], ['ESTABLISHED (client)', () => establishedClient()],
  ['FIN-WAIT-1', () => finWait1()], ['FIN-WAIT-2', () => finWait2()], ['TIME-WAIT', () => timeWait()],
  ['CLOSE-WAIT', () => closeWait()], ['LAST-ACK', () => lastAck()], ['CLOSING', () => closing()],
];

function hostileSegment(r: () => number, t: Trace): Segment {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const options: TcpOption[] = [];
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    options.push(pick<TcpOption>([
      { kind: 'mss', value: pick([0, 1, 65535, 1e9, -5, NaN]) },
      { kind: 'wscale', shift: pick([0, 14, 15, 255, -1]) },
      { kind: 'timestamp', val: pick([0, 0xffffffff, 2 ** 40, NaN]), ecr: pick([0, 1, -1]) },
      { kind: 'sack', blocks: [[seq(1), seq(0)]] },
      { kind: 'unknown', code: 99, data: new Uint8Array(3) },
      { kind: 'eol' },
    ]));
  }
  const base = t.inbound('. 1:1(0) ack 1 win 257');
  return {
    ...base,
    seq: pick([base.seq, seq(base.seq + Math.floor(r() * 2 ** 32)), 2 ** 33 + 5, -7]) as never,
    ack: pick([base.ack, seq(base.ack + 1), seq(base.ack + 2 ** 31), seq(0)]) as never,
    flags: { syn: r() < 0.2, ack: r() < 0.8, fin: r() < 0.3, rst: r() < 0.15, psh: r() < 0.5, urg: r() < 0.1, ece: false, cwr: false },
    window: pick([0, 1, 65535, 70000, -1, NaN]),
    options,
    payload: new Uint8Array(pick([0, 1, 1000, 70000])),
  };
}

test('hostile segments in every state never throw, and the connection stays usable', () => {
  const r = uniform(42);
  for (const [name, make] of FIXTURES) {
    for (let round = 0; round < 40; round++) {
      const t = make();
      for (let i = 0; i < 20; i++) {
        const seg = hostileSegment(r, t);
        assert.doesNotThrow(() => t.sendRaw(0.05 + i * 0.01, seg), `${name} round ${round}`);
      }
      assert.doesNotThrow(() => t.advance(200));
      const v = t.c.recv(100, t.now);
      assert.ok(isSysError(v) || v instanceof Uint8Array);
    }
  }
});

test('garbage instead of a segment is ignored', () => {
  const t = established();
  assert.doesNotThrow(() => t.c.handleSegment(undefined as never, 100));
  assert.doesNotThrow(() => t.c.handleSegment({ flags: {} } as never, 100));
  t.expectState('ESTABLISHED');
});

test('user calls with bad arguments fail cleanly', () => {
  const t = established();
  assert.deepEqual(t.c.recv(-1, t.now), { errno: 'EINVAL' });
  assert.deepEqual(t.c.send(null as never, t.now), { errno: 'EFAULT' });
  assert.deepEqual(t.c.shutdown('SHUT_XX' as never, t.now), { errno: 'EINVAL' });
});

test('data crosses the 2^32 sequence wrap in both directions', () => {
  const t = established();
  for (let i = 0; i < 5; i++) {
    t.send(0.02 + i * 0.01, `P. ${1 + i * 100}:${101 + i * 100}(100) ack 1 win 257`);
    t.recv(0.02 + i * 0.01, `. 1:1(0) ack ${101 + i * 100}`);
  }
  t.advance(0.1);
  t.c.send(new Uint8Array(500), t.now);
  t.drain();
  t.recv(0.1, 'P. 1:501(500) ack 501');
  t.send(0.11, '. 501:501(0) ack 501 win 257');
  assert.equal(t.c.status().bytesAcked, 500);
  assert.equal(t.c.status().bytesReceived, 500);
});

test('IPv6 endpoints: same behaviour, segments carry the v6 addresses', async () => {
  const { Connection } = await import('./connection.js');
  const { packetdrillConfig } = await import('./testing/trace.js');
  const c = Connection.connect({
    config: packetdrillConfig(), local: { addr: 'fd3d:a0b:17d6::1', port: 40000 }, remote: { addr: 'fd3d:fa7b:d17d::1', port: 8080 },
    isn: seq(7), tsOffset: 0, options: {},
  }, 0);
  const syn = c.pollTransmit();
  assert.ok(syn && syn.flags.syn && syn.srcAddr === 'fd3d:a0b:17d6::1' && syn.dstPort === 8080);
  assert.deepEqual(syn.options[0], { kind: 'mss', value: 1460 });
});
