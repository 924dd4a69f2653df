// The live Linux source: one `HostSnapshot` from /proc (or a captured tree, or another network
// namespace). Order matters a little: an owner is joined to a socket by the inode both reads name,
// so a socket that appears between the two reads simply has no owner rather than a wrong one — the
// fd links of a full walk are read on a worker thread while the socket dump is decoded (a socket
// opened after its process's links were read is listed without an owner), the sockets are never
// given an owner they were not seen with. Callers go through source.ts (`openSource`, `sample`).
import { readdir } from 'node:fs/promises';
import { endianness, hostname } from 'node:os';
import type { HostSnapshot, ParseProblem, ProcessInfo, ProcessRef, SocketRecord } from '../model/snapshot.js';
import { netnsFile, type NetnsOptions } from './netns.js';
import { readHostCounters } from './host-counters.js';
import { parseProcNetTcp } from '../formats/proc-net-tcp.js';
import { nativeSockets } from './native/sock-diag.js';
import { nativeTarget, procFilesFor } from './live-counts.js';
import { attributeSockets, planWalk } from './processes.js';
import { readSysctls } from './sysctls.js';
import { SourceError } from './source-error.js';

export interface LiveOptions {
  /** A directory laid out like /proc (default `/proc`); tests point it at a captured tree. */
  procRoot?: string;
  /** Read this `ip netns` namespace instead of our own (needs root). */
  netns?: string;
  /** Walk /proc/<pid>/fd to name each socket's process (default true; the costly part). */
  processes?: boolean;
  /** Clock, for `takenAt` (default Date.now). */
  now?: () => number;
  /** How `netns` finds its member processes (tests). */
  netnsMembers?: NetnsOptions['members'];
  /**
   * Read `netns` through netlink (a thread that enters it, native/sock-diag.ts) instead of its
   * /proc/net/tcp: faster, and with tcp_info and listeners' backlog limits, which tighten ages and
   * change what the doctor can tell (an ESTABLISHED socket's idle time is then known). `watch`
   * asks for it; the other commands keep the /proc read for now.
   */
  netnsNetlink?: boolean;
  /**
   * Ask netlink for tcp_info too (default true): each connection's idle times (`ss -i`'s lastsnd,
   * lastrcv, lastack), which age the sockets and show idle connections. Not available from /proc.
   */
  info?: boolean;
  /**
   * Owners found by earlier reads of the same source (a live source keeps one across its samples):
   * a socket already attributed keeps its owners, and /proc/PID/fd is walked only for sockets with
   * a file and no known owner, and in full every `OWNER_FULL_WALK_MS`.
   */
  ownerCache?: OwnerCache;
  /**
   * Lists the sockets in place of the netlink or /proc read, at the same point (between `takenAt`
   * and `readDoneAt`, which bound the listing for ages); undefined from it: the usual read. `watch`
   * lists every state but ESTABLISHED this way between its full reads (src/node/watch-read.ts).
   */
  list?: () => SocketRecord[] | undefined;
}

// The count path (`tcplens states`) lives in live-counts.ts, light enough to load without the parsers.
export { procFilesFor, readLiveStateCounts } from './live-counts.js';

/** How long owners found by a walk are carried over before the next full walk (fd passing, exits). */
export const OWNER_FULL_WALK_MS = 60_000;

/**
 * Socket owners between reads of one source. Linux changes a socket's owner only by passing its
 * fd (SCM_RIGHTS), dup/fork (another holder) or the holder's exit: between full walks an exit is
 * seen at every read (the pid's directory is gone: its sockets are looked up again), a new holder
 * by fd passing or fork is seen at the next full walk (at most `OWNER_FULL_WALK_MS` later).
 */
export class OwnerCache {
  byInode = new Map<number, ProcessRef[]>();
  /** pid → fd → socket inode as last read (processes.ts `fdCache`): fds of known sockets are not read again. */
  fds = new Map<number, Map<string, number>>();
  /** Processes by pid, with when each started (uptime is recomputed at each read). */
  processes = new Map<number, { info: ProcessInfo; startedAt?: number }>();
  fullWalkAt = -Infinity;
  complete = true;
  unreadable = 0;
}

/** TIME-WAIT lasts exactly TCP_TIMEWAIT_LEN (include/net/tcp.h), so its age is 60 s − remaining. */
const TIME_WAIT_MS = 60_000;

/**
 * One snapshot of a live host (or a /proc tree, or another namespace). The reads are asynchronous;
 * the one synchronous call is the netlink dump of our own namespace, a single kernel round trip.
 */
