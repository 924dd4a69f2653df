// READ THIS FIRST — the lab's network: hosts that implement `SocketApi` (src/stack/api.ts), joined
// by one-way links (link.ts), driven by a virtual clock. Nothing here reads a real clock or sets a
// real timer; time only moves when `step()` takes the next event.
//
// Rules this file keeps (the SocketApi contract, seen from the driver's side):
// - After every input to a host (a user call, a segment, a timeout) the network drains that host's
//   `pollTransmit()` until undefined and puts each segment on the link towards its destination
//   address; then it drains `drainStateChanges()` for the observers.
// - The next event is the earliest of: a queued delivery or scheduled user action (a binary heap keyed
//   by (time, insertion order)), and each host's `nextDeadline()`. At equal times queued events come
//   first, then host timers in the order hosts were added. So a run is a pure function of its seed.
// - `driveBounded(n)` is the livelock guard: more than n events without going quiet is an error
//   naming the time and the last events, never a hang.
// - Two link modes. By default each one-way link is data (link.ts: delay, loss, rules). With
//   `wireDelayMs` every link is one lossless wire of that fixed delay: deliveries leave in the order
//   they were sent, so they wait in one FIFO instead of the heap (a load run's millions of
//   segments), and at equal times they come before queued actions.
// - A middlebox (middlebox.ts: a firewall, a NAT) sits on the path as an address of its own or as a
//   host's gateway (`route`): a segment delivered to it is handed to `process`, and what it forwards,
//   rewrites or answers leaves from it on its own links, at the same instant. Link mode only.
// - Every driver of hosts is a use of this class: the exchange scenarios, the load scenarios
//   (load/wire.ts), the host's test pair (testing/host-pair.ts), the lifecycle suite.
import type { Segment } from '../core/segment.js';
import type { Millis } from '../core/time.js';
import type { SocketApi, StateChange } from '../stack/api.js';
import { canonical } from '../stack/addr.js';
import type { SocketTimer } from '../model/snapshot.js';
import { EventQueue } from '../core/event-queue.js';
import { newLink, RuleCounter, type LinkConfig } from './link.js';
import { Rng } from '../core/random.js';
import type { Middlebox } from './middlebox.js';

export interface LabHost {
  name: string;
  addr: string;
  api: SocketApi;
}

/** What observers hear, in the order it happens. */
export type NetEvent =
  | {
    kind: 'send'; at: number; from: string; to: string; seg: Segment; index: number;
    /** Sent by a middlebox: passed on as it came, rewritten (NAT), or an RST it made up. */
    via?: 'forward' | 'rewrite' | 'reset';
  }
  | { kind: 'drop'; at: number; from: string; to: string; seg: Segment; index: number; why: string }
  | { kind: 'deliver'; at: number; from: string; to: string; seg: Segment; sentAt: number; duplicate: boolean }
  | { kind: 'timer'; at: number; host: string; timers: SocketTimer['kind'][]; changes: StateChange[] }
  | { kind: 'state'; at: number; host: string; change: StateChange }
  | { kind: 'action'; at: number; label: string }
  | { kind: 'call'; at: number; host: string; label: string; result: unknown };

type Queued =
  | { kind: 'deliver'; from: string; to: string; seg: Segment; sentAt: number; duplicate: boolean }
  | { kind: 'action'; label: string; run: () => void };

export class LivelockError extends Error {}

interface WireDelivery { at: Millis; from: LabHost; to: LabHost; seg: Segment; sentAt: Millis }

export class Network {
  now: Millis = 0;
  private hosts: LabHost[] = [];
  private byAddr = new Map<string, LabHost>();
  private byName = new Map<string, LabHost>();
  private boxes = new Map<string, Middlebox>();
  private boxByAddr = new Map<string, string>();
  /** A host's gateway: every segment it sends goes to that middlebox first. */
  private gateways = new Map<string, string>();
  private links = new Map<string, LinkConfig>();
  private rules = new RuleCounter();
  private queue = new EventQueue<Queued>();
  private observers: Array<(e: NetEvent) => void> = [];
  /** Does anyone listen to 'timer' events (naming the due timers lists every socket)? */
  private timerObserved = false;
  private readonly unplugged = new Set<LabHost>();
  /** The wire mode's deliveries, in send order (= delivery order: one fixed delay). */
  private wire: Array<WireDelivery | undefined> = [];
  private wireHead = 0;
  private readonly wireDelayMs: Millis | undefined;
  /** The last 8 events for the livelock message, kept as fields that are overwritten (nothing allocated per event). */
  private readonly recent = Array.from({ length: 8 }, () => ({ at: 0, what: '', a: '' as string | number, b: '' as string | number, c: '' as string | number, d: '' as string | number }));
  private recentAt = 0;
  /** Each (from host, to name) pair's link and segment count, so a send builds no key. */
  private readonly routes = new Map<string, Map<string, { link: LinkConfig; sent: number }>>();
  readonly rng: Rng;
  /** Delay of links created implicitly (ms). */
  defaultDelayMs: Millis;
  /** Segments delivered so far (wire mode counts those to an unplugged host too). */
  delivered = 0;

