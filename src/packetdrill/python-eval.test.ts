// The python slice packetdrill scripts use, evaluated without Python: asserts over TCP_INFO
// fields, script variables kept between blocks, and constructs outside the slice reported as
// not evaluated (never as passed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, type PyScope, type PyValue } from './python-eval.js';
import { pythonName } from './python-names.js';
import { readNstat } from './nstat-check.js';

const scope = (info: Record<string, number> | undefined, vars = new Map<string, PyValue>()): PyScope =>
  ({ vars, lookup: (n) => pythonName(n, () => info) });

test('asserts over tcpi_* fields: comparisons, chains, bit masks, constants', () => {
  const s = scope({ tcpi_snd_cwnd: 10, tcpi_options: 7, tcpi_last_data_recv: 1000, tcpi_snd_ssthresh: 0x7fffffff, tcpi_ca_state: 0 });
  assert.deepEqual(runPython('assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd', s), { kind: 'ok' });
  assert.deepEqual(runPython('assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options', s), { kind: 'ok' });
  assert.deepEqual(runPython('assert 990 <= tcpi_last_data_recv <= 1010, tcpi_last_data_recv', s), { kind: 'ok' });
  assert.deepEqual(runPython('assert tcpi_snd_ssthresh == TCP_INFINITE_SSTHRESH, tcpi_snd_ssthresh', s), { kind: 'ok' });
  assert.deepEqual(runPython('assert tcpi_ca_state == TCP_CA_Open and not tcpi_ca_state or 1 == 2', s), { kind: 'ok' });
  assert.deepEqual(runPython('assert 1000 < tcpi_last_data_recv <= 1010', s), { kind: 'assert', statement: 'assert 1000 < tcpi_last_data_recv <= 1010', message: '' });
});

test('a failed assert carries its message, formatted as Python would', () => {
  const s = scope({ tcpi_snd_cwnd: 12 });
  assert.deepEqual(runPython("assert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd", s),
    { kind: 'assert', statement: "assert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd", message: 'cwnd=12' });
  assert.equal(runPython("x = 1\nassert x == 1; assert tcpi_snd_cwnd == 1, 'a %d b %d' % (x, tcpi_snd_cwnd)", s).kind, 'assert');
});

test('variables live from block to block; print and line continuations are read', () => {
  const vars = new Map<string, PyValue>();
  const s = scope({ tcpi_snd_cwnd: 20 }, vars);
  assert.deepEqual(runPython('cwnd = 10', s), { kind: 'ok' });
  assert.deepEqual(runPython('print(tcpi_snd_cwnd); cwnd += 10; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd', s), { kind: 'ok' });
  assert.equal(vars.get('cwnd'), 20);
  assert.deepEqual(runPython('assert tcpi_snd_cwnd == 20, tcpi_snd_cwnd; \\\n   assert 0x10 == 16  # hex', s), { kind: 'ok' });
});

test('an unmodelled field or construct is not evaluated; an undefined name is a NameError', () => {
  const s = scope({ tcpi_snd_cwnd: 10 });
  assert.deepEqual(runPython('assert tcpi_lost == 0', s), { kind: 'unevaluated', reason: 'tcpi_lost is not modelled by the engine' });
  assert.equal(runPython('import os', s).kind, 'unevaluated');
  assert.equal(runPython('assert SK_MEMINFO_RCVBUF > 0', s).kind, 'unevaluated');
  assert.deepEqual(runPython('assert nosuch == 1', s), { kind: 'error', message: "NameError: name 'nosuch' is not defined" });
  // With no socket under test, a tcpi_ field cannot be read either.
  assert.equal(runPython('assert tcpi_snd_cwnd == 10', scope(undefined)).kind, 'unevaluated');
});

test('nstat lines: history updates and counter checks', () => {
  assert.deepEqual(readNstat('nstat -n'), { kind: 'reset' });
  assert.deepEqual(readNstat('nstat > /dev/null'), { kind: 'reset' });
  assert.deepEqual(readNstat('nstat | grep TcpExtBeyondWindow | grep -q " 3 "'), { kind: 'check', name: 'TcpExtBeyondWindow', value: 3, update: true });
  assert.deepEqual(readNstat('nstat -s | grep TcpExtTCPRcvQDrop| grep -q " 1 "'), { kind: 'check', name: 'TcpExtTCPRcvQDrop', value: 1, update: false });
  assert.deepEqual(readNstat('nstat | grep TcpExtOutOfWindowIcmps > /dev/null'), { kind: 'check', name: 'TcpExtOutOfWindowIcmps', update: true });
  assert.equal(readNstat('sysctl -q net.ipv4.tcp_sack=0').kind, 'other');
  assert.equal(readNstat('nstat | awk 1').kind, 'unsupported');
});
