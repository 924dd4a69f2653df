// The series `tcplens exporter` serves, filled from one read per namespace per scrape.
//
// Two kinds of read, one set of series:
// - The netlink dump as columns (packed-read.ts), wherever the addon can answer: every count,
//   breakdown and age is read from the columns (packed-counts.ts, packed-ages.ts) without an object
//   per socket, which is what keeps a scrape of 200,000 sockets under node_exporter's cost. The
//   doctor's findings need whole SocketRecords: they are evaluated on the full snapshot of that
//   dump at the first scrape and then at most once a minute (FINDINGS_EVERY_MS), and served from
//   that evaluation in between, with tcplens_findings_age_seconds saying how old they are.
// - A HostSnapshot (/proc: no addon, TCPLENS_NO_NATIVE=1, or the dump failed): the typed API
//   (stateCounts, the breakdowns of diagnose/state-breakdown.ts, diagnose()) at every scrape.
// - The node_exporter signals (`*_tcp_connection_states`, `*_netstat_Tcp*`, `*_sockstat_TCP_*`)
//   carry the `tcplens_` prefix, or node_exporter's own `node_` with `nodeNames`, so the two can run
//   side by side or one can stand in for the other. The netstat and sockstat values are gauges, as
//   node_exporter exposes them (untyped there), under the kernel's own field names.
// - Every series has a `netns` label: "" for the exporter's own namespace, else the namespace name.
// - State label values are the RFC 9293 names (`CLOSE-WAIT`), as everywhere in tcplens.
// - Gauges are reset before each fill, so a port, process or finding that went away leaves no
//   stale series behind.
// - Time in state: Linux records no entry time for most states, so the exporter follows sockets from
//   one scrape to the next (diagnose/ages.ts, one tracker per namespace): a socket's age is a lower
//   bound, the time since the first scrape that saw it in its state (state-ages.ts). TIME-WAIT's
//   comes from its timer instead (exact from the first scrape, and 100,000 TIME-WAIT entries need
//   no following).
//   Sockets present at the exporter's first scrape have no age until the next; those that appeared
//   since the previous scrape count as younger than one interval. Exported as the oldest per state
//   and as a histogram per state and per process (age-histogram.ts).
import { Counter, Gauge, Registry } from 'prom-client';
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../../model/states.js';
import { stateCounts } from '../../diagnose/state-counts.js';
import { diagnose } from '../../diagnose/diagnose.js';
import { osOf, socketAgeMs } from '../../diagnose/facts.js';
import {
  ephemeralUseByDestination, listenQueues, stateCountsByPort, stateCountsByProcess,
  type CappedCounts, type DestinationUse, type ListenQueue, type ProcessKey,
} from '../../diagnose/state-breakdown.js';
import type { Finding } from '../../diagnose/finding.js';
import { AgeHistogram, type AgeSeries } from './age-histogram.js';
import { StateAges } from './state-ages.js';
import { PackedAges } from './packed-ages.js';
import { packedCounts } from './packed-counts.js';
import type { PackedRead } from './packed-read.js';

/** Which per-group breakdowns to export (`--labels`); none of them is host-wide only. */
export type LabelSet = 'port' | 'process' | 'destination';
export const LABEL_SETS: readonly LabelSet[] = ['port', 'process', 'destination'];

export interface MetricOptions {
  /** node_exporter's names (`node_…`) for the signals it also has; tcplens_ otherwise. */
  nodeNames: boolean;
  labels: ReadonlySet<LabelSet>;
  /** Keys kept per breakdown (ports, processes, destinations); the rest fold into `other`. */
  top: number;
  /**
   * How often the doctor's findings are evaluated again on a netlink read (ms, default
   * FINDINGS_EVERY_MS); counts, breakdowns and ages are fresh at every scrape regardless.
   */
  findingsEveryMs?: number;
}

