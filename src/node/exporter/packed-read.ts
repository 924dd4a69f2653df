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
//   counter, sockstat and sysctl files through the same parsers, the same owner walk through the
//   same kind of cache (between walks of every process only sockets with a file and no known owner
//   are looked up, and owners whose process exited are dropped; see ExporterOwnerCache for what
//   the exporter does differently), so `snapshot()` is what `sample()` returns for that dump.
// - Only where netlink can answer (our namespace, or a named one through its file): `readPacked`
//   returns undefined when the addon is missing or the dump fails, and the caller reads through
//   `sample()` as before (/proc).
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import type { HostSnapshot, ParseProblem, ProcessInfo, ProcessRef, SocketRecord } from '../../model/snapshot.js';
import { readHostCounters } from '../host-counters.js';
import { nativeFdSockets, nativePacked, type PackedSockets } from '../native/sock-diag.js';
import { livePids, OwnerCache, OWNER_FULL_WALK_MS, procFilesFor } from '../live-snapshot.js';
import { attributeSockets } from '../processes.js';
import { readSysctls } from '../sysctls.js';
import type { ProcFiles } from '../proc-files.js';
import { netnsFile } from '../netns.js';

/** TIME-WAIT lasts exactly TCP_TIMEWAIT_LEN (include/net/tcp.h): its age is 60 s − remaining. */
const TIME_WAIT_MS = 60_000;
/** idiag_timer 3: the TIME-WAIT timer, also an orphaned FIN-WAIT-2 minisocket's. */
const TIMER_TIMEWAIT = 3;
const CODE_TIME_WAIT = 6;
const CODE_FIN_WAIT2 = 5;

/**
 * How often the exporter reads every process's fds again (what `ss -p` does at every call): the
 * owners of sockets already known are refreshed then (a socket passed to another process or
 * inherited by a fork is seen under its new holder within this time); new sockets are looked up
 * at every scrape. Five times the live sources' minute: on a server holding 100,000 connections
 * this walk is the costliest step of a scrape.
 */
export const OWNER_COMPLETE_WALK_MS = 5 * OWNER_FULL_WALK_MS;

/**
 * The owner cache of a live source, plus what lets a scrape find new sockets' owners without
 * reading every process's fds:
 * - each process's number of open fds when its fds were last read (the size Linux ≥ 6.2 reports
 *   for /proc/PID/fd): a process whose count is unchanged is not read for new sockets at first;
 * - the new sockets that first pass did not find (`pending`). A socket still listed at the next
 *   scrape is looked up again with every process of the namespace read (a process that closed one
 *   socket and opened another kept its count); one gone by then was short-lived and costs nothing
 *   more. A busy host's churn is mostly such sockets, which is what makes a scrape cheap.
 * A kernel that reports no size (older ones: 0) has every process read, as before.
 */
export class ExporterOwnerCache extends OwnerCache {
  fdCounts = new Map<number, number>();
  pending = new Set<number>();
  /** When sockets no longer listed were last dropped from `byInode` (once a minute: memory stays flat under churn). */
  prunedAt = -Infinity;
}

/** True when the next read of this cache reads every process's fds (its costliest scrape). */
export function ownerWalkDue(cache: ExporterOwnerCache, now: number): boolean {
  return now - cache.fullWalkAt >= OWNER_COMPLETE_WALK_MS;
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
  /**
   * Read only these sysctls (and those this file needs itself), not every net.ipv4.tcp_* (~70
   * files, which only the doctor's rules read); undefined: all, as `sample()` does.
   */
  sysctls?: readonly string[];
}

/** The sysctls a read without the findings needs itself: the ephemeral range and FIN-WAIT-2's timer life. */
const OWN_SYSCTLS = ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_fin_timeout'];