export async function readLiveSnapshot(opts: LiveOptions = {}): Promise<HostSnapshot> {
  const root = opts.procRoot ?? '/proc';
  const files = await procFilesFor(opts);
  const takenAt = (opts.now ?? Date.now)();
  const littleEndian = endianness() === 'LE';
  const problems: ParseProblem[] = [];
  const sockets: SocketRecord[] = [];
  let readAny = false;
  // A full owner walk starts before the dump: the addon reads the namespace's fd links on a worker
  // thread while this one decodes the sockets (processes.ts, planWalk).
  const cache = opts.ownerCache;
  const full = !cache || takenAt - cache.fullWalkAt >= OWNER_FULL_WALK_MS;
  const nsFile = opts.procRoot !== undefined ? undefined : opts.netns !== undefined ? netnsFile(opts.netns) : '/proc/self/ns/net';
  const plan = opts.processes !== false && full ? await planWalk(root, { ...(nsFile !== undefined ? { netnsFile: nsFile } : {}), prefetch: true }) : undefined;
  // A namespace (ours or --netns): the netlink sock_diag addon, when built, lists the same sockets
  // without the kernel printing /proc/net/tcp's text, and with what only netlink tells (a
  // listener's backlog limit, tcp_info): native/sock-diag.ts. Otherwise, and for a /proc tree, /proc.
  const target = nativeTarget(opts);
  const native = opts.list?.() ?? (target ? nativeSockets({ ...target, info: opts.info !== false, ages: true }) : undefined);
  if (native) { readAny = true; for (const s of native) sockets.push(s); }
  for (const rel of native ? [] : ['net/tcp', 'net/tcp6']) {
    const buf = await files.read(rel);
    if (buf === undefined) continue; // no IPv6 in this kernel, or a capture without it
    readAny = true;
    const r = parseProcNetTcp(buf, { file: `${files.origin}/${rel}`, littleEndian });
    for (const s of r.sockets) sockets.push(s);
    for (const p of r.problems) problems.push(p);
  }
  // No socket list at all is not an empty host: say so (exit 2) rather than answer "0 sockets".
  if (!readAny) {
    throw new SourceError({
      en: `${files.origin}: cannot read /proc/net/tcp or tcp6: no TCP sockets could be listed`,
      zh: `${files.origin}：无法读取 /proc/net/tcp 或 tcp6：列不出任何 TCP 套接字`,
    });
  }

  // A socket created while the listing was read is in it though born after takenAt: ages need both ends.
  const readDoneAt = (opts.now ?? Date.now)();
  const sysctls = await readSysctls(files);
  // The counter files go through the same parsers as a capture of them (src/formats).
  const { counters, sockstat, uptimeMs } = await readHostCounters(files, files.origin, problems);

  fillAges(sockets, sysctls);
  // tcp_info's idle times are trusted as upper bounds only on a host up for less than their wrap
  // (ages.ts): hence the uptime beside the counters.
  const snap: HostSnapshot = {
    takenAt, readDoneAt, sources: [{ kind: 'proc', origin: files.origin, os: 'linux' }], sockets, sysctls, counters,
    processes: [], processAttributionComplete: false, problems,
  };
  if (sockstat) snap.sockstat = sockstat;
  if (uptimeMs !== undefined) snap.uptimeMs = uptimeMs;
  if (opts.procRoot === undefined) snap.hostname = hostname();

  if (opts.processes !== false) {
    // Between full walks, owners that exited are dropped (one readdir of the root), and their sockets looked up again.
    if (cache && !full) {
      const alive = await livePids(root);
      if (alive) {
        for (const [inode, owners] of cache.byInode) {
          if (owners.length === 0 || owners.every((o) => alive.has(o.pid))) continue;
          cache.byInode.delete(inode);
        }
      }
    }
    const wanted = new Set<number>();
    const listed = new Set<number>();
    for (const s of sockets) {
      if (!s.inode) continue;
      if (full || !cache?.byInode.has(s.inode)) wanted.add(s.inode);
      else listed.add(s.inode);
    }
    // No socket with a file (all TIME-WAIT or orphans), or every owner known: nothing to walk.
    const a = wanted.size > 0
      ? await attributeSockets(root, wanted, {
        ...(nsFile !== undefined ? { netnsFile: nsFile } : {}),
        // Between full walks: fds already read for sockets still listed are skipped, and only the
        // namespace's own processes are walked for new sockets.
        ...(cache ? { fdCache: cache.fds } : {}),
        ...(cache && !full ? { listed, netnsOnly: true } : {}),
      }, plan)
      : { byInode: new Map<number, ProcessRef[]>(), processes: [], complete: cache?.complete ?? true, unreadable: cache?.unreadable ?? 0 };
    const walked = new Map(a.processes.map((p) => [p.pid, p]));
    const byPid = new Map<number, ProcessInfo>();
    const nextOwners = new Map<number, ProcessRef[]>();
    for (const s of sockets) {
      if (!s.inode) continue;
      // [] = looked for and not found (not ours to read, or in flight): not looked for again until the full walk.
      const owners = a.byInode.get(s.inode) ?? (wanted.has(s.inode) ? [] : cache?.byInode.get(s.inode)) ?? [];
      nextOwners.set(s.inode, owners);
      if (owners.length === 0) continue;
      s.processes = owners;
      for (const o of owners) {
        if (byPid.has(o.pid)) continue;
        const w = walked.get(o.pid);
        const c = cache?.processes.get(o.pid);
        const info = w ?? (c ? { ...c.info, ...(c.startedAt !== undefined ? { uptimeMs: Math.max(0, takenAt - c.startedAt) } : {}) } : undefined);
        if (info) byPid.set(o.pid, info);
      }
    }
    snap.processes = [...byPid.values()].sort((x, y) => x.pid - y.pid);
    const complete = wanted.size > 0 && !full && cache ? a.complete && cache.complete : a.complete;
    const unreadable = wanted.size > 0 ? a.unreadable : (cache?.unreadable ?? 0);
    if (cache) {
      cache.byInode = nextOwners;
      cache.processes = new Map(snap.processes.map((p) => [p.pid, { info: p, ...(p.uptimeMs !== undefined ? { startedAt: takenAt - p.uptimeMs } : {}) }]));
      if (full) { cache.fullWalkAt = takenAt; cache.complete = a.complete; cache.unreadable = a.unreadable; }
    }
    snap.processAttributionComplete = complete;
    if (!complete && unreadable > 0) {
      problems.push({ file: root, line: 0, message: `process attribution is partial: ${unreadable} processes' fds could not be read (run as root to see every owner)` });
    } else if (complete && opts.procRoot === undefined && hiddenOwners(sockets)) {
      // /proc mounted with hidepid=: other users' processes are not even listed, so no EACCES
      // told us; an owned socket of another uid with no owner found gives it away.
      snap.processAttributionComplete = false;
      problems.push({ file: root, line: 0, message: 'process attribution is partial: other users\' processes are hidden from us (run as root to see every owner)' });
    }
  }
  return snap;
}

