// READ THIS FIRST — the doctor's entry point: a HostSnapshot in, findings out (pure).
//
// Rules this file keeps:
// - Every rule in rules/index.ts runs on every snapshot; a rule that lacks its evidence returns
//   nothing rather than guessing, and the report says plainly what was missing (`notes`).
// - Findings are sorted worst first (critical, warning, info), then by rule order, then by count.
// - `exitStatusFor`: 0 when nothing is at warning or above, 1 otherwise (2 is the CLI's, bad input).
import type { Lang, Text } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import { localiseFinding, SEVERITY_RANK, type DoctorReport, type Finding, type FindingText, type RuleId, type Severity } from './finding.js';
import { hasTimers, osOf } from './facts.js';
import { RULES } from './rules/index.js';
import { PARTIAL_ATTRIBUTION, unattributedFinWait2 } from './rules/fin-wait2-orphans.js';
import { snapshotStateCounts } from './state-counts.js';
import { tx } from './words.js';

export interface DiagnoseOptions {
  lang?: Lang;
  /** Run only these rules (default all). */
  only?: readonly RuleId[];
}

/** The findings with every text in both languages, sorted worst first. */
export function diagnoseText(s: HostSnapshot, opts: Pick<DiagnoseOptions, 'only'> = {}): FindingText[] {
  const order = new Map(RULES.map((r, i) => [r.id, i]));
  const out: FindingText[] = [];
  for (const r of RULES) {
    if (opts.only && !opts.only.includes(r.id)) continue;
    out.push(...r.check(s));
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity]
      || (order.get(a.f.id) ?? 0) - (order.get(b.f.id) ?? 0)
      || (b.f.evidence.count ?? 0) - (a.f.evidence.count ?? 0)
      || a.i - b.i)
    .map((x) => x.f);
}

export function diagnose(s: HostSnapshot, opts: DiagnoseOptions = {}): Finding[] {
  const lang = opts.lang ?? 'en';
  return diagnoseText(s, opts).map((f) => localiseFinding(f, lang));
}

/**
 * True when some socket's owner may be missing from the source: not root, no -p, or a paste that
 * shows '-' for FIN-WAIT-2 sockets it cannot tell orphaned from another user's. `states --by
 * process`, `ls --pid` and the doctor's notes all ask this one question.
 */
export function attributionIsPartial(s: HostSnapshot): boolean {
  return !s.processAttributionComplete || unattributedFinWait2(s).length > 0;
}

