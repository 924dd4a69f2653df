// READ THIS FIRST — a lab element on the path between hosts: a stateful firewall, a NAT, the flow
// table of an L4 load balancer. It holds no TCP connection; it forwards, rewrites or drops the
// segments the network hands it, with a flow table like Linux's conntrack (nf_conntrack_proto_tcp.c):
//
// - A flow starts with a SYN (no ACK) from the inside (the hosts that route through the box). A
//   segment of no known flow is a "no flow" segment: dropped silently (a firewall's default, an
//   iptables `-m conntrack --ctstate INVALID -j DROP`) or answered with an RST as if from the far
//   end (what AWS's Network Load Balancer documents for a packet after its idle timeout).
// - A flow that carries nothing for `idleTimeoutMs` is forgotten — silently: no FIN and no RST goes
//   to either end, so both keep their ESTABLISHED sockets (half-open). Expiry is judged when the
//   next segment arrives, which is all either end can ever observe of it.
// - Source NAT rewrites an inside source address and port to the box's outside address and a port
//   of its own, taken in turn from a range, skipping ports still mapped; replies are rewritten back.
// - A flow whose both FINs (or an RST) went through is kept `closedHoldMs` longer (conntrack's
//   TIME_WAIT, nf_conntrack_tcp_timeout_time_wait = 120 s), then its port may be taken again.
//
// Pure: `now` comes with every segment; nothing here reads a clock or draws a random number.
import { NO_FLAGS, segmentLength, type Segment } from '../core/segment.js';
import { seq, seqAdd } from '../core/seq.js';
import type { Millis } from '../core/time.js';

export interface MiddleboxConfig {
  /** The addresses of the hosts on the inside (segments from them start flows). */
  inside: readonly string[];
  /** Forget a flow after this long without a segment (ms); undefined: never. */
  idleTimeoutMs?: Millis;
  /** What a segment of no known flow gets: silence, or an RST as if from the far end. */
  noFlow: 'drop' | 'reset';
  /** Source NAT: inside sources become `addr` and a port from `firstPort` .. firstPort+ports-1. */
  snat?: { addr: string; firstPort: number; ports: number };
  /** How long a closed flow keeps its mapping (ms; conntrack's TIME_WAIT is 120 s). */
  closedHoldMs?: Millis;
}

/** What the box did with one segment. `why` keys the renderers' words for a drop. */
export type BoxVerdict =
  | { kind: 'forward'; seg: Segment; rewritten: boolean }
  | { kind: 'drop'; why: BoxDropWhy }
  | { kind: 'reset'; rst: Segment; why: BoxDropWhy };

export type BoxDropWhy = 'no flow' | 'flow expired' | 'no free port';

interface Flow {
  /** The inside end and the outside end as the inside host sees them. */
  in: Endpoint;
  out: Endpoint;
  /** The inside end as the outside sees it (after source NAT; the same without it). */
  mapped: Endpoint;
  lastSeen: Millis;
  finIn: boolean;
  finOut: boolean;
  closedAt?: Millis;
}

interface Endpoint { addr: string; port: number }

const key = (a: Endpoint, b: Endpoint): string => `${a.addr}:${a.port}>${b.addr}:${b.port}`;

export class Middlebox {
  private readonly inside: Set<string>;
  /** Flows by (inside end, outside end) and by (outside end, mapped inside end). */
  private readonly byInside = new Map<string, Flow>();
  private readonly byOutside = new Map<string, Flow>();
  private nextPort = 0;
  /** Flows forgotten for idleness, by the key a later segment would look them up with. */
  private readonly expired = new Set<string>();
  /** Counters by conntrack-like names, for a scenario's checks. */
  readonly counts = { created: 0, expired: 0, dropped: 0, resets: 0, rewritten: 0 };

  constructor(readonly config: MiddleboxConfig) {
    this.inside = new Set(config.inside);
  }

  /** Flows the box holds now (idle ones included until a segment finds them expired). */
  flowCount(): number {
    return this.byInside.size;
  }

  /** The outside port a flow of this inside end was given, if it is mapped now. */
  mappedPort(addr: string, port: number): number | undefined {
    for (const f of this.byInside.values()) if (f.in.addr === addr && f.in.port === port) return f.mapped.port;
    return undefined;
  }

