import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, sock, times } from '../snapshot-builder.js';

const only = ['fin_wait2_orphans'] as const;

test('orphaned FIN-WAIT-2 (inode 0, timewait timer) toward one peer → info that names the peer and tcp_fin_timeout', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_fin_timeout': '5' } }, times(40, (i) =>
    sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:6379', { inode: 0, timer: { kind: 'timewait', remainingMs: 3000 } })));
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.count, 40);
  assert.equal(f.evidence.peers?.[0].address, '10.0.0.7');
  assert.match(f.summary, /tcp_fin_timeout \(5 s\)/);
  assert.match(f.explanation, /does not last forever/);
});

test('FIN-WAIT-2 still owned (half-close) by one process → warning, fix in the application', () => {
  const s = host({}, times(25, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80', { pid: 31, name: 'worker', inode: 100 + i })));
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.pid, 31);
  assert.match(f.explanation, /shutdown\(SHUT_WR\)/);
});

test('orphans at 60 % of tcp_max_orphans → critical', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_max_orphans': '10000' }, sockstat: { orphan: 6000 }, counters: { 'TcpExt:TCPAbortOnMemory': 12 } }, []);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.equal(f.evidence.counters?.['TcpExt:TCPAbortOnMemory'], 12);
});

test('a few FIN-WAIT-2 → nothing', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_max_orphans': '131072' }, sockstat: { orphan: 3 } }, times(4, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80', { inode: 0 })));
  assert.deepEqual(diagnose(s, { only }), []);
});

test('orphaned FIN-WAIT-2 whose other end is a local CLOSE-WAIT: the paired view names the process to fix', () => {
  const s = host({}, [
    sock('LISTEN', '127.0.0.1:8080', '0.0.0.0:*', { pid: 50, name: 'leaky' }),
    ...times(12, (i) => sock('FIN-WAIT-2', `127.0.0.1:${40000 + i}`, '127.0.0.1:8080', { inode: 0, timer: { kind: 'timewait', remainingMs: 50_000 }, ageMs: 10_000 })),
    ...times(12, (i) => sock('CLOSE-WAIT', '127.0.0.1:8080', `127.0.0.1:${40000 + i}`, { pid: 50, name: 'leaky', recvQ: 1 })),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.evidence.figures?.pairedWithLocalCloseWait, 12);
  assert.equal(f.evidence.ages?.maxMs, 10_000);
  assert.match(f.fixes[0].text, /peer is on this host: 12 of these connections are held at the other end in CLOSE-WAIT by leaky \(pid 50\)/);
});

test('ss -tanp / netstat -antp (no inode, no timer): FIN-WAIT-2 without an owner is "orphaned or owned by another user", never counted as orphaned', () => {
  // Non-root netstat and ss print '-' for other users' sockets too, and a saved paste loses netstat's
  // "Not all processes could be identified" (it goes to stderr).
  for (const complete of [true, false]) {
    const s = host({ complete }, times(15, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80')));
    const fs = diagnose(s, { only });
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'info');
    assert.equal(fs[0].evidence.figures?.orphaned, undefined);
    assert.equal(fs[0].evidence.figures?.unattributed, 15);
    assert.match(fs[0].summary, /^15 FIN-WAIT-2 toward 10\.0\.0\.7 with no owner in the source: orphaned or owned by another user — attribution partial$/);
    assert.match(fs[0].missing?.[0] ?? '', /Attribution is partial/);
  }
});

test('a live /proc read as root: an ownerless FIN-WAIT-2 is an orphan', () => {
  const s = host({ complete: true, source: { kind: 'proc', origin: '/proc', os: 'linux' } }, times(15, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80')));
  assert.equal(diagnose(s, { only })[0]?.evidence.figures?.orphaned, 15);
});

test('owned FIN-WAIT-2 (half-close) whose other ends are a local CLOSE-WAIT leak → first fix names the leaking process', () => {
  const s = host({}, [
    sock('LISTEN', '127.0.0.1:8080', '0.0.0.0:*', { pid: 50, name: 'leaky' }),
    ...times(25, (i) => sock('FIN-WAIT-2', `127.0.0.1:${40000 + i}`, '127.0.0.1:8080', { pid: 60, name: 'caller', inode: 500 + i })),
    ...times(25, (i) => sock('CLOSE-WAIT', '127.0.0.1:8080', `127.0.0.1:${40000 + i}`, { pid: 50, name: 'leaky', inode: 900 + i, recvQ: 1 })),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.process, 'caller');
  assert.match(f.fixes[0].text, /held at the other end in CLOSE-WAIT by leaky \(pid 50\) — fix that application first/);
});