  /**
   * `delayMs`: the delay of each link created implicitly. `wireDelayMs`: every link is one
   * lossless fixed-delay wire instead (the load scenarios' mode; link settings are not read).
   */
  constructor(opts: { seed?: number; delayMs?: Millis; wireDelayMs?: Millis } = {}) {
    this.rng = new Rng(opts.seed ?? 1);
    this.defaultDelayMs = opts.delayMs ?? opts.wireDelayMs ?? 0;
    this.wireDelayMs = opts.wireDelayMs;
  }

  /** A host on one address, or on several (the first names it in views). */
  addHost(name: string, addr: string | readonly string[], api: SocketApi): LabHost {
    const addrs = typeof addr === 'string' ? [addr] : [...addr];
    if (this.byName.has(name)) throw new Error(`lab: a host named '${name}' already exists`);
    for (const a of addrs) {
      const taken = this.byAddr.get(canonical(a));
      if (taken) throw new Error(`lab: address ${a} is already taken by '${taken.name}'`);
    }
    const h = { name, addr: addrs[0], api };
    this.hosts.push(h);
    for (const a of addrs) this.byAddr.set(canonical(a), h);
    this.byName.set(name, h);
    api.advance(this.now);
    return h;
  }

  /**
   * A middlebox named `name`, owning `addrs` (a NAT's outside address; may be none): segments to
   * those addresses, and every segment of a host routed through it, are handed to it.
   */
  addBox(name: string, addrs: readonly string[], box: Middlebox): void {
    if (this.wireDelayMs !== undefined) throw new Error('lab: middleboxes need link mode, not the fixed-delay wire');
    if (this.byName.has(name) || this.boxes.has(name)) throw new Error(`lab: a host named '${name}' already exists`);
    for (const a of addrs) {
      if (this.byAddr.has(canonical(a)) || this.boxByAddr.has(canonical(a))) throw new Error(`lab: address ${a} is already taken`);
      this.boxByAddr.set(canonical(a), name);
    }
    this.boxes.set(name, box);
  }

  /** Send everything host `host` sends through middlebox `box` (its default gateway). */
  route(host: string, box: string): void {
    this.host(host);
    if (!this.boxes.has(box)) throw new Error(`lab: no middlebox named '${box}'`);
    this.gateways.set(host, box);
  }

  /** Every host, in the order added (the order their timers fire at equal times). */
  allHosts(): readonly LabHost[] {
    return this.hosts;
  }

  /** Unplug a host: from now on nothing it sends arrives and nothing reaches it (a vanished peer). */
  unplug(name: string): void {
    this.unplugged.add(this.host(name));
  }

  host(name: string): LabHost {
    const h = this.byName.get(name);
    if (!h) throw new Error(`lab: no host named '${name}'`);
    return h;
  }

  /** The one-way link from host `from` to host `to` (created on first use); edit its fields. */
  link(from: string, to: string): LinkConfig {
    const key = `${from}>${to}`;
    let l = this.links.get(key);
    if (!l) {
      l = newLink(this.defaultDelayMs);
      this.links.set(key, l);
    }
    return l;
  }

  /** Both directions at once: `net.both('A', 'B', (l) => { l.delayMs = 10; })`. */
  both(a: string, b: string, edit: (l: LinkConfig) => void): void {
    edit(this.link(a, b));
    edit(this.link(b, a));
  }