  /** Handle one segment arriving at `now`. */
  process(seg: Segment, now: Millis): BoxVerdict {
    const src = { addr: seg.srcAddr, port: seg.srcPort };
    const dst = { addr: seg.dstAddr, port: seg.dstPort };
    const fromInside = this.inside.has(seg.srcAddr);
    const k = key(src, dst);
    let flow = fromInside ? this.byInside.get(k) : this.byOutside.get(k);
    if (flow && this.stale(flow, now)) {
      this.forget(flow, this.idle(flow, now));
      flow = undefined;
    }
    const opening = seg.flags.syn && !seg.flags.ack;
    if (!flow && fromInside && opening) {
      const made = this.create(src, dst, now);
      if (made === undefined) return this.refuse(seg, 'no free port');
      flow = made;
    }
    if (!flow) return this.refuse(seg, this.expired.has(k) ? 'flow expired' : 'no flow');
    flow.lastSeen = now;
    if (seg.flags.fin) {
      if (fromInside) flow.finIn = true; else flow.finOut = true;
    }
    if (seg.flags.rst || (flow.finIn && flow.finOut)) flow.closedAt ??= now;
    if (!this.config.snat) return { kind: 'forward', seg, rewritten: false };
    this.counts.rewritten++;
    const out = fromInside
      ? { ...seg, srcAddr: flow.mapped.addr, srcPort: flow.mapped.port }
      : { ...seg, dstAddr: flow.in.addr, dstPort: flow.in.port };
    return { kind: 'forward', seg: out, rewritten: true };
  }

  private create(inEnd: Endpoint, outEnd: Endpoint, now: Millis): Flow | undefined {
    let mapped = inEnd;
    const nat = this.config.snat;
    if (nat) {
      const port = this.freePort(outEnd, now);
      if (port === undefined) return undefined;
      mapped = { addr: nat.addr, port };
    }
    const flow: Flow = { in: inEnd, out: outEnd, mapped, lastSeen: now, finIn: false, finOut: false };
    this.byInside.set(key(inEnd, outEnd), flow);
    this.byOutside.set(key(outEnd, mapped), flow);
    this.expired.delete(key(inEnd, outEnd));
    this.expired.delete(key(outEnd, mapped));
    this.counts.created++;
    return flow;
  }

  /** The next port in turn whose mapping towards `outEnd` is free (a closed flow past its hold frees it). */
  private freePort(outEnd: Endpoint, now: Millis): number | undefined {
    const nat = this.config.snat as NonNullable<MiddleboxConfig['snat']>;
    for (let i = 0; i < nat.ports; i++) {
      const port = nat.firstPort + ((this.nextPort + i) % nat.ports);
      const held = this.byOutside.get(key(outEnd, { addr: nat.addr, port }));
      if (held && this.stale(held, now)) this.forget(held, this.idle(held, now));
      if (this.byOutside.has(key(outEnd, { addr: nat.addr, port }))) continue;
      this.nextPort = (this.nextPort + i + 1) % nat.ports;
      return port;
    }
    return undefined;
  }

  private idle(f: Flow, now: Millis): boolean {
    return f.closedAt === undefined && this.config.idleTimeoutMs !== undefined && now - f.lastSeen > this.config.idleTimeoutMs;
  }

  private stale(f: Flow, now: Millis): boolean {
    if (f.closedAt !== undefined) return now - f.closedAt > (this.config.closedHoldMs ?? 120_000);
    return this.idle(f, now);
  }

  private forget(f: Flow, idle: boolean): void {
    const ki = key(f.in, f.out);
    const ko = key(f.out, f.mapped);
    this.byInside.delete(ki);
    this.byOutside.delete(ko);
    if (idle) {
      this.counts.expired++;
      this.expired.add(ki);
      this.expired.add(ko);
    }
  }

  private refuse(seg: Segment, why: BoxDropWhy): BoxVerdict {
    // An RST never answers an RST (RFC 9293 §3.10.7.1), whatever the policy.
    if (this.config.noFlow === 'reset' && !seg.flags.rst) {
      this.counts.resets++;
      return { kind: 'reset', rst: resetFor(seg), why };
    }
    this.counts.dropped++;
    return { kind: 'drop', why };
  }
}

/** The RST an end would send for `seg` (RFC 9293 §3.10.7.1), sent by the box in the far end's name. */
export function resetFor(seg: Segment): Segment {
  const base = { srcAddr: seg.dstAddr, srcPort: seg.dstPort, dstAddr: seg.srcAddr, dstPort: seg.srcPort, window: 0, urgent: 0, options: [], payload: new Uint8Array(0) };
  if (seg.flags.ack) return { ...base, seq: seg.ack, ack: seq(0), flags: { ...NO_FLAGS, rst: true } };
  return { ...base, seq: seq(0), ack: seqAdd(seg.seq, segmentLength(seg)), flags: { ...NO_FLAGS, rst: true, ack: true } };
}
