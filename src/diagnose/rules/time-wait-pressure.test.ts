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

test('loopback, tcp_tw_reuse = 2, 1,000 closes inside the 1 s reuse delay into 1,000 ports → warning: the range ran out in a burst, connects failed with EADDRNOTAVAIL', () => {
  const client = { pid: 4242, name: 'bench', inode: 7 };
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.ip_local_port_range': '40000 40999' } }, [
    sock('LISTEN', '127.0.0.1:8080', '0.0.0.0:*', { pid: 10, name: 'server' }),
    sock('ESTABLISHED', '127.0.0.1:33000', '127.0.0.1:8080', client),
    // read 2 s after a burst that lasted 0.4 s: every entry is now older than the reuse delay
    ...times(1000, (i) => sock('TIME-WAIT', `127.0.0.1:${40000 + i}`, '127.0.0.1:8080', tw(57_600 + (i % 400)))),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.match(f.summary, /ran out in a burst: 1000 connections closed within 1 s/);
  assert.match(f.summary, /EADDRNOTAVAIL/);
  assert.match(f.summary, /likely client: bench \(pid 4242, inferred from its other connections there\)/);
  assert.equal(f.evidence.figures?.portsInUse, 0);
  assert.equal(f.evidence.figures?.peakPortsHeld, 1000);
  assert.equal(f.evidence.figures?.portsRanOut, 1);
  assert.equal(f.evidence.inferred, true);
  assert.match(f.explanation, /1000 closes within 0\.4 s, 2\.0 s ago \(2500\/s\), from TIME-WAIT timers/);
  assert.doesNotMatch(f.explanation, /about 17\/s|over the last 60 s/);
  assert.deepEqual(f.evidence.rates?.map((r) => [r.what, r.basis, r.count]), [['closes', 'timewait-timers', 1000]]);
  const [z] = diagnose(s, { only, lang: 'zh' });
  assert.match(z.summary, /突发中用尽/);
  assert.match(z.explanation, /2\.0 秒前的 0\.4 秒内关闭 1000 个（每秒 2500 个），由 TIME-WAIT 定时器得出/);
});

test('the same range without reuse (tcp_tw_reuse = 0): 1,000 TIME-WAIT hold every port now → critical, "fails now"', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.ip_local_port_range': '40000 40999', 'net.ipv4.tcp_tw_reuse': '0' } },
    times(1000, (i) => sock('TIME-WAIT', `127.0.0.1:${40000 + i}`, '127.0.0.1:8080', tw(57_600))));
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.match(f.summary, /used up \(1000 of 1000\): connect\(\) there fails now with EADDRNOTAVAIL/);
});

test('EADDRNOTAVAIL errors pasted with the listing are evidence: warning quoting them', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, times(300, (i) => sock('TIME-WAIT', `10.0.0.1:${33000 + i}`, '10.0.0.9:443', tw(59_000))));
  s.problems.push({ file: 'paste', line: 40, message: 'not a socket line', text: 'requests.exceptions.ConnectionError: [Errno 99] Cannot assign requested address' });
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.match(f.summary, /the input shows 1 EADDRNOTAVAIL error \("requests\.exceptions\.ConnectionError: \[Errno 99\] Cannot assign requested address"\)/);
  assert.equal(f.evidence.figures?.eaddrnotavailErrors, 1);
});

test('no timers in the input: the rate is labelled as assumed, asking for ss -tano; with two reads, Tcp:ActiveOpens gives connects/s', () => {
  const s = host({
    sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_reuse': '0' }, counters: { 'Tcp:ActiveOpens': 16_000 }, takenAt: 10_000,
    history: [{ takenAt: 0, stateCounts: {}, counters: { 'Tcp:ActiveOpens': 1000 } }],
  }, times(20_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432')));
  const [f] = diagnose(s, { only });
  assert.match(f.explanation, /about 333\/s if the 20000 closes spread evenly over 1 min \(the input shows no TIME-WAIT timers: paste ss -tano\)/);
  assert.match(f.explanation, /15000 connects in 10 s between reads \(1500\/s\), from Tcp:ActiveOpens/);
  assert.deepEqual(f.evidence.rates?.map((r) => r.basis), ['assumed-even', 'counter-delta']);
});

test('server-side TIME-WAIT: closes counted from their timers, "left by" the listener, inferred', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, [
    sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 10, name: 'nginx' }),
    ...times(300, (i) => sock('TIME-WAIT', '10.0.0.1:80', `${peerIp(i)}:40000`, tw(59_600 + (i % 4) * 100))),
  ]);
  const [f] = diagnose(s, { only });
  assert.match(f.summary, /300 TIME-WAIT on listening port 80, left by nginx \(pid 10, inferred from the listener\)/);
  assert.doesNotMatch(f.summary, /belong/);
  assert.equal(f.evidence.inferred, true);
  assert.match(f.explanation, /300 closes in the last 0\.4 s \(750\/s\), from TIME-WAIT timers/);
});
