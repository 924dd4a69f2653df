// /proc/net/tcp and tcp6 as a 6.18 kernel printed them in a test namespace: a listener on
// 127.0.0.1:8080 with one connection from port 56322, a listener on 8081 that closed first
// (TIME-WAIT on the server side), and IPv6 listeners on [::]:9090 and [::1]:8443 with a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countProcNetTcpStates, formatIPv6, parseProcNetTcp } from './proc-net-tcp.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 14016 1 00000000f5a2df13 100 0 0 10 0                     
   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14018 1 000000004c7f18ed 100 0 0 10 0                     
   2: 0100007F:DC02 0100007F:1F90 01 00000150:00000000 01:00000019 00000002  1000        0 14019 1 00000000b1622426 20 0 0 11 -1                     
   3: 0100007F:1F91 0100007F:BE96 06 00000000:00000000 03:00001752 00000000     0        0 0 3 00000000b69a5a99                                      
   4: 0100007F:1F90 0100007F:DC02 01 00000000:00000005 02:0000AFC8 00000000     0        3 14023 1 000000000e364b06 20 4 30 10 -1                    
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14021 1 000000005d62216a 100 0 0 10 0
   1: 00000000000000000000000001000000:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14017 1 000000008a09c90c 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:20FB 0000000000000000FFFF00000200007F:DD56 08 00000000:00000000 00:00000000 00000000     0        0 14024 1 000000009e2adfe4 20 0 0 10 -1
