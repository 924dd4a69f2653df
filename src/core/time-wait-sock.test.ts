// The minisocket must answer every TIME-WAIT case exactly as the Connection it replaces: each
// trace below runs twice from the same TIME-WAIT connection — once against the Connection, once
// against `toTimeWait()`'s minisocket — and every segment, event, state, deadline and timer view
// must be equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Segment } from './segment.js';
import type { ConnectionEvent } from './tcb.js';
import type { TimerView } from './connection.js';
import type { TcpConfig } from './config.js';
import { timeWait } from './testing/fixtures.js';
import { Trace } from './testing/trace.js';
import { TimeWaitSock } from './time-wait-sock.js';

interface Driven {
  readonly state: string;
  handleSegment(seg: Segment, now: number): void;
  handleTimeout(now: number): void;
  nextDeadline(): number | undefined;
  pollTransmit(): Segment | undefined;
  pollEvent(): ConnectionEvent | undefined;
  timerView(now?: number): TimerView;
}

/** A step: at `at` seconds the peer sends `seg` (packetdrill-like, relative), or time just passes. */
type Step = [at: number, seg?: string | Segment];

interface Observed { at: number; input: string; out: Segment[]; events: ConnectionEvent[]; state: string; deadline: number | undefined; timer: TimerView }

function run(t: Trace, d: Driven, steps: Step[]): Observed[] {
  const log: Observed[] = [];
  let now = t.now;
  const observe = (input: string): void => {
    const out: Segment[] = [];
    const events: ConnectionEvent[] = [];
    for (let s = d.pollTransmit(); s; s = d.pollTransmit()) out.push(s);
    for (let e = d.pollEvent(); e; e = d.pollEvent()) events.push(e);
    log.push({ at: now, input, out, events, state: d.state, deadline: d.nextDeadline(), timer: d.timerView(now) });
  };
  for (const [at, seg] of steps) {
    const ms = at * 1000;
    for (let due = d.nextDeadline(); due !== undefined && due <= ms; due = d.nextDeadline()) {
      now = Math.max(now, due);
      d.handleTimeout(due);
      observe('timeout');
    }
    now = Math.max(now, ms);
    if (seg !== undefined) {
      d.handleSegment(typeof seg === 'string' ? t.inbound(seg) : seg, now);
      observe(typeof seg === 'string' ? seg : 'raw');
    } else {
      observe('time');
    }
  }
  return log;
}

