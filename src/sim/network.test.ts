// The lab network against a tiny fake SocketApi (a test double: the scenarios run the real Host).
// Each fake host sends what the test tells it to and answers every non-ACK segment with a pure ACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsFromLetters, flagsToLetters, type Segment } from '../core/segment.js';
import { seq } from '../core/seq.js';
import type { SocketApi, StateChange } from '../stack/api.js';
import { EventQueue } from '../core/event-queue.js';
import { LivelockError, Network, type NetEvent } from './network.js';

class FakeHost {
  out: Segment[] = [];
  got: Array<{ at: number; text: string }> = [];
  deadline: number | undefined;
  timeouts: number[] = [];
  constructor(readonly addr: string, readonly peer: string, readonly echo = true) {}
  seg(letters: string, n: number, len = 0): Segment {
    return {
      srcAddr: this.addr, srcPort: 1000, dstAddr: this.peer, dstPort: 2000, seq: seq(n), ack: seq(0),
      flags: flagsFromLetters(letters), window: 1000, urgent: 0, options: [], payload: new Uint8Array(len),
    };
  }
  advance(): void {}
  handleSegment(s: Segment, now: number): void {
    this.got.push({ at: now, text: `${flagsToLetters(s.flags)} ${s.seq}` });
    if (this.echo && flagsToLetters(s.flags) !== '.') this.out.push(this.seg('.', s.seq));
  }
  handleTimeout(now: number): void {
    this.timeouts.push(now);
    this.deadline = undefined;
  }
  pollTransmit(): Segment | undefined { return this.out.shift(); }
  nextDeadline(): number | undefined { return this.deadline; }
  drainStateChanges(): StateChange[] { return []; }
  sockets() { return []; }
}

function pair(delayMs = 10): { net: Network; a: FakeHost; b: FakeHost } {
  const net = new Network({ seed: 7, delayMs });
  const a = new FakeHost('10.0.0.1', '10.0.0.2');
  const b = new FakeHost('10.0.0.2', '10.0.0.1');
  net.addHost('A', a.addr, a as unknown as SocketApi);
  net.addHost('B', b.addr, b as unknown as SocketApi);
  return { net, a, b };
}

/** A sends segments with seq 1..n at time 0. */
function sendFromA(net: Network, a: FakeHost, n: number, letters = 'P.'): void {
  net.call('A', 'send', () => { for (let i = 1; i <= n; i++) a.out.push(a.seg(letters, i, 10)); });
}

test('event queue: earliest first, equal times in insertion order', () => {
  const q = new EventQueue<string>();
  for (const [t, s] of [[5, 'c'], [1, 'a'], [5, 'd'], [3, 'b'], [5, 'e'], [0, 'z']] as const) q.push(t, s);
  const out: string[] = [];
  for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
  assert.deepEqual(out, ['z', 'a', 'b', 'c', 'd', 'e']);
});

test('delay: a segment sent at 0 arrives after the link delay, its ACK one delay later', () => {
  const { net, a, b } = pair(25);
  sendFromA(net, a, 1);
  net.runUntilIdle();
  assert.deepEqual(b.got, [{ at: 25, text: 'P. 1' }]);
  assert.deepEqual(a.got, [{ at: 50, text: '. 1' }]);
});

test('runUntil stops at the given time and leaves later events pending', () => {
  const { net, a, b } = pair(25);
  sendFromA(net, a, 1);
  net.runUntil(30);
  assert.equal(net.now, 30);
  assert.equal(b.got.length, 1);
  assert.equal(a.got.length, 0);
  assert.equal(net.nextEventTime(), 50);
});

test('drop rule: "drop the third segment from A"', () => {
  const { net, a, b } = pair();
  net.link('A', 'B').drop.push({ nth: 3 });
  sendFromA(net, a, 5);
  net.runUntilIdle();
  assert.deepEqual(b.got.map((g) => g.text), ['P. 1', 'P. 2', 'P. 4', 'P. 5']);
});

test('drop rule: "drop every FIN from B", limited by times', () => {
  const { net, a, b } = pair();
  net.link('B', 'A').drop.push({ flags: 'F', times: 2 });
  net.call('B', 'send', () => { for (let i = 1; i <= 3; i++) b.out.push(b.seg('F.', i)); });
  net.runUntilIdle();
  assert.deepEqual(a.got.map((g) => g.text), ['F. 3']);
});

test('a cut cable drops everything and reports why', () => {
  const { net, a, b } = pair();
  net.both('A', 'B', (l) => { l.down = true; });
  const drops: string[] = [];
  net.observe((e: NetEvent) => { if (e.kind === 'drop') drops.push(`${e.from} #${e.index} ${e.why}`); });
  sendFromA(net, a, 2);
  net.runUntilIdle();
  assert.equal(b.got.length, 0);
  assert.deepEqual(drops, ['A #1 link down', 'A #2 link down']);
});