/** One namespace's read: the sockets as columns and everything else a snapshot holds but them. */
export interface PackedRead {
  sockets: PackedSockets;
  /** The snapshot without its sockets and processes (sources, sysctls, counters, sockstat, problems). */
  host: HostSnapshot;
  /** Owners by socket inode (the first is the one `ss -p` lists first); empty without `processes`. */
  owners: ReadonlyMap<number, ProcessRef[]>;
  /** An owner's command name as its process was read (/proc/PID/comm). */
  processName(pid: number): string | undefined;
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
  const small = opts.netns === undefined ? smallFiles(files) : files;
  const sysctls = opts.sysctls === undefined ? await readSysctls(small) : await someSysctls(small, [...opts.sysctls, ...OWN_SYSCTLS]);
  const { counters, sockstat, uptimeMs } = await readHostCounters(small, files.origin, problems);

  const host: HostSnapshot = {
    takenAt, readDoneAt, sources: [{ kind: 'proc', origin: files.origin, os: 'linux' }], sockets: [], sysctls, counters,
    processes: [], processAttributionComplete: false, problems,
  };
  if (sockstat) host.sockstat = sockstat;
  if (uptimeMs !== undefined) host.uptimeMs = uptimeMs;
  host.hostname = hostname();

  const owners = opts.processes ? await findOwners(sockets, host, opts) : new Map<number, ProcessRef[]>();
  const processName = (pid: number): string | undefined => opts.ownerCache.processes.get(pid)?.info.name;

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
    full = { ...host, sockets: list, processes: opts.processes ? processesOf(list, opts.ownerCache, host.takenAt) : [] };
    return full;
  };
  return { sockets, host, owners, processName, timerAgeMs, snapshot };
}

/**
 * The owners of the dump's sockets through the owner cache, as readLiveSnapshot finds them but with
 * the walk of every process's fds only each OWNER_COMPLETE_WALK_MS (see ExporterOwnerCache); in
 * between, owners that exited are dropped and only sockets with a file and no known owner are
 * looked up. Sets the host's attribution flag and problem. The cache's map is returned as it is:
 * it may still hold sockets closed in the last minute (dropped once a minute; inode numbers are
 * not reused that soon), which cost nothing, since lookups go by the dump's inodes.
 */