/** The /proc/net/snmp and /proc/net/netstat counters that bear on connection states. */
export const NETSTAT_COUNTERS = [
  'Tcp:ActiveOpens', 'Tcp:PassiveOpens', 'Tcp:CurrEstab', 'Tcp:AttemptFails', 'Tcp:EstabResets',
  'TcpExt:ListenOverflows', 'TcpExt:ListenDrops', 'TcpExt:TCPTimeWaitOverflow', 'TcpExt:TW', 'TcpExt:TWRecycled', 'TcpExt:TWKilled',
  'TcpExt:TCPAbortOnData', 'TcpExt:TCPAbortOnClose', 'TcpExt:TCPAbortOnMemory', 'TcpExt:TCPAbortOnTimeout',
  'TcpExt:TCPAbortOnLinger', 'TcpExt:TCPAbortFailed',
  'TcpExt:SyncookiesSent', 'TcpExt:SyncookiesRecv', 'TcpExt:SyncookiesFailed',
  'TcpExt:TCPReqQFullDrop', 'TcpExt:TCPReqQFullDoCookies',
] as const;

const SOCKSTAT_FIELDS = ['inuse', 'orphan', 'tw', 'alloc', 'mem'] as const;

/** The sysctls the alert rules compare against, as `tcplens_sysctl_<dotted name with _>`. */
export const EXPORTED_SYSCTLS = [
  'net.ipv4.tcp_max_orphans', 'net.ipv4.tcp_max_tw_buckets', 'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_max_syn_backlog', 'net.core.somaxconn',
] as const;

/**
 * One namespace's read for one scrape: the netlink dump as columns (`packed`, with `findings` true
 * when this scrape re-evaluates the doctor's findings), a snapshot (/proc), or why there is none.
 */
export interface NamespaceRead { netns: string; snapshot?: HostSnapshot; packed?: PackedRead & { findings: boolean }; error?: unknown; durationMs: number }

/**
 * How often a netlink read re-evaluates the doctor's findings. They need one SocketRecord per
 * socket (the rules read whole sockets), which at 200,000 sockets costs more CPU than everything
 * else in a scrape; the counts come from the columns at every scrape, the findings at most once a
 * minute and are served from that evaluation in between (tcplens_findings_age_seconds says how old).
 */
export const FINDINGS_EVERY_MS = 60_000;

/** What the per-group series are filled from (the snapshot's breakdowns or the columns'). */
interface Breakdowns {
  byPort?: CappedCounts<number>;
  queues?: ListenQueue[];
  byProcess?: CappedCounts<ProcessKey>;
  use: { range: { size: number }; top: DestinationUse[]; foldedGroups: number; foldedSockets: number };
}

/** The kept processes' age series (by pid number, -1 for no owner) and the "other" one. */
interface ProcessGroups { kept: Map<number, ProcessGroup>; other: ProcessGroup }

const OTHER = 'other';

/** A top process (or `other`) and its age histogram series per state, made as its sockets are met. */
interface ProcessGroup { key: string; comm: string; pid: string; series: Map<TcpState, AgeSeries> }

function netstatName(prefix: string, key: string): string {
  const [group, field] = key.split(':');
  return `${prefix}_netstat_${group}_${field}`;
}

export class ExporterMetrics {
  readonly registry = new Registry();
  private readonly gauges: Gauge[] = [];
  private readonly states: Gauge;
  private readonly netstat = new Map<string, Gauge>();
  private readonly sockstat = new Map<(typeof SOCKSTAT_FIELDS)[number], Gauge>();
  private readonly sysctls = new Map<string, Gauge>();
  private readonly byPort: Gauge;
  private readonly byProcess: Gauge;
  private readonly folded: Gauge;
  private readonly foldedSockets: Gauge;
  private readonly ephemeralUsed: Gauge;
  private readonly ephemeralRange: Gauge;
  private readonly queueLength: Gauge;
  private readonly queueLimit: Gauge;
  private readonly oldestAge: Gauge;
  private readonly ageByState: AgeHistogram;
  private readonly ageByProcess: AgeHistogram;
  /** Sockets followed across scrapes, per namespace, for their time in state. */
  private readonly trackers = new Map<string, StateAges | PackedAges>();
  /** The findings of the last evaluation per namespace, and the read time it was made at. */
  private readonly findings = new Map<string, Finding[]>();
  private readonly findingsAt = new Map<string, number>();
  private readonly finding: Gauge;
  private readonly findingsAge: Gauge;
  private readonly up: Gauge;
  private readonly duration: Gauge;
  private readonly errors: Counter;

