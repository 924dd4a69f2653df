// /proc/net/tcp and tcp6 as a 6.18 kernel printed them in a test namespace: a listener on
// 127.0.0.1:8080 with one connection from port 56322, a listener on 8081 that closed first
// (TIME-WAIT on the server side), and IPv6 listeners on [::]:9090 and [::1]:8443 with a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countProcNetTcpStates, parseProcNetTcp, parseProcNetTcpText } from './proc-net-tcp.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

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
  const { sockets, problems } = parseProcNetTcp(buf(TCP), { file: 'tcp' });
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
  const c = parseProcNetTcp(buf(TCP), { file: 'tcp' }).sockets[2];
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.localPort, 56322);
  assert.equal(c.remotePort, 8080);
  assert.equal(c.sendQ, 0x150);
  assert.equal(c.recvQ, 0);
  assert.deepEqual(c.timer, { kind: 'on', remainingMs: 250, retransmits: 2 });
  assert.equal(c.uid, 1000);
});

test('keepalive timer counts unanswered probes (the timeout column), like ss -o', () => {
  const s = parseProcNetTcp(buf(TCP), { file: 'tcp' }).sockets[4];
  assert.deepEqual(s.timer, { kind: 'keepalive', remainingMs: 450_000, retransmits: 3 });
  assert.equal(s.recvQ, 5);
});

test('server-side TIME-WAIT minisocket: timer timewait, no inode (no file, no owner)', () => {
  const tw = parseProcNetTcp(buf(TCP), { file: 'tcp' }).sockets[3];
  assert.equal(tw.state, 'TIME-WAIT');
  assert.equal(tw.localPort, 8081);
  assert.equal(tw.inode, 0);
  assert.equal(tw.uid, undefined, 'the kernel prints 0, meaning nobody, not root');
  assert.deepEqual(tw.timer, { kind: 'timewait', remainingMs: 0x1752 * 10, retransmits: 0 });
});

test('tcp6: four byte-swapped words per address, ::, ::1, and IPv4-mapped read as the IPv4 peer', () => {
  const { sockets, problems } = parseProcNetTcp(buf(TCP6), { file: 'tcp6' });
  assert.deepEqual(problems, []);
  assert.deepEqual(sockets.map((s) => `${s.family} ${s.state} [${s.localAddress}]:${s.localPort} [${s.remoteAddress}]:${s.remotePort}`), [
    'ipv6 LISTEN [::]:9090 [::]:0',
    'ipv6 LISTEN [::1]:8443 [::]:0',
    'ipv4 CLOSE-WAIT [127.0.0.1]:8443 [127.0.0.2]:56662',
  ]);
});

test('big-endian hosts print addresses in network order', () => {
  const be = '   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n';
  assert.equal(parseProcNetTcp(buf(be), { file: 'tcp', littleEndian: false }).sockets[0].localAddress, '127.0.0.1');
});

test('a truncated last line (the table grew while we read) is dropped silently', () => {
  const cut = TCP.slice(0, TCP.indexOf('   4:') + 40);
  const { sockets, problems } = parseProcNetTcp(buf(cut), { file: 'tcp' });
  assert.equal(sockets.length, 4);
  assert.deepEqual(problems, []);
});

test('a complete line out of format is a problem with its line number, the rest still parses', () => {
  const bad = TCP.replace('   1: 0100007F:1F91', '   1: 0100007G:1F91').replace(' 0A 00000000:00000000 00:00000000 00000000     0        0 14021', ' 0D 00000000:00000000 00:00000000 00000000     0        0 14021');
  const { sockets, problems } = parseProcNetTcp(buf(bad), { file: '/proc/net/tcp' });
  assert.equal(sockets.length, 4);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, '/proc/net/tcp');
  assert.equal(problems[0].line, 3);
  assert.match(problems[0].message, /address: not a hex digit/);
  const unknown = parseProcNetTcp(buf(TCP6.replace(' 08 ', ' 0D ')), { file: 'tcp6' });
  assert.match(unknown.problems[0].message, /unknown state code D/);
});

