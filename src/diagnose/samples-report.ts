// READ THIS FIRST — what `doctor --samples N` adds to a report: each finding's count in every
// sample with its growth rate, and growth toward a limit with the time to reach it at that rate.
//
// The counts come from the samples themselves (`history[].groups`, made by growth.ts's
// `groupCounts` in mergeSamples, and the latest read), never from a finding's own estimate:
// - a finding about a process's sockets in a state (CLOSE-WAIT held by pid 4242) counts that
//   process's sockets in that state in each sample;
// - one about fd-less sockets (TIME-WAIT, orphans: no owner in Linux) or without a pid counts the
//   state on its port (the local port, or the destination's);
// - one about a state alone counts the state; a finding about counters only has no series.
// The rate is (last − first) / (time from the first sample to the last), per second; the limits and
// the time to reach them are growth.ts's (`growthRows`), the same figures `tcplens watch` shows.
// Pure: the CLI takes the samples and reads each process's fd use.
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type { Finding } from './finding.js';
import { groupCounts, growthRows, WATCHED_STATES, type FdUse, type GrowthPoint, type GrowthRow } from './growth.js';
import { stateCounts } from './state-counts.js';
import { duration } from './words.js';

/** What a finding's series counts. */
export interface SeriesSubject { state: TcpState; pid?: number; process?: string; port?: number }

export interface FindingSeries {
  id: Finding['id'];
  severity: Finding['severity'];
  subject: SeriesSubject;
  /** The subject's count in each sample, oldest first. */
  counts: number[];
  /** (last − first) / seconds from the first sample to the last. */
  ratePerSec: number;
  /** The limit this growth runs into, where one applies (the process's fds, the TIME-WAIT table). */
  limit?: GrowthRow;
}

