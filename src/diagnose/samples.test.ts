import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSamples, counterRise } from './samples.js';
import { diagnose } from './diagnose.js';
import { host, peerIp, sock, times } from './snapshot-builder.js';

const T0 = 1_700_000_000_000;
const cw = (i: number) => sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:40000`, { pid: 9, name: 'svc', inode: 1000 + i, recvQ: 0 });

test('a CLOSE-WAIT seen in every sample is at least as old as the first sample; history keeps counts and counters', () => {
  const a = host({ takenAt: T0, counters: { 'TcpExt:ListenOverflows': 10 } }, [cw(1), cw(2)]);
  const b = host({ takenAt: T0 + 10_000, counters: { 'TcpExt:ListenOverflows': 10 } }, [cw(1), cw(2), cw(3)]);
  const c = host({ takenAt: T0 + 20_000, counters: { 'TcpExt:ListenOverflows': 25 } }, [cw(1), cw(3), cw(4)]);
  const m = mergeSamples([a, b, c]);
  assert.deepEqual(m.sockets.map((k) => k.ageMs), [20_000, 10_000, undefined]);
  assert.deepEqual(m.history?.map((h) => [h.takenAt, h.stateCounts['CLOSE-WAIT']]), [[T0, 2], [T0 + 10_000, 3]]);
  assert.deepEqual(counterRise(m, 'TcpExt:ListenOverflows'), { rise: 15, windowMs: 20_000 });
});

test('a reused 4-tuple with a new inode is a new socket: no age carried over', () => {
  const a = host({ takenAt: T0 }, [sock('CLOSE-WAIT', '10.0.0.1:8080', '10.1.0.1:40000', { inode: 1 })]);
  const b = host({ takenAt: T0 + 5000 }, [sock('CLOSE-WAIT', '10.0.0.1:8080', '10.1.0.1:40000', { inode: 2 })]);
  assert.equal(mergeSamples([a, b]).sockets[0].ageMs, undefined);
});

test('CLOSE-WAIT growing in every sample → warning even when few', () => {
  const m = mergeSamples([host({ takenAt: T0 }, times(2, cw)), host({ takenAt: T0 + 5000 }, times(4, cw)), host({ takenAt: T0 + 10_000 }, times(7, cw))]);
  const [f] = diagnose(m, { only: ['close_wait_leak'] });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.figures?.growingEverySample, 1);
  // Followed by id: 5 of the 7 entered CLOSE-WAIT between the samples, 10 s apart: 30 a minute.
  assert.deepEqual([f.evidence.figures?.newInWindow, f.evidence.figures?.windowMs, f.evidence.figures?.perMinute], [5, 10_000, 30]);
  assert.match(f.explanation, /5 of them appeared in the last 10 s \(30 per minute\)/);
});

test('ListenOverflows rising between samples → warning; flat → info that says so', () => {
  const L = sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 3, name: 'web', recvQ: 0 });
  const rising = mergeSamples([host({ takenAt: T0, counters: { 'TcpExt:ListenOverflows': 100 } }, [L]), host({ takenAt: T0 + 10_000, counters: { 'TcpExt:ListenOverflows': 180 } }, [L])]);
  const [r] = diagnose(rising, { only: ['accept_queue_overflow'] });
  assert.equal(r.severity, 'warning');
  assert.match(r.summary, /overflowed 80 times in the last 10 s/);
  const flat = mergeSamples([host({ takenAt: T0, counters: { 'TcpExt:ListenOverflows': 100 } }, [L]), host({ takenAt: T0 + 10_000, counters: { 'TcpExt:ListenOverflows': 100 } }, [L])]);
  const [f] = diagnose(flat, { only: ['accept_queue_overflow'] });
  assert.equal(f.severity, 'info');
  assert.match(f.summary, /none in the last 10 s/);
});

test('SYN cookies rising → warning; TCPTimeWaitOverflow not rising → info', () => {
  const a = host({ takenAt: T0, counters: { 'TcpExt:SyncookiesSent': 5, 'TcpExt:TCPTimeWaitOverflow': 40 } }, []);
  const b = host({ takenAt: T0 + 30_000, counters: { 'TcpExt:SyncookiesSent': 900, 'TcpExt:TCPTimeWaitOverflow': 40 } }, []);
  const fs = diagnose(mergeSamples([a, b]), { only: ['syn_flood', 'dangerous_sysctl'] });
  const syn = fs.find((f) => f.id === 'syn_flood');
  assert.equal(syn?.severity, 'warning');
  assert.match(syn?.summary ?? '', /895 SYN cookies sent and 0 SYNs dropped in the last 30 s/);
  const tw = fs.find((f) => f.id === 'dangerous_sysctl');
  assert.equal(tw?.severity, 'info');
  assert.match(tw?.summary ?? '', /not rising in the last 30 s/);
});