  constructor(private readonly opts: MetricOptions) {
    const compat = opts.nodeNames ? 'node' : 'tcplens';
    const g = (name: string, help: string, labelNames: string[] = []): Gauge => {
      const gauge = new Gauge({ name, help, labelNames: ['netns', ...labelNames], registers: [this.registry] });
      this.gauges.push(gauge);
      return gauge;
    };
    this.states = g(`${compat}_tcp_connection_states`, 'TCP sockets per state (RFC 9293 names), as node_exporter\'s tcpstat collector counts them.', ['state']);
    for (const key of NETSTAT_COUNTERS) {
      this.netstat.set(key, g(netstatName(compat, key), `Statistic ${key.replace(':', '')} from /proc/net/${key.startsWith('TcpExt:') ? 'netstat' : 'snmp'} (cumulative since boot, per namespace).`));
    }
    for (const f of SOCKSTAT_FIELDS) {
      this.sockstat.set(f, g(`${compat}_sockstat_TCP_${f}`, `Number of TCP sockets in state ${f} from /proc/net/sockstat${f === 'mem' ? ' (pages)' : ''}.`));
    }
    for (const name of EXPORTED_SYSCTLS) {
      this.sysctls.set(name, g(`tcplens_sysctl_${name.replace(/\./g, '_')}`, `The sysctl ${name}.`));
    }
    this.byPort = g('tcplens_port_connection_states', 'Server-side TCP sockets per state by the local listening port they belong to (top ports; the rest as port="other").', ['port', 'state']);
    this.byProcess = g('tcplens_process_connection_states', 'TCP sockets per state by owning process (top processes; the rest as comm="other"; sockets no process holds as comm="", pid="").', ['comm', 'pid', 'state']);
    this.folded = g('tcplens_folded_groups', 'Ports, processes or destinations folded into "other" by the --top cap.', ['by']);
    this.foldedSockets = g('tcplens_folded_sockets', 'Sockets counted under "other" by the --top cap.', ['by']);
    this.ephemeralUsed = g('tcplens_ephemeral_ports_used', 'Local ports from ip_local_port_range held toward one destination (ip:port), any state (top destinations).', ['destination']);
    this.ephemeralRange = g('tcplens_ephemeral_port_range_size', 'Ports in net.ipv4.ip_local_port_range: how many connections one source address can hold to one destination.');
    this.queueLength = g('tcplens_listen_queue_length', 'Connections waiting in a listener\'s accept queue (Recv-Q of a LISTEN socket).', ['address', 'port']);
    this.queueLimit = g('tcplens_listen_queue_limit', 'A listener\'s accept-queue limit (backlog, capped by somaxconn), where the source shows it (ss; not /proc).', ['address', 'port']);
    this.oldestAge = g('tcplens_state_oldest_age_seconds', 'Time in state of the oldest socket per state, where known: a lower bound since the first scrape that saw it in that state (TIME-WAIT: 60 s minus its timer).', ['state']);
    this.ageByState = new AgeHistogram('tcplens_state_age_seconds', 'Sockets in each state now by time in state (a snapshot rebuilt each scrape: use histogram_quantile without rate); sockets of unknown age are left out, so _count can be below the state count.', this.registry);
    this.ageByProcess = new AgeHistogram('tcplens_process_state_age_seconds', 'As tcplens_state_age_seconds, per owning process (the same top processes as tcplens_process_connection_states, the rest as comm="other").', this.registry);
    this.finding = g('tcplens_finding', 'Problems tcplens doctor finds (1 while one holds), by rule id, severity and what it is about; re-evaluated at most once a minute when the sockets are read through netlink (tcplens_findings_age_seconds says how long ago), at every scrape otherwise.', ['id', 'severity', 'state', 'process', 'port', 'destination']);
    this.findingsAge = g('tcplens_findings_age_seconds', 'How long ago the findings in tcplens_finding were evaluated (0: at this scrape); at most about a minute.');
    this.up = g('tcplens_up', '1 when the namespace could be read in this scrape, 0 when not.');
    this.duration = g('tcplens_scrape_duration_seconds', 'Time this scrape took to read the namespace (seconds).');
    this.errors = new Counter({ name: 'tcplens_scrape_errors_total', help: 'Reads of a namespace that failed (namespace gone, /proc unreadable), since the exporter started.', labelNames: ['netns'], registers: [this.registry] });
  }