test('duplication: a copy arrives extraMs after the original', () => {
  const { net, a, b } = pair(10);
  b.out = [];
  net.link('A', 'B').duplicate.push({ nth: 1, extraMs: 500 });
  const dup: number[] = [];
  net.observe((e) => { if (e.kind === 'deliver' && e.duplicate) dup.push(e.at); });
  sendFromA(net, a, 1);
  net.runUntilIdle();
  assert.deepEqual(b.got, [{ at: 10, text: 'P. 1' }, { at: 510, text: 'P. 1' }]);
  assert.deepEqual(dup, [510]);
});

test('reordering: a delay rule lets later segments overtake', () => {
  const { net, a, b } = pair(10);
  net.link('A', 'B').delay.push({ nth: 1, extraMs: 5 });
  sendFromA(net, a, 3);
  net.runUntilIdle();
  assert.deepEqual(b.got.map((g) => g.text), ['P. 2', 'P. 3', 'P. 1']);
});

test('random loss is drawn from the seed: same seed, same losses', () => {
  const run = (seed: number): string[] => {
    const net = new Network({ seed, delayMs: 1 });
    const a = new FakeHost('10.0.0.1', '10.0.0.2', false);
    const b = new FakeHost('10.0.0.2', '10.0.0.1', false);
    net.addHost('A', a.addr, a as unknown as SocketApi);
    net.addHost('B', b.addr, b as unknown as SocketApi);
    net.link('A', 'B').loss = 0.3;
    sendFromA(net, a, 200);
    net.runUntilIdle();
    return b.got.map((g) => g.text);
  };
  const one = run(42);
  assert.deepEqual(run(42), one);
  assert.notDeepEqual(run(43), one);
  assert.ok(one.length > 100 && one.length < 180, `kept ${one.length} of 200 at 30 % loss`);
});

test('timers fire at each host\'s deadline', () => {
  const { net, a } = pair();
  a.deadline = 1234;
  net.runUntilIdle();
  assert.deepEqual(a.timeouts, [1234]);
  assert.equal(net.now, 1234);
});

test('livelock: a host that keeps asking for "now" is caught by driveBounded', () => {
  const { net, a } = pair();
  a.handleTimeout = () => { /* never clears its deadline */ };
  a.deadline = 5;
  assert.throws(() => net.driveBounded(1000), (e: unknown) => e instanceof LivelockError && /still busy after 1000 events \(virtual time 5 ms\)/.test(e.message));
});

test('livelock: two hosts echoing each other at zero delay', () => {
  const net = new Network({ delayMs: 0 });
  const a = new FakeHost('10.0.0.1', '10.0.0.2');
  const b = new FakeHost('10.0.0.2', '10.0.0.1');
  // Each answers with a non-ACK, so the ping-pong never ends.
  for (const h of [a, b]) h.handleSegment = (s) => { h.got.push({ at: 0, text: '' }); h.out.push(h.seg('P.', s.seq + 1)); };
  net.addHost('A', a.addr, a as unknown as SocketApi);
  net.addHost('B', b.addr, b as unknown as SocketApi);
  sendFromA(net, a, 1);
  assert.throws(() => net.driveBounded(500), LivelockError);
});

test('scheduled actions run at their time, in order', () => {
  const { net } = pair();
  const log: string[] = [];
  net.at(100, 'second', () => log.push(`b@${net.now}`));
  net.at(50, 'first', () => log.push(`a@${net.now}`));
  net.at(100, 'third', () => log.push(`c@${net.now}`));
  net.runUntilIdle();
  assert.deepEqual(log, ['a@50', 'b@100', 'c@100']);
  assert.throws(() => net.at(10, 'late', () => {}), /clock is already at 100 ms/);
});

test('wire mode: one fixed delay, deliveries in send order before actions due at the same instant', () => {
  const net = new Network({ wireDelayMs: 25 });
  const a = new FakeHost('10.0.0.1', '10.0.0.2');
  const b = new FakeHost('10.0.0.2', '10.0.0.1');
  net.addHost('A', a.addr, a as unknown as SocketApi);
  net.addHost('B', b.addr, b as unknown as SocketApi);
  const order: string[] = [];
  net.at(25, 'action at 25', () => order.push(`action, B has ${b.got.length}`));
  sendFromA(net, a, 2);
  net.runUntilIdle();
  assert.deepEqual(b.got.map((g) => g.at), [25, 25]);
  assert.deepEqual(order, ['action, B has 2']);
  assert.equal(net.delivered, 4);
});

test('unplug: nothing the host sends arrives, nothing reaches it', () => {
  const { net, a, b } = pair(10);
  net.unplug('B');
  sendFromA(net, a, 1);
  net.runUntilIdle();
  assert.deepEqual(b.got, []);
});
