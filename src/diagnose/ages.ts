// READ THIS FIRST — how long each socket has been in its state, from reads of one host over time.
//
// Linux keeps no entry time for most states (nothing in /proc or sock_diag says when a socket went
// into CLOSE-WAIT). What can be known is an interval, and this file keeps it honest:
// - Sockets are followed by their identity (`SocketRecord.id`: the sock_diag cookie, else inode and
//   4-tuple; without an id, `socketId`). A socket in the same state as at the previous read keeps
//   its entry interval.
// - A socket in its state at the first read entered it at some unknown earlier time: its age is
//   "at least" the time since that read, with no upper bound.
// - A socket that was not in that state at read n−1 and is at read n entered it between the start
//   of read n−1 (`takenAt`: a socket already there would have been listed) and the end of read n
//   (`readDoneAt`: the listing is not instantaneous, so a socket in it existed by then at the latest).
// - The kernel's timers tighten it where they start at the state change: a TIME-WAIT minisocket
//   lives TCP_TIMEWAIT_LEN (60 s, include/net/tcp.h) from tcp_time_wait(); an orphaned FIN-WAIT-2
//   minisocket tcp_fin_timeout from the same call (__tcp_close / tcp_rcv_state_process); SYN-SENT
//   and a request socket (SYN-RECEIVED) retransmit from TCP_TIMEOUT_INIT (1 s) doubling up to
//   TCP_RTO_MAX (120 s), so `n` retransmits and the time remaining say how long ago the first SYN
//   (SYN-ACK) left. Each is an estimate with hazards (a retransmitted FIN re-arms the TIME-WAIT timer;
//   TCP_LINGER2 or a BPF-set initial RTO changes the others), so a timer figure is used only where it
//   agrees with what the reads proved; where they disagree the reads win.
// - /proc shows timers in 1/100 s (jiffies_to_clock_t) read at some point of the listing: the timer
//   figure is widened by that and by the time the listing took.
// - tcp_info's idle times (netlink INET_DIAG_INFO, `ss -i`: lastsnd = now − lsndtime, lastrcv =
//   now − icsk_ack.lrcvtime, lastack = now − rcv_tstamp, in ms) bound the age only where Linux
//   fixes when the stamp moved relative to the state change. An activity seen *in* the state bounds
//   the age from below (the state was entered before it); one known to precede the state bounds it
//   from above. So:
//   · ESTABLISHED — at least the largest of the three. All three are set when the connection is
//     established (tcp_finish_connect on the SYN-ACK; tcp_create_openreq_child on the final ACK,
//     whose tcp_ack() sets rcv_tstamp in the same softirq) and only move forward, so each stamp is
//     in the state. Hazards: a TCP Fast Open server child is created at the SYN, so its lastsnd and
//     lastrcv may predate ESTABLISHED by the handshake's time; a socket restored with TCP_REPAIR.
//   · CLOSE-WAIT — at most lastrcv: lrcvtime moves only when data arrives (tcp_event_data_recv),
//     and none arrives after the peer's FIN (tcp_fin runs only for an in-order FIN; anything past
//     it is dropped), so the last data came at or before the state change. At least lastack: the
//     FIN segment's own ACK is processed by tcp_ack() just before tcp_data_queue() → tcp_fin()
//     (hazard: an ACK the peer sent after its FIN that overtook it makes the FIN's ACK "old" and
//     the stamp earlier by that reordering delay). lastsnd says nothing: we may send in CLOSE-WAIT.
//   · Other states: nothing (FIN-WAIT-1/2, CLOSING, LAST-ACK may still receive or send).
//   The stamps are 32-bit jiffies turned into u32 ms, so an idle time wraps after 2^32 ms (49.7
//   days): a wrapped figure is smaller than the truth, harmless for a lower bound, wrong for an
//   upper one. The upper bound is therefore used only when the host has been up for less than
//   that (`HostSnapshot.uptimeMs`), so no stamp can be that old.
// - A read may list only some states (`observe(snap, listed)`: watch lists every state but
//   ESTABLISHED between its full reads, src/node/watch-read.ts). A socket followed in a state that
//   read did not list is kept as it was, neither seen nor gone; a socket entering a state is
//   bounded by the last read that listed that state, and a net flow into a state (or out of one,
//   to 'gone') that the previous read did not list says since when it may have happened (`sinceAt`).
// Pure: the caller hands snapshots in the order taken.
import type { AgeRange, HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TUNABLES } from '../core/config.js';
import { TIMEOUT_INIT_MS } from '../core/rto.js';
import { socketId } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';

