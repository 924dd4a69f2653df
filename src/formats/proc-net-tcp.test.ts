import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProcAddress, parseProcNetTcp } from './proc-net-tcp.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('little-endian hex addresses: IPv4, ::1, ::ffff:127.0.0.1 (treated as IPv4)', () => {
  assert.deepEqual(decodeProcAddress('010310AC'), { address: '172.16.3.1', family: 'ipv4' });
  assert.deepEqual(decodeProcAddress('00000000000000000000000001000000'), { address: '::1', family: 'ipv6' });
  assert.deepEqual(decodeProcAddress('0000000000000000FFFF00000100007F'), { address: '127.0.0.1', family: 'ipv4' });
  assert.deepEqual(decodeProcAddress('B80D0120000000000000000001000000'), { address: '2001:db8::1', family: 'ipv6' });
});

test('/proc/net/tcp capture: states, accept queue, timers in USER_HZ ticks, inode 0 for TIME-WAIT', () => {
  const p = parseProcNetTcp('tcp', fixture('linux/proc-net-tcp.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 4, ESTABLISHED: 8, 'SYN-SENT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': 3, 'CLOSE-WAIT': 2 });
  const stuck = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.deepEqual([stuck.localAddress, stuck.recvQ, stuck.sendQ, stuck.inode], ['127.0.0.1', 2, undefined, 13448]);
  for (const s of p.sockets!.filter((x) => x.state === 'TIME-WAIT')) {
    assert.equal(s.timer!.kind, 'timewait');
    assert.ok(s.timer!.remainingMs > 55_000 && s.timer!.remainingMs <= 60_000);
    assert.equal(s.inode, 0);
  }
  assert.ok(p.sockets!.filter((s) => s.state === 'SYN-SENT').every((s) => s.timer?.kind === 'on' && s.sendQ === 1));
  const tcp6 = parseProcNetTcp('tcp6', fixture('linux/proc-net-tcp6.txt'));
  assert.deepEqual(tcp6.sockets!.map((s) => `${s.state} [${s.localAddress}]:${s.localPort}`), ['LISTEN [::1]:8443', 'ESTABLISHED [::1]:42814', 'ESTABLISHED [::1]:8443']);
});

test('a cut-off row is reported with its line number', () => {
  const text = fixture('linux/proc-net-tcp.txt').split('\n').slice(0, 3).join('\n').slice(0, -60);
  const p = parseProcNetTcp('tcp', text);
  assert.equal(p.sockets!.length, 1);
  assert.equal(p.problems[0].line, 3);
  assert.match(p.problems[0].message, /ends in the middle/);
});
