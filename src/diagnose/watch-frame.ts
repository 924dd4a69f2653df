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
// - A refresh may list every state but ESTABLISHED (a light read, `WatchExtras.light`; watch makes
//   one between full reads, which list everything, at most `FULL_READ_MS` apart): ESTABLISHED is
//   then counted from elsewhere (/proc/net/snmp's CurrEstab), and what needs ESTABLISHED's sockets
//   is the last full read's and says so — the findings of `NEEDS_ESTABLISHED` rules (`asOf`), the
//   ESTABLISHED part of ephemeral ports in use (`asOf` on the growth row), and `listing` says
//   which read this was. Nothing shown is older than the last full read, and never without its age.
// Pure: the caller (src/cli/commands/watch.ts) reads the host and the per-process fd limits.
import type { Lang } from '../i18n/lang.js';
import type { AgeRange, HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import { AgeTracker, groupAges, trackingKey, type FlowEnd, type GroupAges } from './ages.js';
import { diagnoseText } from './diagnose.js';
import { RULES } from './rules/index.js';
import { endpoint, inState, ownerOf } from './facts.js';
import { RULE_IDS, SEVERITY_RANK, type RuleId, type Severity } from './finding.js';
import type { Flow } from './ages.js';
import { groupCounts, groupWatched, growthRows, WATCHED_STATES, windowRate, type FdUse, type Group, type GrowthPoint, type GrowthRow, type StateGroups, type WatchedState } from './growth.js';
import { zeroCounts } from './state-counts.js';

export { WATCHED_STATES, type GrowthRow, type WatchedState };
/** Refreshes a rate is measured over. */
export const GROWTH_WINDOW = 6;
/** Rows per table and oldest sockets per state kept in a frame. */
export const TOP_N = 10;
/** A light read's findings, counts and flows are exact for every state it lists; the others are at most this old. */
export const FULL_READ_MS = 60_000;
/**
 * Rules that read ESTABLISHED sockets: idle and keepalive-less connections, and ports in use per
 * destination (TIME-WAIT and ESTABLISHED toward it, time_wait_pressure). A light read keeps their
 * findings from the last full read.
 */
export const NEEDS_ESTABLISHED: readonly RuleId[] = ['idle_established', 'keepalive_defaults', 'time_wait_pressure'];
const RULE_ORDER = new Map(RULES.map((r, i) => [r.id, i]));
/** The rules a light read runs: every other one. */
const LIGHT_RULES: readonly RuleId[] = RULE_IDS.filter((id) => !NEEDS_ESTABLISHED.includes(id));

export interface StateRow { count: number; change: number; ratePerSec?: number }

/** `windowMs`: only where the edge's window is not the frame's (a state the previous read did not list: since the last read that did). */
export interface Edge { from: FlowEnd; to: FlowEnd; count: number; ratePerSec?: number; windowMs?: number }

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
  /** From the last full read, taken at this instant (a `NEEDS_ESTABLISHED` rule at a light read). */
  asOf?: number;
}

/**
 * What a refresh listed. `full`: every state. Otherwise every state but `unlisted` (ESTABLISHED),
 * whose count came from `countedFrom`; `fullAt` is when the last full read was taken.
 */
export interface Listing { full: boolean; fullAt: number; unlisted?: TcpState[]; countedFrom?: 'Tcp:CurrEstab' }

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
  /**
   * Net flows between reads (polling), or every transition the kernel reported (exact; `lowerBound`
   * when events were lost). `unlisted`: states this read or the one before did not list, so in
   * polling a 'new' socket may have come from one of them, and a 'gone' one gone into it.
   */
  flows: { exact: boolean; windowMs: number; edges: Edge[]; lowerBound?: boolean; unlisted?: TcpState[] };
  watched: Record<WatchedState, WatchedRow>;
  growth: GrowthRow[];
  findings: FindingRow[];
  cleared: Array<{ id: RuleId; key: string; summary: string }>;
  /** Sockets the tracker follows (its memory is proportional). */
  tracked: number;
  /** Whether this refresh listed every state (see `Listing`). */
  listing: Listing;
}

/** What only the Node layer can read: per-process fd limit and open fds (`/proc/PID/limits`, `/proc/PID/fd`). */
export interface WatchExtras {
  fds?: FdUse;
  /**
   * Every transition the kernel reported since the previous refresh (exact mode): replaces the net
   * flows the reads imply, and the frame says `mode: 'exact'`.
   */
  exact?: { edges: Array<{ from: TcpState; to: TcpState; count: number }>; windowMs: number; lost: boolean };
  /**
   * A light read: the snapshot lists every state but `unlisted`, counted instead (`counts`, from
   * `countedFrom`). Without it the snapshot lists every state.
   */
  light?: { unlisted: TcpState[]; counts: Partial<Record<TcpState, number>>; countedFrom: 'Tcp:CurrEstab' };
}

