// One namespace read for a scrape without an object per socket: the netlink dump as columns
// (native/packed-sockets.ts), the counter and sysctl files, and the owners of the sockets' inodes.
//
// Why not `sample()`: a HostSnapshot holds one SocketRecord per socket. At 200,000 sockets building
// them costs ~1.4 µs each (~280 ms, half of it the garbage collector's), more than the kernel's
// whole dump; every count the exporter serves can be read from the columns instead. A snapshot is
// still made from the same dump, on demand (`snapshot()`), for the doctor's findings.
//
// Rules this file keeps:
// - The same host as `readLiveSnapshot` (src/node/live-snapshot.ts) would describe: the same
//   counter, sockstat and sysctl files through the same parsers, the same owner walk with the same
//   cache (a full /proc/PID/fd walk at most every OWNER_FULL_WALK_MS, between them only sockets
//   with a file and no known owner are looked up, and owners whose process exited are dropped),
//   so `snapshot()` equals what `sample()` returns for that dump.
// - Only where netlink can answer (our namespace, or a named one through its file): `readPacked`
//   returns undefined when the addon is missing or the dump fails, and the caller reads through
//   `sample()` as before (/proc).
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { HostSnapshot, ParseProblem, ProcessInfo, ProcessRef, SocketRecord } from '../../model/snapshot.js';
import { parseProcCounters } from '../../formats/proc-counters.js';
import { parseSockstat } from '../../formats/sockstat.js';
import { nativeFdSockets, nativePacked, type PackedSockets } from '../native/sock-diag.js';
import { OwnerCache, OWNER_FULL_WALK_MS, procFilesFor } from '../live-snapshot.js';
import { attributeSockets } from '../processes.js';
import { readSysctls } from '../sysctls.js';
import { netnsFile } from '../netns.js';

/** TIME-WAIT lasts exactly TCP_TIMEWAIT_LEN (include/net/tcp.h): its age is 60 s − remaining. */
const TIME_WAIT_MS = 60_000;
/** idiag_timer 3: the TIME-WAIT timer, also an orphaned FIN-WAIT-2 minisocket's. */
const TIMER_TIMEWAIT = 3;
const CODE_TIME_WAIT = 6;
const CODE_FIN_WAIT2 = 5;

/**
 * The owner cache of a live source, plus each process's number of open fds when its fds were last
 * read (the size Linux ≥ 6.2 reports for /proc/PID/fd). Between full walks a process whose count is
 * unchanged is not read again for new sockets: on a server holding 100,000 connections that is
 * most of a scrape's owner work. A process that closed one socket and opened another since keeps
 * its count: that socket is found at the next full walk (at most OWNER_FULL_WALK_MS later), as
 * sockets the walk missed are. A kernel that reports no size (older ones: 0) has every process read.
 */
export class ExporterOwnerCache extends OwnerCache {
  fdCounts = new Map<number, number>();
}

export interface PackedReadOptions {
  /** An `ip netns` name or `pid:N`; undefined for the exporter's own namespace. */
  netns?: string;
  /** Find each socket's owning process (per-process labels). */
  processes: boolean;
  /** Owners carried from one scrape to the next (one per namespace). */
  ownerCache: ExporterOwnerCache;
  /** Ask for tcp_info (idle times): only the doctor's idle_established reads it. */
  info: boolean;
}

/** One namespace's read: the sockets as columns and everything else a snapshot holds but them. */
export interface PackedRead {
  sockets: PackedSockets;
  /** The snapshot without its sockets (sources, sysctls, counters, sockstat, processes, problems). */
  host: HostSnapshot;
  /** Owners by socket inode (the first is the one `ss -p` lists first); empty without `processes`. */
  owners: ReadonlyMap<number, ProcessRef[]>;
  /** The time a TIME-WAIT or orphaned FIN-WAIT-2 row has been in its state, from its timer; else -1. */
  timerAgeMs(i: number): number;
  /** The full snapshot of this read (one SocketRecord per row), built once on first call. */
  snapshot(): HostSnapshot;
}

