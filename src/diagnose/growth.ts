// READ THIS FIRST — growth between reads of one host, and how soon it reaches a limit at that rate.
//
// One home for what `tcplens watch` shows as growth and `doctor --samples` reports: both count the
// same groups in each read (`groupCounts`), measure a rate per second over a window of reads
// (`windowRate`), and turn rates into time-to-limit rows (`growthRows`). Limits, as Linux enforces them:
// - a process's CLOSE-WAIT sockets each hold a descriptor: accept()/socket() fail with EMFILE at its
//   RLIMIT_NOFILE (`Max open files` in /proc/PID/limits), counted against all its open fds;
// - connect() without bind() draws a local port from net.ipv4.ip_local_port_range, one per
//   4-tuple: toward one destination (address and port) at most the range's size can coexist
//   (__inet_hash_connect), then EADDRNOTAVAIL. A TIME-WAIT socket holds its port unless connect()
//   may reuse it (tcp_tw_reuse 1, or 2 toward loopback, the default), so those are not counted;
// - TIME-WAIT sockets beyond net.ipv4.tcp_max_tw_buckets are not created (the connection is closed
//   at once: "TCP: time wait bucket table overflow");
// - orphans (closed sockets still in FIN-WAIT/CLOSING/LAST-ACK) beyond net.ipv4.tcp_max_orphans are
//   reset ("too many orphaned sockets").
// Rules this file keeps: a rate needs two reads; a time to limit is given only for a positive rate;
// a socket without a file (TIME-WAIT, orphans, request sockets) has no owner, never a guessed one.
// Pure: the caller reads the host and each process's fd use (src/node/fd-use.ts).
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { isLoopback, listeningPorts, ownerOf, portRange, sysctlNum } from './facts.js';

/** The states whose holders watch and doctor --samples follow per process and port. */
export const WATCHED_STATES = ['CLOSE-WAIT', 'TIME-WAIT', 'FIN-WAIT-2', 'SYN-RECEIVED'] as const;
export type WatchedState = (typeof WATCHED_STATES)[number];

/** Growth toward a limit: what grows, how fast, and when it hits the limit at that rate. */
export interface GrowthRow {
  what: 'close-wait-fds' | 'time-wait-buckets' | 'orphans' | 'ephemeral-ports';
  /** `java/4242` for a process's fds, `10.0.0.5:5432` for a destination's ports, else the sysctl. */
  key: string;
  pid?: number;
  process?: string;
  current: number;
  limit: number;
  ratePerSec: number;
  /** Seconds until the limit at this rate; absent when not growing. */
  secondsToLimit?: number;
  /** Part of `current` (the ESTABLISHED sockets toward a destination) is as of this instant: watch's last full read. */
  asOf?: number;
}

/** A process's descriptors: its RLIMIT_NOFILE (soft) and how many it has open. */
export type FdUse = Map<number, { limit: number; open: number }>;

/** Group counts of one read, at the instant its ages refer to. */
export interface GrowthPoint { at: number; groups: Map<string, number> }

/** Destinations shown for port use: the busiest few. */
const TOP_DESTINATIONS = 5;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The service port of a socket: its local port when something listens there (server side), else the peer's. */
export function servicePort(listening: Set<number>, k: SocketRecord): number {
  return listening.has(k.localPort) ? k.localPort : k.remotePort;
}

/** `name/pid` of the socket's owner, or '-' for a socket no process holds. */
export function processKey(s: HostSnapshot, k: SocketRecord): { key: string; pid?: number; process?: string } {
  const o = ownerOf(s, k);
  if (!o) return { key: '-' };
  return { key: `${o.name ?? '?'}/${o.pid}`, pid: o.pid, ...(o.name !== undefined ? { process: o.name } : {}) };
}

/** One group of a watched state's sockets: by owner (`name/pid`, '-' for none) or by service port. */
export interface Group { key: string; pid?: number; process?: string; port?: number; socks: SocketRecord[] }

/** A watched state's sockets, in listing order, and their groups by owner and by service port (first seen first). */
export interface StateGroups { socks: SocketRecord[]; byProcess: Map<string, Group>; byPort: Map<string, Group> }

/**
 * The watched states' sockets grouped by owner and by service port, in one pass: keyed by numbers
 * while counting (a busy host has 10^5 TIME-WAIT: no key string per socket), one string per group.
 */
export function groupWatched(s: HostSnapshot, sockets: readonly SocketRecord[] = s.sockets): Record<WatchedState, StateGroups> {
  const listening = listeningPorts(s);
  const tmp = new Map<WatchedState, { socks: SocketRecord[]; pids: Map<number, Group>; ports: Map<number, Group> }>();
  for (const st of WATCHED_STATES) tmp.set(st, { socks: [], pids: new Map(), ports: new Map() });
  for (const k of sockets) {
    const st = k.state;
    if (st !== 'CLOSE-WAIT' && st !== 'TIME-WAIT' && st !== 'FIN-WAIT-2' && st !== 'SYN-RECEIVED') continue;
    const t = tmp.get(st)!;
    t.socks.push(k);
    const pid = k.processes?.[0]?.pid ?? -1;
    let g = t.pids.get(pid);
    if (!g) { g = { ...processKey(s, k), socks: [] }; t.pids.set(pid, g); }
    g.socks.push(k);
    const port = servicePort(listening, k);
    let h = t.ports.get(port);
    if (!h) { h = { key: String(port), port, socks: [] }; t.ports.set(port, h); }
    h.socks.push(k);
  }
  const out = {} as Record<WatchedState, StateGroups>;
  for (const [st, t] of tmp) {
    out[st] = { socks: t.socks, byProcess: new Map([...t.pids.values()].map((g) => [g.key, g])), byPort: new Map([...t.ports.values()].map((g) => [g.key, g])) };
  }
  return out;
}

