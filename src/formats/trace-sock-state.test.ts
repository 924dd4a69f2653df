import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countEdges, eventInNamespace, parseSockStateLine, type SockStateLine } from './trace-sock-state.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../test/helpers/paths.js';

const fixture = (): string => readFileSync(path.join(ROOT, 'test/fixtures/trace/inet-sock-set-state.txt'), 'utf8');

const captured = (): SockStateLine[] => fixture().split('\n')
  .map(parseSockStateLine).filter((x): x is SockStateLine => x?.kind === 'transition');
const show = (e: SockStateLine): string => `${e.saddr}:${e.sport} ${e.daddr}:${e.dport} ${e.from} → ${e.to}`;

test('captured trace_pipe: every line read, IPv4 client closing first, as the kernel reports it', () => {
  const events = captured();
  assert.equal(events.length, 24);
  const v4 = events.filter((e) => e.family === 'ipv4');
  assert.deepEqual(v4.map(show), [
    '127.0.0.1:45678 0.0.0.0:0 CLOSED → LISTEN',
    // The first event of a connect comes before its source port is chosen.
    '127.0.0.1:0 127.0.0.1:45678 CLOSED → SYN-SENT',
    '127.0.0.1:40864 127.0.0.1:45678 SYN-SENT → ESTABLISHED',
    // The passive side: no request-socket event; the child socket goes LISTEN → SYN-RECEIVED → ESTABLISHED.
    '127.0.0.1:45678 127.0.0.1:40864 LISTEN → SYN-RECEIVED',
    '127.0.0.1:45678 127.0.0.1:40864 SYN-RECEIVED → ESTABLISHED',
    '127.0.0.1:40864 127.0.0.1:45678 ESTABLISHED → FIN-WAIT-1',
    '127.0.0.1:45678 127.0.0.1:40864 ESTABLISHED → CLOSE-WAIT',
    '127.0.0.1:40864 127.0.0.1:45678 FIN-WAIT-1 → FIN-WAIT-2',
    // Entering TIME-WAIT: the full socket is swapped for a timewait minisocket and reported CLOSED.
    '127.0.0.1:40864 127.0.0.1:45678 FIN-WAIT-2 → CLOSED',
    '127.0.0.1:45678 127.0.0.1:40864 CLOSE-WAIT → LAST-ACK',
    '127.0.0.1:45678 127.0.0.1:40864 LAST-ACK → CLOSED',
    '127.0.0.1:45678 0.0.0.0:0 LISTEN → CLOSED',
  ]);
  const first = v4[0];
  assert.deepEqual([first.comm, first.pid, first.cpu, first.fromCode, first.toCode], ['python3', 16073, 0, 7, 10]);
  assert.equal(first.traceMs, 4188023.258);
  // A softirq's task is whoever was on the CPU: not the socket's owner.
  assert.deepEqual(v4.filter((e) => e.comm !== 'python3').map((e) => `${e.comm}-${e.pid}`), ['ksoftirqd/0-14', 'ksoftirqd/0-14']);
});

test('captured trace_pipe: IPv6 addresses come from the v6 fields, the IPv4 ones of an AF_INET6 socket are ignored', () => {
  const v6 = captured().filter((e) => e.family === 'ipv6');
  assert.equal(v6.length, 12);
  assert.deepEqual(v6.slice(0, 4).map(show), [
    ':::45679 :::0 CLOSED → LISTEN',
    '::1:0 ::1:45679 CLOSED → SYN-SENT',
    '::1:50320 ::1:45679 SYN-SENT → ESTABLISHED',
    '::1:45679 ::1:50320 LISTEN → SYN-RECEIVED',
  ]);
});

test('edges of the capture: one connection closed by each side, one listener each', () => {
  const edges = countEdges(captured()).map((e) => `${e.from} → ${e.to}: ${e.count}`);
  assert.deepEqual(edges, [
    'CLOSE-WAIT → LAST-ACK: 2', 'CLOSED → LISTEN: 2', 'CLOSED → SYN-SENT: 2', 'ESTABLISHED → CLOSE-WAIT: 2',
    'ESTABLISHED → FIN-WAIT-1: 2', 'FIN-WAIT-1 → FIN-WAIT-2: 2', 'FIN-WAIT-2 → CLOSED: 2', 'LAST-ACK → CLOSED: 2',
    'LISTEN → CLOSED: 2', 'LISTEN → SYN-RECEIVED: 2', 'SYN-RECEIVED → ESTABLISHED: 2', 'SYN-SENT → ESTABLISHED: 2',
  ]);
});

test('lost events, other protocols, other events and cut-off lines', () => {
  assert.deepEqual(parseSockStateLine('CPU:3 [LOST 120 EVENTS]'), { kind: 'lost', cpu: 3, count: 120 });
  const line = fixture().split('\n')[0];
  assert.equal(parseSockStateLine(line.replace('IPPROTO_TCP', 'IPPROTO_MPTCP')), undefined);
  assert.equal(parseSockStateLine(line.slice(0, 150)), undefined);
  assert.equal(parseSockStateLine(line.replace('newstate=TCP_LISTEN', 'newstate=0x2a')), undefined);
  assert.equal(parseSockStateLine('  <idle>-0 [001] d.s3. 12.5: sched_switch: prev_comm=x'), undefined);
  assert.equal(parseSockStateLine(''), undefined);
  // A comm with spaces and dashes; the request socket's state (12) reads as SYN-RECEIVED.
  const odd = parseSockStateLine(line.replace('python3-16073', 'my worker-2-77').replace('newstate=TCP_LISTEN', 'newstate=TCP_NEW_SYN_RECV'));
  assert.ok(odd?.kind === 'transition');
  assert.deepEqual([odd.comm, odd.pid, odd.to, odd.toCode], ['my worker-2', 77, 'SYN-RECEIVED', 12]);
});

test('namespace attribution by local address; loopback never counts', () => {
  const own = new Set(['10.77.0.1', 'fd00::1', '127.0.0.1']);
  const at = (saddr: string, daddr: string): boolean => eventInNamespace({ saddr, daddr }, own);
  assert.equal(at('10.77.0.1', '10.9.9.9'), true);
  assert.equal(at('10.9.9.9', '10.77.0.1'), false, 'a peer elsewhere connecting to us is its own namespace\'s socket');
  assert.equal(at('::', 'fd00::1'), true, 'not yet bound: judged by the remote address');
  assert.equal(at('0.0.0.0', '0.0.0.0'), false, 'a wildcard listener cannot be told apart');
  assert.equal(at('127.0.0.1', '127.0.0.1'), false);
});
