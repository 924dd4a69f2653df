import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSs, parseUsers } from './ss.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('ss -tan capture: every state counted, listeners keep their accept queue and limit', () => {
  const p = parseSs('ss-tan.txt', fixture('linux/ss-tan.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), {
    LISTEN: 5, ESTABLISHED: 10, 'SYN-SENT': 2, 'CLOSE-WAIT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': 3,
  });
  const stuck = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.equal(stuck.recvQ, 2);
  assert.equal(stuck.sendQ, 1);
  assert.equal(p.hasProcesses, false);
  const v6 = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 8443)!;
  assert.deepEqual([v6.family, v6.localAddress, v6.remoteAddress, v6.remotePort], ['ipv6', '::1', '::', 0]);
});

test('ss -tanpoei capture: processes, timers, inodes and -i continuation lines', () => {
  const p = parseSs('ss-tanpoei.txt', fixture('linux/ss-tanpoei.txt'));
  assert.deepEqual(p.problems, []);
  assert.equal(p.sockets!.length, 24);
  assert.equal(p.hasProcesses, true);
  const py = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.deepEqual(py.processes, [{ pid: 6592, name: 'python3', fd: 3 }]);
  assert.equal(py.inode, 13448);
  const ka = p.sockets!.find((s) => s.timer?.kind === 'keepalive')!;
  assert.deepEqual([ka.localPort, ka.remotePort, ka.timer!.remainingMs], [43846, 8080, 119 * 60_000]);
  const tw = p.sockets!.filter((s) => s.state === 'TIME-WAIT');
  assert.equal(tw.length, 3);
  for (const s of tw) {
    assert.deepEqual(s.timer, { kind: 'timewait', remainingMs: 59_000, retransmits: 0 });
    assert.equal(s.inode, 0);
    assert.equal(s.processes, undefined);
  }
  const cw = p.sockets!.filter((s) => s.state === 'CLOSE-WAIT');
  assert.ok(cw.every((s) => s.recvQ === 1 && s.extra?.shutdown === '-->' && s.processes?.[0].name === 'node'));
  const syn = p.sockets!.find((s) => s.state === 'SYN-SENT' && s.remoteAddress === '10.9.9.2')!;
  assert.deepEqual(syn.timer, { kind: 'on', remainingMs: 684, retransmits: 0 });
  assert.equal(typeof syn.extra?.rto, 'number');
  const est = p.sockets!.find((s) => s.state === 'ESTABLISHED' && s.recvQ === 13)!;
  assert.equal(est.extra?.bytes_received, 13);
  assert.equal(est.extra?.lastrcv !== undefined, true);
});

test('ss -tanpH (no header) is read the same way', () => {
  const p = parseSs('ss-tanp-noheader.txt', fixture('linux/ss-tanp-noheader.txt'));
  assert.deepEqual(p.problems, []);
  assert.equal(p.sockets!.length, 24);
  assert.equal(p.sockets!.filter((s) => s.processes?.[0].pid === 6559).length, 18);
  // TIME-WAIT and the two connections still in python's accept queue have no owner.
  assert.equal(p.sockets!.filter((s) => !s.processes).length, 5);
});

test('users:() with several processes, names with spaces and quotes', () => {
  assert.deepEqual(parseUsers('users:(("nginx",pid=1234,fd=6),("nginx",pid=1235,fd=6)) uid:33'), [
    { pid: 1234, name: 'nginx', fd: 6 }, { pid: 1235, name: 'nginx', fd: 6 },
  ]);
  assert.deepEqual(parseUsers('users:(("Web Content",pid=77,fd=120))'), [{ pid: 77, name: 'Web Content', fd: 120 }]);
});

test('public-sample shapes: netid column, dual-stack *, %ifname, old ms timer, service names', () => {
  const text = [
    'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*',
    'tcp   LISTEN 0      4096         0.0.0.0:9187      0.0.0.0:*    users:(("prometheus-post",pid=1671,fd=3)) uid:128 ino:32721 sk:10 <->',
    'tcp   LISTEN 0      128                *:22              *:*    users:(("sshd",pid=900,fd=4))',
    'tcp   TIME-WAIT 0   0        10.0.0.5:ssh      10.0.0.9:61893 timer:(timewait,4.193ms,0)',
    'tcp   ESTAB  0      0     172.16.10.1:22    172.16.20.5:61893 timer:(keepalive,1min30sec,0) ino:129789903 sk:432c cgroup:/system.slice/sshd.service <->',
    '\t cubic wscale:7,7 rto:564 rtt:352.5/4 ato:40 cwnd:386',
  ].join('\n') + '\n';
  const p = parseSs('sample', text);
  assert.deepEqual(p.problems, []);
  assert.equal(p.sockets!.length, 4);
  const [prom, ssh, tw, est] = p.sockets!;
  assert.equal(prom.uid, 128);
  assert.deepEqual([ssh.family, ssh.localAddress, ssh.remoteAddress], ['ipv6', '::', '::']);
  assert.equal(tw.localPort, 22);
  assert.equal(tw.timer!.remainingMs, 4193); // pre-6.11 ss printed seconds with an ms suffix
  assert.equal(est.timer!.remainingMs, 90_000);
  assert.equal(est.extra?.cwnd, 386);
  assert.equal(est.extra?.rtt, '352.5/4');
});