/** TCP_TIMEWAIT_LEN, TCP_TIMEOUT_INIT and TCP_RTO_MAX (include/net/tcp.h), from the engine's own tunables: the TIME-WAIT length and the SYN and SYN-ACK retransmit schedule. */
const TIME_WAIT_LEN_MS = TUNABLES.time_wait_ms.default;
const SYN_RTO_INIT_MS = TIMEOUT_INIT_MS;
const RTO_MAX_MS = TUNABLES.tcp_rto_max_ms.default;
/** /proc's timer unit (USER_HZ) plus one jiffy at HZ=100: how coarse a timer figure is. */
const TIMER_SLACK_MS = 20;
/** tcp_info's idle times wrap at 2^32 ms; an uptime below this (less a day of margin) rules that out. */
const IDLE_WRAP_SAFE_MS = 2 ** 32 - 86_400_000;

/** Where a socket came from or went to between two reads, for net flows: a state, or not there. */
export type FlowEnd = TcpState | 'new' | 'gone';

/**
 * Sockets seen to move between two reads (net: what happened in between is not seen). `sinceAt`:
 * the state it names was not listed by the previous read, so the moves may have happened any time
 * since this instant (the end of the last read that listed it), not only since the previous read.
 */
export interface Flow { from: FlowEnd; to: FlowEnd; count: number; sinceAt?: number }

export interface TrackedRead {
  /** The sockets of the snapshot, each with `ageRange` (and `ageMs` where a lower bound is known). */
  sockets: SocketRecord[];
  /** The instant the ages refer to: the read's end. */
  agesAt: number;
  /** Net flows since the previous read (empty at the first). */
  flows: Flow[];
  /** 1 for the first read. */
  read: number;
}

interface Entry {
  state: TcpState;
  /** Entered the state after this instant; undefined: before the first read, unknown when. */
  after?: number;
  /** Entered it by this instant at the latest. */
  by: number;
  /** The read that last listed the socket (entries not listed by the latest read are gone). */
  seen: number;
}

/** A stable key for a socket: its id, else the /proc form of one. */
export function trackingKey(k: SocketRecord): string {
  return k.id ?? socketId(k);
}

/**
 * The tracker's own key: a netlink cookie as a number where it fits a double exactly (the kernel
 * counts cookies up from 1, so in practice always), which saves hashing a fresh string per socket
 * per read; any other id as the string.
 */
function entryKey(k: SocketRecord): string | number {
  const id = k.id;
  if (id !== undefined && id.length === 23 && id.startsWith('cookie:')) {
    // The 16 hex digits read in place (no substring per socket per read).
    let n = 0;
    for (let i = 7; i < 23; i++) {
      const c = id.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) return trackingKey(k);
      n = n * 16 + d;
    }
    if (n < MAX_EXACT) return n;
  }
  return trackingKey(k);
}
const MAX_EXACT = 2 ** 53;

export interface AgeTrackerOptions {
  /**
   * Write `ageRange` (and `ageMs`) into the snapshot's own records instead of copies: for a caller
   * that reads a fresh snapshot each time and keeps no other use of it (watch, the dashboard), it
   * saves a copy of every record at every read.
   */
  inPlace?: boolean;
  /**
   * States whose sockets are followed (for flows and later states) but not given an age: watch
   * shows ages only for the states it watches, and no rule reads an ESTABLISHED socket's age, so
   * it skips the interval for the bulk of a busy host's sockets.
   */
  unaged?: ReadonlySet<TcpState>;
}

/**
 * Follows sockets across reads of one host; `observe` each snapshot in order. Memory: one entry per
 * live socket, kept from read to read (a socket still in its state costs a lookup, no allocation).
 * Entries are kept per state, so a read that lists only some states touches only theirs.
 */
export class AgeTracker {
  private readonly byState = new Map<TcpState, Map<string | number, Entry>>(TCP_STATES.map((st) => [st, new Map()]));
  /** Start and end of the last read that listed each state. */
  private readonly listedStart = new Map<TcpState, number>();
  private readonly listedEnd = new Map<TcpState, number>();
  private prevStart: number | undefined;
  private prevEnd: number | undefined;
  private reads = 0;
  private readonly inPlace: boolean;
  private readonly unaged: ReadonlySet<TcpState> | undefined;

