// Runner defects found in review, one fixture each (test/fixtures/packetdrill/review/): each test
// failed before its fix. The fixtures are our own scripts, not corpus copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runFile } from '../src/cli/commands/packetdrill.js';

const fx = (p: string): string => path.join(ROOT, 'test/fixtures/packetdrill/review', p);

function outcome(file: string): { outcome: string; line?: number; message?: string } {
  const o = runFile(fx(file), 'ipv4');
  if (o.kind === 'error') return { outcome: 'error', message: o.message };
  return { outcome: o.result.outcome, line: o.result.mismatch?.line, message: o.result.mismatch?.message };
}

test('no SYN from us: an RST to a closed port is compared by its absolute seq (SEG.ACK)', () => {
  assert.deepEqual(outcome('rst-seq-absolute.pkt'), { outcome: 'pass', line: undefined, message: undefined });
});

test('no SYN from us: "> R. 1:1(0) ack 1" fails where the RST is R. 0:0(0) (no ISN learned from the RST)', () => {
  assert.deepEqual(outcome('rst-seq-relative-wrong.pkt'), {
    outcome: 'fail', line: 6, message: 'expected "> R. 1:1(0) ack 1" got "> R. 0:0(0) ack 1" at 0.000s (seq differs)',
  });
});

test('getsockopt [optlen] is compared: 4 passes, 8 and 2 fail as packetdrill fails them', () => {
  assert.equal(outcome('getsockopt-optlen-4.pkt').outcome, 'pass');
  assert.deepEqual(outcome('getsockopt-optlen-8.pkt'), { outcome: 'fail', line: 5, message: 'getsockopt() SO_ERROR optlen = 4, expected 8' });
  assert.deepEqual(outcome('getsockopt-optlen-2.pkt'), {
    outcome: 'fail', line: 6, message: 'getsockopt() TCP_MAXSEG optlen = 2, expected 4 (packetdrill reads a [value] only with optlen 4)',
  });
});
