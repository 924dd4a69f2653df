import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, LINUX_DEFAULT_SYSCTLS } from '../snapshot-builder.js';

const only = ['dangerous_sysctl'] as const;
const run = (sysctls: Record<string, string>, counters: Record<string, number> = {}) =>
  diagnose(host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, ...sysctls }, counters }, []), { only });

test('defaults → no finding', () => {
  assert.deepEqual(run({}), []);
});

test('a sysctl.conf copied from blog advice (tw_recycle=1, fin_timeout=30) → warning for recycle, info that fin_timeout is not TIME-WAIT', () => {
  const fs = run({ 'net.ipv4.tcp_tw_recycle': '1', 'net.ipv4.tcp_fin_timeout': '30' });
  assert.equal(fs.length, 2);
  assert.equal(fs[0].severity, 'warning');
  assert.match(fs[0].summary, /tcp_tw_recycle = 1/);
  assert.match(fs[0].explanation, /4\.12/);
  assert.equal(fs[1].severity, 'info');
  assert.match(fs[1].summary, /orphaned FIN-WAIT-2 only, not TIME-WAIT/);
});

test('tiny tcp_max_tw_buckets, TCPTimeWaitOverflow, abort_on_overflow, syncookies 0 → four warnings', () => {
  const fs = run({ 'net.ipv4.tcp_max_tw_buckets': '1000', 'net.ipv4.tcp_abort_on_overflow': '1', 'net.ipv4.tcp_syncookies': '0' }, { 'TcpExt:TCPTimeWaitOverflow': 55 });
  assert.deepEqual(fs.map((f) => f.severity), ['warning', 'warning', 'warning', 'warning']);
  assert.ok(fs.some((f) => f.evidence.counters?.['TcpExt:TCPTimeWaitOverflow'] === 55));
});

test('linger-0 aborts: TCPAbortOnData at 10 % of opens → warning citing SO_LINGER; 0.1 % → nothing', () => {
  const hi = run({}, { 'TcpExt:TCPAbortOnData': 10_000, 'Tcp:ActiveOpens': 50_000, 'Tcp:PassiveOpens': 50_000 });
  assert.equal(hi[0].severity, 'warning');
  assert.match(hi[0].explanation, /SO_LINGER/);
  assert.deepEqual(run({}, { 'TcpExt:TCPAbortOnData': 100, 'Tcp:ActiveOpens': 50_000, 'Tcp:PassiveOpens': 50_000 }), []);
});

test('keepalive_time = 30 (the usual online CLOSE-WAIT "cure") → info that it does not cure CLOSE-WAIT', () => {
  const [f] = run({ 'net.ipv4.tcp_keepalive_time': '30' });
  assert.equal(f.severity, 'info');
  assert.match(f.summary, /does not cure CLOSE-WAIT/);
});
