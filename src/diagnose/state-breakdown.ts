// Sockets per state broken down by who and where: the listening port a server-side socket belongs
// to, the process holding it, the destination a client-side socket spends an ephemeral port on,
// and each listener's accept queue. What `tcplens exporter` labels its series with; capped at the
// `top` keys with the most sockets so a metric's cardinality stays bounded, the rest folded into
// one `other` key whose size is reported (a scrape must not grow with the number of peers).
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import { zeroCounts } from './state-counts.js';
import { listeningPorts, osOf, ownerOf, portRange, socketAgeMs } from './facts.js';

/** One group's sockets per state (all eleven keys). */
export interface StateGroupCounts<K> { key: K; counts: Record<TcpState, number>; total: number }

/** The `top` groups with most sockets, the rest summed in `other`, and how much was folded. */
export interface CappedCounts<K> {
  top: StateGroupCounts<K>[];
  /** Sockets of the folded groups, per state; undefined when nothing was folded. */
  other?: Record<TcpState, number>;
  /** How many groups were folded into `other`. */
  foldedGroups: number;
  /** How many sockets were folded into `other`. */
  foldedSockets: number;
}

/** A process by command name and pid; `undefined` pid for sockets no process holds (TIME-WAIT). */
export interface ProcessKey { comm: string; pid?: number }

/** One destination's use of the ephemeral range: sockets toward it with a local port in the range. */
export interface DestinationUse { address: string; port: number; used: number }

/** A listener's accept queue: `queued` (Recv-Q) and `limit` (the backlog, where the source knows it). */
export interface ListenQueue { address: string; port: number; queued: number; limit?: number }

/** The `top` groups by size (ties by key), the rest summed into `other`: every breakdown folds this way. */
export function cap<K>(groups: Map<string, StateGroupCounts<K>>, top: number): CappedCounts<K> {
  // Most sockets first; ties by key so the chosen set is the same from one scrape to the next.
  const all = [...groups.entries()].sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  const kept = all.slice(0, Math.max(0, top));
  const rest = all.slice(kept.length);
  const out: CappedCounts<K> = { top: kept, foldedGroups: rest.length, foldedSockets: 0 };
  if (rest.length > 0) {
    const other = zeroCounts();
    for (const g of rest) {
      for (const st of Object.keys(g.counts) as TcpState[]) other[st] += g.counts[st];
      out.foldedSockets += g.total;
    }
    out.other = other;
  }
  return out;
}

function add<K>(groups: Map<string, StateGroupCounts<K>>, id: string, key: K, k: SocketRecord): void {
  let g = groups.get(id);
  if (!g) { g = { key, counts: zeroCounts(), total: 0 }; groups.set(id, g); }
  g.counts[k.state]++;
  g.total++;
}

/**
 * Server-side sockets per state by the listening port they belong to (the listener, its SYN-RECEIVED
 * requests, accepted connections and their TIME-WAIT / CLOSE-WAIT leftovers). Client-side sockets
 * (local port not listened on) are not counted here: their port is a random ephemeral one.
 */
export function stateCountsByPort(s: HostSnapshot, top: number): CappedCounts<number> {
  const listening = listeningPorts(s);
  const groups = new Map<string, StateGroupCounts<number>>();
  for (const k of s.sockets) if (listening.has(k.localPort)) add(groups, String(k.localPort), k.localPort, k);
  return cap(groups, top);
}

/**
 * Sockets per state by the process holding them (its first owner, as `ss -p` lists it first). Sockets
 * without an owner — TIME-WAIT and orphaned minisockets, request sockets, or a source that cannot
 * tell — form the group with no pid and an empty command name.
 */
export function stateCountsByProcess(s: HostSnapshot, top: number): CappedCounts<ProcessKey> {
  const groups = new Map<string, StateGroupCounts<ProcessKey>>();
  for (const k of s.sockets) {
    const o = ownerOf(s, k);
    if (o) add(groups, `${o.pid}`, { comm: o.name ?? '', pid: o.pid }, k);
    else add(groups, '-', { comm: '' }, k);
  }
  return cap(groups, top);
}

/**
 * Ephemeral ports in use per destination (remote ip:port), most first, at most `top`; a port in
 * `ip_local_port_range` held toward one destination counts in any state, TIME-WAIT included, since
 * connect() cannot reuse the 4-tuple until it is gone. `range` is the range these are counted against.
 */
export function ephemeralUseByDestination(s: HostSnapshot, top: number): { range: { lo: number; hi: number; size: number; assumed: boolean }; top: DestinationUse[]; foldedGroups: number; foldedSockets: number } {
  const range = portRange(s);
  const listening = listeningPorts(s);
  const by = new Map<string, DestinationUse>();
  for (const k of s.sockets) {
    if (k.state === 'LISTEN' || k.state === 'CLOSED' || listening.has(k.localPort)) continue;
    if (k.localPort < range.lo || k.localPort > range.hi) continue;
    const id = `${k.remoteAddress}|${k.remotePort}`;
    const d = by.get(id);
    if (d) d.used++; else by.set(id, { address: k.remoteAddress, port: k.remotePort, used: 1 });
  }
  const all = [...by.entries()].sort((a, b) => b[1].used - a[1].used || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  const kept = all.slice(0, Math.max(0, top));
  const rest = all.slice(kept.length);
  return { range, top: kept, foldedGroups: rest.length, foldedSockets: rest.reduce((n, d) => n + d.used, 0) };
}

/**
 * Every listener's accept queue. Linux puts the queue length in Recv-Q for a LISTEN socket and the
 * backlog limit in Send-Q only through inet_diag as `ss` prints it; /proc/net/tcp shows no limit, so
 * `limit` is absent for a live /proc read.
 */
export function listenQueues(s: HostSnapshot): ListenQueue[] {
  const out: ListenQueue[] = [];
  for (const k of s.sockets) {
    if (k.state !== 'LISTEN') continue;
    const q: ListenQueue = { address: k.localAddress, port: k.localPort, queued: k.recvQ ?? 0 };
    if (k.sendQ !== undefined) q.limit = k.sendQ;
    out.push(q);
  }
  return out;
}

/**
 * The oldest socket's time in state, per state, where the source can tell an age: its own `ageMs`,
 * or for Linux TIME-WAIT 60 s minus the timewait timer's remaining time. States with no known age
 * are absent (unknown is not 0).
 */
export function oldestAgeMsByState(s: HostSnapshot): Partial<Record<TcpState, number>> {
  const os = osOf(s);
  const out: Partial<Record<TcpState, number>> = {};
  for (const k of s.sockets) {
    const age = socketAgeMs(k, os);
    if (age !== undefined && age > (out[k.state] ?? -1)) out[k.state] = age;
  }
  return out;
}