test('bad and truncated rows are reported with their line numbers', () => {
  const text = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n' +
    'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n' +
    'WEIRD 0 0 10.0.0.1:22 10.0.0.2:5001\n' +
    'garbage here\n' +
    'ESTAB 0 0 10.0.0.1:22 10.0.0.2:';
  const p = parseSs('paste', text);
  assert.equal(p.sockets!.length, 1);
  assert.deepEqual(p.problems.map((x) => x.line), [3, 4, 5]);
  assert.match(p.problems[0].message, /unknown state word 'WEIRD'/);
  assert.match(p.problems[2].message, /ends in the middle of this line/);
});

test('ss filtered on one state prints no State column: reported once, nothing guessed', () => {
  const text = 'Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n1 0 10.0.0.1:80 10.0.0.2:5000\n1 0 10.0.0.1:80 10.0.0.2:5001\n';
  const p = parseSs('cw', text);
  assert.equal(p.sockets!.length, 0);
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0].line, 1);
  assert.match(p.problems[0].message, /no State column .* its 2 rows/);
});

test('ss -O puts tcp_info on the row; grep-ed rows without a header are still ss', () => {
  const p = parseSs('o', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("sshd",pid=9,fd=3)) timer:(keepalive,1min,0) ino:5 sk:1 <-> ts sack cubic wscale:7,7 rto:204 rtt:0.5/0.25 cwnd:10 lastsnd:100 lastrcv:200 lastack:100\n');
  assert.deepEqual(p.problems, []);
  const s = p.sockets![0];
  assert.deepEqual([s.extra?.lastsnd, s.extra?.lastrcv, s.extra?.cwnd, s.inode, s.processes?.[0].name], [100, 200, 10, 5, 'sshd']);
});

test('old ss (before iproute2 4.14): `*` is the IPv4 wildcard and IPv6 is unbracketed', () => {
  const p = parseSs('old', 'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port\n' +
    'LISTEN     0      128                   *:22                       *:*\n' +
    'LISTEN     0      128                  :::22                      :::*\n' +
    'ESTAB      0      0        ::ffff:10.0.0.1:8080    ::ffff:10.0.0.2:50000\n');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockets!.map((s) => `${s.family} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`), [
    'ipv4 0.0.0.0:22 0.0.0.0:0', 'ipv6 :::22 :::0', 'ipv4 10.0.0.1:8080 10.0.0.2:50000',
  ]);
});

test('iproute2 < 3.19 (public sample, through grep): users:(("nc",1469,3)) without labels; `*` is IPv4 then', () => {
  const p = parseSs('old.txt', fixture('names/ss-lnp-grep-iproute2-old.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockets!.map((s) => [s.state, s.family, s.localAddress, s.localPort, s.processes]),
    [['LISTEN', 'ipv4', '0.0.0.0', 80, [{ pid: 1469, name: 'nc', fd: 3 }]]]);
  assert.equal(p.hasProcesses, true);
});

test('figures ss never prints (pid 0, a 20-digit queue, a negative-looking fd) make the row an error on its line', () => {
  const text = [
    'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'LISTEN 0      511    127.0.0.1:9000     0.0.0.0:*         users:(("node",pid=0,fd=27)) ino:13418',
    '\tcubic rto:204',
    'ESTAB  99999999999999999999 0 127.0.0.1:9000 127.0.0.1:40000',
    'LISTEN 0      511    127.0.0.1:7000     0.0.0.0:*         users:(("node",pid=6559,fd=32)) ino:13423',
    '',
  ].join('\n');
  const p = parseSs('ss', text);
  assert.deepEqual(p.sockets!.map((s) => s.localPort), [7000]);
  // The continuation line of the refused row is not a second problem.
  assert.deepEqual(p.problems.map((x) => [x.line, /pid 0|Recv-Q/.test(x.message)]), [[2, true], [4, true]]);
});
