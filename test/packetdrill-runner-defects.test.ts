// Runner defects, one fixture each (test/fixtures/packetdrill/runner-defects/): each test
// guards one way the runner could misread or mis-run a script. The fixtures are our own scripts, not corpus copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';
import { runFile } from '../src/cli/commands/packetdrill.js';

const fx = (p: string): string => path.join(ROOT, 'test/fixtures/packetdrill/runner-defects', p);

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

test('a comment-only script is a parse error at end of file, exit 2 (not "PASS (0 events)")', () => {
  const f = 'test/fixtures/packetdrill/runner-defects/comment-only.pkt';
  const r = runCli(['packetdrill', f]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.trim(), `ERROR ${f}:5:1: expected at least one timed event (such as \`0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\`), found end of file`);
});

test('an unterminated backtick is reported at end of file, naming where it started', () => {
  const f = 'test/fixtures/packetdrill/runner-defects/unterminated-backtick.pkt';
  const r = runCli(['packetdrill', f]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.trim(), `ERROR ${f}:6:1: unterminated shell command starting at 3:1: expected '\`' before end of file`);
});

test('--tolerance_usecs=0 --tolerance_percent=0 mean zero: 1 ms late fails, exact passes', () => {
  assert.deepEqual(outcome('zero-tolerance.pkt'), {
    outcome: 'fail', line: 14, message: 'segment too late: "> S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>" at 1.000s, expected at 0.999s (±0.000s)',
  });
  assert.equal(outcome('zero-tolerance-exact.pkt').outcome, 'pass');
});

test('a tolerance that is not a number is a located error, exit 2', () => {
  const f = 'test/fixtures/packetdrill/runner-defects/tolerance-not-a-number.pkt';
  const r = runCli(['packetdrill', f]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.trim(), `ERROR ${f}:2:19: expected a whole number of microseconds (0 allowed) after --tolerance_usecs=, found 'lots'`);
});

test('TS val slack includes tolerance_percent of the time since the start: 100 ticks off at 2 s passes, 300 fails', () => {
  assert.equal(outcome('ts-val-percent-slack.pkt').outcome, 'pass');
  assert.deepEqual(outcome('ts-val-beyond-slack.pkt'), {
    outcome: 'fail', line: 18,
    message: 'expected "> P. 1:101(100) ack 1 <nop,nop,TS val 1710 ecr 110>" got "> P. 1:101(100) ack 1 <nop,nop,TS val 2010 ecr 110>" at 2.010s (TS val differs)',
  });
});

test('a zero-length write reaches the host: EBADF on fd 99, EPIPE unconnected and listening, 0 established', () => {
  assert.deepEqual(outcome('zero-length-write.pkt'), { outcome: 'pass', line: undefined, message: undefined });
});

test('a negative length: EBADF on a closed fd, EFAULT on an open one (checked on Linux 6.18)', () => {
  assert.deepEqual(outcome('negative-length.pkt'), { outcome: 'pass', line: undefined, message: undefined });
});

test('a script fd no call produced is not aliased to the live socket with that number', () => {
  assert.deepEqual(outcome('fd-not-from-accept.pkt'), { outcome: 'fail', line: 15, message: 'close() returned -1 EBADF, expected 0' });
});