  /** Hear every event, or only the kinds named (so the network can skip work nobody reads). */
  observe(fn: (e: NetEvent) => void, kinds?: ReadonlyArray<NetEvent['kind']>): void {
    if (!kinds || kinds.includes('timer')) this.timerObserved = true;
    this.observers.push(kinds ? (e) => { if (kinds.includes(e.kind)) fn(e); } : fn);
  }

  /**
   * Drain what a host produced after calls made on it directly (not through `call`): its
   * segments onto the links, its state changes to the observers.
   */
  flush(name: string): void {
    const h = this.host(name);
    h.api.advance(this.now);
    this.flushStates(h);
    this.flushOutput(h);
  }

  /** `flush` every host, in the order added. */
  flushAll(): void {
    for (const h of this.hosts) {
      h.api.advance(this.now);
      this.flushStates(h);
      this.flushOutput(h);
    }
  }

  /**
   * Run `fn` on host `name` now (a user call described by `label`, e.g. "close(3)"), then drain
   * what it produced. Observers hear the call with the states it left, before its segments.
   */
  call<T>(name: string, label: string, fn: (api: SocketApi) => T): T {
    const h = this.host(name);
    h.api.advance(this.now);
    const r = fn(h.api);
    this.flushStates(h);
    this.note('call', h.name, label);
    if (this.heard) this.emit({ kind: 'call', at: this.now, host: h.name, label, result: r });
    this.flushOutput(h);
    return r;
  }

  /** Schedule a user action at virtual time `at` (ms). */
  at(at: number, label: string, run: () => void): void {
    if (at < this.now) throw new Error(`lab: cannot schedule '${label}' at ${at} ms, the clock is already at ${this.now} ms`);
    this.queue.push(at, { kind: 'action', label, run });
  }

  /** The time of the next event, or undefined when nothing is pending anywhere. */
  nextEventTime(): Millis | undefined {
    let t = this.queue.peekTime();
    const w = this.wire[this.wireHead];
    if (w !== undefined && (t === undefined || w.at < t)) t = w.at;
    for (const h of this.hosts) {
      const d = h.api.nextDeadline();
      if (d !== undefined && (t === undefined || d < t)) t = d;
    }
    return t;
  }

  /** Take one event (a delivery, an action, or every timer due at that instant). False when idle. */
  step(limit = Infinity): boolean {
    const t = this.nextEventTime();
    if (t === undefined || t > limit) return false;
    // A deadline in the past (a host asked for "now") still fires now: time never goes back.
    this.now = Math.max(this.now, t);
    const w = this.wire[this.wireHead];
    if (w !== undefined && w.at <= this.now) {
      this.wire[this.wireHead++] = undefined;
      if (this.wireHead > 4096 && this.wireHead * 2 > this.wire.length) {
        this.wire = this.wire.slice(this.wireHead);
        this.wireHead = 0;
      }
      this.deliverWire(w);
      return true;
    }
    const qt = this.queue.peekTime();
    if (qt !== undefined && qt <= this.now) {
      const ev = (this.queue.pop() as { item: Queued }).item;
      if (ev.kind === 'action') {
        this.note('action', ev.label);
        this.emit({ kind: 'action', at: this.now, label: ev.label });
        ev.run();
      } else {
        this.deliver(ev);
      }
      return true;
    }
    for (const h of this.hosts) {
      const d = h.api.nextDeadline();
      if (d === undefined || d > this.now) continue;
      h.api.advance(this.now);
      const timers = this.timerObserved ? dueTimers(h.api) : [];
      this.note('timer on', h.name, timers.join(', '));
      h.api.handleTimeout(this.now);
      const changes = this.flushStates(h);
      if (this.heard) this.emit({ kind: 'timer', at: this.now, host: h.name, timers, changes });
      this.flushOutput(h);
      return true;
    }
    return true;
  }

  /** Run every event up to and including time `t`, then set the clock to `t`. */
  runUntil(t: number, maxSteps = 1_000_000): void {
    let n = 0;
    while (this.step(t)) {
      if (++n > maxSteps) this.livelock(maxSteps);
    }
    if (t > this.now) this.now = t;
    for (const h of this.hosts) h.api.advance(this.now);
  }

  /** Run until nothing is pending (no deliveries, actions or deadlines). */
  runUntilIdle(maxSteps = 1_000_000): void {
    this.driveBounded(maxSteps);
  }

