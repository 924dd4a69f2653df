import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, sock } from '../snapshot-builder.js';

const only = ['accept_queue_overflow'] as const;
const node = { pid: 222, name: 'node' };

test('LISTEN Recv-Q 512 of Send-Q 511 (ss) → critical, names the process and Node\'s 511 under somaxconn 4096', () => {
  const s = host({ sysctls: { 'net.core.somaxconn': '4096' }, counters: { 'TcpExt:ListenOverflows': 1200, 'TcpExt:ListenDrops': 1200 } }, [
    sock('LISTEN', '0.0.0.0:3000', '0.0.0.0:*', { ...node, recvQ: 512, sendQ: 511 }),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.equal(f.evidence.pid, 222);
  assert.equal(f.evidence.localPort, 3000);
  assert.deepEqual(f.evidence.queues, { acceptQueue: 512, backlog: 511 });
  assert.equal(f.evidence.counters?.['TcpExt:ListenOverflows'], 1200);
  assert.ok(f.fixes.some((x) => /backlog 511, below somaxconn 4096/.test(x.text)));
});

test('half full → warning; nearly empty → nothing', () => {
  const half = host({}, [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { ...node, recvQ: 300, sendQ: 511 })]);
  assert.equal(diagnose(half, { only })[0].severity, 'warning');
  const idle = host({}, [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { ...node, recvQ: 3, sendQ: 4096 })]);
  assert.deepEqual(diagnose(idle, { only }), []);
});

test('/proc or netstat (Send-Q 0, limit unknown): Recv-Q 6 with ListenOverflows → warning that asks for ss -ltn', () => {
  const s = host({ source: { kind: 'proc', origin: '/proc', os: 'linux' }, counters: { 'TcpExt:ListenOverflows': 40 } }, [
    sock('LISTEN', '127.0.0.1:7000', '0.0.0.0:*', { ...node, recvQ: 6, sendQ: 0 }),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.ok(f.missing?.some((m) => /ss -ltn/.test(m)));
});

test('overflows since boot but no queue filling → info only', () => {
  const s = host({ counters: { 'TcpExt:ListenOverflows': 7, 'TcpExt:ListenDrops': 9 } }, [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { recvQ: 0, sendQ: 511 })]);
  const fs = diagnose(s, { only, lang: 'zh' });
  assert.equal(fs.length, 1);
  assert.equal(fs[0].severity, 'info');
  assert.match(fs[0].summary, /溢出 7 次/);
});