export interface SamplesReport {
  /** When each sample was taken, oldest first. */
  takenAt: number[];
  windowMs: number;
  findings: FindingSeries[];
  /** Every limit measured, soonest reached first. */
  growth: GrowthRow[];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The pids whose fd use matters: owners of CLOSE-WAIT in the latest read (the caller reads their limits). */
export function closeWaitOwners(s: HostSnapshot): number[] {
  const pids = new Set<number>();
  for (const k of s.sockets) if (k.state === 'CLOSE-WAIT' && k.processes?.[0]) pids.add(k.processes[0].pid);
  return [...pids];
}

function subjectOf(f: Finding): SeriesSubject | undefined {
  const e = f.evidence;
  const state = e.state;
  if (state === undefined) return undefined;
  const watched = (WATCHED_STATES as readonly string[]).includes(state);
  if (watched && e.pid !== undefined && (e.attribution === undefined || e.attribution === 'socket')) {
    return { state, pid: e.pid, ...(e.process !== undefined ? { process: e.process } : {}) };
  }
  if (watched && e.localPort !== undefined && e.localPort > 0) return { state, port: e.localPort };
  const dest = e.destination !== undefined ? /:(\d+)$/.exec(e.destination) : null;
  if (watched && dest) return { state, port: Number(dest[1]) };
  return { state };
}

function countIn(groups: ReadonlyMap<string, number>, states: Partial<Record<TcpState, number>>, sub: SeriesSubject): number {
  if (sub.pid !== undefined) {
    let n = 0;
    const prefix = `${sub.state}|process|`, suffix = `/${sub.pid}`;
    for (const [k, v] of groups) if (k.startsWith(prefix) && k.endsWith(suffix)) n += v;
    return n;
  }
  if (sub.port !== undefined) return groups.get(`${sub.state}|port|${sub.port}`) ?? 0;
  return states[sub.state] ?? 0;
}

/** The samples section of a `doctor --samples` report; undefined for a single read. */
export function samplesReport(s: HostSnapshot, findings: readonly Finding[], fds?: FdUse): SamplesReport | undefined {
  const history = (s.history ?? []).filter((h) => h.groups !== undefined);
  if (history.length === 0) return undefined;
  const points: Array<GrowthPoint & { states: Partial<Record<TcpState, number>> }> = history.map((h) => ({ at: h.takenAt, groups: new Map(Object.entries(h.groups ?? {})), states: h.stateCounts }));
  points.push({ at: s.takenAt, groups: groupCounts(s), states: stateCounts(s.sockets) });
  const windowMs = s.takenAt - points[0].at;
  const growth = growthRows(s, points, fds);
  const series: FindingSeries[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const sub = subjectOf(f);
    if (!sub) continue;
    const key = `${f.id}|${sub.state}|${sub.pid ?? ''}|${sub.port ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const counts = points.map((p) => countIn(p.groups, p.states, sub));
    const ratePerSec = windowMs > 0 ? round((counts[counts.length - 1] - counts[0]) / (windowMs / 1000)) : 0;
    const limit = growth.find((g) => (g.what === 'close-wait-fds' && sub.state === 'CLOSE-WAIT' && g.pid !== undefined && g.pid === sub.pid)
      || (g.what === 'time-wait-buckets' && sub.state === 'TIME-WAIT' && sub.pid === undefined && sub.port === undefined));
    series.push({ id: f.id, severity: f.severity, subject: sub, counts, ratePerSec, ...(limit ? { limit } : {}) });
  }
  return { takenAt: points.map((p) => p.at), windowMs, findings: series, growth };
}

/** "+2.0/s", "+12/min", "+3/h", "0": a rate in the unit that keeps it readable. */
export function rateText(perSec: number, lang: Lang): string {
  if (perSec === 0) return '0';
  const sign = perSec > 0 ? '+' : '−';
  const a = Math.abs(perSec);
  const [v, u] = a >= 1 ? [a, lang === 'zh' ? '/秒' : '/s'] : a * 60 >= 1 ? [a * 60, lang === 'zh' ? '/分' : '/min'] : [a * 3600, lang === 'zh' ? '/小时' : '/h'];
  return `${sign}${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10}${u}`;
}

function subjectText(sub: SeriesSubject, lang: Lang): string {
  const zh = lang === 'zh';
  if (sub.pid !== undefined) {
    const who = sub.process !== undefined ? `${sub.process} (pid ${sub.pid})` : `pid ${sub.pid}`;
    return zh ? `${who} 持有的 ${sub.state}` : `${sub.state} held by ${who}`;
  }
  if (sub.port !== undefined) return zh ? `端口 ${sub.port} 的 ${sub.state}` : `${sub.state} on port ${sub.port}`;
  return sub.state;
}

function limitText(g: GrowthRow, lang: Lang): string {
  const zh = lang === 'zh';
  const what = g.what === 'close-wait-fds' ? (zh ? `${g.key} 的文件描述符 ${g.current}/${g.limit}（RLIMIT_NOFILE）` : `${g.key} fds ${g.current} of ${g.limit} (RLIMIT_NOFILE)`)
    : g.what === 'ephemeral-ports' ? (zh ? `连向 ${g.key} 的本地端口 ${g.current}/${g.limit}（ip_local_port_range）` : `local ports toward ${g.key}: ${g.current} of ${g.limit} (ip_local_port_range)`)
      : zh ? `${g.key}：${g.current}/${g.limit}` : `${g.key}: ${g.current} of ${g.limit}`;
  if (g.secondsToLimit === undefined) return zh ? `${what}，未在增长` : `${what}, not growing`;
  const when = duration(g.secondsToLimit * 1000)[lang];
  return zh ? `${what}，${rateText(g.ratePerSec, lang)}：按此速率约 ${when} 后达到上限` : `${what}, ${rateText(g.ratePerSec, lang)}: the limit in about ${when} at this rate`;
}

/** The text lines `doctor --samples` prints after the report. */
export function renderSamples(r: SamplesReport, lang: Lang): string {
  const zh = lang === 'zh';
  const n = r.takenAt.length;
  const secs = duration(r.windowMs)[lang];
  const out: string[] = [zh ? `采样：${n} 次，历时 ${secs}` : `Samples: ${n} reads over ${secs}`];
  for (const f of r.findings) {
    out.push(`  ${f.id} — ${subjectText(f.subject, lang)}: ${f.counts.join(' → ')}, ${rateText(f.ratePerSec, lang)}`);
    if (f.limit) out.push(`      ${limitText(f.limit, lang)}`);
  }
  const shown = new Set(r.findings.map((f) => f.limit).filter((g) => g !== undefined));
  const rest = r.growth.filter((g) => !shown.has(g) && g.secondsToLimit !== undefined);
  if (rest.length > 0) {
    out.push(zh ? '趋向上限的增长：' : 'Growth toward a limit:');
    for (const g of rest.slice(0, 5)) out.push(`  ${limitText(g, lang)}`);
  }
  return out.join('\n') + '\n';
}
