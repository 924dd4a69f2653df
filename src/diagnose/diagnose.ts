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
import { adviceOs, adviseFor } from './os-advice.js';
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
  // Findings from a Windows or BSD paste get that OS's fixes and caveats (os-advice.ts).
  const os = adviceOs(s);
  const timers = hasTimers(s);
  return out
    .map((f, i) => ({ f: adviseFor(os, f, timers), i }))
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
  const family = adviceOs(s);
  if (s.processAttributionComplete && unattributedFinWait2(s).length > 0) {
    // A paste that names owners but shows '-' for FIN-WAIT-2: orphans, or another user's (not root).
    notes.push(PARTIAL_ATTRIBUTION);
  } else if (!s.processAttributionComplete && s.sockets.length > 0) {
    const owned = s.sockets.some((k) => k.processes && k.processes.length > 0);
    if (family === 'windows') {
      notes.push(owned
        ? tx('Process attribution is partial: some sockets have no PID. Run `netstat -ano` as Administrator.', '进程归属不完整：部分套接字没有 PID。请以管理员身份运行 `netstat -ano`。')
        : tx('No process information: paste `netstat -ano` (-o adds the PID column) run as Administrator, with `tasklist` for the names.', '没有进程信息：请粘贴以管理员身份运行的 `netstat -ano`（-o 会加上 PID 列），再加上 `tasklist` 得到进程名。'));
    } else if (family === 'bsd') {
      notes.push(tx('No process information (BSD netstat shows none): add `sockstat -46` (FreeBSD) or `lsof -nP -iTCP` (macOS) output taken as root.',
        '没有进程信息（BSD 的 netstat 不显示）：请加入以 root 执行的 `sockstat -46`（FreeBSD）或 `lsof -nP -iTCP`（macOS）的输出。'));
    } else {
      notes.push(owned
        ? tx('Process attribution is partial: some sockets have no owner (not root?). Run tcplens as root, or paste `ss -tanp` taken as root.', '进程归属不完整：部分套接字没有属主（不是 root？）。请以 root 运行 tcplens，或粘贴以 root 执行的 `ss -tanp`。')
        : tx('No process information: findings cannot name the owning process. Run tcplens as root, or paste `ss -tanp` (or `netstat -antp`).', '没有进程信息：无法指出所属进程。请以 root 运行 tcplens，或粘贴 `ss -tanp`（或 `netstat -antp`）。'));
    }
  }
  if (family === 'windows' && s.sockets.some((k) => k.processes?.some((p) => p.name === undefined)) && !s.processes.some((p) => p.name)) {
    notes.push(tx('Processes are known by PID only: add `tasklist` output to the folder (or run `tasklist /FI "PID eq N"`) to name them.',
      '进程只有 PID：把 `tasklist` 的输出放进目录（或运行 `tasklist /FI "PID eq N"`）即可得到进程名。'));
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
  if (family === 'windows') {
    notes.push(tx('The source is Windows: it shows no Recv-Q/Send-Q, timers or kernel counters, so checks that need them were skipped (unknown, not 0). TIME-WAIT lasts TcpTimedWaitDelay (120 s by default) and outgoing ports come from 49152–65535 unless `netsh int ipv4 show dynamicport tcp` says otherwise.',
      '数据源是 Windows：它不显示 Recv-Q/Send-Q、定时器和内核计数器，需要它们的检查已跳过（未知，而不是 0）。TIME-WAIT 持续 TcpTimedWaitDelay（默认 120 秒），出站端口来自 49152–65535，除非 `netsh int ipv4 show dynamicport tcp` 另有设置。'));
  } else if (family === 'bsd') {
    notes.push(tx(`The source is ${os === 'macos' ? 'macOS' : os === 'freebsd' ? 'FreeBSD' : 'BSD netstat (macOS or FreeBSD)'}: its Recv-Q counts bytes only and it shows no timers or kernel counters. TIME-WAIT lasts 2 × net.inet.tcp.msl (macOS 30 s, FreeBSD 60 s) and outgoing ports come from net.inet.ip.portrange.first–last (49152–65535 assumed).`,
      `数据源是 ${os === 'macos' ? 'macOS' : os === 'freebsd' ? 'FreeBSD' : 'BSD 的 netstat（macOS 或 FreeBSD）'}：它的 Recv-Q 只计字节，也不显示定时器和内核计数器。TIME-WAIT 持续 2 × net.inet.tcp.msl（macOS 30 秒，FreeBSD 60 秒），出站端口来自 net.inet.ip.portrange.first–last（按 49152–65535 估算）。`));
  } else if (os === 'unknown' && s.sockets.length > 0) {
    notes.push(tx('The source does not say which OS it comes from (lsof): Linux defaults were assumed for TIME-WAIT (60 s) and the port range; lsof shows no TIME-WAIT, orphans or SYN-RECEIVED at all.',
      '数据源没有说明来自哪个操作系统（lsof）：TIME-WAIT（60 秒）与端口范围按 Linux 默认值估算；lsof 完全看不到 TIME-WAIT、孤儿和 SYN-RECEIVED。'));
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
