// A capture split into connections and each watched by a ConnectionObserver: packets in, one
// report per connection out, in bounded memory — a connection is reported and forgotten once it
// has settled (both FINs acknowledged, or an RST) and been quiet for five seconds of capture time,
// time for a retransmitted FIN to show a lost last ACK, so a capture of gigabytes holds only its
// connections still open (and those quiet for less than twelve hours).
//
// A connection is its 4-tuple, from its first SYN; a SYN with a new initial sequence number from an
// end that already sent one starts a new connection on the same 4-tuple (a new incarnation, as
// RFC 9293 §3.4 and Linux's TIME-WAIT accept it), which carries the other end's TIME-WAIT into the
// new diagram. Without a SYN (the capture began mid-connection), the end with the higher port is
// taken as the client.
import type { Text } from '../../i18n/lang.js';
import { ACK, RST, SYN, type TcpPacket } from '../../pcap/decode-packet.js';
import { findingsOf, limitsOf, type Finding } from './findings.js';
import { ConnectionObserver, type Shown, type TimelineEntry } from './observer.js';

export interface Endpoint { addr: string; port: number }

/** One connection of a capture, finished. */
export interface ConnectionReport {
  /** 1-based, in order of first packet. */
  index: number;
  client: Endpoint;
  server: Endpoint;
  /** First and last packet, ms since the epoch. */
  firstAt: number;
  lastAt: number;
  packets: number;
  /** Each end's state at the end of the capture (or when the connection was forgotten). */
  endStates: { client: Shown; server: Shown };
  /** The ending first, then what happened along the way. */
  findings: Finding[];
  timeline: TimelineEntry[];
  /** What one vantage point cannot know about this connection. */
  limits: Text;
  /** The observer, with its rows, when the caller asked to keep this connection's rows. */
  observer?: ConnectionObserver;
}

export interface AnalysisOptions {
  /** Keep the rows of this connection, to draw it (decided at its first packet). */
  keepRows?: (index: number, client: Endpoint, server: Endpoint) => boolean;
  /** Called once per connection, when it is finished. */
  onConnection: (r: ConnectionReport) => void;
}

/**
 * Capture time a settled connection stays, for a retransmitted FIN after a lost last ACK: Linux
 * retransmits after its RTO (200 ms at least, a few seconds on most paths).
 */
const SETTLE_MS = 5_000;
/** Capture time after which a quiet connection is reported as it stands. */
const IDLE_MS = 12 * 3600_000;

interface Live { key: string; index: number; obs: ConnectionObserver; settledAt?: number }

function keyOf(p: TcpPacket): string {
  const a = `${p.srcAddr}|${p.srcPort}`;
  const b = `${p.dstAddr}|${p.dstPort}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export class CaptureAnalysis {
  /** Live connections by 4-tuple, least recently active first. */
  private live = new Map<string, Live>();
  private count = 0;
  private now = 0;
  private sinceSweep = 0;

  constructor(private readonly o: AnalysisOptions) {}

  get connections(): number { return this.count; }

  add(p: TcpPacket, at: number, index: number): void {
    this.now = Math.max(this.now, at);
    const key = keyOf(p);
    let c = this.live.get(key);
    if (c && p.flags & SYN && !(p.flags & ACK)) {
      const from = c.obs.sides[c.obs.whoSent(p)];
      if (from.isn !== undefined && from.isn !== p.seq) {
        // A new incarnation: the other end's TIME-WAIT (if any) gives way to it.
        const other = c.obs.sides[c.obs.whoSent(p) === 0 ? 1 : 0];
        const carried: Shown | undefined = other.state === 'TIME-WAIT' ? 'TIME-WAIT' : undefined;
        c.obs.finish();
        if (other.state === 'TIME-WAIT') {
          c.obs.timeline.push({ at, who: c.obs.whoSent(p) === 0 ? 1 : 0, from: 'TIME-WAIT', to: 'CLOSED', cause: 'new-incarnation' });
          other.state = 'CLOSED';
        }
        this.report(c);
        this.live.delete(key);
        c = this.open(key, p, at, carried);
      }
    }
    if (!c) c = this.open(key, p, at);
    else {
      // Keep the map ordered by last activity.
      this.live.delete(key);
      this.live.set(key, c);
    }
    c.obs.observe(p, at, index);
    if (c.settledAt === undefined && this.settled(c.obs)) c.settledAt = at;
    if (++this.sinceSweep >= 4096) this.sweep();
  }

  /** The capture ended: every live connection is reported, in order of first packet. */
  finish(): void {
    const rest = [...this.live.values()].sort((a, b) => a.index - b.index);
    this.live.clear();
    for (const c of rest) {
      c.obs.finish();
      this.report(c);
    }
  }

  private open(key: string, p: TcpPacket, at: number, carried?: Shown): Live {
    const src = { addr: p.srcAddr, port: p.srcPort };
    const dst = { addr: p.dstAddr, port: p.dstPort };
    // The SYN's sender is the client; a SYN-ACK's receiver; mid-stream, the higher port.
    let clientIsSrc: boolean;
    if (p.flags & SYN) clientIsSrc = !(p.flags & ACK);
    else if (p.flags & RST) clientIsSrc = false;
    else clientIsSrc = p.srcPort > p.dstPort;
    const [client, server] = clientIsSrc ? [src, dst] : [dst, src];
    const index = ++this.count;
    const keep = this.o.keepRows?.(index, client, server) ?? false;
    const c: Live = { key, index, obs: new ConnectionObserver(client, server, keep, carried) };
    this.live.set(key, c);
    return c;
  }

  private settled(o: ConnectionObserver): boolean {
    const [a, b] = o.sides;
    if (a.rst || b.rst) return true;
    return a.finSeq !== undefined && b.finSeq !== undefined && a.finSent > 0 && b.finSent > 0 && (a.state === 'TIME-WAIT' || b.state === 'TIME-WAIT' || a.state === 'CLOSED' || b.state === 'CLOSED');
  }

  private sweep(): void {
    this.sinceSweep = 0;
    for (const c of this.live.values()) {
      const quiet = this.now - c.obs.lastAt;
      if (quiet < SETTLE_MS) break;
      if (c.settledAt === undefined && quiet < IDLE_MS) continue;
      c.obs.finish();
      this.live.delete(c.key);
      this.report(c);
    }
  }

  private report(c: Live): void {
    const o = c.obs;
    this.o.onConnection({
      index: c.index,
      client: { addr: o.sides[0].addr, port: o.sides[0].port },
      server: { addr: o.sides[1].addr, port: o.sides[1].port },
      firstAt: o.firstAt,
      lastAt: o.lastAt,
      packets: o.packets,
      endStates: { client: o.sides[0].state, server: o.sides[1].state },
      findings: findingsOf(o),
      timeline: o.timeline,
      limits: limitsOf(o),
      observer: o.rows ? o : undefined,
    });
  }
}
