// Relative sequence numbers as Wireshark shows them, across the 2^32 wrap, with a new incarnation
// and an RST to a closed port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsFromLetters, type Segment } from '../core/segment.js';
import { seq } from '../core/seq.js';
import { SeqBases } from './segment-text.js';

const ISN_A = 0xffff_fff0; // 16 below the wrap
const ISN_B = 0x7fff_ffff;

function seg(from: 'A' | 'B', letters: string, s: number, a: number, len = 0): Segment {
  const [src, dst] = from === 'A' ? [['10.0.0.1', 40000], ['10.0.0.2', 80]] as const : [['10.0.0.2', 80], ['10.0.0.1', 40000]] as const;
  return {
    srcAddr: src[0], srcPort: src[1], dstAddr: dst[0], dstPort: dst[1], seq: seq(s), ack: seq(a),
    flags: flagsFromLetters(letters), window: 65535, urgent: 0, options: [], payload: new Uint8Array(len),
  };
}

test('handshake, data across the wrap, FIN: relative numbers from each ISN', () => {
  const b = new SeqBases();
  const rel = (s: Segment): string => b.describe(s).relative;
  assert.equal(rel(seg('A', 'S', ISN_A, 0)), 'SYN seq=0');
  assert.equal(rel(seg('B', 'S.', ISN_B, ISN_A + 1)), 'SYN+ACK seq=0 ack=1');
  assert.equal(rel(seg('A', '.', ISN_A + 1, ISN_B + 1)), 'ACK ack=1');
  assert.equal(rel(seg('A', 'P.', ISN_A + 1, ISN_B + 1, 100)), 'PSH+ACK seq=1 ack=1 len=100');
  assert.equal(rel(seg('B', '.', ISN_B + 1, (ISN_A + 101) >>> 0)), 'ACK ack=101');
  const fin = seg('A', 'F.', (ISN_A + 101) >>> 0, ISN_B + 1);
  assert.deepEqual(b.describe(fin), { relative: 'FIN+ACK seq=101 ack=1', absolute: `FIN+ACK seq=${(ISN_A + 101) >>> 0} ack=${ISN_B + 1}` });
});

test('a pure ACK behind what the side already sent shows its seq (a keepalive probe)', () => {
  const b = new SeqBases();
  b.describe(seg('A', 'S', ISN_A, 0));
  b.describe(seg('B', 'S.', ISN_B, ISN_A + 1));
  b.describe(seg('A', '.', ISN_A + 1, ISN_B + 1));
  assert.equal(b.describe(seg('A', '.', ISN_A, ISN_B + 1)).relative, 'ACK seq=0 ack=1');
});

test('a SYN with a new ISN on the same 4-tuple starts a new base; a retransmitted SYN does not', () => {
  const b = new SeqBases();
  b.describe(seg('A', 'S', 1000, 0));
  assert.equal(b.describe(seg('A', 'S', 1000, 0)).relative, 'SYN seq=0');
  assert.equal(b.describe(seg('A', 'S', 900_000, 0)).relative, 'SYN seq=0');
  assert.equal(b.describe(seg('A', '.', 900_001, 5)).relative, 'ACK ack=5');
});

test('an RST to a closed port: its own direction starts at its seq, its ack is relative to the SYN', () => {
  const b = new SeqBases();
  b.describe(seg('A', 'S', ISN_A, 0));
  assert.equal(b.describe(seg('B', 'R.', 0, ISN_A + 1)).relative, 'RST+ACK seq=0 ack=1');
});
