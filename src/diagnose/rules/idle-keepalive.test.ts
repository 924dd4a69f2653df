import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from '../snapshot-builder.js';

const tomcat = { pid: 8080, name: 'java' };

test('idle_established: 150 ESTABLISHED idle 2 h, no keepalive (ss -toi) → warning naming Tomcat-style timeouts', () => {
  const s = host({}, [
    sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { ...tomcat, timer: { kind: 'off', remainingMs: 0 } }),
    ...times(150, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, { ...tomcat, extra: { lastsnd: 7_200_000, lastrcv: 7_200_000 } })),
  ]);
  const [f] = diagnose(s, { only: ['idle_established'] });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.localPort, 8080);
  assert.equal(f.evidence.figures?.idleOver30min, 150);
  assert.match(f.explanation, /Tomcat/);
  assert.match(f.explanation, /2 h/);
});

test('idle_established: no timers in the source → says nothing (no evidence)', () => {
  const s = host({}, times(5000, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, tomcat)));
  assert.deepEqual(diagnose(s, { only: ['idle_established'] }), []);
});

test('idle_established: many without keepalive but idleness unknown → info asking for ss -tanpoi', () => {
  const s = host({}, times(1200, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, { ...tomcat, timer: { kind: 'off', remainingMs: 0 } })));
  const [f] = diagnose(s, { only: ['idle_established'] });
  assert.equal(f.severity, 'info');
  assert.ok(f.missing?.some((m) => /ss -tanpoi/.test(m)));
});

test('keepalive_defaults: 7200/75/9 → info "2 h 11 min 15 s"', () => {
  const [f] = diagnose(host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, []), { only: ['keepalive_defaults'] });
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.figures?.deadPeerAfterSeconds, 7875);
  assert.match(f.summary, /2 h 11 min 15 s/);
  const [zh] = diagnose(host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, []), { only: ['keepalive_defaults'], lang: 'zh' });
  assert.match(zh.summary, /2 小时 11 分 15 秒/);
});

test('idle_established: 120 ESTABLISHED on one port, nothing queued, no keepalive, idleness unknown → info with owner, port, count and the keepalive arithmetic', () => {
  const off = { timer: { kind: 'off' as const, remainingMs: 0 }, recvQ: 0, sendQ: 0 };
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, [
    sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { ...tomcat, ...off }),
    ...times(120, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, { ...tomcat, ...off })),
    // busy ones (bytes queued) are not idle
    ...times(30, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i + 200)}:50000`, { ...tomcat, ...off, recvQ: 512 })),
  ]);
  const [f] = diagnose(s, { only: ['idle_established'] });
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.pid, 8080);
  assert.equal(f.evidence.localPort, 8080);
  assert.equal(f.evidence.count, 120);
  assert.match(f.summary, /120 ESTABLISHED connections with nothing queued and no keepalive on port 8080 held by java \(pid 8080\)/);
  assert.match(f.explanation, /7200 \+ 75 × 9 s = 2 h 11 min 15 s/);
  assert.equal(f.evidence.figures?.keepaliveDeadPeerAfterSeconds, 7875);
  const [z] = diagnose(s, { only: ['idle_established'], lang: 'zh' });
  assert.match(z.summary, /^120 个没有排队数据、也没有保活的 ESTABLISHED 连接在端口 8080 上，由java（pid 8080）持有$/);
});

test('idle_established: idle times from tcp_info on a live record (last_data_sent/recv) count like ss -i', () => {
  const s = host({}, times(120, (i) => sock('ESTABLISHED', '10.0.0.1:5000', `${peerIp(i)}:50000`, {
    ...tomcat, timer: { kind: 'off', remainingMs: 0 }, extra: { tcpi_last_data_sent: 3_600_000, tcpi_last_data_recv: 2_000_000 },
  })));
  const [f] = diagnose(s, { only: ['idle_established'] });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.figures?.idleOver30min, 120);
  assert.match(f.explanation, /Longest idle: 33 min 20 s/);
});
