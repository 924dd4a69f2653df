// READ THIS FIRST — what `tcplens watch` shows at each refresh, as data (its `--json` line).
//
// A `WatchSession` is fed one snapshot per refresh, in order, and gives a `WatchFrame`: counts per
// state with their change and rate, the net flows between states since the previous read, the
// processes and ports holding CLOSE-WAIT, TIME-WAIT, FIN-WAIT-2 and SYN-RECEIVED with their oldest
// and median ages, growth with the time until a limit at that rate, and the doctor's findings as
// they appear and clear. Rules this file keeps:
// - The JSON is a contract (`schema: 'tcplens.watch/1'`): fields are only ever added.
// - Polling sees net flows only: a socket that went ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 between two
//   reads is one ESTABLISHED → FIN-WAIT-2 flow, and one born and gone between reads is not seen at all
//   (`flows.exact` false). An exact source (kernel tracepoint) fills the same `edges` with every
//   transition and sets `exact`.
// - A socket without a file (TIME-WAIT, orphans, request sockets) has no owner in Linux: it is counted
//   under process '-', never guessed.
// - Rates are per second over the last few refreshes (`GROWTH_WINDOW`), so one burst does not read as
//   a trend; the time to a limit is given only for a positive rate. Groups, rates and limits are
//   growth.ts's, shared with `doctor --samples`.
// Pure: the caller (src/cli/commands/watch.ts) reads the host and the per-process fd limits.
import type { Lang } from '../i18n/lang.js';
import type { AgeRange, HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import { AgeTracker, groupAges, trackingKey, type FlowEnd } from './ages.js';
import { diagnoseText } from './diagnose.js';
import { endpoint, listeningPorts, ownerOf } from './facts.js';
import type { RuleId, Severity } from './finding.js';
import { groupCounts, growthRows, processKey, servicePort, WATCHED_STATES, windowRate, type FdUse, type GrowthPoint, type GrowthRow, type WatchedState } from './growth.js';
import { stateCounts } from './state-counts.js';

export { WATCHED_STATES, type GrowthRow, type WatchedState };
/** Refreshes a rate is measured over. */
export const GROWTH_WINDOW = 6;
/** Rows per table and oldest sockets per state kept in a frame. */
export const TOP_N = 10;

export interface StateRow { count: number; change: number; ratePerSec?: number }

export interface Edge { from: FlowEnd; to: FlowEnd; count: number; ratePerSec?: number }

export interface GroupRow {
  key: string;
  pid?: number;
  process?: string;
  port?: number;
  count: number;
  change: number;
  ratePerSec?: number;
  oldest?: AgeRange;
  medianAtLeastMs?: number;
}

export interface SocketView {
  id: string;
  local: string;
  peer: string;
  pid?: number;
  process?: string;
  ageRange?: AgeRange;
}

export interface WatchedRow {
  count: number;
  oldest?: AgeRange;
  medianAtLeastMs?: number;
  byProcess: GroupRow[];
  byPort: GroupRow[];
  /** The oldest sockets of the state (by lower bound), at most TOP_N. */
  oldestSockets: SocketView[];
}

export interface FindingRow {
  id: RuleId;
  severity: Severity;
  /** Stable across refreshes: rule id plus what it is about (state, pid, port or destination). */
  key: string;
  summary: string;
  firstSeenAt: number;
  /** Appeared at this refresh. */
  new: boolean;
}

export interface WatchFrame {
  schema: 'tcplens.watch/1';
  mode: 'polling' | 'exact';
  origin: string;
  refresh: number;
  takenAt: number;
  /** The instant ages refer to (the end of the read). */
  agesAt: number;
  /** Since the previous refresh (0 at the first). */
  elapsedMs: number;
  total: number;
  states: Record<TcpState, StateRow>;
  /** Net flows between reads (polling), or every transition the kernel reported (exact; `lowerBound` when events were lost). */
  flows: { exact: boolean; windowMs: number; edges: Edge[]; lowerBound?: boolean };
  watched: Record<WatchedState, WatchedRow>;
  growth: GrowthRow[];
  findings: FindingRow[];
  cleared: Array<{ id: RuleId; key: string; summary: string }>;
  /** Sockets the tracker follows (its memory is proportional). */
  tracked: number;
}

/** What only the Node layer can read: per-process fd limit and open fds (`/proc/PID/limits`, `/proc/PID/fd`). */
export interface WatchExtras {
  fds?: FdUse;
  /**
   * Every transition the kernel reported since the previous refresh (exact mode): replaces the net
   * flows the reads imply, and the frame says `mode: 'exact'`.
   */
  exact?: { edges: Array<{ from: TcpState; to: TcpState; count: number }>; windowMs: number; lost: boolean };
}

export interface FrameFilter { port?: number }

export class WatchSession {
  private tracker = new AgeTracker();
  private refreshes = 0;
  private prev?: { at: number; counts: Record<TcpState, number>; sockets: SocketRecord[] };
  private window: GrowthPoint[] = [];
  private findingsSeen = new Map<string, FindingRow>();
  private history: NonNullable<HostSnapshot['history']> = [];
  private last?: { snap: HostSnapshot; sockets: SocketRecord[]; agesAt: number; edges: Edge[]; findings: FindingRow[]; cleared: WatchFrame['cleared']; growth: GrowthRow[]; prev?: { at: number; counts: Record<TcpState, number>; sockets: SocketRecord[] }; exact?: { windowMs: number; lost: boolean } };

  constructor(private readonly origin: string, private readonly lang: Lang = 'en') {}

  /** One refresh: the snapshot just read, in order after the previous one. */
  refresh(snap: HostSnapshot, extras: WatchExtras = {}, filter: FrameFilter = {}): WatchFrame {
    const tracked = this.tracker.observe(snap);
    this.refreshes++;
    const prev = this.prev;
    const elapsedMs = prev ? tracked.agesAt - prev.at : 0;
    const ex = extras.exact;
    const windowMs = ex ? ex.windowMs : elapsedMs;
    const edges: Edge[] = (ex ? ex.edges : tracked.flows).map((f) => ({ ...f, ...(windowMs > 0 ? { ratePerSec: round(f.count / (windowMs / 1000)) } : {}) }));
    const withHistory: HostSnapshot = { ...snap, sockets: tracked.sockets, ...(this.history.length ? { history: [...this.history] } : {}) };
    const { findings, cleared } = this.findings(withHistory, snap.takenAt);
    const groups = groupCounts(withHistory, tracked.sockets);
    this.window.push({ at: tracked.agesAt, groups });
    if (this.window.length > GROWTH_WINDOW) this.window.shift();
    const growth = growthRows(withHistory, this.window, extras.fds);
    this.last = { snap: withHistory, sockets: tracked.sockets, agesAt: tracked.agesAt, edges, findings, cleared, growth, ...(prev ? { prev } : {}), ...(ex ? { exact: { windowMs, lost: ex.lost } } : {}) };
    const frame = this.frame(filter);
    this.prev = { at: tracked.agesAt, counts: stateCounts(tracked.sockets), sockets: tracked.sockets };
    this.history.push({ takenAt: snap.takenAt, stateCounts: stateCounts(snap.sockets), counters: { ...snap.counters } });
    if (this.history.length > GROWTH_WINDOW) this.history.shift();
    return frame;
  }

  /** The latest refresh again under another filter (a key pressed between refreshes). */
  frame(filter: FrameFilter = {}): WatchFrame {
    const l = this.last;
    if (!l) throw new Error('WatchSession.frame before the first refresh');
    const prev = l.prev;
    const counts = stateCounts(l.sockets);
    const elapsedMs = prev ? l.agesAt - prev.at : 0;
    const states = {} as Record<TcpState, StateRow>;
    for (const st of TCP_STATES) {
      const change = prev ? counts[st] - prev.counts[st] : 0;
      states[st] = elapsedMs > 0 ? { count: counts[st], change, ratePerSec: round(change / (elapsedMs / 1000)) } : { count: counts[st], change };
    }
    const rateOf = this.rates();
    const keep = (k: SocketRecord): boolean => filter.port === undefined || k.localPort === filter.port || k.remotePort === filter.port;
    const prevSockets = prev ? prev.sockets : [];
    const watched = {} as Record<WatchedState, WatchedRow>;
    for (const st of WATCHED_STATES) {
      const mine = l.sockets.filter((k) => k.state === st && keep(k));
      const before = prevSockets.filter((k) => k.state === st && keep(k));
      const ages = groupAges(mine);
      watched[st] = {
        count: mine.length,
        ...(ages ? { oldest: ages.oldest, medianAtLeastMs: ages.medianAtLeastMs } : {}),
        byProcess: rows(l.snap, st, 'process', mine, before, rateOf),
        byPort: rows(l.snap, st, 'port', mine, before, rateOf),
        oldestSockets: oldest(l.snap, mine),
      };
    }
    return {
      schema: 'tcplens.watch/1', mode: l.exact ? 'exact' : 'polling', origin: this.origin, refresh: this.refreshes,
      takenAt: l.snap.takenAt, agesAt: l.agesAt, elapsedMs,
      total: l.sockets.length, states,
      flows: l.exact ? { exact: true, windowMs: l.exact.windowMs, edges: l.edges, ...(l.exact.lost ? { lowerBound: true } : {}) } : { exact: false, windowMs: elapsedMs, edges: l.edges },
      watched, growth: l.growth, findings: l.findings, cleared: l.cleared, tracked: this.tracker.size,
    };
  }

  /** Per-second rate of each group over the window (first to last refresh in it). */
  private rates(): (key: string) => number | undefined {
    const w = this.window;
    return (key) => windowRate(w, key);
  }

  private findings(s: HostSnapshot, at: number): { findings: FindingRow[]; cleared: WatchFrame['cleared'] } {
    const now = new Map<string, FindingRow>();
    for (const f of diagnoseText(s)) {
      const e = f.evidence;
      const key = [f.id, e.state ?? '', e.pid ?? e.process ?? '', e.localPort ?? e.destination ?? ''].join('|');
      if (now.has(key)) continue;
      const seen = this.findingsSeen.get(key);
      now.set(key, { id: f.id, severity: f.severity, key, summary: f.summary[this.lang], firstSeenAt: seen?.firstSeenAt ?? at, new: seen === undefined });
    }
    const cleared: WatchFrame['cleared'] = [];
    for (const [key, f] of this.findingsSeen) if (!now.has(key)) cleared.push({ id: f.id, key, summary: f.summary });
    this.findingsSeen = now;
    return { findings: [...now.values()], cleared };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function rows(s: HostSnapshot, st: WatchedState, by: 'process' | 'port', mine: SocketRecord[], before: SocketRecord[], rateOf: (key: string) => number | undefined): GroupRow[] {
  const listening = listeningPorts(s);
  const keyOf = (k: SocketRecord): { key: string; pid?: number; process?: string; port?: number } => {
    if (by === 'process') return processKey(s, k);
    const port = servicePort(listening, k);
    return { key: String(port), port };
  };
  const groups = new Map<string, { head: ReturnType<typeof keyOf>; socks: SocketRecord[] }>();
  for (const k of mine) {
    const head = keyOf(k);
    const g = groups.get(head.key);
    if (g) g.socks.push(k);
    else groups.set(head.key, { head, socks: [k] });
  }
  const beforeCount = new Map<string, number>();
  for (const k of before) { const key = keyOf(k).key; beforeCount.set(key, (beforeCount.get(key) ?? 0) + 1); }
  const out: GroupRow[] = [];
  for (const { head, socks } of groups.values()) {
    const ages = groupAges(socks);
    const rate = rateOf(`${st}|${by}|${head.key}`);
    out.push({
      ...head, count: socks.length, change: socks.length - (beforeCount.get(head.key) ?? 0),
      ...(rate !== undefined ? { ratePerSec: rate } : {}),
      ...(ages ? { oldest: ages.oldest, medianAtLeastMs: ages.medianAtLeastMs } : {}),
    });
  }
  return out.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key, 'en', { numeric: true })).slice(0, TOP_N);
}

function oldest(s: HostSnapshot, socks: SocketRecord[]): SocketView[] {
  return [...socks]
    .sort((a, b) => (b.ageRange?.atLeastMs ?? -1) - (a.ageRange?.atLeastMs ?? -1))
    .slice(0, TOP_N)
    .map((k) => {
      const o = ownerOf(s, k);
      const v: SocketView = { id: trackingKey(k), local: endpoint(k.localAddress, k.localPort), peer: endpoint(k.remoteAddress, k.remotePort) };
      if (o) { v.pid = o.pid; if (o.name !== undefined) v.process = o.name; }
      if (k.ageRange) v.ageRange = k.ageRange;
      return v;
    });
}
