// `tcplens states`: sockets per state — the well-known `netstat -n | awk '/^tcp/ {++S[$NF]}'` done right:
// RFC names whatever the tool's spelling or locale, IPv4 and IPv6 together, LISTEN counted, no
// header lines miscounted, zeros left out unless --all. `--by process|lport|raddr` splits the counts.
// On this host without --by it counts straight from /proc's bytes (no process walk): the fast path.
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { TCP_STATES, type TcpState } from '../../model/states.js';
import { stateCounts, zeroCounts } from '../../diagnose/state-counts.js';
import { GROUP_BYS, groupStates, renderStateCounts, renderStateGroups, type GroupBy } from '../../diagnose/socket-views.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { asUsage, checkOneSource, INPUT_OPTIONS, loadInputTally, loadSnapshot, openFlagSource } from '../snapshot-input.js';
import type { ParseProblem } from '../../model/snapshot.js';

const HELP: Text = {
  en: `usage: tcplens states [--by process|lport|raddr] [--all] [--json] [--input FILE|DIR|-] [--netns NAME] [--lang en|zh]

Counts TCP sockets per state (RFC 9293 names), IPv4 and IPv6 together.
  --by process     one row per owning process (sockets without an owner — TIME-WAIT, orphans — under '-')
  --by lport       one row per local port
  --by raddr       one row per remote address
  --all            show all eleven states, zeros included
  --json           machine-readable output
Input: this host by default; --input FILE|DIR|-, --partial and --netns NAME as for tcplens doctor.
`,
  zh: `用法: tcplens states [--by process|lport|raddr] [--all] [--json] [--input 文件|目录|-] [--netns 名称] [--lang en|zh]

按状态（RFC 9293 名称）统计 TCP 套接字，IPv4 与 IPv6 合并。
  --by process     按所属进程分行（没有属主的套接字——TIME-WAIT、孤儿——归入 '-'）
  --by lport       按本地端口分行
  --by raddr       按远端地址分行
  --all            显示全部 11 个状态，包括 0
  --json           机器可读输出
输入：默认本机；--input 文件|目录|-、--partial 与 --netns 名称 同 tcplens doctor。
`,
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ...INPUT_OPTIONS, by: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (positionals.length > 0) throw new UsageError(lang === 'zh' ? `多余的参数 '${positionals[0]}'` : `unexpected argument '${positionals[0]}'`);
  let by: GroupBy | undefined;
  if (values.by !== undefined) {
    if (!(GROUP_BYS as readonly string[]).includes(values.by)) {
      throw new UsageError(lang === 'zh' ? `--by 只能是 process、lport 或 raddr，收到 '${values.by}'` : `--by must be process, lport or raddr, got '${values.by}'`);
    }
    by = values.by as GroupBy;
  }
  const all = values.all === true;

  // --netns together with --proc-root goes the slow way, where checkOneSource refuses it.
  if (by === undefined && values.input === undefined && (values.netns === undefined || values['proc-root'] === undefined)) {
    // The fast path: count states from /proc's bytes without building records or walking fds
    // (the text parsers and the diagnosis are not even loaded).
    const source = await openFlagSource(values, io, lang);
    const partial = await asUsage(lang, () => source.countStates());
    const counts = zeroCounts();
    for (const st of TCP_STATES) counts[st] = partial[st] ?? 0;
    print(io, counts, all, values.json === true, lang);
    return 0;
  }

  const { partialBanner, partialJson, partialReads, warnProblems } = await import('../input-problems.js');
  checkOneSource(values, lang);
  if (by === undefined && values.input !== undefined) {
    // A saved input is counted without keeping its records: any size, memory bounded by the counts.
    const { counts: partial, snapshot } = await loadInputTally(values, io, lang, { needSockets: true, partial: values.partial === true });
    const reads = partialReads(snapshot);
    const counts = zeroCounts();
    for (const st of TCP_STATES) counts[st] = partial[st] ?? 0;
    if (!values.json) { warnProblems(io, snapshot, lang); io.stdout(partialBanner(reads, lang)); }
    print(io, counts, all, values.json === true, lang, snapshot.problems, partialJson(reads));
    return 0;
  }
  const snap = await loadSnapshot(values, io, lang, { needSockets: true, partial: values.partial === true });
  // Unreadable lines: in the JSON's `problems`, else on stderr (input-problems.ts); a partial read
  // (--partial) on the first line and as `partial`/`reads` in the JSON.
  const reads = partialReads(snap);
  const problems = snap.problems.length > 0 ? { problems: snap.problems } : {};
  if (!values.json) { warnProblems(io, snap, lang); io.stdout(partialBanner(reads, lang)); }
  if (by === undefined) { print(io, stateCounts(snap.sockets), all, values.json === true, lang, snap.problems, partialJson(reads)); return 0; }
  const groups = groupStates(snap, by);
  if (values.json) {
    io.stdout(JSON.stringify({ ...partialJson(reads), by, groups: groups.map((g) => ({ ...g, states: all ? g.states : nonZero(g.states) })), ...problems }, null, 2) + '\n');
  } else {
    io.stdout(renderStateGroups(groups, by, all, lang));
    if (by === 'process' && (await import('../../diagnose/diagnose.js')).attributionIsPartial(snap)) {
      io.stderr(lang === 'zh' ? '注意：进程归属不完整（请以 root 运行，或粘贴以 root 执行的 ss -tanp）\n' : 'note: process attribution is partial (run as root, or paste ss -tanp taken as root)\n');
    }
  }
  return 0;
}

function nonZero(c: Record<TcpState, number>): Partial<Record<TcpState, number>> {
  const out: Partial<Record<TcpState, number>> = {};
  for (const st of TCP_STATES) if (c[st] > 0) out[st] = c[st];
  return out;
}

function print(io: CliIO, counts: Record<TcpState, number>, all: boolean, json: boolean, lang: 'en' | 'zh', problems: readonly ParseProblem[] = [], partial: object = {}): void {
  if (json) {
    const total = TCP_STATES.reduce((a, st) => a + counts[st], 0);
    io.stdout(JSON.stringify({ ...partial, states: all ? counts : nonZero(counts), total, ...(problems.length > 0 ? { problems } : {}) }, null, 2) + '\n');
  } else io.stdout(renderStateCounts(counts, all, lang));
}