/** The read, or undefined where netlink cannot answer (the caller then uses `sample()`). */
export async function readPacked(opts: PackedReadOptions): Promise<PackedRead | undefined> {
  const liveOpts = opts.netns !== undefined ? { netns: opts.netns } : {};
  const files = await procFilesFor(liveOpts);
  const takenAt = Date.now();
  const sockets = nativePacked({ info: opts.info, ...(opts.netns !== undefined ? { netnsPath: netnsFile(opts.netns) } : {}) });
  if (!sockets) return undefined;
  const readDoneAt = Date.now();
  const problems: ParseProblem[] = [];
  const sysctls = await readSysctls(files);
  const counters: Record<string, number> = {};
  for (const rel of ['net/snmp', 'net/netstat']) {
    const b = await files.read(rel);
    if (b === undefined) continue;
    const part = parseProcCounters(`${files.origin}/${rel}`, b.toString('latin1'));
    Object.assign(counters, part.counters);
    for (const p of part.problems) problems.push(p);
  }
  const sockstatText = await files.read('net/sockstat');
  const sockstatPart = sockstatText ? parseSockstat(`${files.origin}/net/sockstat`, sockstatText.toString('latin1')) : undefined;
  if (sockstatPart) { Object.assign(counters, sockstatPart.counters); for (const p of sockstatPart.problems) problems.push(p); }
  const uptime = await files.read('uptime');
  const uptimeS = uptime ? Number(uptime.toString('latin1').split(' ')[0]) : NaN;

  const host: HostSnapshot = {
    takenAt, readDoneAt, sources: [{ kind: 'proc', origin: files.origin, os: 'linux' }], sockets: [], sysctls, counters,
    processes: [], processAttributionComplete: false, problems,
  };
  if (sockstatPart?.sockstat) host.sockstat = sockstatPart.sockstat;
  if (Number.isFinite(uptimeS) && uptimeS >= 0) host.uptimeMs = Math.round(uptimeS * 1000);
  host.hostname = hostname();

  const owners = opts.processes ? await findOwners(sockets, host, opts) : new Map<number, ProcessRef[]>();

  const fin = Number(sysctls['net.ipv4.tcp_fin_timeout']);
  const finMs = Number.isFinite(fin) && fin > 0 && fin <= 60 ? fin * 1000 : -1;
  const timerAgeMs = (i: number): number => {
    if (sockets.timerCode(i) !== TIMER_TIMEWAIT) return -1;
    const code = sockets.stateCode(i);
    const life = code === CODE_TIME_WAIT ? TIME_WAIT_MS : code === CODE_FIN_WAIT2 ? finMs : -1;
    return life < 0 ? -1 : Math.max(0, life - sockets.timerMs(i));
  };

  let full: HostSnapshot | undefined;
  const snapshot = (): HostSnapshot => {
    if (full) return full;
    const list: SocketRecord[] = [];
    for (let i = 0; i < sockets.length; i++) {
      const r = sockets.record(i);
      if (r === undefined) continue;
      const age = timerAgeMs(i);
      if (age >= 0) r.ageMs = age;
      if (r.inode) { const o = owners.get(r.inode); if (o !== undefined && o.length > 0) r.processes = o; }
      list.push(r);
    }
    full = { ...host, sockets: list };
    return full;
  };
  return { sockets, host, owners, timerAgeMs, snapshot };
}

/**
 * The owners of the dump's sockets, through the owner cache, as readLiveSnapshot finds them; sets
 * the host's `processes`, `processAttributionComplete` and the partial-attribution problem.
 */
