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
// Pure: the caller hands snapshots in the order taken.
import type { AgeRange, HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TUNABLES } from '../core/config.js';
import { TIMEOUT_INIT_MS } from '../core/rto.js';
import { socketId } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';

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

/** Sockets seen to move between two reads (net: what happened in between is not seen). */
export interface Flow { from: FlowEnd; to: FlowEnd; count: number }

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
}

/** A stable key for a socket: its id, else the /proc form of one. */
export function trackingKey(k: SocketRecord): string {
  return k.id ?? socketId(k);
}

/** Follows sockets across reads of one host; `observe` each snapshot in order. Memory: one entry per live socket. */
export class AgeTracker {
  private entries = new Map<string, Entry>();
  private prevStart: number | undefined;
  private reads = 0;

  observe(snap: HostSnapshot): TrackedRead {
    const start = snap.takenAt;
    const end = Math.max(start, snap.readDoneAt ?? start);
    const next = new Map<string, Entry>();
    const flows = new Map<string, Flow>();
    const flow = (from: FlowEnd, to: FlowEnd): void => {
      const key = `${from}>${to}`;
      const f = flows.get(key);
      if (f) f.count++;
      else flows.set(key, { from, to, count: 1 });
    };
    const first = this.prevStart === undefined;
    const sockets = snap.sockets.map((k) => {
      const key = trackingKey(k);
      const prev = this.entries.get(key);
      let e: Entry;
      if (prev && prev.state === k.state) e = prev;
      else {
        e = first ? { state: k.state, by: end } : { state: k.state, after: this.prevStart, by: end };
        if (!first) flow(prev ? prev.state : 'new', k.state);
      }
      next.set(key, e);
      return withAge(k, e, end, end - start, snap);
    });
    for (const [key, e] of this.entries) if (!next.has(key)) flow(e.state, 'gone');
    this.entries = next;
    this.prevStart = start;
    this.reads++;
    return { sockets, agesAt: end, flows: [...flows.values()].sort((a, b) => b.count - a.count), read: this.reads };
  }

  /** Sockets being followed. */
  get size(): number { return this.entries.size; }
}

/** Every snapshot through one tracker; the last one with its sockets' ages. */
export function trackAges(snaps: readonly HostSnapshot[]): TrackedRead {
  if (snaps.length === 0) throw new Error('trackAges needs at least one snapshot');
  const t = new AgeTracker();
  let r: TrackedRead | undefined;
  for (const s of snaps) r = t.observe(s);
  return r as TrackedRead;
}

function withAge(k: SocketRecord, e: Entry, at: number, readMs: number, snap: HostSnapshot): SocketRecord {
  if (k.state === 'LISTEN' || k.state === 'CLOSED') return k;
  let lo = at - e.by;
  let hi = e.after === undefined ? undefined : at - e.after;
  const basis: AgeRange['basis'] = [];
  if (e.after !== undefined || lo > 0) basis.push('reads');
  const t = timerAge(k, snap.sysctls);
  if (t) {
    const tLo = Math.max(0, t.ms - TIMER_SLACK_MS);
    const tHi = t.ms + readMs + TIMER_SLACK_MS;
    const nLo = Math.max(lo, tLo);
    const nHi = hi === undefined ? tHi : Math.min(hi, tHi);
    if (nLo <= nHi) { lo = nLo; hi = nHi; basis.push(t.basis); }
  }
  const idle = idleBounds(k, snap.uptimeMs);
  if (idle) {
    // The figure was taken during the listing: as of its end the age may be up to readMs larger.
    const nLo = idle.atLeastMs === undefined ? lo : Math.max(lo, idle.atLeastMs - TIMER_SLACK_MS);
    const iHi = idle.atMostMs === undefined ? undefined : idle.atMostMs + readMs + TIMER_SLACK_MS;
    const nHi = iHi === undefined ? hi : hi === undefined ? iHi : Math.min(hi, iHi);
    // Where tcp_info and the reads disagree (a hazard above), the reads win.
    if ((nLo > lo || nHi !== hi) && (nHi === undefined || nLo <= nHi)) { lo = nLo; hi = nHi; basis.push('tcp-info'); }
  }
  const ageRange: AgeRange = hi === undefined ? { atLeastMs: lo, basis } : { atLeastMs: lo, atMostMs: hi, basis };
  if (e.after !== undefined) ageRange.seenEntering = true;
  const out: SocketRecord = { ...k, ageRange };
  // `ageMs` (what the rules read) stays the source's own figure, else the proven lower bound.
  // A bare 0 ("appeared since the last read") is left out: the rules' age statistics mean elapsed time.
  if (out.ageMs === undefined && (lo > 0 || basis.some((b) => b !== 'reads'))) out.ageMs = lo;
  return out;
}

/** What tcp_info's idle times (`extra.lastsnd/lastrcv/lastack`, ms) say of the age, as of when they were read. */
export function idleBounds(k: SocketRecord, uptimeMs: number | undefined): { atLeastMs?: number; atMostMs?: number } | undefined {
  const x = k.extra;
  if (!x) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const snd = num(x.lastsnd), rcv = num(x.lastrcv), ack = num(x.lastack);
  if (k.state === 'ESTABLISHED') {
    const known = [snd, rcv, ack].filter((v): v is number => v !== undefined);
    return known.length ? { atLeastMs: Math.max(...known) } : undefined;
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
  const tm = k.timer;
  if (!tm) return undefined;
  if (tm.kind === 'timewait' && k.state === 'TIME-WAIT') {
    return { ms: Math.max(0, TIME_WAIT_LEN_MS - tm.remainingMs), basis: 'timewait-timer' };
  }
  if (tm.kind === 'timewait' && k.state === 'FIN-WAIT-2') {
    const fin = Number(sysctls['net.ipv4.tcp_fin_timeout']);
    // Above 60 s the kernel first waits on the keepalive timer (tcp_fin_time − 60 s), then a 60 s minisocket.
    if (!Number.isFinite(fin) || fin <= 0 || fin > 60) return undefined;
    return { ms: Math.max(0, fin * 1000 - tm.remainingMs), basis: 'fin-wait-2-timer' };
  }
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
  const withAge = socks.filter((k) => k.ageRange !== undefined) as Array<SocketRecord & { ageRange: AgeRange }>;
  if (withAge.length === 0) return undefined;
  let oldest = withAge[0].ageRange;
  for (const k of withAge) if (k.ageRange.atLeastMs > oldest.atLeastMs) oldest = k.ageRange;
  const los = withAge.map((k) => k.ageRange.atLeastMs).sort((a, b) => a - b);
  return { oldest, medianAtLeastMs: los[Math.floor((los.length - 1) / 2)] };
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
