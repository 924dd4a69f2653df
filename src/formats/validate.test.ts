import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePart } from './validate.js';
import { sysctlOutOfRange } from './sysctl-ranges.js';
import { countStates, snapshotFromText } from './merge.js';
import type { ParsedPart } from './types.js';
import type { SocketRecord } from '../model/snapshot.js';

const sock = (over: Partial<SocketRecord>): SocketRecord => ({
  state: 'ESTABLISHED', family: 'ipv4', localAddress: '10.0.0.1', localPort: 22, remoteAddress: '10.0.0.2', remotePort: 5000, ...over,
});

test('a record with a value no tool prints leaves the part and becomes a problem on its line', () => {
  const text = [
    'row one 10.0.0.1:22 10.0.0.2:5000 pid 7',
    'row two 10.0.0.1:22 10.0.0.2:5001 pid -3',
    'row three 10.0.0.1:1e+21 10.0.0.2:5002',
    'row four 10.0.0.1:80 10.0.0.2:5003 ino NaN',
    'row five 10.0.0.1:80 10.0.0.2:5004 Recv-Q 1.5',
  ].join('\n') + '\n';
  const part: ParsedPart = {
    format: 'ss', source: { kind: 'ss', origin: 'x' }, problems: [],
    sockets: [
      sock({ processes: [{ pid: 7 }] }),
      sock({ remotePort: 5001, processes: [{ pid: -3 }] }),
      sock({ localPort: 1e21, remotePort: 5002 }),
      sock({ localPort: 80, remotePort: 5003, inode: NaN }),
      sock({ localPort: 80, remotePort: 5004, recvQ: 1.5 }),
    ],
  };
  validatePart('x', text, part);
  assert.equal(part.sockets!.length, 1);
  assert.deepEqual(part.problems.map((p) => [p.line, p.message]), [
    [2, 'pid -3 is outside 1..4294967295: no tool prints it, so the row is not counted'],
    [3, 'local port 1e+21 is outside 0..65535: no tool prints it, so the row is not counted'],
    [4, 'inode NaN is not a finite number: no tool prints it, so the row is not counted'],
    [5, 'Recv-Q 1.5 is not a whole number: no tool prints it, so the row is not counted'],
  ]);
  assert.ok(part.problems.every((p) => p.zh && p.text));
});

test('counters: negative only where the kernel prints -1; sockstat never', () => {
  const part: ParsedPart = {
    format: 'proc-net-counters', source: { kind: 'proc-file', origin: 'x' }, problems: [],
    counters: { 'Tcp:MaxConn': -1, 'Tcp:CurrEstab': -4, 'TcpExt:ListenOverflows': Infinity }, sockstat: { tw: -2, inuse: 3 },
  };
  validatePart('x', 'Tcp: MaxConn CurrEstab\nTcp: -1 -4\n', part);
  assert.deepEqual(part.counters, { 'Tcp:MaxConn': -1 });
  assert.deepEqual(part.sockstat, { inuse: 3 });
  assert.deepEqual(part.problems.map((p) => p.line).sort(), [0, 0, 2], 'Infinity and tw -2 are on no line of this text: the file');
});

test('sysctl values Linux refuses are problems; the bounds are sysctl_net_ipv4.c\'s', () => {
  assert.equal(sysctlOutOfRange('net.ipv4.tcp_syn_retries', '6'), undefined);
  assert.equal(sysctlOutOfRange('net.ipv4.tcp_syn_retries', '127'), undefined);
  assert.match(sysctlOutOfRange('net.ipv4.tcp_syn_retries', '128')!.en, /outside 1\.\.127/);
  assert.match(sysctlOutOfRange('net.ipv4.tcp_syn_retries', '0')!.en, /outside 1\.\.127/);
  assert.match(sysctlOutOfRange('net.ipv4.tcp_tw_reuse', '3')!.en, /outside 0\.\.2/);
  assert.equal(sysctlOutOfRange('net.ipv4.ip_local_port_range', '32768 60999'), undefined);
  assert.match(sysctlOutOfRange('net.ipv4.ip_local_port_range', '60999 32768')!.en, /low end/);
  assert.match(sysctlOutOfRange('net.core.somaxconn', '-1')!.en, /outside/);
  assert.equal(sysctlOutOfRange('net.ipv4.tcp_rmem', '4096 131072 6291456'), undefined, 'not in the table: not judged');
  const snap = snapshotFromText('sysctl.txt', 'net.ipv4.tcp_syn_retries = 1000000000\nnet.ipv4.tcp_fin_timeout = 60\n');
  assert.deepEqual(snap.sysctls, { 'net.ipv4.tcp_fin_timeout': '60' });
  assert.equal(snap.problems.length, 1);
  assert.equal(snap.problems[0].line, 1);
  assert.match(snap.problems[0].zh!, /Linux 不接受这个值/);
});

test('PowerShell JSON can say 1e21: that row is a problem on its line, the others count', () => {
  const json = '[\n' + [
    '{"LocalAddress":"10.0.0.1","LocalPort":22,"RemoteAddress":"10.0.0.2","RemotePort":5000,"State":5}',
    '{"LocalAddress":"10.0.0.1","LocalPort":1e21,"RemoteAddress":"10.0.0.2","RemotePort":5001,"State":5}',
    '{"LocalAddress":"10.0.0.1","LocalPort":22,"RemoteAddress":"10.0.0.3","RemotePort":5002,"State":5}',
  ].join(',\n') + '\n]\n';
  const snap = snapshotFromText('ps.json', json);
  assert.deepEqual(countStates(snap), { ESTABLISHED: 2 });
  assert.equal(snap.problems.length, 1);
  assert.equal(snap.problems[0].line, 3);
});