/**
 * Counts by `STATE|total`, `STATE|process|name/pid`, `STATE|port|N` (watched states), `orphans|total`
 * (sockstat), and `ports|ADDRESS|PORT`: local ephemeral ports in use toward each destination.
 * `groups`: the watched states already grouped (`groupWatched` of the same sockets).
 */
export function groupCounts(s: HostSnapshot, sockets: readonly SocketRecord[] = s.sockets, groups: Record<WatchedState, StateGroups> = groupWatched(s, sockets)): Map<string, number> {
  const listening = listeningPorts(s);
  const range = portRange(s);
  const reuse = sysctlNum(s, 'net.ipv4.tcp_tw_reuse') ?? 2;
  const m = new Map<string, number>();
  for (const st of WATCHED_STATES) {
    const g = groups[st];
    if (g.socks.length === 0) continue;
    m.set(`${st}|total`, g.socks.length);
    for (const x of g.byProcess.values()) m.set(`${st}|process|${x.key}`, x.socks.length);
    for (const x of g.byPort.values()) m.set(`${st}|port|${x.key}`, x.socks.length);
  }
  // Destinations keyed by address, then port: no string per socket; keys made once, first seen first.
  const dests = new Map<string, Map<number, number>>();
  const order: Array<[string, number]> = [];
  for (const k of sockets) {
    const st = k.state;
    if (st === 'LISTEN' || k.localPort < range.lo || k.localPort > range.hi || listening.has(k.localPort)) continue;
    if (st === 'TIME-WAIT' && (reuse === 1 || (reuse === 2 && isLoopback(k.remoteAddress)))) continue;
    let d = dests.get(k.remoteAddress);
    if (!d) { d = new Map(); dests.set(k.remoteAddress, d); }
    const n = d.get(k.remotePort);
    if (n === undefined) { d.set(k.remotePort, 1); order.push([k.remoteAddress, k.remotePort]); } else d.set(k.remotePort, n + 1);
  }
  for (const [address, port] of order) m.set(`ports|${address}|${port}`, dests.get(address)!.get(port)!);
  if (s.sockstat?.orphan !== undefined) m.set('orphans|total', s.sockstat.orphan);
  return m;
}

/** Per-second change of a group from the first to the last point; undefined with fewer than two points. */
export function windowRate(points: readonly GrowthPoint[], key: string): number | undefined {
  if (points.length < 2) return undefined;
  const a = points[0]; const b = points[points.length - 1];
  const secs = (b.at - a.at) / 1000;
  return secs > 0 ? round(((b.groups.get(key) ?? 0) - (a.groups.get(key) ?? 0)) / secs) : undefined;
}

/** Every limit the reads can be measured against, soonest reached first. `s` is the latest read. */
export function growthRows(s: HostSnapshot, points: readonly GrowthPoint[], fds: FdUse | undefined): GrowthRow[] {
  const last = points[points.length - 1];
  if (!last) return [];
  const out: GrowthRow[] = [];
  const row = (r: Omit<GrowthRow, 'secondsToLimit'>): void => {
    out.push(r.ratePerSec > 0 ? { ...r, secondsToLimit: Math.max(0, Math.round((r.limit - r.current) / r.ratePerSec)) } : r);
  };
  const ports: Array<{ key: string; n: number }> = [];
  for (const [key, n] of last.groups) {
    // A process leaking CLOSE-WAIT leaks one descriptor per socket: EMFILE at its RLIMIT_NOFILE.
    const m = /^CLOSE-WAIT\|process\|(.*)\/(\d+)$/.exec(key);
    if (m && n > 0) {
      const pid = Number(m[2]);
      const fd = fds?.get(pid);
      const r = windowRate(points, key);
      if (fd && r !== undefined) row({ what: 'close-wait-fds', key: `${m[1]}/${pid}`, pid, ...(m[1] !== '?' ? { process: m[1] } : {}), current: fd.open, limit: fd.limit, ratePerSec: r });
    }
    if (key.startsWith('ports|')) ports.push({ key, n });
  }
  // Ports per destination: the busiest few, and any other that is growing.
  const range = portRange(s);
  ports.sort((a, b) => b.n - a.n);
  for (const [i, p] of ports.entries()) {
    const r = windowRate(points, p.key);
    if (r === undefined || (i >= TOP_DESTINATIONS && r <= 0)) continue;
    const [, address, port] = p.key.split('|');
    row({ what: 'ephemeral-ports', key: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`, current: p.n, limit: range.size, ratePerSec: r });
  }
  const tw = last.groups.get('TIME-WAIT|total') ?? 0;
  const twMax = sysctlNum(s, 'net.ipv4.tcp_max_tw_buckets');
  const twRate = windowRate(points, 'TIME-WAIT|total');
  if (twMax !== undefined && twRate !== undefined) row({ what: 'time-wait-buckets', key: 'net.ipv4.tcp_max_tw_buckets', current: tw, limit: twMax, ratePerSec: twRate });
  const orphans = s.sockstat?.orphan;
  const orphanMax = sysctlNum(s, 'net.ipv4.tcp_max_orphans');
  const orphanRate = windowRate(points, 'orphans|total');
  if (orphans !== undefined && orphanMax !== undefined && orphanRate !== undefined) row({ what: 'orphans', key: 'net.ipv4.tcp_max_orphans', current: orphans, limit: orphanMax, ratePerSec: orphanRate });
  return out.sort((a, b) => (a.secondsToLimit ?? Infinity) - (b.secondsToLimit ?? Infinity));
}
