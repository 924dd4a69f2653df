// Facts the rules read from a HostSnapshot: sysctls with their defaults, counters, the port range,
// socket owners, listening ports, peers and ages. Kept in one place so every rule reads a fact the
// same way, and "unknown" stays undefined (never 0) as snapshot.ts promises.
import { TUNABLES } from '../core/config.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type { AgeStats, PeerCount } from './finding.js';

export type Os = 'linux' | 'windows' | 'macos' | 'freebsd' | 'unknown';

/** The OS the snapshot describes: the first source that says, else Linux for /proc, ss and netstat -ant. */
export function osOf(s: HostSnapshot): Os {
  for (const src of s.sources) if (src.os && src.os !== 'unknown') return src.os;
  for (const src of s.sources) {
    if (src.kind === 'netstat-windows' || src.kind === 'powershell') return 'windows';
    if (src.kind === 'proc' || src.kind === 'proc-file' || src.kind === 'ss' || src.kind === 'netstat-linux') return 'linux';
  }
  return 'unknown';
}

/**
 * How long a connection stays in TIME-WAIT. Linux: TCP_TIMEWAIT_LEN, fixed 60 s (include/net/tcp.h),
 * not tunable, and tcp_fin_timeout does not change it. Windows: TcpTimedWaitDelay, 120 s by default.
 * macOS: 2 × MSL with net.inet.tcp.msl 15 s. FreeBSD: 2 × 30 s.
 */
export function timeWaitLenMs(os: Os): number {
  if (os === 'windows') return 120_000;
  if (os === 'macos') return 30_000;
  return TUNABLES.time_wait_ms.default;
}

export function sysctl(s: HostSnapshot, name: string): string | undefined {
  const v = s.sysctls[name];
  return v === undefined ? undefined : v.trim();
}