async function findOwners(sockets: PackedSockets, host: HostSnapshot, opts: PackedReadOptions): Promise<ReadonlyMap<number, ProcessRef[]>> {
  const root = '/proc';
  const cache = opts.ownerCache;
  const takenAt = host.takenAt;
  const full = ownerWalkDue(cache, takenAt);
  if (!full && cache.processes.size > 0) {
    // Owners that exited: their sockets are looked up again (one readdir of /proc).
    const alive = await livePids(root);
    if (alive) {
      const dead = new Set<number>();
      for (const pid of cache.processes.keys()) if (!alive.has(pid)) dead.add(pid);
      if (dead.size > 0) {
        const byInode = cache.byInode;
        byInode.forEach((owners, inode) => { if (owners.some((o) => dead.has(o.pid))) byInode.delete(inode); });
        for (const pid of dead) cache.processes.delete(pid);
      }
    }
  }
  const wanted = new Set<number>();
  // The sockets still listed whose owner is known: only the JavaScript fd walk uses them (to skip
  // fds known to point at them); the walk in C reads every link of a process it reads.
  const listed = nativeFdSockets() === undefined ? new Set<number>() : undefined;
  const known = cache.byInode;
  // A socket a first pass missed last scrape and still listed now: this walk reads every process.
  let retry = false;
  for (let i = 0; i < sockets.length; i++) {
    const inode = sockets.inode(i);
    if (inode === 0 || sockets.state(i) === undefined) continue;
    if (full || !known.has(inode)) { wanted.add(inode); if (cache.pending.has(inode)) retry = true; }
    else listed?.add(inode);
  }
  if (full) cache.fdCounts = new Map();
  const counts = cache.fdCounts;
  const partial = !full && !retry;
  const skip = (pid: number): boolean => {
    let n = 0;
    try { n = statSync(`${root}/${pid}/fd`).size; } catch { return false; }
    if (n <= 0) return false;
    const was = counts.get(pid);
    counts.set(pid, n);
    return partial && was === n;
  };
  let complete = cache.complete;
  let unreadable = cache.unreadable;
  const pending = new Set<number>();
  if (full) { cache.byInode = new Map(); cache.processes = new Map(); }
  if (wanted.size > 0) {
    const nsFile = opts.netns !== undefined ? netnsFile(opts.netns) : '/proc/self/ns/net';
    const a = await attributeSockets(root, wanted, { netnsFile: nsFile, fdCache: cache.fds, skip, ...(!full ? { listed: listed ?? new Set(), netnsOnly: true } : {}) });
    // A complete walk's map is every socket's already: kept as it is.
    if (full) cache.byInode = a.byInode;
    const into = cache.byInode;
    for (const inode of wanted) {
      if (into.has(inode)) continue;
      const found = a.byInode.get(inode);
      if (found !== undefined) into.set(inode, found);
      // Not found by a first pass: looked for again next scrape if still there. Not found with
      // every process read: [] (not ours to read, or closed meanwhile) until the complete walk.
      else if (partial) pending.add(inode);
      else into.set(inode, []);
    }
    for (const p of a.processes) cache.processes.set(p.pid, { info: p, ...(p.uptimeMs !== undefined ? { startedAt: takenAt - p.uptimeMs } : {}) });
    complete = full ? a.complete : a.complete && cache.complete;
    unreadable = a.unreadable;
    if (full) { cache.complete = a.complete; cache.unreadable = a.unreadable; }
  }
  cache.pending = pending;
  if (full) { cache.fullWalkAt = takenAt; cache.prunedAt = takenAt; }
  else if (takenAt - cache.prunedAt >= OWNER_FULL_WALK_MS) {
    const kept = new Map<number, ProcessRef[]>();
    const had = cache.byInode;
    for (let i = 0; i < sockets.length; i++) {
      const inode = sockets.inode(i);
      const o = inode === 0 ? undefined : had.get(inode);
      if (o !== undefined) kept.set(inode, o);
    }
    cache.byInode = kept;
    cache.prunedAt = takenAt;
  }
  host.processAttributionComplete = complete;
  if (!complete && unreadable > 0) {
    host.problems.push({ file: root, line: 0, message: `process attribution is partial: ${unreadable} processes' fds could not be read (run as root to see every owner)` });
  } else if (complete && hiddenOwners(sockets, cache.byInode)) {
    host.processAttributionComplete = false;
    host.problems.push({ file: root, line: 0, message: 'process attribution is partial: other users\' processes are hidden from us (run as root to see every owner)' });
  }
  return cache.byInode;
}

/** The processes owning some of `records` (sorted by pid), from the cache, uptimes as of `takenAt`. */
function processesOf(records: readonly SocketRecord[], cache: OwnerCache, takenAt: number): ProcessInfo[] {
  const byPid = new Map<number, ProcessInfo>();
  for (const r of records) {
    if (r.processes === undefined) continue;
    for (const o of r.processes) {
      if (byPid.has(o.pid)) continue;
      const c = cache.processes.get(o.pid);
      if (c) byPid.set(o.pid, { ...c.info, ...(c.startedAt !== undefined ? { uptimeMs: Math.max(0, takenAt - c.startedAt) } : {}) });
    }
  }
  return [...byPid.values()].sort((x, y) => x.pid - y.pid);
}

/**
 * Our own /proc with reads sized for small files: the shared reader starts every file with a 1 MiB
 * buffer (right for a 15 MB /proc/net/tcp), which for ~75 files of a few bytes each was the largest
 * allocation of a scrape. readFile grows from 64 KiB for a file that reports size 0, as /proc's do.
 */
function smallFiles(files: ProcFiles): ProcFiles {
  return { ...files, read: async (rel) => { try { return await readFile(path.join('/proc', rel)); } catch { return undefined; } } };
}

/** The named sysctls only, as readSysctls renders them (runs of blanks made one space). */
async function someSysctls(files: ProcFiles, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const unique = [...new Set(names)];
  const bufs = await Promise.all(unique.map((n) => files.read(`sys/${n.replaceAll('.', '/')}`)));
  unique.forEach((n, i) => { const b = bufs[i]; if (b !== undefined) out[n] = b.toString('utf8').trim().replace(/\s+/g, ' '); });
  return out;
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
