// What a Linux server before 4.12 did with net.ipv4.tcp_tw_recycle=1 — the check that the engine
// (Linux 6.x, where the sysctl no longer exists) does not have, kept here as a lab element in front
// of that server so a scenario can show why it was removed:
//
// - When one of the server's connections entered TIME-WAIT, the last timestamp (TSval) it had
//   received was remembered per peer *address* in the TCP metrics cache (tcp_tw_remember_stamp,
//   keeping the newest of those seen in the last 60 s).
// - A new SYN from that address was dropped — silently, counted as PAWSPassiveRejected
//   ("passive connections rejected because of time stamp") — when that memory was under
//   TCP_PAWS_MSL (60 s) old and the SYN's TSval was more than TCP_PAWS_WINDOW (1) below it
//   (tcp_conn_request → tcp_peer_is_proven with paws_check).
//
// Per address is the flaw: behind a NAT many hosts share one address, each with its own clock, so
// their timestamps are not monotonic across them. Pure: times come with each call.
import type { Segment } from '../core/segment.js';
import type { Millis } from '../core/time.js';
import type { StateChange } from '../stack/api.js';

const TCP_PAWS_MSL_MS = 60_000;
const TCP_PAWS_WINDOW = 1;

export class TwRecycleCheck {
  /** The newest TSval remembered per peer address, and when. */
  private readonly peers = new Map<string, { ts: number; stamp: Millis }>();
  /** The last TSval the server received on each connection. */
  private readonly lastTs = new Map<string, number>();
  /** PAWSPassiveRejected, as netstat -s names it. */
  rejected = 0;
  enabled = true;

  /** A segment the server received (its TSval, if any, becomes the connection's ts_recent). */
  received(seg: Segment): void {
    const ts = tsVal(seg);
    if (ts !== undefined) this.lastTs.set(`${seg.srcAddr}:${seg.srcPort}>${seg.dstPort}`, ts);
  }

  /** One of the server's state changes: entering TIME-WAIT remembers the peer's timestamp. */
  stateChanged(c: StateChange, now: Millis): void {
    if (c.to !== 'TIME-WAIT') return;
    const ts = this.lastTs.get(`${c.remote.addr}:${c.remote.port}>${c.local.port}`);
    if (ts === undefined) return;
    const m = this.peers.get(c.remote.addr);
    // tcp_tw_remember_stamp: take it if it is newer, or if what is held is older than 60 s.
    if (!m || ((m.ts - ts) | 0) <= 0 || now >= m.stamp + TCP_PAWS_MSL_MS) this.peers.set(c.remote.addr, { ts, stamp: now });
  }

  /** Would the old server drop this SYN? (Counts it when it does.) */
  drops(seg: Segment, now: Millis): boolean {
    if (!this.enabled || !seg.flags.syn || seg.flags.ack) return false;
    const m = this.peers.get(seg.srcAddr);
    const ts = tsVal(seg);
    if (!m || ts === undefined || m.stamp + TCP_PAWS_MSL_MS < now) return false;
    if (((m.ts - ts) | 0) <= TCP_PAWS_WINDOW) return false;
    this.rejected++;
    return true;
  }

  /** The remembered timestamp of `addr`, for the scenario's words. */
  remembered(addr: string): { ts: number; stamp: Millis } | undefined {
    return this.peers.get(addr);
  }
}

export function tsVal(seg: Segment): number | undefined {
  for (const o of seg.options) if (o.kind === 'timestamp') return o.val;
  return undefined;
}