/** What the snapshot could not show, said plainly, with how to get it. */
export function missingEvidence(s: HostSnapshot): Text[] {
  const notes: Text[] = [];
  const os = osOf(s);
  if (s.processAttributionComplete && unattributedFinWait2(s).length > 0) {
    // A paste that names owners but shows '-' for FIN-WAIT-2: orphans, or another user's (not root).
    notes.push(PARTIAL_ATTRIBUTION);
  } else if (!s.processAttributionComplete && s.sockets.length > 0) {
    const owned = s.sockets.some((k) => k.processes && k.processes.length > 0);
    notes.push(owned
      ? tx('Process attribution is partial: some sockets have no owner (not root?). Run tcplens as root, or paste `ss -tanp` taken as root.', '进程归属不完整：部分套接字没有属主（不是 root？）。请以 root 运行 tcplens，或粘贴以 root 执行的 `ss -tanp`。')
      : tx('No process information: findings cannot name the owning process. Run tcplens as root, or paste `ss -tanp` (or `netstat -antp`).', '没有进程信息：无法指出所属进程。请以 root 运行 tcplens，或粘贴 `ss -tanp`（或 `netstat -antp`）。'));
  }
  const linux = os === 'linux';
  if (linux && Object.keys(s.sysctls).length === 0) {
    notes.push(tx('No sysctl values: settings were not checked and defaults were assumed (port range 32768–60999). Use `tcplens capture` on the host, or add `sysctl -a` output to the folder.',
      '没有 sysctl 值：未检查系统设置，并按默认值估算（端口范围 32768–60999）。请在主机上运行 `tcplens capture`，或把 `sysctl -a` 的输出放进目录。'));
  }
  if (linux && Object.keys(s.counters).length === 0) {
    notes.push(tx('No kernel counters (/proc/net/netstat, /proc/net/snmp): accept-queue overflows, SYN cookies and aborts were not checked. Add `cat /proc/net/netstat /proc/net/snmp` output.',
      '没有内核计数器（/proc/net/netstat、/proc/net/snmp）：未检查全连接队列溢出、SYN cookies 和中止计数。请加入 `cat /proc/net/netstat /proc/net/snmp` 的输出。'));
  }
  if (linux && !hasTimers(s) && s.sockets.length > 0) {
    notes.push(tx('No timers in the source (ss without -o, netstat without -o): TIME-WAIT ages and keepalive use are unknown. Paste `ss -tanpo`.',
      '数据源中没有定时器（ss 未加 -o，netstat 未加 -o）：TIME-WAIT 时长和保活使用情况未知。请粘贴 `ss -tanpo`。'));
  }
  if (s.history && s.history.length > 0) {
    const secs = Math.round((s.takenAt - s.history[0].takenAt) / 1000);
    notes.push(tx(`Sampled ${s.history.length + 1} times over ${secs} s: ages of CLOSE-WAIT/ESTABLISHED are lower bounds (time since first seen).`,
      `共采样 ${s.history.length + 1} 次，历时 ${secs} 秒：CLOSE-WAIT/ESTABLISHED 的时长是下限（自首次看到起）。`));
  }
  if (os === 'windows' || os === 'macos' || os === 'freebsd') {
    notes.push(tx(`The source is ${os}: Linux-only reasoning (Recv-Q of CLOSE-WAIT, sysctls, counters) does not apply; TIME-WAIT length and port range use ${os}'s defaults.`,
      `数据源是 ${os}：仅适用于 Linux 的推理（CLOSE-WAIT 的 Recv-Q、sysctl、计数器）不适用；TIME-WAIT 时长和端口范围按 ${os} 的默认值。`));
  } else if (os === 'unknown' && s.sockets.length > 0) {
    notes.push(tx('The source does not say which OS it comes from (lsof, BSD netstat): Linux defaults were assumed for TIME-WAIT (60 s) and the port range; lsof shows no TIME-WAIT, orphans or SYN-RECEIVED at all.',
      '数据源没有说明来自哪个操作系统（lsof、BSD netstat）：TIME-WAIT（60 秒）与端口范围按 Linux 默认值估算；lsof 完全看不到 TIME-WAIT、孤儿和 SYN-RECEIVED。'));
  }
  if (s.problems.length > 0) {
    const p = s.problems[0];
    notes.push(tx(`${s.problems.length} input line(s) could not be read; the first: ${p.file}:${p.line}: ${p.message}`,
      `${s.problems.length} 行输入无法读取；第一处：${p.file}:${p.line}：${p.zh ?? p.message}`));
  }
  return notes;
}

export function worstSeverity(findings: readonly { severity: Severity }[]): Severity | 'none' {
  let worst: Severity | 'none' = 'none';
  for (const f of findings) if (worst === 'none' || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

export function exitStatusFor(findings: readonly { severity: Severity }[]): 0 | 1 {
  return findings.some((f) => f.severity !== 'info') ? 1 : 0;
}

/** The whole `doctor --json` document. */
export function doctorReport(s: HostSnapshot, opts: DiagnoseOptions = {}): DoctorReport {
  const lang = opts.lang ?? 'en';
  const findings = diagnose(s, opts);
  const states = snapshotStateCounts(s);
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  const report: DoctorReport = {
    findings,
    summary: {
      states, total: s.sockets.length, worst: worstSeverity(findings), bySeverity,
      processAttributionComplete: s.processAttributionComplete,
      notes: missingEvidence(s).map((n) => n[lang]),
      unreadLines: s.problems.length,
    },
    source: { kinds: s.sources.map((x) => x.kind), origins: s.sources.map((x) => x.origin), takenAt: s.takenAt },
  };
  if (s.hostname) report.source.hostname = s.hostname;
  if (s.problems.length > 0) report.problems = s.problems;
  return report;
}