  /** Replaces every gauge with this scrape's reads. */
  fill(reads: readonly NamespaceRead[]): void {
    for (const gauge of this.gauges) gauge.reset();
    this.ageByState.reset();
    this.ageByProcess.reset();
    // A namespace gone or unreadable starts afresh: its sockets are not the ones followed before.
    for (const n of [...this.trackers.keys()]) if (!reads.some((r) => r.netns === n && (r.snapshot || r.packed))) this.trackers.delete(n);
    for (const n of [...this.findings.keys()]) if (!reads.some((r) => r.netns === n && r.packed)) { this.findings.delete(n); this.findingsAt.delete(n); }
    for (const r of reads) {
      const netns = r.netns;
      this.duration.set({ netns }, r.durationMs / 1000);
      this.errors.inc({ netns }, 0);
      if (r.packed) {
        this.up.set({ netns }, 1);
        this.fillPacked(netns, r.packed);
        continue;
      }
      if (!r.snapshot) {
        this.up.set({ netns }, 0);
        this.errors.inc({ netns });
        continue;
      }
      this.up.set({ netns }, 1);
      this.fillOne(netns, r.snapshot);
    }
  }

  /** A snapshot read (/proc, or no addon): every count from its SocketRecords, the rules on it. */
  private fillOne(netns: string, s: HostSnapshot): void {
    this.fillHost(netns, s, stateCounts(s.sockets));
    const { labels, top } = this.opts;
    const groups = this.fillBreakdowns(netns, {
      ...(labels.has('port') ? { byPort: stateCountsByPort(s, top), queues: listenQueues(s) } : {}),
      ...(labels.has('process') ? { byProcess: stateCountsByProcess(s, top) } : {}),
      use: ephemeralUseByDestination(s, labels.has('destination') ? top : 0),
    });
    const ages = this.ageFill(netns, groups);
    const os = osOf(s);
    const followed: SocketRecord[] = [];
    for (const k of s.sockets) {
      if (k.state === 'LISTEN' || k.state === 'CLOSED') continue;
      const own = k.ageMs ?? (k.state === 'TIME-WAIT' ? socketAgeMs(k, os) : undefined);
      if (own !== undefined) ages.seen(k.state, own, k.processes?.[0]?.pid ?? -1);
      else followed.push(k);
    }
    let tracker = this.trackers.get(netns);
    if (!(tracker instanceof StateAges)) { tracker = new StateAges(); this.trackers.set(netns, tracker); }
    tracker.observe(followed, Math.max(s.takenAt, s.readDoneAt ?? s.takenAt), (k, ms) => ages.seen(k.state, ms, k.processes?.[0]?.pid ?? -1));
    ages.finish();
    this.setFindings(netns, diagnose(s), 0);
  }

