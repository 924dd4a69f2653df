import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from '../snapshot-builder.js';

const only = ['time_wait_pressure'] as const;
const tw = (remaining: number) => ({ timer: { kind: 'timewait' as const, remainingMs: remaining } });
const api = { pid: 900, name: 'api', inode: 5 };

test('20,000 client TIME-WAIT toward one ip:port, default range → warning (71 % used), with conns/s figures', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_reuse': '0' } }, [
    sock('LISTEN', '0.0.0.0:8000', '0.0.0.0:*', api),
    ...times(20_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432', tw(60_000 - (i % 60) * 1000))),
  ]);
  const [f, ...rest] = diagnose(s, { only });
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.side, 'client');
  assert.equal(f.evidence.destination, '10.0.0.9:5432');
  assert.equal(f.evidence.figures?.portRangeSize, 28232);
  assert.equal(f.evidence.figures?.sustainableConnsPerSec, 470);
  assert.equal(f.evidence.figures?.portsInUse, 20000);
  assert.equal(f.evidence.ages?.maxMs, 59_000);
  assert.match(f.summary, /EADDRNOTAVAIL/);
  const all = f.fixes.map((x) => `${x.text} | ${x.caveat ?? ''}`).join('\n');
  assert.match(all, /tcp_fin_timeout.*TIME-WAIT is fixed at 60 s/s);
  assert.match(all, /tcp_tw_reuse = 1 \(now 0\).*only outgoing connections.*tcp_timestamps/s);
  assert.match(all, /tcp_tw_recycle.*Removed in Linux 4\.12/s);
  assert.match(all, /SO_LINGER.*data is lost/s);
});

test('a narrowed ip_local_port_range (1000 ports) and 950 TIME-WAIT → critical', () => {
  const s = host({ sysctls: { 'net.ipv4.ip_local_port_range': '40000 40999', 'net.ipv4.tcp_tw_reuse': '0' } }, [
    sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*'),
    ...times(950, (i) => sock('TIME-WAIT', `10.0.0.1:${40000 + i}`, '10.0.0.9:80', tw(30_000))),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.equal(f.evidence.figures?.sustainableConnsPerSec, 16);
});

test('tcp_tw_reuse = 1 with timestamps: old TIME-WAIT entries are reusable → only info', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_reuse': '1' } }, [
    sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*'),
    ...times(20_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432', tw(50_000))),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'info');
  assert.match(f.explanation, /tcp_tw_reuse applies here/);
});

test('server-side TIME-WAIT (the server closes first) never warns: info, port named', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_fin_timeout': '30' } }, [
    sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 10, name: 'nginx' }),
    ...times(25_000, (i) => sock('TIME-WAIT', '10.0.0.1:80', `${peerIp(i % 1000)}:${40000 + i}`, tw(10_000))),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.side, 'server');
  assert.equal(f.evidence.localPort, 80);
  assert.equal(f.evidence.process, 'nginx');
  assert.match(f.explanation, /never exhausts the listening port/);
  assert.ok(f.fixes.some((x) => /tcp_fin_timeout = 30 and TIME-WAIT still lasts 60 s/.test(x.text)));
});

test('a few hundred TIME-WAIT → nothing', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, times(300, (i) => sock('TIME-WAIT', `10.0.0.1:${33000 + i}`, '10.0.0.9:443', tw(1000))));
  assert.deepEqual(diagnose(s, { only }), []);
});

test('TIME-WAIT table at tcp_max_tw_buckets → warning', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_max_tw_buckets': '5000' }, sockstat: { tw: 4990 } }, []);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.match(f.summary, /tcp_max_tw_buckets 5000/);
});

test('unknown port range is said to be assumed', () => {
  const s = host({}, [sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*'), ...times(15_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432'))]);
  const [f] = diagnose(s, { only, lang: 'zh' });
  assert.equal(f.severity, 'warning');
  assert.ok(f.missing?.[0].includes('ip_local_port_range'));
  assert.match(f.summary, /临时端口/);
});

test('Windows netstat -ano: 49152–65535 and 120 s; the fix names netsh and TcpTimedWaitDelay, not sysctls', () => {
  const s = host({ source: { kind: 'netstat-windows', origin: 'x', os: 'windows' } }, [
    sock('LISTEN', '0.0.0.0:135', '0.0.0.0:*'),
    ...times(12_000, (i) => sock('TIME-WAIT', `10.0.0.1:${49152 + i}`, '10.0.0.9:1433')),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.figures?.portRangeSize, 16384);
  assert.equal(f.evidence.figures?.timeWaitSeconds, 120);
  const all = f.fixes.map((x) => x.text).join('\n');
  assert.match(all, /netsh int ipv4 set dynamicport/);
  assert.match(all, /TcpTimedWaitDelay/);
  assert.doesNotMatch(all, /net\.ipv4/);
});
