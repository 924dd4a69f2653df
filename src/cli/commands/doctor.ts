// `tcplens doctor`: find the TCP state problems on this host (or a pasted output, or a captured
// folder), name the process, the port, the cause and the fix. Exit 0 when nothing is at warning or
// above, 1 otherwise, 2 for bad input. The JSON is DoctorReport (src/diagnose/finding.ts).
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { doctorReport, exitStatusFor } from '../../diagnose/diagnose.js';
import { renderReport, SEVERITY_LABEL } from '../../diagnose/render-report.js';
import { RULES } from '../../diagnose/rules/index.js';
import { pickLang, type CliIO } from '../io.js';
import { namesSeveralHosts, runPaired } from './doctor-pair.js';
import { INPUT_OPTIONS, loadSampledSnapshot, SAMPLE_OPTIONS } from '../snapshot-input.js';
import { REPORT_OPTIONS, renderOptions } from '../terminal.js';
import { partialBanner, partialJson, partialReads, warnProblems } from '../input-problems.js';
import { closeWaitOwners, renderSamples, samplesReport } from '../../diagnose/samples-report.js';
import { readFdUse } from '../../node/fd-use.js';

const HELP: Text = {
  en: `usage: tcplens doctor [--input FILE|DIR|-] [--netns NAME] [--brief|-v] [--json] [--lang en|zh]
       tcplens doctor --rules

Finds TCP state problems — CLOSE-WAIT leaks, TIME-WAIT port exhaustion, orphaned FIN-WAIT-2,
SYN floods, accept-queue overflow, idle connections, dangerous sysctls — and names the process,
the port, the peers, the protocol reason and the fix with its caveats.

Input (default: this host, live from /proc; run as root to name every process):
  --input FILE     one pasted output: ss -tan[poie], netstat -ant[p], lsof -i, /proc/net/tcp,
                   Windows netstat -ano, macOS/BSD netstat -an, PowerShell Get-NetTCPConnection
  --input -        the same from standard input
  --input DIR      a folder of outputs from one host at one moment (tcplens capture DIR, or any mix
                   plus sysctl, /proc/net/netstat, /proc/net/snmp, sockstat, ss -s, ps)
  --netns NAME     another network namespace (ip netns)
  several hosts    --input A/ --input B/ (captures) or --netns a --netns b: each host's findings, and
                   the connections between them paired by mirrored 4-tuples (a CLOSE-WAIT on one
                   host behind a FIN-WAIT-2 on the other names the host to fix; half-open
                   connections; handshakes a full accept queue drops); --nat SEEN=REAL maps an
                   address (or address:port) one host sees to the peer's real one
  --samples N      take N live snapshots (--interval S seconds apart, default 5): gives CLOSE-WAIT and
                   ESTABLISHED a minimum age, tells counters rising now from "some time since boot",
                   and prints each finding's count per sample with its growth rate, and the time
                   until a limit at that rate (the process's fd limit, the ephemeral ports toward
                   a destination, tcp_max_tw_buckets, tcp_max_orphans)

  --brief          only the summary: verdict, counts and one line per finding
  -v, --verbose    details of every finding, info included, with the evidence in full
  --color WHEN     auto (default: on a terminal unless NO_COLOR is set), always or never
  --json           the report as JSON (findings, summary, source)
  --rules          list the rules and the thresholds at which they fire
  --lang en|zh     language (default: from the locale)

Lines of --input that cannot be read are listed on stderr with their line numbers (in "problems"
with --json), for doctor, states and ls alike; a listing none of whose rows can be read is bad input,
and so is one of which a third or more cannot be read, unless --partial is given: then the output
says PARTIAL READ on its first line ("partial": true and rows read/unread per file in --json).

Exit status: 0 nothing at warning or above, 1 warnings or critical findings, 2 bad input.
`,
  zh: `用法：tcplens doctor [--input 文件|目录|-] [--netns 名称] [--brief|-v] [--json] [--lang en|zh]
       tcplens doctor --rules

找出 TCP 状态问题——CLOSE-WAIT 泄漏、TIME-WAIT 导致的端口耗尽、孤儿 FIN-WAIT-2、SYN 洪水、
全连接队列溢出、空闲连接、危险的 sysctl——并指出进程、端口、对端、协议原因以及修复办法和注意事项。

输入（默认：本机，实时读取 /proc；以 root 运行才能看到所有进程）：
  --input 文件     一份粘贴的输出：ss -tan[poie]、netstat -ant[p]、lsof -i、/proc/net/tcp、
                   Windows netstat -ano、macOS/BSD netstat -an、PowerShell Get-NetTCPConnection
  --input -        从标准输入读取
  --input 目录     同一主机同一时刻的一组输出（tcplens capture 目录，或任意组合，
                   外加 sysctl、/proc/net/netstat、/proc/net/snmp、sockstat、ss -s、ps）
  --netns 名称     另一个网络命名空间（ip netns）
  多台主机         --input A/ --input B/（采集目录）或 --netns a --netns b：每台主机各自的发现，以及按
                   互为镜像的四元组配对的主机间连接（一端的 CLOSE-WAIT 对应另一端的 FIN-WAIT-2 时指出应修复
                   的主机；半开连接；被满的全连接队列丢弃的握手）；--nat 看到的=真实的 用于映射地址（或地址:端口）
  --samples N      实时采样 N 次（间隔 --interval S 秒，默认 5）：得到 CLOSE-WAIT 和 ESTABLISHED 的
                   最短时长，区分“正在增长”的计数器与“开机以来某时”的累计值，并列出每条发现在各次采样
                   中的数量与增长速率，以及按此速率达到上限的时间（进程的 fd 上限、连向某目的地址的
                   临时端口、tcp_max_tw_buckets、tcp_max_orphans）

  --brief          只输出摘要：结论、计数和每条发现一行
  -v, --verbose    列出每条发现（包括提示）的详情和全部证据
  --color 何时     auto（默认：终端上启用，设置了 NO_COLOR 时不启用）、always 或 never
  --json           以 JSON 输出报告（findings、summary、source）
  --rules          列出规则及其触发阈值
  --lang en|zh     语言（默认取决于语言环境 LANG）

--input 中无法读取的行会连同行号列在标准错误上（--json 时放在 "problems" 中），doctor、states、ls 都一样；
一份列表如果没有任何一行能读取，视为输入错误；三分之一或更多的行无法读取也是输入错误，除非加 --partial：
此时输出第一行标明“读取不完整”（--json 中为 "partial": true 及每个文件已读/未读的行数）。

退出码：0 没有警告及以上的发现，1 有警告或严重发现，2 输入错误。
`,
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  if (namesSeveralHosts(argv) && !argv.includes('--help') && !argv.includes('-h')) return runPaired(argv, io);
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ...INPUT_OPTIONS, ...SAMPLE_OPTIONS, ...REPORT_OPTIONS, json: { type: 'boolean' }, rules: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (positionals.length > 0) {
    io.stderr(lang === 'zh'
      ? `tcplens doctor：多余的参数 '${positionals[0]}'（要读取文件请用 --input ${positionals[0]}）\n`
      : `tcplens doctor: unexpected argument '${positionals[0]}' (to read a file use --input ${positionals[0]})\n`);
    return 2;
  }
  if (values.rules) {
    if (values.json) io.stdout(JSON.stringify(RULES.map((r) => ({ id: r.id, title: r.title[lang], thresholds: r.thresholds[lang] })), null, 2) + '\n');
    else io.stdout(RULES.map((r) => `${r.id}\n  ${r.title[lang]}\n  ${r.thresholds[lang]}`).join('\n\n') + `\n\n${Object.values(SEVERITY_LABEL).map((l) => l[lang]).join(' > ')}\n`);
    return 0;
  }
  const layout = renderOptions(values, io, lang);
  const snap = await loadSampledSnapshot(values, io, lang);
  const report = doctorReport(snap, { lang });
  // A partial read (--partial) is said on the first line and in the JSON (input-problems.ts).
  const reads = partialReads(snap);
  // Unreadable lines: in the report's `problems` for --json, else on stderr (input-problems.ts).
  if (!values.json) warnProblems(io, snap, lang);
  // --samples: each finding's count per sample and its rate, growth toward limits (samples-report.ts).
  const samples = snap.history?.length ? samplesReport(snap, report.findings, await readFdUse(closeWaitOwners(snap), values['proc-root'] ?? '/proc')) : undefined;
  io.stdout(values.json
    ? JSON.stringify({ ...partialJson(reads), ...report, ...(samples ? { samples } : {}) }, null, 2) + '\n'
    : partialBanner(reads, lang) + renderReport(report, lang, layout) + (samples ? '\n' + renderSamples(samples, lang) : ''));
  return exitStatusFor(report.findings);
}
