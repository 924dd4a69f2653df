// A two-or-more-host harness for the host's tests (quinn-proto's `Pair`): virtual time, a fixed
// one-way delay, a log of every segment with its time, and plain-field knobs to drop or hold
// segments. `run(until)` is bounded: too many steps throw, naming the time (never a hang).
import type { Segment } from '../core/segment.js';
import { flagsToLetters } from '../core/segment.js';
import { canonical } from './addr.js';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { Host } from './host.js';

export interface Sent { at: number; seg: Segment; text: string }

export class Pair {
  now = 0;
  readonly log: Sent[] = [];
  private flight: Array<{ at: number; seg: Segment }> = [];
  private readonly hosts: Host[] = [];
  /** Return true to drop a segment (it is still logged, with `dropped`). */
  drop: (seg: Segment) => boolean = () => false;

  constructor(readonly delayMs = 0.05, ...hosts: Host[]) {
    for (const h of hosts) this.hosts.push(h);
  }

  add(h: Host): void {
    this.hosts.push(h);
  }

  private hostFor(addr: string): Host | undefined {
    const a = canonical(addr);
    return this.hosts.find((h) => h.addrs.some((x) => canonical(x) === a) || (a.startsWith('127.') && h.addrs.includes(a)));
  }

  /** Move every host's output onto the wire. Call after user calls. */
  flush(): void {
    for (const h of this.hosts) {
      for (let s = h.pollTransmit(); s; s = h.pollTransmit()) {
        this.log.push({ at: this.now, seg: s, text: describe(s) });
        if (this.drop(s)) continue;
        this.flight.push({ at: this.now + this.delayMs, seg: s });
      }
    }
  }

  /** Inject a segment as if it arrived from the wire now. */
  inject(to: Host, seg: Segment): void {
    to.handleSegment(seg, this.now);
    this.flush();
  }

  run(until: number, maxSteps = 1_000_000): void {
    this.flush();
    for (let steps = 0; ; steps++) {
      if (steps > maxSteps) throw new Error(`pair: no quiet by t=${this.now} ms`);
      let t = Infinity;
      for (const f of this.flight) if (f.at < t) t = f.at;
      for (const h of this.hosts) {
        const d = h.nextDeadline();
        if (d !== undefined && d < t) t = d;
      }
      if (t > until) break;
      this.now = Math.max(this.now, t);
      const due = this.flight.filter((f) => f.at <= this.now);
      if (due.length > 0) {
        this.flight = this.flight.filter((f) => f.at > this.now);
        for (const f of due) this.hostFor(f.seg.dstAddr)?.handleSegment(f.seg, this.now);
      } else {
        for (const h of this.hosts) {
          const d = h.nextDeadline();
          if (d !== undefined && d <= this.now) h.handleTimeout(this.now);
        }
      }
      this.flush();
    }
    this.now = Math.max(this.now, until);
    for (const h of this.hosts) h.advance(this.now);
  }

  /** Segments logged since index `from` that match `pred`. */
  since(from: number, pred: (s: Sent) => boolean = () => true): Sent[] {
    return this.log.slice(from).filter(pred);
  }
}

export function describe(s: Segment): string {
  return `${s.srcAddr}:${s.srcPort} > ${s.dstAddr}:${s.dstPort} ${flagsToLetters(s.flags)} ${s.seq >>> 0}:${(s.seq + s.payload.length) >>> 0}(${s.payload.length}) ack ${s.ack >>> 0}`;
}

/**
 * The fixture most host tests start from: client 10.0.0.1 connected to a listener on 10.0.0.2:80
 * (backlog 8), the handshake done and the connection accepted. `fd` is the client's socket,
 * `serverFd` the accepted one.
 */
export function establishedPair(): { client: Host; server: Host; pair: Pair; fd: number; serverFd: number } {
  const client = new Host({ addrs: ['10.0.0.1'], config: defaultConfig(), seed: 1 });
  const server = new Host({ addrs: ['10.0.0.2'], config: defaultConfig(), seed: 2 });
  const pair = new Pair(0.05, client, server);
  const lfd = server.socket('ipv4') as number;
  server.bind(lfd, '0.0.0.0', 80);
  server.listen(lfd, 8);
  const fd = client.socket('ipv4') as number;
  client.connect(fd, '10.0.0.2', 80);
  pair.run(10);
  const a = server.accept(lfd);
  if (isSysError(a)) throw new Error(`establishedPair: the handshake did not complete by 10 ms (accept: ${a.errno})`);
  return { client, server, pair, fd, serverFd: a.fd };
}