export interface FrameFilter { port?: number }

const UNAGED: ReadonlySet<TcpState> = new Set<TcpState>(['ESTABLISHED']);

/** One refresh's state counts, and its watched states' sockets grouped by owner and by port (growth.ts). */
interface ReadIndex { counts: Record<TcpState, number>; watched: Record<WatchedState, StateGroups> }

function indexRead(s: HostSnapshot, sockets: readonly SocketRecord[]): ReadIndex {
  const counts = zeroCounts();
  for (const k of sockets) counts[k.state]++;
  return { counts, watched: groupWatched(s, sockets) };
}

interface LastRefresh {
  snap: HostSnapshot;
  listing: Listing;
  unlistedFlows?: TcpState[];
  sockets: SocketRecord[];
  index: ReadIndex;
  agesAt: number;
  edges: Edge[];
  findings: FindingRow[];
  cleared: WatchFrame['cleared'];
  growth: GrowthRow[];
  prev?: PrevRefresh;
  exact?: { windowMs: number; lost: boolean };
}

interface PrevRefresh { at: number; index: ReadIndex; unlisted?: TcpState[] }

/** What the last full read knew that a light read does not list. */
interface LastFull {
  takenAt: number;
  /** The findings of `NEEDS_ESTABLISHED` rules. */
  findings: FindingRow[];
  /** Ephemeral ports in use per destination by ESTABLISHED sockets (`ports|…` groups). */
  establishedPorts: Map<string, number>;
}

/**
 * Per refresh the work is linear in the sockets read, with one pass each for ages, the per-state
 * index, the growth groups and the rules' indexes (facts.ts), and the per-group work only over
 * the watched states. The snapshot handed to `refresh` is the session's from then on: ages are
 * written into its records rather than into copies.
 */
export class WatchSession {
  // Ages for what a frame shows and the rules read: not for ESTABLISHED, LISTEN or CLOSED.
  private tracker = new AgeTracker({ inPlace: true, unaged: UNAGED });
  private refreshes = 0;
  private prev?: PrevRefresh;
  private window: GrowthPoint[] = [];
  private findingsSeen = new Map<string, FindingRow>();
  private history: NonNullable<HostSnapshot['history']> = [];
  private last?: LastRefresh;
  private lastFull?: LastFull;

  constructor(private readonly origin: string, private readonly lang: Lang = 'en') {}

  /** One refresh: the snapshot just read, in order after the previous one (its records get their ages). */
  refresh(snap: HostSnapshot, extras: WatchExtras = {}, filter: FrameFilter = {}): WatchFrame {
    const light = extras.light;
    // What a light read leaves out is carried from the last full read: there must be one.
    if (light && !this.lastFull) throw new Error('WatchSession: the first refresh must list every state (no `light`)');
    const unlisted = light?.unlisted;
    const listed = unlisted ? new Set(TCP_STATES.filter((st) => !unlisted.includes(st))) : undefined;
    const tracked = this.tracker.observe(snap, listed);
    this.refreshes++;
    const prev = this.prev;
    const elapsedMs = prev ? tracked.agesAt - prev.at : 0;
    const ex = extras.exact;
    const windowMs = ex ? ex.windowMs : elapsedMs;
    const edges: Edge[] = ex ? ex.edges.map((f) => withRate(f, windowMs)) : tracked.flows.map((f) => flowEdge(f, tracked.agesAt, windowMs));
    const withHistory: HostSnapshot = { ...snap, sockets: tracked.sockets, ...(this.history.length ? { history: [...this.history] } : {}) };
    const index = indexRead(withHistory, tracked.sockets);
    if (light) for (const st of light.unlisted) index.counts[st] = light.counts[st] ?? 0;
    const { findings, cleared } = this.findings(withHistory, snap.takenAt, light !== undefined);
    const groups = groupCounts(withHistory, tracked.sockets, index.watched);
    if (light && this.lastFull) {
      for (const [k, n] of this.lastFull.establishedPorts) groups.set(k, (groups.get(k) ?? 0) + n);
    } else {
      this.lastFull = { takenAt: snap.takenAt, findings: findings.filter((f) => NEEDS_ESTABLISHED.includes(f.id)), establishedPorts: establishedPorts(withHistory, index) };
    }
    this.window.push({ at: tracked.agesAt, groups });
    if (this.window.length > GROWTH_WINDOW) this.window.shift();
    const fullAt = this.lastFull.takenAt;
    let growth = growthRows(withHistory, this.window, extras.fds);
    if (light) growth = growth.map((g) => (g.what === 'ephemeral-ports' ? { ...g, asOf: fullAt } : g));
    const listing: Listing = light ? { full: false, fullAt, unlisted: [...light.unlisted], countedFrom: light.countedFrom } : { full: true, fullAt };
    const unlistedFlows = [...new Set([...(prev?.unlisted ?? []), ...(unlisted ?? [])])];
    this.last = {
      snap: withHistory, listing, ...(unlistedFlows.length ? { unlistedFlows } : {}), sockets: tracked.sockets, index, agesAt: tracked.agesAt, edges, findings, cleared, growth,
      ...(prev ? { prev } : {}), ...(ex ? { exact: { windowMs, lost: ex.lost } } : {}),
    };
    const frame = this.frame(filter);
    this.prev = { at: tracked.agesAt, index, ...(unlisted ? { unlisted } : {}) };
    this.history.push({ takenAt: snap.takenAt, stateCounts: index.counts, counters: { ...snap.counters } });
    if (this.history.length > GROWTH_WINDOW) this.history.shift();
    return frame;
  }

