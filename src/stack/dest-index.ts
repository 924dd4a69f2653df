// The established table seen from one destination (local address, remote address, remote port):
// which local ports already have a 4-tuple toward it, and how many of each parity lie inside the
// ephemeral range. connect() reads it to look up a candidate port in O(1) and to know at once
// when a whole parity pass of __inet_hash_connect() could not succeed.
import { canonical, isLoopback } from './addr.js';
import type { HostState } from './host-state.js';
import type { Entry } from './sockets.js';

export function destOf(laddr: string, raddr: string, rport: number): string {
  return `${canonical(laddr)}|${canonical(raddr)}|${rport}`;
}

export function indexDest(h: HostState, e: Entry, by: 1 | -1): void {
  const k = destOf(e.addr, e.raddr, e.rport);
  let d = h.dests.get(k);
  if (!d) {
    if (by < 0) return;
    d = { ports: new Map(), parity: [0, 0] };
    h.dests.set(k, d);
  }
  if (by > 0) d.ports.set(e.port, e);
  else d.ports.delete(e.port);
  if (inRange(h, e.port)) d.parity[(e.port - h.config.ip_local_port_range[0]) & 1] += by;
  if (d.ports.size === 0) h.dests.delete(k);
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
  const k = h.config.ip_local_port_range.join('-');
  if (k === h.rangeKey) return;
  h.rangeKey = k;
  const lo = h.config.ip_local_port_range[0];
  for (const d of h.dests.values()) {
    d.parity = [0, 0];
    for (const p of d.ports.keys()) if (inRange(h, p)) d.parity[(p - lo) & 1]++;
  }
}

/** Can tcp_tw_reuse take any TIME-WAIT entry toward this destination at all? */
export function reuseAllowed(h: HostState, laddr: string, raddr: string): boolean {
  const r = h.config.tcp_tw_reuse;
  if (r === 1) return true;
  return r === 2 && (isLoopback(laddr) || isLoopback(raddr));
}