/** Server with timestamps closed first: TIME-WAIT at 20 ms, ts_recent = 1020 (paws.test.ts's). */
function timeWaitTs(config?: Partial<TcpConfig>): Trace {
  const t = new Trace(config);
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,sackOK,TS val 1000 ecr 0,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 0 ecr 1000,nop,wscale 8>');
  t.send(0.01, '. 1:1(0) ack 1 win 257 <nop,nop,TS val 1010 ecr 0>');
  t.c.close(t.now);
  t.drain();
  t.recv(0.01, 'F. 1:1(0) ack 1');
  t.send(0.02, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1020 ecr 10>');
  t.recv(0.02, '. 2:2(0) ack 2 <nop,nop,TS val 20 ecr 1020>');
  t.expectState('TIME-WAIT');
  return t;
}

/** Run `steps` against a fresh Connection and a fresh minisocket; both must behave alike. */
function same(make: () => Trace, steps: Step[]): Observed[] {
  const a = make();
  const full = run(a, a.c, steps);
  const b = make();
  const tw = b.c.toTimeWait();
  assert.ok(tw instanceof TimeWaitSock, 'a drained TIME-WAIT connection converts');
  const mini = run(b, tw, steps);
  assert.deepEqual(mini, full);
  return full;
}

const sent = (log: Observed[]): number => log.reduce((n, o) => n + o.out.length, 0);

test('same: retransmitted FIN → ACK again, the 60 s timer restarts, then expires', () => {
  const log = same(() => timeWait(), [[0.34, 'F. 1:1(0) ack 2 win 257'], [60.33], [61]]);
  assert.equal(sent(log), 1);
  assert.equal(log.at(-1)?.state, 'CLOSED');
  assert.ok(log.some((o) => o.events.some((e) => e.type === 'state' && e.cause === 'time-wait-timeout')));
});

test('same: bare in-window ACK restarts the timer, sends nothing', () => {
  const log = same(() => timeWait(), [[30, '. 2:2(0) ack 2 win 257'], [89.99], [90.1]]);
  assert.equal(sent(log), 0);
  assert.equal(log[0].deadline, 90_000);
});

test('same: in-window RST ends TIME-WAIT (tcp_rfc1337=0); with tcp_rfc1337=1 it is ignored', () => {
  assert.equal(same(() => timeWait(), [[0.05, 'R 2:2(0) win 0']])[0].state, 'CLOSED');
  assert.equal(same(() => timeWait({ tcp_rfc1337: 1 }), [[0.05, 'R 2:2(0) win 0'], [0.06, 'F. 1:1(0) ack 2 win 257']])[0].state, 'TIME-WAIT');
});

test('same: out-of-window RST is dropped silently', () => {
  const log = same(() => timeWait(), [[0.05, 'R 5:5(0) win 0'], [0.06, 'R. 0:0(0) ack 2 win 0']]);
  assert.equal(sent(log), 0);
  assert.equal(log.at(-1)?.state, 'TIME-WAIT');
});

test('same: SYN with a higher sequence number → new incarnation, ISN = SND.NXT + 65537', () => {
  const log = same(() => timeWait(), [[0.14, 'S 1000:1000(0) win 32792 <mss 1000,nop,wscale 7>']]);
  assert.deepEqual(log[0].events.map((e) => e.type), ['new-incarnation', 'state', 'closed']);
});

test('same: a wandering old SYN and old data are ACKed; bare ones rate-limited, data never', () => {
  const log = same(() => timeWait(), [
    [0.14, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>'],
    [0.15, '. 0:0(0) ack 2 win 257'], // within tcp_invalid_ratelimit (500 ms): no ACK
    [0.16, 'P. 1:11(10) ack 2 win 257'], // data: always answered
    [0.7, '. 0:0(0) ack 2 win 257'],
    [0.71, '. 9:9(0) ack 2 win 257'],
  ]);
  assert.deepEqual(log.map((o) => o.out.length), [1, 0, 1, 1, 0]);
});

test('same: PAWS — a stale RST does not end TIME-WAIT, the next FIN is ACKed with the old echo', () => {
  const log = same(() => timeWaitTs(), [
    [0.12, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>'],
    [0.22, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1030 ecr 10>'],
  ]);
  assert.equal(log.at(-1)?.state, 'TIME-WAIT');
  assert.equal(sent(log), 1);
});

test('same: PAWS — a fresh RST assassinates; a stale one only once ts_recent is 60 s old', () => {
  same(() => timeWaitTs(), [[0.12, 'R 2:2(0) win 0 <nop,nop,TS val 1030 ecr 10>']]);
  const log = same(() => timeWaitTs(), [
    [30, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 1030 ecr 10>'],
    [60.01, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>'],
    [60.03, 'R 2:2(0) win 0 <nop,nop,TS val 500 ecr 10>'],
  ]);
  assert.deepEqual(log.map((o) => o.state), ['TIME-WAIT', 'TIME-WAIT', 'CLOSED']);
});

test('same: timestamps — an in-window ACK refreshes ts_recent (the next echo shows it); a stale segment is ACKed', () => {
  const log = same(() => timeWaitTs(), [
    [1, '. 2:2(0) ack 2 win 257 <nop,nop,TS val 2000 ecr 10>'],
    [2, 'F. 1:1(0) ack 2 win 257 <nop,nop,TS val 2100 ecr 10>'],
    [3, '. 2:2(0) ack 2 win 257 <nop,nop,TS val 100 ecr 10>'],
  ]);
  assert.deepEqual(log.map((o) => o.out.length), [0, 1, 1]);
});

test('same: SYN at an old sequence number but a newer timestamp → new incarnation; an older timestamp → ACK', () => {
  const syn = (val: number): string => `S 0:0(0) win 32792 <mss 1000,sackOK,TS val ${val} ecr 0,nop,wscale 7>`;
  assert.equal(same(() => timeWaitTs(), [[1, syn(5000)]])[0].events[0]?.type, 'new-incarnation');
  const log = same(() => timeWaitTs(), [[1, syn(900)]]);
  assert.equal(log[0].out.length, 1);
  assert.equal(log[0].state, 'TIME-WAIT');
});

test('same: malformed segments are ignored, the clock going back is "now"', () => {
  const t = timeWait();
  const bad = { ...t.inbound('F. 1:1(0) ack 2 win 257'), seq: Number.NaN } as Segment;
  const log = same(() => timeWait(), [[1, bad], [2, 'F. 1:1(0) ack 2 win 257']]);
  assert.deepEqual(log.map((o) => o.out.length), [0, 1]);
});

test('toTimeWait refuses while the connection is not in TIME-WAIT', () => {
  const t = timeWait();
  t.send(0.05, 'R 2:2(0) win 0');
  assert.equal(t.c.toTimeWait(), undefined);
});

test('toTimeWait waits until the connection is drained: an ACK still in the outbox stays with the Connection', () => {
  const t = timeWait();
  t.c.handleSegment(t.inbound('F. 1:1(0) ack 2 win 257'), 340);
  assert.equal(t.c.toTimeWait(), undefined);
  assert.ok(t.c.pollTransmit());
  assert.ok(t.c.toTimeWait() instanceof TimeWaitSock);
});

test('a minisocket reports what the views read: state, sequence numbers, a timewait timer, no queues', () => {
  const t = timeWait();
  const tw = t.c.toTimeWait();
  assert.ok(tw);
  const full = t.c.status();
  const mini = tw.status();
  assert.equal(mini.state, 'TIME-WAIT');
  assert.deepEqual([mini.sndUna, mini.sndNxt, mini.rcvNxt, mini.sendQueue, mini.recvQueue], [full.sndUna, full.sndNxt, full.rcvNxt, 0, 0]);
  assert.deepEqual(tw.timerView(10_040), t.c.timerView(10_040));
  assert.equal(tw.readableBytes(), 0);
});