  /** The latest refresh again under another filter (a key pressed between refreshes). */
  frame(filter: FrameFilter = {}): WatchFrame {
    const l = this.last;
    if (!l) throw new Error('WatchSession.frame before the first refresh');
    const prev = l.prev;
    const counts = l.index.counts;
    const elapsedMs = prev ? l.agesAt - prev.at : 0;
    const states = {} as Record<TcpState, StateRow>;
    for (const st of TCP_STATES) {
      const change = prev ? counts[st] - prev.index.counts[st] : 0;
      states[st] = elapsedMs > 0 ? { count: counts[st], change, ratePerSec: round(change / (elapsedMs / 1000)) } : { count: counts[st], change };
    }
    const rateOf = this.rates();
    const port = filter.port;
    // A port filter groups the kept sockets again (a key pressed between refreshes); else the refresh's own groups.
    const keep = (xs: SocketRecord[]): SocketRecord[] => xs.filter((k) => k.localPort === port || k.remotePort === port);
    const now = port === undefined ? l.index.watched : groupWatched(l.snap, WATCHED_STATES.flatMap((st) => keep(l.index.watched[st].socks)));
    const then = !prev ? undefined : port === undefined ? prev.index.watched : groupWatched(l.snap, WATCHED_STATES.flatMap((st) => keep(prev.index.watched[st].socks)));
    const watched = {} as Record<WatchedState, WatchedRow>;
    for (const st of WATCHED_STATES) {
      const mine = now[st].socks;
      const ages = groupAges(mine);
      watched[st] = {
        count: mine.length,
        ...(ages ? { oldest: ages.oldest, medianAtLeastMs: ages.medianAtLeastMs } : {}),
        byProcess: rows(st, 'process', now[st].byProcess, then?.[st].byProcess, rateOf, mine.length, ages),
        byPort: rows(st, 'port', now[st].byPort, then?.[st].byPort, rateOf, mine.length, ages),
        oldestSockets: oldest(l.snap, mine),
      };
    }
    return {
      schema: 'tcplens.watch/1', mode: l.exact ? 'exact' : 'polling', origin: this.origin, refresh: this.refreshes,
      takenAt: l.snap.takenAt, agesAt: l.agesAt, elapsedMs,
      total: TCP_STATES.reduce((n, st) => n + counts[st], 0), states,
      flows: l.exact ? { exact: true, windowMs: l.exact.windowMs, edges: l.edges, ...(l.exact.lost ? { lowerBound: true } : {}) }
        : { exact: false, windowMs: elapsedMs, edges: l.edges, ...(l.unlistedFlows ? { unlisted: l.unlistedFlows } : {}) },
      watched, growth: l.growth, findings: l.findings, cleared: l.cleared, tracked: this.tracker.size, listing: l.listing,
    };
  }

  /** Per-second rate of each group over the window (first to last refresh in it). */
  private rates(): (key: string) => number | undefined {
    const w = this.window;
    return (key) => windowRate(w, key);
  }

