// READ THIS FIRST — the load scenarios' wire: a use of the lab's Network in its wire mode (a few
// hosts joined by one lossless link with one fixed one-way delay, deliveries in send order without
// a heap), plus what a load run needs on top: applications written as state-change handlers and
// timed actions, and a sample at every interval.
//
// Rules:
// - One step = the earliest of: a delivery, an application action, a host deadline, a sample.
//   At equal times: deliveries, then actions, then host timers (hosts in the order added), then
//   the sample — so a run is a pure function of its inputs and seeds.
// - After every input to a host its output is drained onto the wire and its state changes are
//   handed to the scenario's `onChange` (how an application learns that connect() finished or
//   that the peer closed, without polling 100,000 fds).
// - `maxSteps` guards against livelock: exceeding it throws an error naming the time.
import type { Millis } from '../../core/time.js';
import type { StateChange } from '../../stack/api.js';
import type { Host } from '../../stack/host.js';
import { Network } from '../network.js';

export class LoadWire {
  readonly net: Network;
  private readonly names = new Map<Host, string>();
  private readonly handlers = new Map<string, (c: StateChange) => void>();

  constructor(readonly delayMs: Millis) {
    this.net = new Network({ wireDelayMs: delayMs });
    this.net.observe((e) => {
      if (e.kind === 'state') this.handlers.get(e.host)?.(e.change);
    }, ['state']);
  }

  get now(): Millis {
    return this.net.now;
  }

  /** Segments that crossed the wire (those to an unplugged host included). */
  get segments(): number {
    return this.net.delivered;
  }

  add(name: string, host: Host): void {
    this.names.set(host, name);
    this.net.addHost(name, host.addrs, host);
  }

  private nameOf(host: Host): string {
    const n = this.names.get(host);
    if (n === undefined) throw new Error('load wire: that host was never added');
    return n;
  }

  onChange(host: Host, fn: (c: StateChange) => void): void {
    this.handlers.set(this.nameOf(host), fn);
  }

  /** Run `fn` at virtual time `at` (an application action: connect, accept, close...). */
  at(at: Millis, run: () => void): void {
    this.net.at(at, 'application', () => {
      for (const h of this.net.allHosts()) h.api.advance(this.net.now);
      run();
      this.net.flushAll();
    });
  }

  /** Call after any user call on `host` outside an action (actions are flushed automatically). */
  flush(host: Host): void {
    this.net.flush(this.nameOf(host));
  }

  /** Unplug a host: from now on nothing it sends arrives and nothing reaches it (a vanished peer). */
  unplug(host: Host): void {
    this.net.unplug(this.nameOf(host));
  }

  /** Advance to `until`, calling `sample(t)` at every multiple of `everyMs` (after the events at t). */
  run(until: Millis, everyMs: Millis, sample: (t: Millis) => void, maxSteps = 50_000_000): void {
    const net = this.net;
    let nextSample = Math.floor(net.now / everyMs) * everyMs + everyMs;
    let steps = 0;
    for (;;) {
      const t = net.nextEventTime() ?? Infinity;
      if (nextSample <= until && nextSample < t) {
        net.runUntil(nextSample);
        sample(nextSample);
        nextSample += everyMs;
        continue;
      }
      if (t > until) break;
      if (++steps > maxSteps) throw new Error(`load wire: more than ${maxSteps} steps by t=${t} ms (livelock?)`);
      net.step();
    }
    net.runUntil(until);
  }
}