`;

const buf = (s: string): Buffer => Buffer.from(s, 'latin1');

test('LISTEN 127.0.0.1:8080: rx_queue is the accept queue, send-Q (the backlog limit) stays unknown', () => {
  const { sockets, problems } = parseProcNetTcp(buf(TCP), { family: 'ipv4', file: 'tcp' });
  assert.deepEqual(problems, []);
  assert.equal(sockets.length, 5);
  const l = sockets[0];
  assert.equal(l.state, 'LISTEN');
  assert.equal(`${l.localAddress}:${l.localPort}`, '127.0.0.1:8080');
  assert.equal(`${l.remoteAddress}:${l.remotePort}`, '0.0.0.0:0');
  assert.equal(l.recvQ, 2);
  assert.equal(l.sendQ, undefined);
  assert.equal(l.inode, 14016);
});

test('ESTABLISHED client 56322 → 8080: queues, retransmit timer in USER_HZ ticks, uid', () => {
  const c = parseProcNetTcp(buf(TCP), { family: 'ipv4', file: 'tcp' }).sockets[2];
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.localPort, 56322);
  assert.equal(c.remotePort, 8080);
  assert.equal(c.sendQ, 0x150);
  assert.equal(c.recvQ, 0);
  assert.deepEqual(c.timer, { kind: 'on', remainingMs: 250, retransmits: 2 });
  assert.equal(c.uid, 1000);
});

test('keepalive timer counts unanswered probes (the timeout column), like ss -o', () => {
  const s = parseProcNetTcp(buf(TCP), { family: 'ipv4', file: 'tcp' }).sockets[4];
  assert.deepEqual(s.timer, { kind: 'keepalive', remainingMs: 450_000, retransmits: 3 });
  assert.equal(s.recvQ, 5);
});

test('server-side TIME-WAIT minisocket: timer timewait, no inode (no file, no owner)', () => {
  const tw = parseProcNetTcp(buf(TCP), { family: 'ipv4', file: 'tcp' }).sockets[3];
  assert.equal(tw.state, 'TIME-WAIT');
  assert.equal(tw.localPort, 8081);
  assert.equal(tw.inode, 0);
  assert.equal(tw.uid, undefined, 'the kernel prints 0, meaning nobody, not root');
  assert.deepEqual(tw.timer, { kind: 'timewait', remainingMs: 0x1752 * 10, retransmits: 0 });
});

test('tcp6: four byte-swapped words per address, ::, ::1 and IPv4-mapped', () => {
  const { sockets, problems } = parseProcNetTcp(buf(TCP6), { family: 'ipv6', file: 'tcp6' });
  assert.deepEqual(problems, []);
  assert.deepEqual(sockets.map((s) => `${s.state} [${s.localAddress}]:${s.localPort} [${s.remoteAddress}]:${s.remotePort}`), [
    'LISTEN [::]:9090 [::]:0',
    'LISTEN [::1]:8443 [::]:0',
    'CLOSE-WAIT [::ffff:127.0.0.1]:8443 [::ffff:127.0.0.2]:56662',
  ]);
  assert.ok(sockets.every((s) => s.family === 'ipv6'));
});

test('big-endian hosts print addresses in network order', () => {
  const be = '   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n';
  assert.equal(parseProcNetTcp(buf(be), { family: 'ipv4', file: 'tcp', littleEndian: false }).sockets[0].localAddress, '127.0.0.1');
});

test('a truncated last line (the table grew while we read) is dropped silently', () => {
  const cut = TCP.slice(0, TCP.indexOf('   4:') + 40);
  const { sockets, problems } = parseProcNetTcp(buf(cut), { family: 'ipv4', file: 'tcp' });
  assert.equal(sockets.length, 4);
  assert.deepEqual(problems, []);
});

test('a complete line out of format is a problem with its line number, the rest still parses', () => {
  const bad = TCP.replace('   1: 0100007F:1F91', '   1: 0100007G:1F91').replace(' 0A 00000000:00000000 00:00000000 00000000     0        0 14021', ' 0D 00000000:00000000 00:00000000 00000000     0        0 14021');
  const { sockets, problems } = parseProcNetTcp(buf(bad), { family: 'ipv4', file: '/proc/net/tcp' });
  assert.equal(sockets.length, 4);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, '/proc/net/tcp');
  assert.equal(problems[0].line, 3);
  assert.match(problems[0].message, /address: not a hex digit/);
  const unknown = parseProcNetTcp(buf(TCP6.replace(' 08 ', ' 0D ')), { family: 'ipv6', file: 'tcp6' });
  assert.match(unknown.problems[0].message, /unknown state code D/);
});

test('empty file, header only, CRLF-free garbage: no sockets, no crash', () => {
  assert.deepEqual(parseProcNetTcp(buf(''), { family: 'ipv4', file: 'tcp' }), { sockets: [], problems: [] });
  assert.equal(parseProcNetTcp(buf(TCP.split('\n')[0] + '\n'), { family: 'ipv4', file: 'tcp' }).sockets.length, 0);
  const junk = parseProcNetTcp(buf('hello world\n\u00ff\u00fe\n'), { family: 'ipv4', file: 'tcp' });
  assert.equal(junk.sockets.length, 0);
  assert.equal(junk.problems.length, 2);
});

test('the count fast path agrees with the full parser', () => {
  assert.deepEqual(countProcNetTcpStates(buf(TCP), 'ipv4'), { ESTABLISHED: 2, 'TIME-WAIT': 1, LISTEN: 2 });
  const both = countProcNetTcpStates(buf(TCP6), 'ipv6', countProcNetTcpStates(buf(TCP), 'ipv4'));
  assert.deepEqual(both, { ESTABLISHED: 2, 'TIME-WAIT': 1, LISTEN: 4, 'CLOSE-WAIT': 1 });
  // Wide slot numbers (sl ≥ 10000) shift the columns; the colon anchors them.
  const wide = TCP.replace('   2: 0100007F:DC02', '12345: 0100007F:DC02');
  assert.deepEqual(countProcNetTcpStates(buf(wide), 'ipv4'), { ESTABLISHED: 2, 'TIME-WAIT': 1, LISTEN: 2 });
});

test('IPv6 text follows RFC 5952', () => {
  const b = (...g: number[]): number[] => g.flatMap((x) => [x >> 8, x & 0xff]);
  assert.equal(formatIPv6(b(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(b(0xfe80, 0, 0, 0, 0, 0, 0, 0)), 'fe80::');
  assert.equal(formatIPv6(b(1, 2, 3, 4, 5, 6, 7, 8)), '1:2:3:4:5:6:7:8');
});
