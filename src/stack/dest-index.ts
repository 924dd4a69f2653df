// The established table seen from one destination (local address, remote address, remote port):
// how many of its 4-tuples use a local port of each parity inside the ephemeral range. connect()
// looks each candidate 4-tuple up in the established table itself (O(1)); these counts tell it at
// once when a whole parity pass of __inet_hash_connect() could not succeed. Entries whose local
// port lies outside the range (a server's accepted connections) are never candidates and are not
// counted, so they cost nothing here.
import { canonical, isLoopback } from './addr.js';
import type { HostState } from './host-state.js';
import type { Entry } from './sockets.js';

export function destOf(laddr: string, raddr: string, rport: number): string {
  return `${canonical(laddr)}|${canonical(raddr)}|${rport}`;
}

export function indexDest(h: HostState, e: Entry, by: 1 | -1): void {
  if (!inRange(h, e.port)) return;
  const k = destOf(e.addr, e.raddr, e.rport);
  let d = h.dests.get(k);
  if (!d) {
    if (by < 0) return;
    d = { parity: [0, 0] };
    h.dests.set(k, d);
  }
  d.parity[(e.port - h.config.ip_local_port_range[0]) & 1] += by;
  if (d.parity[0] + d.parity[1] === 0) h.dests.delete(k);
}

/** The ports __inet_hash_connect walks: [low, low + remaining), remaining made even. */
export function scanSpan(h: HostState): number {
  const [lo, hi] = h.config.ip_local_port_range;
  let r = hi + 1 - lo;
  if (r > 1) r &= ~1;
  return r;
}

function inRange(h: HostState, port: number): boolean {
  const lo = h.config.ip_local_port_range[0];
  return port >= lo && port < lo + scanSpan(h);
}

/** Rebuild the per-destination parity counts if ip_local_port_range changed since they were made. */
export function syncRange(h: HostState): void {
  const r = h.config.ip_local_port_range;
  if (h.rangeKey[0] === r[0] && h.rangeKey[1] === r[1]) return;
  h.rangeKey = [r[0], r[1]];
  h.dests.clear();
  for (const e of h.conns.values()) indexDest(h, e, +1);
}

/** Can tcp_tw_reuse take any TIME-WAIT entry toward this destination at all? */
export function reuseAllowed(h: HostState, laddr: string, raddr: string): boolean {
  const r = h.config.tcp_tw_reuse;
  if (r === 1) return true;
  return r === 2 && (isLoopback(laddr) || isLoopback(raddr));
}

