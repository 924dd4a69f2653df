// READ THIS FIRST — the load scenarios' wire: a few hosts joined by a lossless link with one fixed
// one-way delay, driven in virtual time. Built for many connections: deliveries with a fixed delay
// leave in the order they were sent, so each direction is a FIFO (no heap), and the only heap is
// the application's scheduled actions (the lab's EventQueue: by time, then insertion order). Hosts keep their own timer heaps (nextDeadline()).
//
// Rules:
// - One step = the earliest of: a delivery, an application action, a host deadline, a sample.
//   At equal times: deliveries, then actions, then host timers (hosts in the order added), then
//   the sample — so a run is a pure function of its inputs and seeds.
// - After every input to a host its output is drained onto the wire and its state changes are
//   handed to the scenario's `onChange` (how an application learns that connect() finished or
//   that the peer closed, without polling 100,000 fds).
// - `maxSteps` guards against livelock: exceeding it throws an error naming the time.
import type { Segment } from '../../core/segment.js';
import type { StateChange } from '../../stack/api.js';
import type { Host } from '../../stack/host.js';
import { canonical } from '../../stack/addr.js';
import { EventQueue } from '../../core/event-queue.js';

export class LoadWire {
  now = 0;
  private readonly hosts: Array<{ name: string; host: Host }> = [];
  private readonly byAddr = new Map<string, Host>();
  private readonly nameOf = new Map<Host, string>();
  /** In flight, in delivery-time order. */
  private flight: Array<{ at: number; to: Host; seg: Segment }> = [];
  private flightHead = 0;
  private readonly actions = new EventQueue<() => void>();
  private changeHandlers = new Map<Host, (c: StateChange) => void>();
  private readonly down = new Set<Host>();
  segments = 0;

  constructor(readonly delayMs: number) {}

  add(name: string, host: Host): void {
    this.hosts.push({ name, host });
    this.nameOf.set(host, name);
    for (const a of host.addrs) this.byAddr.set(canonical(a), host);
  }

  onChange(host: Host, fn: (c: StateChange) => void): void {
    this.changeHandlers.set(host, fn);
  }

  /** Run `fn` at virtual time `at` (an application action: connect, accept, close...). */
  at(at: number, run: () => void): void {
    this.actions.push(at, run);
  }

  /** Call after any user call on `host` outside an action (actions are flushed automatically). */
  flush(host: Host): void {
    const fn = this.changeHandlers.get(host);
    // A change handler may call the host again (close on EOF): repeat until it is quiet.
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (let s = host.pollTransmit(); s; s = host.pollTransmit()) {
        moved = true;
        if (this.down.has(host)) continue;
        const to = this.byAddr.get(canonical(s.dstAddr));
        if (to && !this.down.has(to)) this.flight.push({ at: this.now + this.delayMs, to, seg: s });
      }
      const changes = host.drainStateChanges();
      if (fn) for (const c of changes) fn(c);
      if (!moved && changes.length === 0) return;
    }
  }

  /** Unplug a host: from now on nothing it sends arrives and nothing reaches it (a vanished peer). */
  unplug(host: Host): void {
    this.down.add(host);
  }

  private flushAll(): void {
    for (const h of this.hosts) this.flush(h.host);
  }

  /** Advance to `until`, calling `sample(t)` at every multiple of `everyMs` (after the events at t). */
  run(until: number, everyMs: number, sample: (t: number) => void, maxSteps = 50_000_000): void {
    let nextSample = Math.floor(this.now / everyMs) * everyMs + everyMs;
    let steps = 0;
    for (;;) {
      const tDeliver = this.flightHead < this.flight.length ? this.flight[this.flightHead].at : Infinity;
      const tAction = this.actions.peekTime() ?? Infinity;
      let tTimer = Infinity;
      for (const h of this.hosts) {
        const d = h.host.nextDeadline();
        if (d !== undefined && d < tTimer) tTimer = d;
      }
      const t = Math.min(tDeliver, tAction, tTimer);
      if (nextSample <= until && nextSample < t) {
        this.now = nextSample;
        for (const h of this.hosts) h.host.advance(this.now);
        sample(nextSample);
        nextSample += everyMs;
        continue;
      }
      if (t > until) break;
      if (++steps > maxSteps) throw new Error(`load wire: more than ${maxSteps} steps by t=${t} ms (livelock?)`);
      this.now = Math.max(this.now, t);
      if (tDeliver === t) {
        const f = this.flight[this.flightHead];
        (this.flight as Array<{ at: number; to: Host; seg: Segment } | undefined>)[this.flightHead] = undefined;
        this.flightHead++;
        if (this.flightHead > 4096 && this.flightHead * 2 > this.flight.length) {
          this.flight = this.flight.slice(this.flightHead);
          this.flightHead = 0;
        }
        this.segments++;
        if (this.down.has(f.to)) continue;
        f.to.handleSegment(f.seg, this.now);
        this.flush(f.to);
        continue;
      }
      if (tAction === t) {
        const run = (this.actions.pop() as { item: () => void }).item;
        for (const h of this.hosts) h.host.advance(this.now);
        run();
        this.flushAll();
        continue;
      }
      for (const h of this.hosts) {
        const d = h.host.nextDeadline();
        if (d !== undefined && d <= t) {
          h.host.handleTimeout(this.now);
          this.flush(h.host);
        }
      }
    }
    this.now = until;
    for (const h of this.hosts) h.host.advance(until);
  }
}