  constructor(opts: AgeTrackerOptions = {}) {
    this.inPlace = opts.inPlace === true;
    this.unaged = opts.unaged;
  }

  /** One read, in order; `listed`: the states it listed (default every state). */
  observe(snap: HostSnapshot, listed?: ReadonlySet<TcpState>): TrackedRead {
    const start = snap.takenAt;
    const end = Math.max(start, snap.readDoneAt ?? start);
    const flows = new Map<string, Flow>();
    const flow = (from: FlowEnd, to: FlowEnd): void => {
      const key = `${from}>${to}`;
      const f = flows.get(key);
      if (f) { f.count++; return; }
      // A move into (or out of, to 'gone') a state the previous read did not list: since when.
      const since = this.listedEnd.get((to === 'gone' ? from : to) as TcpState);
      flows.set(key, since !== undefined && since !== this.prevEnd ? { from, to, count: 1, sinceAt: since } : { from, to, count: 1 });
    };
    const first = this.prevStart === undefined;
    const read = ++this.reads;
    const byState = this.byState;
    const src = snap.sockets;
    const sockets = this.inPlace ? src : new Array<SocketRecord>(src.length);
    const ctx: AgeContext = { at: end, readMs: end - start, uptimeMs: snap.uptimeMs, finMs: finTimeoutMs(snap.sysctls) };
    for (let i = 0; i < src.length; i++) {
      const k = src[i];
      const key = entryKey(k);
      const mine = byState.get(k.state) as Map<string | number, Entry>;
      let e = mine.get(key);
      if (e) {
        // Listed twice in one read (a source that repeats a row): the first listing holds.
        if (e.seen !== read) e.seen = read;
      } else {
        let was: Entry | undefined;
        let wasIn: Map<string | number, Entry> | undefined;
        for (const m of byState.values()) {
          if (m === mine) continue;
          was = m.get(key);
          if (was) { wasIn = m; break; }
        }
        if (was && was.seen === read) {
          e = was; // listed twice in one read, in two states: the first listing holds
        } else {
          if (!first) flow(was ? was.state : 'new', k.state);
          wasIn?.delete(key);
          // Entered after the start of the last read that listed this state (it was not there then).
          const after = first ? undefined : this.listedStart.get(k.state);
          e = after === undefined ? { state: k.state, by: end, seen: read } : { state: k.state, after, by: end, seen: read };
          mine.set(key, e);
        }
      }
      if (this.unaged?.has(k.state)) sockets[i] = k;
      else sockets[i] = this.inPlace ? setAge(k, e, ctx) : setAge({ ...k }, e, ctx);
    }
    for (const [st, m] of byState) {
      if (listed && !listed.has(st)) continue; // not listed: neither seen nor gone
      for (const [key, e] of m) {
        if (e.seen === read) continue;
        flow(e.state, 'gone');
        m.delete(key);
      }
    }
    for (const st of TCP_STATES) {
      if (listed && !listed.has(st)) continue;
      this.listedStart.set(st, start);
      this.listedEnd.set(st, end);
    }
    this.prevStart = start;
    this.prevEnd = end;
    return { sockets, agesAt: end, flows: [...flows.values()].sort((a, b) => b.count - a.count), read };
  }

  /** Sockets being followed. */
  get size(): number {
    let n = 0;
    for (const m of this.byState.values()) n += m.size;
    return n;
  }
}

/** Every snapshot through one tracker; the last one with its sockets' ages. */
export function trackAges(snaps: readonly HostSnapshot[]): TrackedRead {
  if (snaps.length === 0) throw new Error('trackAges needs at least one snapshot');
  const t = new AgeTracker();
  let r: TrackedRead | undefined;
  for (const s of snaps) r = t.observe(s);
  return r as TrackedRead;
}

interface AgeContext { at: number; readMs: number; uptimeMs: number | undefined; finMs: number | undefined }