  /** Run until idle; throws `LivelockError` after `maxSteps` events without going quiet. */
  driveBounded(maxSteps: number): number {
    let n = 0;
    while (this.step()) {
      if (++n > maxSteps) this.livelock(maxSteps);
    }
    return n;
  }

  private livelock(maxSteps: number): never {
    throw new LivelockError(
      `lab: still busy after ${maxSteps} events (virtual time ${this.now} ms): a livelock? last events:\n  ` +
        [...this.recent.slice(this.recentAt % 8), ...this.recent.slice(0, this.recentAt % 8)]
          .filter((r) => r.what !== '')
          .map((r) => `${r.at} ms ${[r.what, r.a, r.b, r.c, r.d].filter((x) => x !== '').join(' ')}`).join('\n  '),
    );
  }

  /** Remember the last few events for the livelock message (formatted only if it is thrown). */
  private note(what: string, a: string | number = '', b: string | number = '', c: string | number = '', d: string | number = ''): void {
    const r = this.recent[this.recentAt++ % 8];
    r.at = this.now;
    r.what = what;
    r.a = a;
    r.b = b;
    r.c = c;
    r.d = d;
  }

  /** Is anyone listening? Events are only built for observers. */
  private get heard(): boolean {
    return this.observers.length > 0;
  }

  private emit(e: NetEvent): void {
    for (const o of this.observers) o(e);
  }

  private deliverWire(w: WireDelivery): void {
    this.delivered++;
    if (this.unplugged.has(w.to)) return;
    this.note('delivered', w.from.name, w.to.name);
    w.to.api.advance(this.now);
    w.to.api.handleSegment(w.seg, this.now);
    this.flushStates(w.to);
    if (this.heard) this.emit({ kind: 'deliver', at: this.now, from: w.from.name, to: w.to.name, seg: w.seg, sentAt: w.sentAt, duplicate: false });
    this.flushOutput(w.to);
  }

  private deliver(ev: Extract<Queued, { kind: 'deliver' }>): void {
    const box = this.boxes.get(ev.to);
    if (box) return this.deliverToBox(ev, box);
    const h = this.byName.get(ev.to) as LabHost;
    this.delivered++;
    if (this.unplugged.has(h)) {
      this.emit({ kind: 'drop', at: this.now, from: ev.from, to: ev.to, seg: ev.seg, index: 0, why: 'unplugged' });
      return;
    }
    this.note('delivered', ev.from, ev.to);
    h.api.advance(this.now);
    h.api.handleSegment(ev.seg, this.now);
    // State changes first, so an observer drawing the arrow knows the receiver's state after it.
    this.flushStates(h);
    if (this.heard) this.emit({ kind: 'deliver', at: this.now, from: ev.from, to: ev.to, seg: ev.seg, sentAt: ev.sentAt, duplicate: ev.duplicate });
    this.flushOutput(h);
  }

  private deliverToBox(ev: Extract<Queued, { kind: 'deliver' }>, box: Middlebox): void {
    this.delivered++;
    const v = box.process(ev.seg, this.now);
    this.note('box', ev.to, v.kind);
    if (v.kind === 'drop') {
      this.emit({ kind: 'drop', at: this.now, from: ev.from, to: ev.to, seg: ev.seg, index: 0, why: v.why });
      return;
    }
    this.emit({ kind: 'deliver', at: this.now, from: ev.from, to: ev.to, seg: ev.seg, sentAt: ev.sentAt, duplicate: ev.duplicate });
    if (v.kind === 'reset') this.transmit(ev.to, undefined, v.rst, 'reset');
    else this.transmit(ev.to, undefined, v.seg, v.rewritten ? 'rewrite' : 'forward');
  }

  private flushStates(h: LabHost): StateChange[] {
    const changes = h.api.drainStateChanges();
    if (this.heard) for (const c of changes) this.emit({ kind: 'state', at: this.now, host: h.name, change: c });
    return changes;
  }

  /**
   * Drain a host's output onto the links, then its state changes, until it is quiet: an observer
   * may call the host again on a state change (an application closing on EOF).
   */
  private flushOutput(h: LabHost): void {
    for (let round = 0; ; round++) {
      if (round > 1000) throw new LivelockError(`lab: host '${h.name}' still busy after 1000 rounds of output and state changes at ${this.now} ms`);
      let moved = false;
      for (let seg = h.api.pollTransmit(); seg !== undefined; seg = h.api.pollTransmit()) {
        moved = true;
        this.transmit(h.name, h, seg);
      }
      if (this.flushStates(h).length === 0 && !moved) return;
    }
  }