test('empty file, header only, CRLF-free garbage: no sockets, no crash', () => {
  assert.deepEqual(parseProcNetTcp(buf(''), { file: 'tcp' }), { sockets: [], problems: [] });
  assert.equal(parseProcNetTcp(buf(TCP.split('\n')[0] + '\n'), { file: 'tcp' }).sockets.length, 0);
  const junk = parseProcNetTcp(buf('hello world\n\u00ff\u00fe\n'), { file: 'tcp' });
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

test('zero-window probe timer (tr 4) is persist, counting probes from the timeout column, like ss', () => {
  const line = '   0: 0100007F:1F90 0100007F:DC02 01 00000010:00000000 04:00000064 00000000  1000        2 14030 1\n';
  const s = parseProcNetTcp(buf(line), { file: 'tcp' }).sockets[0];
  assert.deepEqual(s.timer, { kind: 'persist', remainingMs: 1000, retransmits: 2 });
  assert.equal(s.uid, 1000);
});

test('SYN-RECV request socket (get_openreq4): retransmit timer with its SYN-ACK retransmits, the listener\'s uid, no inode', () => {
  const line = '   0: 0100007F:1F90 0100007F:DC08 03 00000000:00000000 01:00000064 00000002  1000        0 0 1 0000000000000000\n';
  const s = parseProcNetTcp(buf(line), { file: 'tcp' }).sockets[0];
  assert.equal(s.state, 'SYN-RECEIVED');
  assert.deepEqual(s.timer, { kind: 'on', remainingMs: 1000, retransmits: 2 });
  assert.equal(s.uid, 1000);
  assert.equal(s.inode, 0);
});

test('a paste and a live read of the same bytes give the same records', () => {
  const live = parseProcNetTcp(buf(TCP + TCP6), { file: 'x' }).sockets;
  const pasted = parseProcNetTcpText('x', TCP.replace(/\n/g, '\r\n') + TCP6).sockets;
  assert.deepEqual(pasted, live);
});

test('/proc/net/tcp capture: states, accept queue, timers in USER_HZ ticks, inode 0 for TIME-WAIT', () => {
  const p = parseProcNetTcpText('tcp', fixture('linux/proc-net-tcp.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 4, ESTABLISHED: 8, 'SYN-SENT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': 3, 'CLOSE-WAIT': 2 });
  const stuck = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.deepEqual([stuck.localAddress, stuck.recvQ, stuck.sendQ, stuck.inode], ['127.0.0.1', 2, undefined, 13448]);
  for (const s of p.sockets!.filter((x) => x.state === 'TIME-WAIT')) {
    assert.equal(s.timer!.kind, 'timewait');
    assert.ok(s.timer!.remainingMs > 55_000 && s.timer!.remainingMs <= 60_000);
    assert.equal(s.inode, 0);
    assert.equal(s.uid, undefined);
  }
  assert.ok(p.sockets!.filter((s) => s.state === 'SYN-SENT').every((s) => s.timer?.kind === 'on' && s.sendQ === 1));
  const tcp6 = parseProcNetTcpText('tcp6', fixture('linux/proc-net-tcp6.txt'));
  assert.deepEqual(tcp6.sockets!.map((s) => `${s.state} [${s.localAddress}]:${s.localPort}`), ['LISTEN [::1]:8443', 'ESTABLISHED [::1]:42814', 'ESTABLISHED [::1]:8443']);
});

test('a paste cut off in the middle of a row is reported with its line number', () => {
  const text = fixture('linux/proc-net-tcp.txt').split('\n').slice(0, 3).join('\n').slice(0, -60);
  const p = parseProcNetTcpText('tcp', text);
  assert.equal(p.sockets!.length, 1);
  assert.equal(p.problems[0].line, 3);
  assert.match(p.problems[0].message, /ends in the middle/);
  assert.ok(p.problems[0].zh);
});

test('a uid or inode no kernel prints (negative, 20 digits) makes the line an error, never a socket', () => {
  const rows = TCP.split('\n');
  rows[1] = rows[1].replace('     0        0 14016', ' -65536        0 14016');
  rows[2] = rows[2].replace(' 14018 ', ' 99999999999999999999 ');
  const { sockets, problems } = parseProcNetTcp(buf(rows.join('\n')), { file: 'tcp' });
  assert.equal(sockets.length, 3);
  assert.deepEqual(problems.map((p) => p.line), [2, 3]);
  assert.match(problems[0].message, /uid '-65536'/);
  assert.match(problems[1].message, /inode/);
});
