import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, doctorReport, exitStatusFor } from './diagnose.js';
import { RULE_IDS } from './finding.js';
import { RULES } from './rules/index.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from './snapshot-builder.js';

/** A busy, healthy nginx → app → postgres host: what a real server looks like on a good day. */
function busyHealthyHost() {
  const nginx = { pid: 1000, name: 'nginx', inode: 1 };
  const app = { pid: 2000, name: 'app', inode: 2 };
  return host({
    sysctls: { ...LINUX_DEFAULT_SYSCTLS },
    counters: { 'TcpExt:ListenOverflows': 0, 'TcpExt:ListenDrops': 0, 'TcpExt:TCPAbortOnData': 300, 'Tcp:ActiveOpens': 2_000_000, 'Tcp:PassiveOpens': 3_000_000, 'TcpExt:TCPTimeWaitOverflow': 0 },
    sockstat: { inuse: 4000, orphan: 20, tw: 6000 },
  }, [
    sock('LISTEN', '0.0.0.0:443', '0.0.0.0:*', { ...nginx, recvQ: 0, sendQ: 511 }),
    sock('LISTEN', '127.0.0.1:8000', '0.0.0.0:*', { ...app, recvQ: 2, sendQ: 4096 }),
    ...times(3000, (i) => sock('ESTABLISHED', '10.0.0.1:443', `${peerIp(i)}:${40000 + (i % 20000)}`, { ...nginx, timer: { kind: 'keepalive', remainingMs: 60_000 } })),
    ...times(200, (i) => sock('ESTABLISHED', `127.0.0.1:${33000 + i}`, '127.0.0.1:8000', { ...nginx, timer: { kind: 'off', remainingMs: 0 } })),
    ...times(200, (i) => sock('ESTABLISHED', '127.0.0.1:8000', `127.0.0.1:${33000 + i}`, { ...app, timer: { kind: 'off', remainingMs: 0 } })),
    ...times(4000, (i) => sock('TIME-WAIT', '10.0.0.1:443', `${peerIp(i)}:${50000 + (i % 9000)}`, { timer: { kind: 'timewait', remainingMs: (i % 60) * 1000 } })),
    ...times(2000, (i) => sock('TIME-WAIT', `10.0.0.1:${34000 + i}`, '10.0.0.20:5432', { timer: { kind: 'timewait', remainingMs: (i % 60) * 1000 } })),
    ...times(12, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i, '198.51')}:3000`, { timer: { kind: 'on', remainingMs: 900 } })),
    ...times(4, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:60000`, { ...nginx, recvQ: 0 })),
    ...times(6, (i) => sock('FIN-WAIT-2', '10.0.0.1:443', `${peerIp(i)}:61000`, { inode: 0, timer: { kind: 'timewait', remainingMs: 20_000 } })),
    ...times(3, (i) => sock('LAST-ACK', '10.0.0.1:443', `${peerIp(i)}:62000`, { inode: 0 })),
  ]);
}

test('a busy healthy host gets no warning (info at most) and exit status 0', () => {
  const fs = diagnose(busyHealthyHost());
  assert.deepEqual(fs.filter((f) => f.severity !== 'info').map((f) => f.summary), []);
  assert.equal(exitStatusFor(fs), 0);
  assert.ok(fs.some((f) => f.id === 'keepalive_defaults'));
  assert.ok(fs.some((f) => f.id === 'time_wait_pressure' && f.evidence.side === 'server'));
});

test('findings are sorted critical, warning, info and the exit status is 1', () => {
  const s = busyHealthyHost();
  s.sockets.push(...times(600, (i) => sock('CLOSE-WAIT', '127.0.0.1:8000', `127.0.0.1:${45000 + i}`, { pid: 2000, name: 'app', recvQ: 1 })));
  s.sysctls['net.ipv4.tcp_tw_recycle'] = '1';
  const fs = diagnose(s);
  assert.deepEqual(fs.slice(0, 2).map((f) => [f.id, f.severity]), [['close_wait_leak', 'critical'], ['dangerous_sysctl', 'warning']]);
  const ranks = fs.map((f) => ['critical', 'warning', 'info'].indexOf(f.severity));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.equal(exitStatusFor(fs), 1);
});

test('the report: all eleven states, worst severity, notes about missing evidence', () => {
  const r = doctorReport(host({ complete: false }, [sock('ESTABLISHED', '10.0.0.1:22', '10.0.0.2:50000')]));
  assert.equal(Object.keys(r.summary.states).length, 11);
  assert.equal(r.summary.states.ESTABLISHED, 1);
  assert.equal(r.summary.worst, 'none');
  assert.ok(r.summary.notes.some((n) => /run tcplens as root/i.test(n)));
  assert.ok(r.summary.notes.some((n) => /No sysctl values/.test(n)));
  assert.ok(r.summary.notes.some((n) => /No kernel counters/.test(n)));
  assert.deepEqual(r.source.kinds, ['ss']);
});

test('every rule id has exactly one rule in the table, with bilingual thresholds', () => {
  assert.deepEqual([...RULES.map((r) => r.id)].sort(), [...RULE_IDS].sort());
  for (const r of RULES) { assert.ok(r.thresholds.en.length > 10); assert.ok(r.thresholds.zh.length > 5); }
});

test('an empty snapshot yields no findings', () => {
  assert.deepEqual(diagnose(host({}, [])), []);
});
