// The lifecycle suite (src/core/testing/lifecycle-suite.ts) in the lab: a Network of two real
// hosts, so the peer is an engine too and its segments must come out as the case scripts them.
// Segments are compared by flags and relative numbers (each side's ISN is drawn from the seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { flagsToLetters, type Segment } from '../core/segment.js';
import { seqDiff, type Seq } from '../core/seq.js';
import { caseEnd, LIFECYCLE_CASES, LIFECYCLE_DELAY_MS, stateAt, statesEntered, type LifecycleCase } from '../core/testing/lifecycle-suite.js';
import type { TcpState } from '../model/states.js';
import type { SocketApi } from '../stack/api.js';
import { createLabHost } from './lab-host.js';
import { Network } from './network.js';

const ADDR = { A: '10.0.0.1', B: '10.0.0.2' } as const;
/** Listening ports, and the fixed ports of a simultaneous open. */
const LISTEN_PORT = { A: 8080, B: 80 } as const;
const BOUND_PORT = { A: 5000, B: 6000 } as const;

interface Seen { at: number; seg: Segment }

/** The scripted form without window and options: `F. 1:1(0) ack 2`. */
function scripted(text: string): string {
  const m = /^(\S+) (\d+):(\d+)\((\d+)\)(?: ack (\d+))?/.exec(text);
  if (!m) throw new Error(`cannot read '${text}'`);
  return `${m[1]} ${m[2]}:${m[3]}(${m[4]})${m[5] !== undefined ? ` ack ${m[5]}` : ''}`;
}

function relative(seg: Segment, senderIsn: Seq | undefined, receiverIsn: Seq | undefined): string {
  const start = senderIsn === undefined ? 0 : seqDiff(seg.seq, senderIsn);
  const len = seg.payload.length;
  const ack = seg.flags.ack ? ` ack ${receiverIsn === undefined ? '?' : seqDiff(seg.ack, receiverIsn)}` : '';
  return `${flagsToLetters(seg.flags)} ${start}:${start + len}(${len})${ack}`;
}

/** One side's application: its sockets and the calls the case names. */
class App {
  fd: number | undefined;
  listener: number | undefined;
  constructor(readonly net: Network, readonly side: 'A' | 'B') {}
  private get other(): 'A' | 'B' { return this.side === 'A' ? 'B' : 'A'; }
  private call<T>(label: string, fn: (api: SocketApi) => T): T {
    return this.net.call(this.side, label, fn);
  }
  connect(bound: boolean): void {
    this.fd = this.call('connect', (api) => {
      const fd = api.socket('ipv4', { nonblock: true }) as number;
      if (bound) api.bind(fd, ADDR[this.side], BOUND_PORT[this.side]);
      api.connect(fd, ADDR[this.other], bound ? BOUND_PORT[this.other] : LISTEN_PORT[this.other]);
      return fd;
    });
  }
  listen(): void {
    this.listener = this.call('listen', (api) => {
      const fd = api.socket('ipv4') as number;
      api.bind(fd, ADDR[this.side], LISTEN_PORT[this.side]);
      api.listen(fd, 128);
      return fd;
    });
  }
  accept(): void {
    if (this.fd !== undefined || this.listener === undefined) return;
    const lfd = this.listener;
    const r = this.call('accept', (api) => api.accept(lfd));
    if (isSysError(r)) throw new Error(`${this.side}: accept() failed with ${r.errno}`);
    this.fd = r.fd;
  }
  close(): void {
    this.accept();
    const fd = this.fd as number;
    this.call('close', (api) => api.close(fd));
  }
  setsockopt(name: 'SO_LINGER' | 'SO_KEEPALIVE'): void {
    const fd = this.fd as number;
    this.call(name, (api) => api.setsockopt(fd, name, name === 'SO_LINGER' ? { onoff: 1, linger: 0 } : 1));
  }
}

function play(c: LifecycleCase): void {
  const net = new Network({ seed: 1, delayMs: LIFECYCLE_DELAY_MS });
  net.addHost('A', ADDR.A, createLabHost(ADDR.A, defaultConfig(), 3));
  net.addHost('B', ADDR.B, createLabHost(ADDR.B, defaultConfig(), 4));
  const a = new App(net, 'A');
  const b = new App(net, 'B');
  const out: Seen[] = [];
  const into: Seen[] = [];
  const timeline: Array<{ at: number; to: TcpState }> = [];
  net.observe((e) => {
    if (e.kind === 'send' && e.from === 'A') out.push({ at: e.at, seg: e.seg });
    else if (e.kind === 'deliver' && e.to === 'A') into.push({ at: e.at, seg: e.seg });
    else if (e.kind === 'drop' && e.from === 'B') into.push({ at: e.at + LIFECYCLE_DELAY_MS, seg: e.seg });
    else if (e.kind === 'state' && e.host === 'A') timeline.push({ at: e.at, to: e.change.to });
  });
  // Lost lines are drop rules on the Nth segment of their direction.
  let nOut = 0;
  let nIn = 0;
  for (const s of c.steps) {
    if ('out' in s) { nOut++; if (s.lost) net.link('A', 'B').drop.push({ nth: nOut }); }
    if ('in' in s) { nIn++; if (s.lost) net.link('B', 'A').drop.push({ nth: nIn }); }
    if ('call' in s) {
      const call = s.call;
      net.at(s.at, call, () => {
        switch (call) {
          case 'connect': case 'connect-bound': return a.connect(call === 'connect-bound');
          case 'listen': return a.listen();
          case 'accept': return a.accept();
          case 'close': return a.close();
          case 'linger-0': return a.setsockopt('SO_LINGER');
          case 'keepalive': return a.setsockopt('SO_KEEPALIVE');
        }
      });
    }
    if ('peer' in s) {
      const call = s.peer;
      net.at(s.at, `peer ${call}`, () => {
        switch (call) {
          case 'connect': case 'connect-bound': return b.connect(call === 'connect-bound');
          case 'listen': return b.listen();
          case 'close': return b.close();
          case 'vanish': return net.both('A', 'B', (l) => { l.down = true; });
        }
      });
    }
  }
  net.runUntil(caseEnd(c));

  const isnA = out.find((x) => x.seg.flags.syn)?.seg.seq;
  const isnB = into.find((x) => x.seg.flags.syn)?.seg.seq;
  const show = (xs: Seen[], from: 'A' | 'B'): string[] =>
    xs.map((x) => `${x.at} ${from === 'A' ? relative(x.seg, isnA, isnB) : relative(x.seg, isnB, isnA)}`);
  const want = (dir: 'in' | 'out'): string[] => c.steps.flatMap((s) => {
    const text = 'in' in s && dir === 'in' ? s.in : 'out' in s && dir === 'out' ? s.out : undefined;
    return text === undefined ? [] : [`${s.at} ${scripted(text)}`];
  });
  assert.deepEqual(show(out, 'A'), want('out'), `${c.name}: what A sent`);
  assert.deepEqual(show(into, 'B'), want('in'), `${c.name}: what the peer sent A`);
  assert.deepEqual(timeline.map((x) => x.to), statesEntered(c), `${c.name}: the states A entered`);
  for (const s of c.steps) {
    if ('state' in s) assert.equal(stateAt(timeline, s.at), s.state, `${c.name}: A's state at ${s.at} ms`);
  }
}

for (const c of LIFECYCLE_CASES) {
  test(`lifecycle, lab: ${c.name} — ${c.what}`, () => play(c));
}
