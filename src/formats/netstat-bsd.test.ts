import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetstatBsd } from './netstat-bsd.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('macOS netstat -an: dotted ports, *.* peers, tcp46 dual-stack listener, udp skipped', () => {
  const p = parseNetstatBsd('mac', fixture('bsd/macos-netstat-an.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 2, 'TIME-WAIT': 1, 'CLOSE-WAIT': 1, ESTABLISHED: 3 });
  const [l46, tw, cw] = p.sockets!;
  assert.deepEqual([l46.family, l46.localAddress, l46.localPort, l46.remoteAddress, l46.remotePort], ['ipv6', '::', 8081, '::', 0]);
  assert.deepEqual([tw.localAddress, tw.localPort, tw.remotePort], ['::1', 8081, 54294]);
  assert.deepEqual([cw.localAddress, cw.localPort, cw.remoteAddress, cw.remotePort, cw.recvQ], ['192.168.1.191', 52040, '140.82.114.4', 443, 24]);
  assert.equal(p.hasProcesses, undefined);
});

test('macOS netstat -anv: the pid column attributes sockets; pid 0 owns nothing', () => {
  const p = parseNetstatBsd('macv', fixture('bsd/macos-netstat-anv.txt'));
  assert.deepEqual(p.problems, []);
  assert.equal(p.hasProcesses, true);
  assert.deepEqual(p.sockets!.map((s) => s.processes?.[0].pid ?? null), [901, 1333, 777, 901, null]);
  const newer = parseNetstatBsd('new', 'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rxbytes      txbytes  rhiwat  shiwat    process:pid\n' +
    'tcp4       0      0  127.0.0.1.8080         127.0.0.1.52311        ESTABLISHED       10       20  408300  146988   node:4242\n');
  assert.deepEqual(newer.sockets![0].processes, [{ pid: 4242, name: 'node' }]);
});

test('FreeBSD netstat -an: SYN_RCVD and FIN_WAIT_2; a cut IPv6 address (no -W) is reported, not guessed', () => {
  const p = parseNetstatBsd('fbsd', fixture('bsd/freebsd-netstat-an.txt'));
  assert.deepEqual(countStates({ sockets: p.sockets! }), { ESTABLISHED: 1, LISTEN: 2, 'FIN-WAIT-2': 1, 'SYN-RECEIVED': 1 });
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0].line, 8);
  assert.match(p.problems[0].message, /cut off\? use netstat -W/);
});

test('netstat -aL (FreeBSD) and -Lan (macOS): listeners with qlen as Recv-Q and maxqlen as Send-Q', () => {
  const f = parseNetstatBsd('f', fixture('bsd/freebsd-netstat-aL.txt'));
  assert.deepEqual(f.problems, []);
  assert.deepEqual(f.sockets!.map((s) => [s.state, s.localAddress, s.localPort, s.recvQ, s.sendQ, s.extra?.incompleteQueue]), [
    ['LISTEN', '127.0.0.1', 25, 0, 128, 0], ['LISTEN', '0.0.0.0', 80, 129, 128, 3], ['LISTEN', '::', 22, 0, 128, 0], ['LISTEN', '0.0.0.0', 22, 0, 128, 0],
  ]);
  const m = parseNetstatBsd('m', fixture('bsd/macos-netstat-Lan.txt'));
  assert.deepEqual(m.problems, []);
  assert.deepEqual(m.sockets!.map((s) => [s.localPort, s.recvQ, s.sendQ]), [[8081, 0, 128], [6000, 3, 5], [22, 0, 128]]);
});

test('a full accept queue read from netstat -aL is found by the accept-queue rule', async () => {
  const { snapshotFromText } = await import('./merge.js');
  const { diagnose } = await import('../diagnose/diagnose.js');
  const ids = diagnose(snapshotFromText('aL', fixture('bsd/freebsd-netstat-aL.txt'), 0)).map((x) => x.id);
  assert.ok(ids.some((id) => /accept/.test(id)), ids.join(', '));
});
