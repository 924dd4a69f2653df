import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, peerIp, sock, times } from '../snapshot-builder.js';

const only = ['syn_flood'] as const;
const nginx = { pid: 10, name: 'nginx' };

test('900 SYN-RECEIVED on :443 from 900 sources, SYN-ACKs retransmitted → warning, looks like a flood', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_syncookies': '1' }, counters: { 'TcpExt:SyncookiesSent': 5000 } }, [
    sock('LISTEN', '0.0.0.0:443', '0.0.0.0:*', { ...nginx, recvQ: 0, sendQ: 511 }),
    ...times(900, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i, '203.0')}:${1024 + i}`, { timer: { kind: 'on', remainingMs: 800, retransmits: 2 } })),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.localPort, 443);
  assert.equal(f.evidence.process, 'nginx');
  assert.equal(f.evidence.distinctPeers, 900);
  assert.equal(f.evidence.counters?.['TcpExt:SyncookiesSent'], 5000);
  assert.match(f.explanation, /looks like a flood/);
});

test('SYN queue full with tcp_syncookies = 0 → critical; few sources → small backlog, not an attack', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_syncookies': '0' } }, [
    sock('LISTEN', '0.0.0.0:5000', '0.0.0.0:*', { pid: 3, name: 'app', recvQ: 0, sendQ: 64 }),
    ...times(64, (i) => sock('SYN-RECEIVED', '10.0.0.1:5000', `10.0.0.${1 + (i % 2)}:${30000 + i}`)),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.match(f.explanation, /small backlog or lost final ACKs/);
});

test('cookies counted since boot but no pile-up now → info; a few SYN-RECEIVED → nothing', () => {
  const s = host({ counters: { 'TcpExt:SyncookiesSent': 3, 'TcpExt:TCPReqQFullDrop': 0 } },
    times(10, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i)}:2000`)));
  const fs = diagnose(s, { only });
  assert.equal(fs.length, 1);
  assert.equal(fs[0].severity, 'info');
  assert.deepEqual(diagnose(host({}, times(10, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i)}:2000`))), { only }), []);
});