async function findOwners(sockets: PackedSockets, host: HostSnapshot, opts: PackedReadOptions): Promise<Map<number, ProcessRef[]>> {
  const root = '/proc';
  const cache = opts.ownerCache;
  const takenAt = host.takenAt;
  const full = takenAt - cache.fullWalkAt >= OWNER_FULL_WALK_MS;
  if (!full) {
    const alive = await livePids(root);
    if (alive) {
      for (const [inode, owners] of cache.byInode) {
        if (owners.length === 0 || owners.every((o) => alive.has(o.pid))) continue;
        cache.byInode.delete(inode);
      }
    }
  }
  const wanted = new Set<number>();
  // The sockets still listed whose owner is known: only the JavaScript fd walk uses them (to skip
  // fds known to point at them); the walk in C reads every link of a process it reads.
  const listed = nativeFdSockets() === undefined ? new Set<number>() : undefined;
  for (let i = 0; i < sockets.length; i++) {
    const inode = sockets.inode(i);
    if (inode === 0 || sockets.state(i) === undefined) continue;
    if (full || !cache.byInode.has(inode)) wanted.add(inode);
    else listed?.add(inode);
  }
  const nsFile = opts.netns !== undefined ? netnsFile(opts.netns) : '/proc/self/ns/net';
  if (full) cache.fdCounts = new Map();
  const counts = cache.fdCounts;
  const skip = (pid: number): boolean => {
    let n = 0;
    try { n = statSync(`${root}/${pid}/fd`).size; } catch { return false; }
    if (n <= 0) return false;
    const was = counts.get(pid);
    counts.set(pid, n);
    return !full && was === n;
  };
  const a = wanted.size > 0
    ? await attributeSockets(root, wanted, { netnsFile: nsFile, fdCache: cache.fds, skip, ...(!full ? { listed: listed ?? new Set(), netnsOnly: true } : {}) })
    : { byInode: new Map<number, ProcessRef[]>(), processes: [], complete: cache.complete, unreadable: cache.unreadable };
  const walked = new Map(a.processes.map((p) => [p.pid, p]));
  const byPid = new Map<number, ProcessInfo>();
  const next = new Map<number, ProcessRef[]>();
  for (let i = 0; i < sockets.length; i++) {
    const inode = sockets.inode(i);
    if (inode === 0 || sockets.state(i) === undefined) continue;
    // [] = looked for and not found: not looked for again until the full walk.
    const owners = a.byInode.get(inode) ?? (wanted.has(inode) ? [] : cache.byInode.get(inode)) ?? [];
    next.set(inode, owners);
    for (const o of owners) {
      if (byPid.has(o.pid)) continue;
      const w = walked.get(o.pid);
      const c = cache.processes.get(o.pid);
      const info = w ?? (c ? { ...c.info, ...(c.startedAt !== undefined ? { uptimeMs: Math.max(0, takenAt - c.startedAt) } : {}) } : undefined);
      if (info) byPid.set(o.pid, info);
    }
  }
  host.processes = [...byPid.values()].sort((x, y) => x.pid - y.pid);
  const complete = wanted.size > 0 && !full ? a.complete && cache.complete : a.complete;
  const unreadable = wanted.size > 0 ? a.unreadable : cache.unreadable;
  cache.byInode = next;
  cache.processes = new Map(host.processes.map((p) => [p.pid, { info: p, ...(p.uptimeMs !== undefined ? { startedAt: takenAt - p.uptimeMs } : {}) }]));
  if (full) { cache.fullWalkAt = takenAt; cache.complete = a.complete; cache.unreadable = a.unreadable; }
  host.processAttributionComplete = complete;
  if (!complete && unreadable > 0) {
    host.problems.push({ file: root, line: 0, message: `process attribution is partial: ${unreadable} processes' fds could not be read (run as root to see every owner)` });
  } else if (complete && hiddenOwners(sockets, next)) {
    host.processAttributionComplete = false;
    host.problems.push({ file: root, line: 0, message: 'process attribution is partial: other users\' processes are hidden from us (run as root to see every owner)' });
  }
  return next;
}

/** The pids under a /proc root, or undefined when it cannot be listed. */
async function livePids(root: string): Promise<Set<number> | undefined> {
  try {
    const out = new Set<number>();
    for (const n of await readdir(root)) { const c = n.charCodeAt(0); if (c >= 0x30 && c <= 0x39) out.add(Number(n)); }
    return out;
  } catch { return undefined; }
}

/** /proc mounted with hidepid=: not root, and a socket of another uid with a file has no owner. */
function hiddenOwners(sockets: PackedSockets, owners: ReadonlyMap<number, ProcessRef[]>): boolean {
  const me = typeof process.getuid === 'function' ? process.getuid() : 0;
  if (me === 0) return false;
  for (let i = 0; i < sockets.length; i++) {
    const inode = sockets.inode(i);
    // TIME-WAIT minisockets report uid 0 and have no file: never counted here.
    if (inode !== 0 && sockets.state(i) !== undefined && (owners.get(inode)?.length ?? 0) === 0 && sockets.uid(i) !== me) return true;
  }
  return false;
}