  /** The link and send count from a sender (a host's or a middlebox's name) to a destination name. */
  private routeTo(from: string, toName: string): { link: LinkConfig; sent: number } {
    let byTo = this.routes.get(from);
    if (!byTo) {
      byTo = new Map();
      this.routes.set(from, byTo);
    }
    let r = byTo.get(toName);
    if (!r) {
      r = { link: this.link(from, toName), sent: 0 };
      byTo.set(toName, r);
    }
    return r;
  }

  private dropped(from: string, toName: string, seg: Segment, index: number, why: string): void {
    this.note('dropped', from, toName, index, why);
    if (this.heard) this.emit({ kind: 'drop', at: this.now, from, to: toName, seg, index, why });
  }

  /** `host`: the sending host, or undefined when a middlebox (named `from`) sends. */
  private transmit(from: string, host: LabHost | undefined, seg: Segment, via?: 'forward' | 'rewrite' | 'reset'): void {
    const gateway = host ? this.gateways.get(from) : undefined;
    const hostTo = gateway === undefined ? this.byAddr.get(canonical(seg.dstAddr)) : undefined;
    const boxTo = gateway ?? (hostTo ? undefined : this.boxByAddr.get(canonical(seg.dstAddr)));
    const toName = hostTo?.name ?? boxTo ?? seg.dstAddr;
    const route = this.routeTo(from, toName);
    const index = ++route.sent;
    if (this.heard) this.emit(via ? { kind: 'send', at: this.now, from, to: toName, seg, index, via } : { kind: 'send', at: this.now, from, to: toName, seg, index });
    if (!hostTo && boxTo === undefined) return this.dropped(from, toName, seg, index, 'no host has this address');
    const to = hostTo;
    if (this.wireDelayMs !== undefined && host && to) {
      if (this.unplugged.has(host) || this.unplugged.has(to)) return this.dropped(from, toName, seg, index, 'unplugged');
      this.wire.push({ at: this.now + this.wireDelayMs, from: host, to, seg, sentAt: this.now });
      return;
    }
    if (host && this.unplugged.has(host)) return this.dropped(from, toName, seg, index, 'unplugged');
    const link = route.link;
    if (link.down) return this.dropped(from, toName, seg, index, 'link down');
    for (const r of link.drop) if (this.rules.take(r, seg, index, this.now)) return this.dropped(from, toName, seg, index, r.why ?? 'drop rule');
    // Draw the random numbers only when a probability is set, so adding a rule to one link does not
    // shift the losses another link sees.
    if (link.loss > 0 && this.rng.float() < link.loss) return this.dropped(from, toName, seg, index, 'random loss');
    let delay = link.delayMs;
    for (const r of link.delay) if (this.rules.take(r, seg, index, this.now)) delay += r.extraMs;
    if (link.reorderChance > 0 && this.rng.float() < link.reorderChance) delay += link.reorderMs;
    this.note('sent', from, toName, index);
    this.queue.push(this.now + delay, { kind: 'deliver', from, to: toName, seg, sentAt: this.now, duplicate: false });
    for (const r of link.duplicate) {
      if (this.rules.take(r, seg, index, this.now)) {
        this.queue.push(this.now + delay + (r.extraMs ?? 0), { kind: 'deliver', from, to: toName, seg, sentAt: this.now, duplicate: true });
      }
    }
    if (link.duplicateChance > 0 && this.rng.float() < link.duplicateChance) {
      this.queue.push(this.now + delay + link.reorderMs, { kind: 'deliver', from, to: toName, seg, sentAt: this.now, duplicate: true });
    }
  }
}
/** Which timers of a host are due now, as /proc would name them (for the diagram's timer rows). */
function dueTimers(api: SocketApi): SocketTimer['kind'][] {
  const out: SocketTimer['kind'][] = [];
  try {
    for (const s of api.sockets()) {
      if (s.timer && s.timer.kind !== 'off' && s.timer.remainingMs <= 0 && !out.includes(s.timer.kind)) out.push(s.timer.kind);
    }
  } catch {
    // A host that cannot list its sockets still runs; the row just names no timer.
  }
  return out;
}