/** The pids under a /proc root, or undefined when it cannot be listed. */
export async function livePids(root: string): Promise<Set<number> | undefined> {
  try {
    const out = new Set<number>();
    for (const n of await readdir(root)) { const c = n.charCodeAt(0); if (c >= 0x30 && c <= 0x39) out.add(Number(n)); }
    return out;
  } catch { return undefined; }
}

/** True when, not being root, we hold no owner for a socket (with a file) of another user. */
function hiddenOwners(sockets: SocketRecord[]): boolean {
  const me = typeof process.getuid === 'function' ? process.getuid() : 0;
  if (me === 0) return false;
  return sockets.some((s) => s.inode !== undefined && s.inode !== 0 && s.processes === undefined && s.uid !== undefined && s.uid !== me);
}

/**
 * Ages where the timer tells them: a TIME-WAIT minisocket dies 60 s after it was born, an orphaned
 * FIN-WAIT-2 minisocket (timer `timewait`) `tcp_fin_timeout` seconds after (tcp_time_wait(sk,
 * TCP_FIN_WAIT2, tmo) in __tcp_close). Other states keep no birth time in /proc.
 */
function fillAges(sockets: SocketRecord[], sysctls: Record<string, string>): void {
  const fin = Number(sysctls['net.ipv4.tcp_fin_timeout']);
  const finMs = Number.isFinite(fin) && fin > 0 && fin <= 60 ? fin * 1000 : undefined;
  for (const s of sockets) {
    // Netlink's TIME-WAIT records come with their age (packed-sockets.ts), the same figure.
    if (s.timer?.kind !== 'timewait' || s.ageMs !== undefined) continue;
    const life = s.state === 'TIME-WAIT' ? TIME_WAIT_MS : s.state === 'FIN-WAIT-2' ? finMs : undefined;
    if (life !== undefined) s.ageMs = Math.max(0, life - s.timer.remainingMs);
  }
}
