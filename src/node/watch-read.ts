// READ THIS FIRST — what `tcplens watch` reads at each refresh: a full read now and then, a light
// one in between.
//
// A busy server's sockets are mostly ESTABLISHED, and watch's screen is about the other states
// (CLOSE-WAIT, TIME-WAIT, FIN-WAIT-2, SYN-RECEIVED …). The kernel's netlink dump skips a socket
// whose state bit the request did not set before filling anything (inet_diag_dump_icsk: the
// `idiag_states` test comes first), so a dump of every state but ESTABLISHED costs the walk of the
// hash tables plus the records of the rest: at 200,000 sockets, half of them ESTABLISHED, about a
// third of a full dump. Rules this file keeps:
// - The first read, and one at least every `FULL_READ_MS` (watch-frame.ts), lists every state with
//   tcp_info: the rules that need ESTABLISHED (idle connections, keepalive, ports in use per
//   destination) and the net flows out of ESTABLISHED need it. The reads in between list every
//   state but ESTABLISHED (`light`), and the frame says so (`listing`).
// - ESTABLISHED is then counted by the kernel's own counter, /proc/net/snmp `Tcp: CurrEstab`
//   (TCP_MIB_CURRESTAB, per namespace), which tcp_set_state() moves on entering and leaving
//   ESTABLISHED — and since Linux 6.10 ("tcp: count CLOSE-WAIT sockets for TCP_MIB_CURRESTAB",
//   RFC 1213's tcpCurrEstab) CLOSE-WAIT too, so the dump's CLOSE-WAIT is taken off. Which of the two
//   the running kernel does is learned at each full read that sees CLOSE-WAIT (both counts are then
//   known), and guessed from the kernel's version until then (a backport may differ).
// - Only where netlink answers (the addon is built, our namespace or `--netns`, not a /proc tree):
//   /proc/net/tcp lists every state whatever we want, so without netlink every read is full. A
//   light read whose listing fell back to /proc (an error from the addon) is a full read.
//   `TCPLENS_WATCH_FULL=1` makes every read full (to compare, or to rule this file out).
// - Owners come from one `OwnerCache` across reads; a full read also walks every process's fds
//   again (what the cache does each minute anyway), so both happen at the same refresh.
// - A light read lists no ESTABLISHED socket, so the owner cache forgets their owners; the ones the
//   last full read found are still consulted (`OwnersWithFallback`) for a socket a light read lists
//   that it did not (its inode is unchanged when it moves from ESTABLISHED to CLOSE-WAIT or
//   FIN-WAIT-*): a connection closing between full reads then needs no walk of every process's fds,
//   only one opened since the last full read does. The holder of such a socket may have passed its
//   fd and exited since: the same limit the cache has between its full walks (live-snapshot.ts).
// - Another namespace's member processes (whose /proc/PID/net are its net files) are listed by
//   `ip netns pids` at a full read and kept until the next: each use checks the pid is still in
//   the namespace (netns.ts), and with none left the files are read from inside, as before.
import { release } from 'node:os';
import type { HostSnapshot, ProcessRef } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import { FULL_READ_MS, type WatchExtras } from '../diagnose/watch-frame.js';
import { OwnerCache, readLiveSnapshot, type LiveOptions } from './live-snapshot.js';
import { nativeAvailable, nativePacked, statesMask } from './native/sock-diag.js';
import { netnsFile, netnsPids, type NetnsOptions } from './netns.js';

/** The states a light read does not list. */
const UNLISTED: readonly TcpState[] = ['ESTABLISHED'];
const LIGHT_MASK = statesMask(TCP_STATES.filter((st) => !UNLISTED.includes(st)));
const CURR_ESTAB = 'Tcp:CurrEstab';

export interface WatchReadTarget {
  /** An `ip netns` name (or pid:N); default our own namespace. */
  netns?: string;
  members?: NetnsOptions['members'];
  /** A directory laid out like /proc: every read is full. */
  procRoot?: string;
}

export interface WatchRead {
  snap: HostSnapshot;
  /** Set for a light read: hand it to `WatchSession.refresh` as `extras.light`. */
  light?: NonNullable<WatchExtras['light']>;
}

/** Linux 6.10 and later count CLOSE-WAIT in CurrEstab; the version guess used until a full read tells. */
export function currEstabCountsCloseWait(kernelRelease: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!m) return true;
  const major = Number(m[1]), minor = Number(m[2]);
  return major > 6 || (major === 6 && minor >= 10);
}

/**
 * ESTABLISHED from CurrEstab and the listed CLOSE-WAIT; undefined without the counter. Never
 * negative: the dump and the counter are read a moment apart.
 */