/** The sources of an interval, one shared frozen array per combination (no array or key string per socket). */
const TIMER_BASES: ReadonlyArray<AgeRange['basis'][number] | undefined> = [undefined, 'timewait-timer', 'fin-wait-2-timer', 'syn-timer'];
const BASES: Array<AgeRange['basis'] | undefined> = [];
function basisOf(reads: boolean, timer: AgeRange['basis'][number] | undefined, info: boolean): AgeRange['basis'] {
  const key = (reads ? 1 : 0) + 2 * TIMER_BASES.indexOf(timer) + 8 * (info ? 1 : 0);
  let b = BASES[key];
  if (!b) {
    const list: AgeRange['basis'] = [];
    if (reads) list.push('reads');
    if (timer) list.push(timer);
    if (info) list.push('tcp-info');
    b = Object.freeze(list) as AgeRange['basis'];
    BASES[key] = b;
  }
  return b;
}

/** Sets `k.ageRange` (and `ageMs` where the source gave none) from its entry; returns `k`. */
function setAge(k: SocketRecord, e: Entry, c: AgeContext): SocketRecord {
  if (k.state === 'LISTEN' || k.state === 'CLOSED') return k;
  const at = c.at;
  let lo = at - e.by;
  let hi = e.after === undefined ? undefined : at - e.after;
  const reads = e.after !== undefined || lo > 0;
  let timerBasis: AgeRange['basis'][number] | undefined;
  let info = false;
  const t = k.timer ? timerAgeWith(k, c.finMs) : undefined;
  if (t) {
    const tLo = Math.max(0, t.ms - TIMER_SLACK_MS);
    const tHi = t.ms + c.readMs + TIMER_SLACK_MS;
    const nLo = Math.max(lo, tLo);
    const nHi = hi === undefined ? tHi : Math.min(hi, tHi);
    if (nLo <= nHi) { lo = nLo; hi = nHi; timerBasis = t.basis; }
  }
  const x = k.extra;
  let idleLo: number | undefined, idleHi: number | undefined;
  if (x && k.state === 'ESTABLISHED') {
    // idleBounds, without an object per socket.
    idleLo = maxIdle(x.lastsnd, x.lastrcv, x.lastack);
  } else if (x && k.state === 'CLOSE-WAIT') {
    // idleBounds, without an object per socket.
    idleLo = idleNum(x.lastack);
    const rcv = idleNum(x.lastrcv);
    if (rcv !== undefined && c.uptimeMs !== undefined && c.uptimeMs < IDLE_WRAP_SAFE_MS) idleHi = rcv;
  }
  if (idleLo !== undefined || idleHi !== undefined) {
    // The figure was taken during the listing: as of its end the age may be up to readMs larger.
    const nLo = idleLo === undefined ? lo : Math.max(lo, idleLo - TIMER_SLACK_MS);
    const iHi = idleHi === undefined ? undefined : idleHi + c.readMs + TIMER_SLACK_MS;
    const nHi = iHi === undefined ? hi : hi === undefined ? iHi : Math.min(hi, iHi);
    // Where tcp_info and the reads disagree (a hazard above), the reads win.
    if ((nLo > lo || nHi !== hi) && (nHi === undefined || nLo <= nHi)) { lo = nLo; hi = nHi; info = true; }
  }
  const basis = basisOf(reads, timerBasis, info);
  // A record aged before (the same snapshot observed again, in place): its ageMs was ours, not the source's.
  if (k.ageRange !== undefined) delete k.ageMs;
  const ageRange: AgeRange = hi === undefined ? { atLeastMs: lo, basis } : { atLeastMs: lo, atMostMs: hi, basis };
  if (e.after !== undefined) ageRange.seenEntering = true;
  k.ageRange = ageRange;
  // `ageMs` (what the rules read) stays the source's own figure, else the proven lower bound.
  // A bare 0 ("appeared since the last read") is left out: the rules' age statistics mean elapsed time.
  if (k.ageMs === undefined && (lo > 0 || timerBasis !== undefined || info)) k.ageMs = lo;
  return k;
}

function idleNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function maxIdle(a: unknown, b: unknown, c: unknown): number | undefined {
  const x = idleNum(a), y = idleNum(b), z = idleNum(c);
  let most = x;
  if (y !== undefined && (most === undefined || y > most)) most = y;
  if (z !== undefined && (most === undefined || z > most)) most = z;
  return most;
}

