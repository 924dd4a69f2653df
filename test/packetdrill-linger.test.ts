// SO_LINGER {on, N > 0} in the packetdrill runner: close() sleeps like Linux's
// sk_stream_wait_close() — until our FIN is ACKed, the connection ends, or N seconds pass — and
// returns 0 in every case. Fixtures: test/fixtures/packetdrill/linger/ (our own scripts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runFile } from '../src/cli/commands/packetdrill.js';

const fx = (p: string): string => path.join(ROOT, 'test/fixtures/packetdrill/linger', p);

function run(file: string): { outcome: string; line?: number; message?: string; closeAt?: number } {
  const o = runFile(fx(file), 'ipv4');
  if (o.kind === 'error') return { outcome: 'error', message: o.message };
  const close = o.result.trace.find((t) => t.kind === 'call' && t.text.startsWith('close('));
  return { outcome: o.result.outcome, line: o.result.mismatch?.line, message: o.result.mismatch?.message, closeAt: close?.at };
}

test('linger {1,5}, peer ACKs the FIN 200 ms later: +0...0.200 close(4) = 0 (O_NONBLOCK too)', () => {
  const r = run('fin-acked.pkt');
  assert.equal(r.outcome, 'pass', r.message);
  assert.equal(r.closeAt, 0.21);
});

test('linger {1,5}, FIN never ACKed: close returns 0 at +5 s, no RST, the orphan retransmits on', () => {
  const r = run('timeout.pkt');
  assert.equal(r.outcome, 'pass', r.message);
  assert.equal(r.closeAt, 5.01);
});

test('linger {1,5}, the peer resets while close() sleeps: close returns 0 at the RST', () => {
  const r = run('rst-while-lingering.pkt');
  assert.equal(r.outcome, 'pass', r.message);
  assert.equal(r.closeAt, 0.31);
});

test('linger {1,5} with unread data: RST at close, nothing to wait for, close returns at once', () => {
  assert.equal(run('unread-data-resets.pkt').outcome, 'pass');
});

test('a script expecting a lingering close() to return at once fails at that close line', () => {
  assert.deepEqual(run('wrong-immediate-return.pkt'), {
    outcome: 'fail', line: 14, closeAt: undefined,
    message: 'close() still blocked at 0.014s, expected to return at 0.010s (±0.004s)',
  });
});