export function sysctlNum(s: HostSnapshot, name: string): number | undefined {
  const v = sysctl(s, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v.split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

/** A counter by its `Prefix:Name` key; tolerates a source that stored it without the prefix. */
export function counter(s: HostSnapshot, key: string): number | undefined {
  if (key in s.counters) return s.counters[key];
  const bare = key.slice(key.indexOf(':') + 1);
  if (bare in s.counters) return s.counters[bare];
  return undefined;
}

/** Counters that are present and above zero, for evidence. */
export function presentCounters(s: HostSnapshot, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) {
    const v = counter(s, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface PortRange { lo: number; hi: number; size: number; assumed: boolean }

/**
 * The ephemeral range connect() draws from. Linux net.ipv4.ip_local_port_range (default 32768 60999,
 * 28,232 ports); Windows and macOS use the IANA range 49152–65535; FreeBSD 10000–65535.
 */
export function portRange(s: HostSnapshot): PortRange {
  const v = sysctl(s, 'net.ipv4.ip_local_port_range');
  if (v) {
    const [lo, hi] = v.split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && hi >= lo) return { lo, hi, size: hi - lo + 1, assumed: false };
  }
  const os = osOf(s);
  // A BSD netstat that does not say macOS or FreeBSD: the IANA range both use by default for outgoing connects.
  const bsd = os === 'unknown' && s.sources.some((x) => x.kind === 'netstat-bsd');
  const [lo, hi] = os === 'windows' || os === 'macos' || bsd ? [49152, 65535] : os === 'freebsd' ? [10000, 65535] : TUNABLES.ip_local_port_range.default;
  return { lo, hi, size: hi - lo + 1, assumed: true };
}

/**
 * Local ports some socket is listening on (a socket there is the server side of its connection).
 * Built once per snapshot and shared: callers must not change it.
 */
export function listeningPorts(s: HostSnapshot): Set<number> {
  let out = LISTENING.get(s);
  if (!out) {
    out = new Set<number>();
    for (const k of inState(s, 'LISTEN')) out.add(k.localPort);
    LISTENING.set(s, out);
  }
  return out;
}
const LISTENING = new WeakMap<HostSnapshot, Set<number>>();

/**
 * The snapshot's sockets in one state, in their order: one pass over the snapshot for all states,
 * kept for the snapshot's life, so the rules each looking at their state cost that state's size.
 * A fresh array each call (the caller may sort or filter it).
 */
export function inState(s: HostSnapshot, state: TcpState): SocketRecord[] {
  let m = BY_STATE.get(s);
  if (!m) {
    m = new Map();
    for (const k of s.sockets) {
      const g = m.get(k.state);
      if (g) g.push(k); else m.set(k.state, [k]);
    }
    BY_STATE.set(s, m);
  }
  const g = m.get(state);
  return g ? g.slice() : [];
}
const BY_STATE = new WeakMap<HostSnapshot, Map<TcpState, SocketRecord[]>>();

export interface Owner { pid: number; name?: string }

// Indexes built once per snapshot (a host can have 10^5 sockets; rules must stay O(n)).
const NAMES = new WeakMap<HostSnapshot, Map<number, string>>();
const BY_DEST = new WeakMap<HostSnapshot, Map<string, Map<number, SocketRecord[]>>>();

function processNames(s: HostSnapshot): Map<number, string> {
  let m = NAMES.get(s);
  if (!m) {
    m = new Map();
    for (const p of s.processes) m.set(p.pid, p.name);
    for (const k of s.sockets) for (const p of k.processes ?? []) if (p.name && !m.has(p.pid)) m.set(p.pid, p.name);
    NAMES.set(s, m);
  }
  return m;
}

/** Every socket toward one remote ip:port (LISTEN rows excluded). */
export function socketsToward(s: HostSnapshot, address: string, port: number): SocketRecord[] {
  let m = BY_DEST.get(s);
  if (!m) {
    // By address, then port: no key string built per socket (a busy host has 10^5 of them).
    m = new Map();
    for (const k of s.sockets) {
      if (k.state === 'LISTEN') continue;
      let ports = m.get(k.remoteAddress);
      if (!ports) { ports = new Map(); m.set(k.remoteAddress, ports); }
      const g = ports.get(k.remotePort);
      if (g) g.push(k); else ports.set(k.remotePort, [k]);
    }
    BY_DEST.set(s, m);
  }
  return m.get(address)?.get(port) ?? [];
}

/** The first process holding the socket, with its name from the process table when the row lacks it. */
export function ownerOf(s: HostSnapshot, k: SocketRecord): Owner | undefined {
  const p = k.processes?.[0];
  if (!p) return undefined;
  const name = p.name ?? processNames(s).get(p.pid);
  return name === undefined ? { pid: p.pid } : { pid: p.pid, name };
}

/** Who listens on a port (to attribute fd-less TIME-WAIT / SYN-RECEIVED rows on the server side). */
export function listenerOwner(s: HostSnapshot, port: number): Owner | undefined {
  let m = LISTENER_OWNERS.get(s);
  if (!m) {
    // The first listener with an owner, per port, as a scan in the snapshot's order would find it.
    m = new Map();
    for (const k of inState(s, 'LISTEN')) {
      if (m.has(k.localPort)) continue;
      const o = ownerOf(s, k);
      if (o) m.set(k.localPort, o);
    }
    LISTENER_OWNERS.set(s, m);
  }
  return m.get(port);
}
const LISTENER_OWNERS = new WeakMap<HostSnapshot, Map<number, Owner>>();

/** Remote endpoints by count, most first; `withPort` false groups by address only. */
export function topPeers(socks: SocketRecord[], withPort: boolean, limit = 5): { peers: PeerCount[]; distinct: number } {
  const m = new Map<string, PeerCount>();
  for (const k of socks) {
    const key = withPort ? `${k.remoteAddress}|${k.remotePort}` : k.remoteAddress;
    const e = m.get(key);
    if (e) e.count++;
    else m.set(key, withPort ? { address: k.remoteAddress, port: k.remotePort, count: 1 } : { address: k.remoteAddress, count: 1 });
  }
  const all = [...m.values()].sort((a, b) => b.count - a.count || a.address.localeCompare(b.address) || (a.port ?? 0) - (b.port ?? 0));
  return { peers: all.slice(0, limit), distinct: all.length };
}

/**
 * How long the socket has been in its state. The source's own figure first; for Linux TIME-WAIT the
 * timer shows the time *remaining*, so age = 60 s − remaining (TCP_TIMEWAIT_LEN).
 */
export function socketAgeMs(k: SocketRecord, os: Os): number | undefined {
  if (k.ageMs !== undefined) return k.ageMs;
  if (k.state === 'TIME-WAIT' && k.timer?.kind === 'timewait' && (os === 'linux' || os === 'unknown')) {
    return Math.max(0, timeWaitLenMs('linux') - k.timer.remainingMs);
  }
  return undefined;
}

export function ageStats(socks: SocketRecord[], os: Os): AgeStats | undefined {
  // A typed array sorts numbers natively: no comparator call per pair on 10^5 TIME-WAIT ages.
  const known = new Float64Array(socks.length);
  let n = 0;
  for (const k of socks) { const a = socketAgeMs(k, os); if (a !== undefined) known[n++] = a; }
  if (n === 0) return undefined;
  const ages = known.subarray(0, n).sort();
  const out: AgeStats = { known: ages.length, minMs: ages[0], medianMs: ages[Math.floor((ages.length - 1) / 2)], maxMs: ages[ages.length - 1] };
  // Followed across reads (doctor --samples, watch): the oldest one's [at least, at most] as well.
  let oldest: SocketRecord['ageRange'];
  for (const k of socks) if (k.ageRange && k.ageRange.basis.length > 0 && (!oldest || k.ageRange.atLeastMs > oldest.atLeastMs)) oldest = k.ageRange;
  if (oldest) out.oldest = oldest;
  return out;
}

/** True when some socket in the snapshot carries a timer, i.e. the source shows timers (ss -o, /proc). */
export function hasTimers(s: HostSnapshot): boolean {
  let v = TIMERS.get(s);
  if (v === undefined) { v = s.sockets.some((k) => k.timer !== undefined); TIMERS.set(s, v); }
  return v;
}
const TIMERS = new WeakMap<HostSnapshot, boolean>();

/**
 * Sockets grouped by remote `address:port` (the `endpoint` text as key), in first-seen order, as
 * `groupBy(socks, (k) => endpoint(k.remoteAddress, k.remotePort))` gives them: looked up by address
 * and port, so the key text is made once per destination rather than once per socket.
 */
export function groupByDestination(socks: readonly SocketRecord[]): Map<string, SocketRecord[]> {
  const out = new Map<string, SocketRecord[]>();
  const index = new Map<string, Map<number, SocketRecord[]>>();
  for (const k of socks) {
    let ports = index.get(k.remoteAddress);
    if (!ports) { ports = new Map(); index.set(k.remoteAddress, ports); }
    let g = ports.get(k.remotePort);
    if (!g) {
      const key = endpoint(k.remoteAddress, k.remotePort);
      // Two spellings of one address (never from one source) share their text: join that group.
      g = out.get(key);
      if (!g) { g = []; out.set(key, g); }
      ports.set(k.remotePort, g);
    }
    g.push(k);
  }
  return out;
}

/** Group by a key, keeping first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** `address:port`; a port a paste named with a service no table knows (port 0) shows as that name. */
export function endpoint(address: string, port: number, service?: string): string {
  const p = service ?? port;
  return address.includes(':') ? `[${address}]:${p}` : `${address}:${p}`;
}

/** A socket's local port as text: the number, or the service name it is known by alone. */
export function localPortText(k: Pick<SocketRecord, 'localPort' | 'localService'>): string {
  return k.localService ?? String(k.localPort);
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/**
 * The likely owner of fd-less client-side sockets (TIME-WAIT, orphans) toward one ip:port: the
 * process owning most of the other sockets to that destination (Linux keeps no owner for them).
 */
export function destinationOwner(s: HostSnapshot, address: string, port: number): Owner | undefined {
  const votes = new Map<number, number>();
  for (const k of socketsToward(s, address, port)) {
    const pid = k.processes?.[0]?.pid;
    if (pid !== undefined) votes.set(pid, (votes.get(pid) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [pid, n] of votes) if (best === undefined || n > (votes.get(best) ?? 0)) best = pid;
  if (best === undefined) return undefined;
  const name = processNames(s).get(best);
  return name === undefined ? { pid: best } : { pid: best, name };
}

/**
 * The other end of a connection when both ends are on this host (loopback, containers sharing a
 * netns): the socket whose local and remote endpoints are this one's, swapped. With `state`, only
 * a peer in that state (and only that state's sockets are indexed).
 */
export function localPeerOf(s: HostSnapshot, k: SocketRecord, state?: TcpState): SocketRecord | undefined {
  // Indexed by the two ports as one number (no string per socket): a bucket holds the few sockets
  // sharing both ports, told apart by address. The last one listed wins, as a map by 4-tuple would.
  let perState = BY_PORTS.get(s);
  if (!perState) { perState = new Map(); BY_PORTS.set(s, perState); }
  const which = state ?? 'any';
  let m = perState.get(which);
  if (!m) {
    m = new Map();
    for (const x of state === undefined ? s.sockets : inState(s, state)) {
      if (x.state === 'LISTEN') continue;
      const key = x.localPort * 65536 + x.remotePort;
      const g = m.get(key);
      // One socket per pair of ports is the rule (an array only where several share both ports).
      if (g === undefined) m.set(key, x);
      else if (Array.isArray(g)) g.push(x);
      else m.set(key, [g, x]);
    }
    perState.set(which, m);
  }
  const g = m.get(k.remotePort * 65536 + k.localPort);
  if (!g) return undefined;
  if (!Array.isArray(g)) return g.localAddress === k.remoteAddress && g.remoteAddress === k.localAddress ? g : undefined;
  for (let i = g.length - 1; i >= 0; i--) {
    const x = g[i];
    if (x.localAddress === k.remoteAddress && x.remoteAddress === k.localAddress) return x;
  }
  return undefined;
}
const BY_PORTS = new WeakMap<HostSnapshot, Map<TcpState | 'any', Map<number, SocketRecord | SocketRecord[]>>>();
