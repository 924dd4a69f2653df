import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from '../snapshot-builder.js';

const only = ['close_wait_leak'] as const;
const java = { pid: 4711, name: 'java', inode: 1 };

test('80 CLOSE-WAIT on :8080 owned by java with Recv-Q 1 → warning: never read to EOF, grouped by local port', () => {
  const s = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, [
    sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { ...java, recvQ: 0, sendQ: 100 }),
    ...times(80, (i) => sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i % 3)}:${40000 + i}`, { ...java, recvQ: 1 })),
  ]);
  const [f, ...rest] = diagnose(s, { only });
  assert.equal(rest.length, 0);
  assert.equal(f.id, 'close_wait_leak');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.count, 80);
  assert.equal(f.evidence.pid, 4711);
  assert.equal(f.evidence.process, 'java');
  assert.equal(f.evidence.localPort, 8080);
  assert.equal(f.evidence.side, 'server');
  assert.equal(f.evidence.distinctPeers, 3);
  assert.deepEqual(f.evidence.queues, { withUnread: 80, withoutUnread: 0 });
  assert.match(f.explanation, /never read the socket to the end/);
  assert.match(f.fixes.map((x) => `${x.text} ${x.caveat}`).join(' '), /keepalive.*never end CLOSE-WAIT/is);
  assert.ok(f.missing?.some((m) => /How long/.test(m)), 'says the age is unknown');
});

test('Recv-Q 0 on every CLOSE-WAIT → saw EOF and did not close', () => {
  const s = host({}, times(25, (i) => sock('CLOSE-WAIT', '10.0.0.1:5000', `10.0.0.9:${41000 + i}`, { ...java, recvQ: 0 })));
  const [f] = diagnose(s, { only });
  assert.match(f.explanation, /read to EOF \(Recv-Q is 0\) and then never called close/);
});

test('500+ CLOSE-WAIT → critical; client side grouped by destination', () => {
  const s = host({}, [
    sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*', { pid: 1, name: 'sshd' }),
    ...times(600, (i) => sock('CLOSE-WAIT', `10.0.0.1:${33000 + i}`, '10.0.0.50:9200', { pid: 77, name: 'python3', recvQ: 0 })),
  ]);
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'critical');
  assert.equal(f.evidence.side, 'client');
  assert.equal(f.evidence.destination, '10.0.0.50:9200');
  assert.match(f.summary, /600 CLOSE-WAIT sockets held by python3 \(pid 77\) toward 10\.0\.0\.50:9200 \(client side\)/);
});

test('a handful of CLOSE-WAIT on a busy server → nothing', () => {
  const s = host({}, times(5, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { ...java, recvQ: 0 })));
  assert.deepEqual(diagnose(s, { only }), []);
});

test('three CLOSE-WAIT stuck for 10 minutes → warning with ages', () => {
  const s = host({}, times(3, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { ...java, recvQ: 0, ageMs: 600_000 })));
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.ages?.maxMs, 600_000);
  assert.match(f.explanation, /10 min/);
});

test('growth across samples → warning even when few', () => {
  const s = host({ history: [{ takenAt: 1, stateCounts: { 'CLOSE-WAIT': 2 } }, { takenAt: 2, stateCounts: { 'CLOSE-WAIT': 5 } }] },
    times(8, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { ...java, recvQ: 0 })));
  assert.equal(diagnose(s, { only })[0].severity, 'warning');
});

test('no process info → says run as root / paste ss -tanp; Chinese text', () => {
  const s = host({ complete: false }, times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { recvQ: 1 })));
  const [en] = diagnose(s, { only });
  assert.equal(en.evidence.pid, undefined);
  assert.ok(en.missing?.some((m) => /run tcplens as root.*ss -tanp/.test(m)));
  const [zh] = diagnose(s, { only, lang: 'zh' });
  assert.match(zh.summary, /CLOSE-WAIT/);
  assert.match(zh.explanation, /被动关闭/);
});

test('lowered tcp_keepalive_time is named as not the fix', () => {
  const s = host({ sysctls: { 'net.ipv4.tcp_keepalive_time': '30' } }, times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { ...java, recvQ: 1 })));
  const [f] = diagnose(s, { only });
  assert.ok(f.fixes.some((x) => /Not a fix.*tcp_keepalive_time = 30 s/.test(x.text)));
});

test('a leak spread thin over many destinations is still one finding for the process', () => {
  const s = host({}, [sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*'),
    ...times(300, (i) => sock('CLOSE-WAIT', `10.0.0.1:${33000 + i}`, `${peerIp(i % 100, '172.16')}:8080`, { pid: 5, name: 'crawler', recvQ: 0 }))]);
  const fs = diagnose(s, { only });
  assert.equal(fs.length, 1);
  assert.equal(fs[0].evidence.count, 300);
  assert.equal(fs[0].evidence.destination, undefined);
  assert.equal(fs[0].evidence.distinctPeers, 100);
  assert.match(fs[0].summary, /spread over 100 peers/);
});

test('pre-forked workers of one name leaking alike → one finding listing their pids', () => {
  const s = host({}, [sock('LISTEN', '0.0.0.0:9000', '0.0.0.0:*', { pid: 100, name: 'php-fpm' }),
    ...times(60, (i) => sock('CLOSE-WAIT', '127.0.0.1:9000', `127.0.0.1:${40000 + i}`, { pid: 101 + (i % 3), name: 'php-fpm', recvQ: 1 }))]);
  const [f, ...rest] = diagnose(s, { only });
  assert.equal(rest.length, 0);
  assert.deepEqual(f.evidence.pids, [101, 102, 103]);
  assert.match(f.summary, /and 2 more php-fpm processes/);
});

test('CLOSE-WAIT with inode 0 on a listening port: never accepted, clients gave up in the accept queue ("backlog too large")', () => {
  const s = host({}, [sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 7, name: 'tomcat', recvQ: 100, sendQ: 100 }),
    ...times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:${50000 + i}`, { inode: 0, recvQ: 1 }))]);
  const [f] = diagnose(s, { only });
  assert.equal(f.evidence.pid, 7);
  assert.equal(f.evidence.attribution, 'listener');
  assert.match(f.summary, /waiting unaccepted in the queue of tomcat \(pid 7\)/);
  assert.match(f.explanation, /never accept\(\)ed/);
  assert.equal(f.missing?.some((m) => /as root/.test(m)), false);
});

test('a mix of Recv-Q 1 and 0 gives both reasons with their counts', () => {
  const s = host({}, times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:5000', `10.0.0.9:${41000 + i}`, { ...java, recvQ: i < 10 ? 1 : 0 })));
  const [f] = diagnose(s, { only });
  assert.match(f.explanation, /10 of them:.*never read the socket to the end.*The other 20:.*read to EOF/s);
});
