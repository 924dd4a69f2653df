import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsFromLetters, type Segment } from '../core/segment.js';
import { seq } from '../core/seq.js';
import { encodeSegment } from './wire.js';

function sum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const seg = (src: string, dst: string): Segment => ({
  srcAddr: src, srcPort: 40000, dstAddr: dst, dstPort: 443, seq: seq(0xfffffff0), ack: seq(1), flags: flagsFromLetters('P.'),
  window: 502, urgent: 0, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 7, ecr: 9 }], payload: Uint8Array.of(1, 2, 3),
});

test('IPv4: header checksum and TCP checksum over the pseudo-header both verify to 0xffff', () => {
  const b = encodeSegment(seg('10.0.0.1', '10.0.0.2'), 5);
  assert.equal(b.length, 20 + 32 + 3);
  assert.equal(sum(b.subarray(0, 20)), 0xffff);
  const tcp = b.subarray(20);
  const pseudo = Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, tcp.length);
  assert.equal(sum(Uint8Array.from([...pseudo, ...tcp])), 0xffff);
  assert.equal(tcp[12] >> 4, 8); // 32-byte header: 12 bytes of options
  assert.deepEqual([...tcp.subarray(4, 8)], [0xff, 0xff, 0xff, 0xf0]);
});

test('IPv6: the payload length and the TCP checksum over the IPv6 pseudo-header', () => {
  const b = encodeSegment(seg('fd00::1', 'fd00::2'));
  assert.equal(b[0] >> 4, 6);
  assert.equal((b[4] << 8) | b[5], b.length - 40);
  const tcp = b.subarray(40);
  const pseudo = new Uint8Array(40);
  pseudo.set(b.subarray(8, 40), 0);
  pseudo[35] = tcp.length; pseudo[39] = 6;
  assert.equal(sum(Uint8Array.from([...pseudo, ...tcp])), 0xffff);
  assert.throws(() => encodeSegment(seg('fd00::1::2', 'fd00::2')), /not an IPv6 address/);
});
