// Calls and packet forms the runner plays: epoll over the socket under test (epoll.ts: EPOLLET
// once per arrival, level-triggered until drained, EPOLLONESHOT until EPOLL_CTL_MOD, a sleeping
// wait), poll(), sendmsg(), ECN codepoints and the TCP-MD5 option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScript } from './parse-script.js';
import { runScript } from './runner.js';
import { makeDefaultHost } from './default-host.js';

const none = (): undefined => undefined;

const OPEN = `
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
   +0 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
   +0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
   +0 epoll_create(1) = 5
`;

function run(body: string): ReturnType<typeof runScript> {
  const parsed = parseScript(OPEN + body, 'epoll.pkt');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: none });
}

test('EPOLLET: one report per arrival, with the whole poll mask; nothing until the next wake-up', () => {
  const r = run(`
   +0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLOUT|EPOLLIN|EPOLLET, fd=4}) = 0
   +0 epoll_wait(5, {events=EPOLLOUT, fd=4}, 1, 0) = 1
   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
   +0 < P. 1:1001(1000) ack 1 win 257
   +0 epoll_wait(5, {events=EPOLLIN|EPOLLOUT, fd=4}, 1, 0) = 1
   +0 read(4, ..., 500) = 500
   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
`);
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});

test('level-triggered: reported again while data waits; an item that asked for EPOLLOUT only is not woken by data', () => {
  const r = run(`
   +0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, fd=4}) = 0
   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
   +0 < P. 1:1001(1000) ack 1 win 257
   +0 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 0) = 1
   +0 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 0) = 1
   +0 read(4, ..., 1000) = 1000
   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
   +0 epoll_ctl(5, EPOLL_CTL_MOD, 4, {events=EPOLLOUT|EPOLLET|EPOLLONESHOT, fd=4}) = 0
   +0 epoll_wait(5, {events=EPOLLOUT, fd=4}, 1, 0) = 1
   +0 < P. 1001:2001(1000) ack 1 win 257
   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
`);
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});

test('a blocking epoll_wait returns when data arrives, or at its timeout with 0', () => {
  const r = run(`
   +0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, fd=4}) = 0
    0...0.100 epoll_wait(5, {events=0, ptr=0}, 1, 100) = 0
 0.100...0.150 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 1000) = 1
 0.150 < P. 1:1001(1000) ack 1 win 257
`);
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});

test('a mismatching event mask is reported with both masks by name', () => {
  const r = run(`
   +0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLOUT|EPOLLIN, fd=4}) = 0
   +0 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 0) = 1
`);
  assert.equal(r.outcome, 'fail');
  assert.match(r.mismatch?.message ?? '', /EPOLLOUT/);
});

test('poll() reports revents by name and sleeps until its timeout; sendmsg() writes every iovec', () => {
  const r = run(`
   +0 poll([{fd=4, events=POLLIN, revents=0}], 1, 0) = 0
   +0...0.050 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 1000) = 1
  +.05 < P. 1:1001(1000) ack 1 win 257
   +0 > . 1:1(0) ack 1001
   +0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLIN|POLLOUT}], 1, 0) = 1
   +0 sendmsg(4, {msg_name(...)=..., msg_iov(3)=[{..., 10}, {..., 0}, {..., 30}], msg_flags=0}, 0) = 40
   +0 > P. 1:41(40) ack 1001
`);
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});

test('ECN (RFC 3168): a SYN with ECE and CWR is answered with ECE; new data leaves as [ect0], ACKs as [noecn]', () => {
  const parsed = parseScript(`
\`sysctl -q net.ipv4.tcp_ecn=1\`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < [noecn] SEWA 0:0(0) win 32792 <mss 1000,nop,wscale 7>
   +0 > [noecn] SE. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
  +.1 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
   +0 write(4, ..., 100) = 100
   +0 > [ect0] P. 1:101(100) ack 1
  +.1 < [ect0] P. 1:11(10) ack 101 win 257
   +0 > [noecn] . 101:101(0) ack 11
`, 'ecn.pkt');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const r = runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: none });
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});

test('TCP-MD5: a segment carrying the md5 option is dropped by a socket with no key (tcp_inbound_hash)', () => {
  const parsed = parseScript(`
    0 socket(..., SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
 +.01 < . 1:1(0) ack 1 win 257 <md5 000102030405060708090a0b0c0d0e0f,nop,nop>
   +0 accept(3, ..., ...) = -1 EAGAIN
 +.01 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
`, 'md5.pkt');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const r = runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: none });
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
});