  /**
   * A netlink read as columns (packed-read.ts): the counts, breakdowns and ages from the columns
   * without an object per socket; the findings from the full snapshot only when `r.findings` says
   * this scrape evaluates them (findingsDue), else the last ones again.
   */
  private fillPacked(netns: string, r: PackedRead & { findings: boolean }): void {
    const s = r.host;
    const { labels, top } = this.opts;
    const c = packedCounts(r, { port: labels.has('port'), process: labels.has('process'), destination: labels.has('destination'), top });
    this.fillHost(netns, s, c.states);
    const groups = this.fillBreakdowns(netns, c);
    const ages = this.ageFill(netns, groups);
    let tracker = this.trackers.get(netns);
    if (!(tracker instanceof PackedAges)) { tracker = new PackedAges(); this.trackers.set(netns, tracker); }
    const p = r.sockets;
    const owner = c.ownerPid;
    tracker.observe(r, Math.max(s.takenAt, s.readDoneAt ?? s.takenAt), (i, ms) => ages.seen(p.state(i)!, ms, owner ? owner[i] : -1));
    ages.finish();
    if (r.findings || !this.findings.has(netns)) {
      this.findingsAt.set(netns, s.takenAt);
      this.findings.set(netns, diagnose(r.snapshot()));
    }
    this.setFindings(netns, this.findings.get(netns) ?? [], Math.max(0, s.takenAt - (this.findingsAt.get(netns) ?? s.takenAt)));
  }

  /**
   * True when a netlink read of `netns` at `now` should evaluate the doctor's findings (and ask
   * the kernel for the tcp_info they use): at the first scrape and once FINDINGS_EVERY_MS has passed.
   */
  findingsDue(netns: string, now: number): boolean {
    const at = this.findingsAt.get(netns);
    return at === undefined || !this.findings.has(netns) || now - at >= (this.opts.findingsEveryMs ?? FINDINGS_EVERY_MS);
  }

  /** True once a netlink read of `netns` has evaluated the findings (they can be served again). */
  findingsKnown(netns: string): boolean {
    return this.findings.has(netns);
  }

  /** The host-wide series: states, the kernel's counters, sockstat and the sysctls. */
  private fillHost(netns: string, s: HostSnapshot, counts: Record<TcpState, number>): void {
    for (const st of TCP_STATES) this.states.set({ netns, state: st }, counts[st]);
    for (const [key, gauge] of this.netstat) {
      const v = s.counters[key];
      if (v !== undefined) gauge.set({ netns }, v);
    }
    for (const [f, gauge] of this.sockstat) {
      const v = s.sockstat?.[f];
      if (v !== undefined) gauge.set({ netns }, v);
    }
    for (const [name, gauge] of this.sysctls) {
      const v = Number(s.sysctls[name]);
      if (s.sysctls[name] !== undefined && Number.isFinite(v)) gauge.set({ netns }, v);
    }
  }

  /** The per-port, per-process and per-destination series; the kept processes for the age histograms. */
  private fillBreakdowns(netns: string, b: Breakdowns): ProcessGroups | undefined {
    const { labels } = this.opts;
    if (b.byPort) {
      const by = b.byPort;
      for (const grp of by.top) this.setStates(this.byPort, { netns, port: String(grp.key) }, grp.counts);
      if (by.other) this.setStates(this.byPort, { netns, port: OTHER }, by.other);
      this.folded.set({ netns, by: 'port' }, by.foldedGroups);
      this.foldedSockets.set({ netns, by: 'port' }, by.foldedSockets);
    }
    for (const q of b.queues ?? []) {
      this.queueLength.set({ netns, address: q.address, port: String(q.port) }, q.queued);
      if (q.limit !== undefined) this.queueLimit.set({ netns, address: q.address, port: String(q.port) }, q.limit);
    }
    let groups: ProcessGroups | undefined;
    if (b.byProcess) {
      const by = b.byProcess;
      for (const grp of by.top) this.setStates(this.byProcess, { netns, comm: grp.key.comm, pid: grp.key.pid === undefined ? '' : String(grp.key.pid) }, grp.counts);
      if (by.other) this.setStates(this.byProcess, { netns, comm: OTHER, pid: OTHER }, by.other);
      this.folded.set({ netns, by: 'process' }, by.foldedGroups);
      this.foldedSockets.set({ netns, by: 'process' }, by.foldedSockets);
      // Keyed by the pid as a number (-1: no owner): no string per socket.
      const kept = new Map<number, ProcessGroup>();
      for (const grp of by.top) {
        const pid = grp.key.pid === undefined ? '' : String(grp.key.pid);
        kept.set(grp.key.pid ?? -1, { key: pid, comm: grp.key.comm, pid, series: new Map() });
      }
      groups = { kept, other: { key: OTHER, comm: OTHER, pid: OTHER, series: new Map() } };
    }
    const use = b.use;
    this.ephemeralRange.set({ netns }, use.range.size);
    if (labels.has('destination')) {
      for (const d of use.top) this.ephemeralUsed.set({ netns, destination: endpoint(d.address, d.port) }, d.used);
      if (use.foldedGroups > 0) this.ephemeralUsed.set({ netns, destination: OTHER }, use.foldedSockets);
      this.folded.set({ netns, by: 'destination' }, use.foldedGroups);
      this.foldedSockets.set({ netns, by: 'destination' }, use.foldedSockets);
    }
    return groups;
  }