export function establishedFromCounter(snap: HostSnapshot, closeWaitCounted: boolean): number | undefined {
  const c = snap.counters[CURR_ESTAB];
  if (c === undefined || !Number.isFinite(c)) return undefined;
  let cw = 0;
  if (closeWaitCounted) for (const k of snap.sockets) if (k.state === 'CLOSE-WAIT') cw++;
  return Math.max(0, c - cw);
}

/** The owner cache's map for a light read: its own entries, then the last full read's. */
class OwnersWithFallback extends Map<number, ProcessRef[]> {
  private fallback: ReadonlyMap<number, ProcessRef[]> | undefined;
  constructor(entries: ReadonlyMap<number, ProcessRef[]>, fallback: ReadonlyMap<number, ProcessRef[]>) {
    super(entries);
    this.fallback = fallback;
  }
  override get(inode: number): ProcessRef[] | undefined { return super.get(inode) ?? this.fallback?.get(inode); }
  override has(inode: number): boolean { return super.has(inode) || this.fallback?.has(inode) === true; }
}

/** Reads one host for watch, full or light as the rules at the top say. */
export class WatchReader {
  private readonly owners = new OwnerCache();
  private fullAt = -Infinity;
  private closeWaitCounted = currEstabCountsCloseWait(release());
  /** The counter was there at the last full read (a light read needs it). */
  private counterSeen = false;
  /** Owners by socket inode as the last full read found them (every state). */
  private fullOwners: ReadonlyMap<number, ProcessRef[]> = new Map();
  private readonly base: LiveOptions;
  private readonly netnsPath: string | undefined;
  private readonly lightPossible: boolean;

  /** The namespace's member pids as of the last full read (`ip netns pids`), when not given. */
  private members: Promise<number[]> | undefined;

  constructor(target: WatchReadTarget, private readonly now: () => number = Date.now) {
    const name = target.netns;
    // A `pid:N` namespace has its one member already (netns.ts); a named one is asked once per full read.
    const members = target.members ?? (name !== undefined && !name.startsWith('pid:') ? () => (this.members ??= netnsPids(name)) : undefined);
    this.base = {
      ...(target.procRoot !== undefined ? { procRoot: target.procRoot } : {}),
      ...(name !== undefined ? { netns: name, netnsNetlink: true } : {}),
      ...(members ? { netnsMembers: members } : {}),
      ownerCache: this.owners, now,
    };
    this.netnsPath = target.netns !== undefined && target.procRoot === undefined ? netnsFile(target.netns) : undefined;
    this.lightPossible = target.procRoot === undefined && nativeAvailable() && process.env.TCPLENS_WATCH_FULL !== '1';
  }

  /** The next read: full at the first, every `FULL_READ_MS` and when `full` is asked, else light. */
  async read(full = false): Promise<WatchRead> {
    const t = this.now();
    if (full || !this.lightPossible || !this.counterSeen || t - this.fullAt >= FULL_READ_MS) return this.full(t);
    let listed = false;
    if (this.fullOwners.size > 0) this.owners.byInode = new OwnersWithFallback(this.owners.byInode, this.fullOwners);
    const snap = await readLiveSnapshot({
      ...this.base,
      list: () => {
        const rows = nativePacked({ info: true, states: LIGHT_MASK, ...(this.netnsPath !== undefined ? { netnsPath: this.netnsPath } : {}) });
        if (!rows) return undefined;
        listed = true;
        return rows.records(true);
      },
    });
    const est = listed ? establishedFromCounter(snap, this.closeWaitCounted) : undefined;
    if (est === undefined) return { snap }; // listed by /proc after all, or no counter: every state is in it
    return { snap, light: { unlisted: [...UNLISTED], counts: { ESTABLISHED: est }, countedFrom: CURR_ESTAB } };
  }

  private async full(t: number): Promise<WatchRead> {
    this.owners.fullWalkAt = -Infinity; // every process's fds again, with the sockets of every state
    this.members = undefined;
    const snap = await readLiveSnapshot(this.base);
    this.fullAt = t;
    this.fullOwners = this.owners.byInode;
    const c = snap.counters[CURR_ESTAB];
    this.counterSeen = c !== undefined && Number.isFinite(c);
    if (this.counterSeen) {
      let est = 0, cw = 0;
      for (const k of snap.sockets) { if (k.state === 'ESTABLISHED') est++; else if (k.state === 'CLOSE-WAIT') cw++; }
      // Which of the two counts this kernel keeps: the one closer to the counter.
      if (cw > 0) this.closeWaitCounted = Math.abs(c - est - cw) <= Math.abs(c - est);
    }
    return { snap };
  }
}