  /** The doctor's findings; at a light read, those of rules that need ESTABLISHED are the last full read's. */
  private findings(s: HostSnapshot, at: number, light: boolean): { findings: FindingRow[]; cleared: WatchFrame['cleared'] } {
    const now = new Map<string, FindingRow>();
    const carried = light ? this.lastFull : undefined;
    if (carried) {
      for (const f of carried.findings) {
        const seen = this.findingsSeen.get(f.key);
        now.set(f.key, { ...f, firstSeenAt: seen?.firstSeenAt ?? f.firstSeenAt, new: seen === undefined, asOf: carried.takenAt });
      }
    }
    for (const f of diagnoseText(s, carried ? { only: [...LIGHT_RULES] } : {})) {
      const e = f.evidence;
      const key = [f.id, e.state ?? '', e.pid ?? e.process ?? '', e.localPort ?? e.destination ?? ''].join('|');
      if (now.has(key)) continue;
      const seen = this.findingsSeen.get(key);
      now.set(key, { id: f.id, severity: f.severity, key, summary: f.summary[this.lang], firstSeenAt: seen?.firstSeenAt ?? at, new: seen === undefined });
    }
    const cleared: WatchFrame['cleared'] = [];
    for (const [key, f] of this.findingsSeen) if (!now.has(key)) cleared.push({ id: f.id, key, summary: f.summary });
    this.findingsSeen = now;
    const list = [...now.values()];
    // Carried and fresh findings in the doctor's order: severity, then the rule table's order.
    if (carried) list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (RULE_ORDER.get(a.id) ?? 0) - (RULE_ORDER.get(b.id) ?? 0));
    return { findings: list, cleared };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function withRate(f: { from: FlowEnd; to: FlowEnd; count: number }, windowMs: number): Edge {
  return { from: f.from, to: f.to, count: f.count, ...(windowMs > 0 ? { ratePerSec: round(f.count / (windowMs / 1000)) } : {}) };
}

/** A polled flow as an edge; one into or out of a state the previous read did not list has its own, longer window. */
function flowEdge(f: Flow, agesAt: number, windowMs: number): Edge {
  if (f.sinceAt === undefined) return withRate(f, windowMs);
  const own = agesAt - f.sinceAt;
  return { ...withRate(f, own), windowMs: own };
}

/** Ephemeral ports in use per destination by ESTABLISHED sockets alone (growth.ts's `ports|` groups). */
function establishedPorts(s: HostSnapshot, index: ReadIndex): Map<string, number> {
  if (index.counts.ESTABLISHED === 0) return new Map();
  const out = new Map<string, number>();
  for (const [k, n] of groupCounts(s, inState(s, 'ESTABLISHED'))) if (k.startsWith('ports|')) out.set(k, n);
  return out;
}

function rows(st: WatchedState, by: 'process' | 'port', groups: Map<string, Group>, before: Map<string, Group> | undefined, rateOf: (key: string) => number | undefined,
  stateCount: number, stateAges: GroupAges | undefined): GroupRow[] {
  // Only the TOP_N largest get their ages (a sort each): the rest are not shown.
  const top = [...groups.values()].sort((a, b) => b.socks.length - a.socks.length || a.key.localeCompare(b.key, 'en', { numeric: true })).slice(0, TOP_N);
  return top.map((g) => {
    // A group holding every socket of the state (one process, one port) has the state's ages.
    const ages = g.socks.length === stateCount ? stateAges : groupAges(g.socks);
    const rate = rateOf(`${st}|${by}|${g.key}`);
    const n = g.socks.length;
    return {
      key: g.key, ...(g.pid !== undefined ? { pid: g.pid } : {}), ...(g.process !== undefined ? { process: g.process } : {}), ...(g.port !== undefined ? { port: g.port } : {}),
      count: n, change: n - (before?.get(g.key)?.socks.length ?? 0),
      ...(rate !== undefined ? { ratePerSec: rate } : {}),
      ...(ages ? { oldest: ages.oldest, medianAtLeastMs: ages.medianAtLeastMs } : {}),
    };
  });
}

function oldest(s: HostSnapshot, socks: SocketRecord[]): SocketView[] {
  return topByAge(socks, TOP_N)
    .map((k) => {
      const o = ownerOf(s, k);
      const v: SocketView = { id: trackingKey(k), local: endpoint(k.localAddress, k.localPort), peer: endpoint(k.remoteAddress, k.remotePort) };
      if (o) { v.pid = o.pid; if (o.name !== undefined) v.process = o.name; }
      if (k.ageRange) v.ageRange = k.ageRange;
      return v;
    });
}

/** The `n` oldest sockets by lower bound, oldest first, ties in listing order (a stable sort's first n), without sorting them all. */
function topByAge(socks: readonly SocketRecord[], n: number): SocketRecord[] {
  const lo = (k: SocketRecord): number => k.ageRange?.atLeastMs ?? -1;
  const top: SocketRecord[] = [];
  for (const k of socks) {
    const v = lo(k);
    if (top.length === n && v <= lo(top[n - 1])) continue;
    let i = top.length;
    while (i > 0 && lo(top[i - 1]) < v) i--;
    top.splice(i, 0, k);
    if (top.length > n) top.pop();
  }
  return top;
}