  private setFindings(netns: string, findings: readonly Finding[], ageMs: number): void {
    for (const f of findings) {
      const e = f.evidence;
      this.finding.inc({
        netns, id: f.id, severity: f.severity, state: e.state ?? '', process: e.process ?? '',
        port: e.localPort === undefined ? '' : String(e.localPort), destination: e.destination ?? '',
      });
    }
    this.findingsAge.set({ netns }, ageMs / 1000);
  }

  /**
   * Sockets' times in state into the oldest-age gauge and the histograms, per state and (with
   * per-process labels) per kept process; `seen` takes the first owner's pid (-1: none).
   */
  private ageFill(netns: string, groups: ProcessGroups | undefined): { seen: (st: TcpState, ms: number, pid: number) => void; finish: () => void } {
    const oldest = new Map<TcpState, number>();
    const byState = new Map<TcpState, AgeSeries>();
    // The last socket's state and series: sockets of one state mostly come in runs.
    let lastState: TcpState | undefined;
    let lastSeries: AgeSeries | undefined;
    let lastOldest = -1;
    // Likewise the last owner's series (a process's sockets often come in runs too).
    let lastPid = -2;
    let lastPidState: TcpState | undefined;
    let lastPidSeries: AgeSeries | undefined;
    const seen = (st: TcpState, ms: number, pid: number): void => {
      let hs: AgeSeries;
      if (st === lastState && lastSeries) hs = lastSeries;
      else {
        if (lastState !== undefined && lastOldest > (oldest.get(lastState) ?? -1)) oldest.set(lastState, lastOldest);
        const found = byState.get(st);
        hs = found ?? this.ageByState.seriesFor(st, { netns, state: st });
        if (!found) byState.set(st, hs);
        lastState = st; lastSeries = hs; lastOldest = oldest.get(st) ?? -1;
      }
      if (ms > lastOldest) lastOldest = ms;
      const seconds = ms / 1000;
      AgeHistogram.observe(hs, seconds);
      if (groups) {
        let ps: AgeSeries | undefined;
        if (pid === lastPid && st === lastPidState) ps = lastPidSeries;
        else {
          const g = groups.kept.get(pid) ?? groups.other;
          ps = g.series.get(st);
          if (!ps) { ps = this.ageByProcess.seriesFor(`${g.key}|${st}`, { netns, comm: g.comm, pid: g.pid, state: st }); g.series.set(st, ps); }
          lastPid = pid; lastPidState = st; lastPidSeries = ps;
        }
        AgeHistogram.observe(ps!, seconds);
      }
    };
    const finish = (): void => {
      if (lastState !== undefined && lastOldest > (oldest.get(lastState) ?? -1)) oldest.set(lastState, lastOldest);
      for (const [st, ms] of oldest) this.oldestAge.set({ netns, state: st }, ms / 1000);
    };
    return { seen, finish };
  }

  private setStates(gauge: Gauge, labels: Record<string, string>, counts: Record<string, number>): void {
    // Only the states present: eleven zeros per port and process would be most of a scrape.
    for (const st of TCP_STATES) if (counts[st] > 0) gauge.set({ ...labels, state: st }, counts[st]);
  }
}

/** `ip:port`, with brackets around an IPv6 address. */
function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