/** What tcp_info's idle times (`extra.lastsnd/lastrcv/lastack`, ms) say of the age, as of when they were read. */
export function idleBounds(k: SocketRecord, uptimeMs: number | undefined): { atLeastMs?: number; atMostMs?: number } | undefined {
  const x = k.extra;
  if (!x) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const snd = num(x.lastsnd), rcv = num(x.lastrcv), ack = num(x.lastack);
  if (k.state === 'ESTABLISHED') {
    const most = maxIdle(snd, rcv, ack);
    return most === undefined ? undefined : { atLeastMs: most };
  }
  if (k.state === 'CLOSE-WAIT') {
    const out: { atLeastMs?: number; atMostMs?: number } = {};
    if (ack !== undefined) out.atLeastMs = ack;
    if (rcv !== undefined && uptimeMs !== undefined && uptimeMs < IDLE_WRAP_SAFE_MS) out.atMostMs = rcv;
    return out.atLeastMs === undefined && out.atMostMs === undefined ? undefined : out;
  }
  return undefined;
}

/** The age a kernel timer implies, where the timer was started by the state change itself. */
export function timerAge(k: SocketRecord, sysctls: Record<string, string>): { ms: number; basis: AgeRange['basis'][number] } | undefined {
  return timerAgeWith(k, finTimeoutMs(sysctls));
}

/** tcp_fin_timeout in ms where an orphaned FIN-WAIT-2 minisocket lives exactly that long, else undefined. */
function finTimeoutMs(sysctls: Record<string, string>): number | undefined {
  const fin = Number(sysctls['net.ipv4.tcp_fin_timeout']);
  // Above 60 s the kernel first waits on the keepalive timer (tcp_fin_time − 60 s), then a 60 s minisocket.
  return !Number.isFinite(fin) || fin <= 0 || fin > 60 ? undefined : fin * 1000;
}

function timerAgeWith(k: SocketRecord, finMs: number | undefined): { ms: number; basis: AgeRange['basis'][number] } | undefined {
  const tm = k.timer;
  if (!tm) return undefined;
  if (tm.kind === 'timewait' && k.state === 'TIME-WAIT') {
    return { ms: Math.max(0, TIME_WAIT_LEN_MS - tm.remainingMs), basis: 'timewait-timer' };
  }
  if (tm.kind === 'timewait' && k.state === 'FIN-WAIT-2') {
    if (finMs === undefined) return undefined;
    return { ms: Math.max(0, finMs - tm.remainingMs), basis: 'fin-wait-2-timer' };
  }
  if (tm.kind === 'off') return undefined;
  if (tm.kind === 'on' && (k.state === 'SYN-SENT' || k.state === 'SYN-RECEIVED') && tm.retransmits !== undefined) {
    let spent = 0;
    for (let i = 0; i < tm.retransmits; i++) spent += Math.min(SYN_RTO_INIT_MS * 2 ** i, RTO_MAX_MS);
    const current = Math.min(SYN_RTO_INIT_MS * 2 ** tm.retransmits, RTO_MAX_MS);
    if (tm.remainingMs > current) return undefined; // not the schedule we know (a BPF-set RTO, a cached RTT)
    return { ms: spent + current - tm.remainingMs, basis: 'syn-timer' };
  }
  return undefined;
}

/** Oldest and median of a group's ages: the interval of the oldest, and the median lower bound. */
export interface GroupAges {
  oldest: AgeRange;
  medianAtLeastMs: number;
}

export function groupAges(socks: readonly SocketRecord[]): GroupAges | undefined {
  // Lower bounds in a typed array: a numeric sort without a comparator call per pair.
  const los = new Float64Array(socks.length);
  let n = 0;
  let oldest: AgeRange | undefined;
  for (const k of socks) {
    const r = k.ageRange;
    if (r === undefined) continue;
    los[n++] = r.atLeastMs;
    if (oldest === undefined || r.atLeastMs > oldest.atLeastMs) oldest = r;
  }
  if (oldest === undefined) return undefined;
  const sorted = los.subarray(0, n).sort();
  return { oldest, medianAtLeastMs: sorted[Math.floor((n - 1) / 2)] };
}

/** The oldest socket's interval in each state (by lower bound), for `tcplens states`. */
export function oldestPerState(sockets: readonly SocketRecord[]): Partial<Record<TcpState, AgeRange>> {
  const out: Partial<Record<TcpState, AgeRange>> = {};
  for (const k of sockets) {
    const r = k.ageRange;
    if (!r) continue;
    const cur = out[k.state];
    if (!cur || r.atLeastMs > cur.atLeastMs || (r.atLeastMs === cur.atLeastMs && cur.atMostMs !== undefined && (r.atMostMs === undefined || r.atMostMs > cur.atMostMs))) out[k.state] = r;
  }
  return out;
}
