// The host side of `tcplens serve`: one reader of one source (this host, a namespace, a capture
// folder) that every open page shares, and the aggregation that keeps the page light.
//
// Rules it keeps:
// - One read per interval however many pages are open; a read never overlaps the previous one (a
//   slow read of a big host delays the next, it does not pile up).
// - The page gets aggregates (counts, oldest ages, net flows per edge, findings) on every read; the
//   socket rows only on request, one page at a time, from an index per state (oldest first) built
//   when the first page of a read is asked for, so 200,000 sockets cost the page what twenty do
//   and a read nobody lists costs no sort.
// - A read that fails is reported to the pages and the previous read stays; nothing a host does ends
//   the server. A saved capture is read once: it does not change.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../../model/states.js';
import type { Text } from '../../i18n/lang.js';
import { AgeTracker, oldestPerState } from '../../diagnose/ages.js';
import { diagnoseText, missingEvidence } from '../../diagnose/diagnose.js';
import { endpoint } from '../../diagnose/facts.js';
import { stateCounts } from '../../diagnose/state-counts.js';
import type { Source } from '../source.js';
import { SourceError } from '../source-error.js';
import { PAGE_SIZE, type HostUpdate, type ServerEvent, type SocketPage, type SocketRow, type StateNode } from '../../web/messages.js';
import { parseSocketQuery, socketMatches, type SocketQuery } from './socket-query.js';

interface Indexed {
  takenAt: number;
  /** Every socket, oldest first within its state, states in RFC order. */
  byState: Map<TcpState, SocketRecord[]>;
  names: Map<number, string>;
}

export class HostFeed {
  private readonly tracker = new AgeTracker();
  private latest: HostUpdate | undefined;
  /** The latest read with its ages; indexed for the socket list on the first page asked of it. */
  private snap: HostSnapshot | undefined;
  private index: Indexed | undefined;
  private prevCounts: Record<TcpState, number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly listeners = new Set<(e: ServerEvent) => void>();
  private stopped = false;
  /** Server CPU time of each read and its aggregation (ms), for the benchmark. */
  readonly cpuMs: number[] = [];

  constructor(private readonly source: Source, private readonly intervalMs: number) {}

  /** The first read, then one every interval for a live source. */
  async start(): Promise<void> {
    await this.readOnce();
    if (this.stopped) return;
    if (this.source.live) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The last update (for a page that just connected). */
  current(): HostUpdate | undefined { return this.latest; }

  subscribe(fn: (e: ServerEvent) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /** One page of the sockets of the latest read, filtered. */
  page(state: TcpState | undefined, query: SocketQuery, page: number): SocketPage {
    if (!this.index && this.snap) this.index = indexSockets(this.snap);
    const ix = this.index;
    const out: SocketPage = { q: query.text, page, pageSize: PAGE_SIZE, total: 0, rows: [], takenAt: ix?.takenAt ?? 0, ...(state ? { state } : {}) };
    if (!ix) return out;
    const lists = state ? [ix.byState.get(state) ?? []] : TCP_STATES.map((s) => ix.byState.get(s) ?? []);
    const from = page * PAGE_SIZE;
    let n = 0;
    for (const list of lists) {
      for (const k of list) {
        if (!socketMatches(k, query, ix.names)) continue;
        if (n >= from && n < from + PAGE_SIZE) out.rows.push(row(k, ix.names));
        n++;
      }
    }
    out.total = n;
    return out;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.readOnce().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private readOnce(): Promise<void> {
    this.reading ??= this.read().finally(() => { this.reading = undefined; });
    return this.reading;
  }

  private async read(): Promise<void> {
    let snap: HostSnapshot;
    try {
      snap = await this.source.sample();
    } catch (err) {
      const text: Text = err instanceof SourceError ? err.text : { en: String(err instanceof Error ? err.message : err), zh: String(err instanceof Error ? err.message : err) };
      this.emit({ type: 'problem', text });
      return;
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const tracked = this.tracker.observe(snap);
    const sockets = tracked.sockets;
    const withAges: HostSnapshot = { ...snap, sockets };
    const counts = stateCounts(sockets);
    const oldest = oldestPerState(sockets);
    const prev = this.prevCounts;
    const states = {} as Record<TcpState, StateNode>;
    for (const s of TCP_STATES) {
      const o = oldest[s];
      states[s] = { count: counts[s], change: prev ? counts[s] - prev[s] : 0, ...(o ? { oldest: o } : {}) };
    }
    const windowMs = this.latest ? snap.takenAt - this.latest.takenAt : 0;
    const edges = tracked.flows.map((f) => ({ ...f, ...(windowMs > 0 ? { ratePerSec: Math.round((f.count / (windowMs / 1000)) * 1000) / 1000 } : {}) }));
    const findings = diagnoseText(withAges);
    this.snap = withAges;
    this.index = undefined;
    this.prevCounts = counts;
    const cpu = process.cpuUsage(cpu0);
    this.cpuMs.push((cpu.user + cpu.system) / 1000);
    this.latest = {
      type: 'host', read: tracked.read, origin: this.source.origin, live: this.source.live, takenAt: snap.takenAt,
      serverMs: Math.round(performance.now() - t0), total: sockets.length, states,
      flows: { exact: false, windowMs, edges }, findings, notes: missingEvidence(withAges),
    };
    this.emit(this.latest);
  }

  private emit(e: ServerEvent): void {
    for (const fn of this.listeners) fn(e);
  }
}

function ageKey(k: SocketRecord): number {
  return k.ageRange?.atLeastMs ?? k.ageMs ?? -1;
}

function indexSockets(s: HostSnapshot): Indexed {
  const byState = new Map<TcpState, SocketRecord[]>();
  for (const k of s.sockets) {
    let list = byState.get(k.state);
    if (!list) byState.set(k.state, list = []);
    list.push(k);
  }
  for (const list of byState.values()) list.sort((a, b) => ageKey(b) - ageKey(a) || a.localPort - b.localPort);
  const names = new Map<number, string>();
  for (const p of s.processes) if (p.name !== undefined) names.set(p.pid, p.name);
  return { takenAt: s.takenAt, byState, names };
}

export function ownerText(k: SocketRecord, names: Map<number, string>): string | undefined {
  if (!k.processes?.length) return undefined;
  return k.processes.map((p) => `${p.name ?? names.get(p.pid) ?? '?'}/${p.pid}`).join(',');
}

function row(k: SocketRecord, names: Map<number, string>): SocketRow {
  const owner = ownerText(k, names);
  const timer = k.timer && k.timer.kind !== 'off'
    ? `${k.timer.kind} ${(k.timer.remainingMs / 1000).toFixed(k.timer.remainingMs < 10_000 ? 1 : 0)}s${k.timer.retransmits ? ` ×${k.timer.retransmits}` : ''}`
    : undefined;
  const peer = k.state === 'LISTEN' && k.remotePort === 0 ? '*' : endpoint(k.remoteAddress, k.remotePort, k.remoteService);
  return {
    state: k.state, local: endpoint(k.localAddress, k.localPort, k.localService), peer,
    ...(k.recvQ !== undefined ? { recvQ: k.recvQ } : {}), ...(k.sendQ !== undefined ? { sendQ: k.sendQ } : {}),
    ...(timer ? { timer } : {}), ...(owner ? { owner } : {}), ...(k.ageRange ? { age: k.ageRange } : {}),
  };
}

export { parseSocketQuery };
