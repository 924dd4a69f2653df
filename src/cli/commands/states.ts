// `tcplens states`: sockets per state — the well-known `netstat -n | awk '/^tcp/ {++S[$NF]}'` done right:
// RFC names whatever the tool's spelling or locale, IPv4 and IPv6 together, LISTEN counted, no
// header lines miscounted, zeros left out unless --all. `--by process,lport` (any combination of
// process, pid, lport, rport, raddr, state) splits the counts, with ephemeral local ports folded into
// one range row; an ss filter after the command picks the sockets counted.
// On this host without --by it counts straight from the kernel (no records, no process walk): the
// fast path, which a user times against `ss -tan | awk`, Node's start-up included. It loads only the
// count table and the live count (src/node/live-counts.ts); the views, ages and parsers are
// imported when a command line needs them.
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import { TCP_STATES, type TcpState } from '../../model/states.js';
import { stateCounts, zeroCounts } from '../../diagnose/state-counts.js';
import { displayWidth, renderStateCounts } from '../../diagnose/count-table.js';
import type { GroupBy } from '../../diagnose/socket-views.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { printStateCounts } from '../states-count.js';
import { asUsage, checkOneSource, INPUT_OPTIONS, loadInputTally, loadSampledSnapshot, loadSnapshot, openFlagSource, SAMPLE_OPTIONS } from '../snapshot-input.js';
import type { AgeRange } from '../../model/snapshot.js';
import type { ageRangeLong } from '../../diagnose/age-text.js';
import type { ParseProblem } from '../../model/snapshot.js';

const HELP: Text = {
  en: `usage: tcplens states [SS-FILTER] [--by KEY[,KEY...]] [--no-fold] [--all] [--samples N [--interval S]] [--json] [--input FILE|DIR|-] [--netns NAME] [--lang en|zh]

Counts TCP sockets per state (RFC 9293 names), IPv4 and IPv6 together.
  SS-FILTER        count only the sockets ss's filter keeps (as for tcplens ls: state connected sport = :8080)
  --by KEY[,KEY]   one row per value, or per combination of values (--by process,lport) of:
                     process  owning process (sockets without an owner — TIME-WAIT, orphans — under '-')
                     pid      owning pid
                     lport    local port; ephemeral ports nothing listens on are one range row
                     rport    remote port
                     raddr    remote address
                     state    the state itself
  --no-fold        --by lport: one row per ephemeral port too
  --all            show all eleven states, zeros included
  --samples N      read the host N times, --interval S seconds apart (default 5), and show how long
                   the oldest socket of each state has been in it (live only)
  --json           machine-readable output
Input: this host by default; --input FILE|DIR|-, --partial and --netns NAME as for tcplens doctor.
`,
  zh: `用法: tcplens states [ss 过滤表达式] [--by 键[,键...]] [--no-fold] [--all] [--samples N [--interval 秒]] [--json] [--input 文件|目录|-] [--netns 名称] [--lang en|zh]

按状态（RFC 9293 名称）统计 TCP 套接字，IPv4 与 IPv6 合并。
  ss 过滤表达式     只统计 ss 过滤表达式选中的套接字（同 tcplens ls：state connected sport = :8080）
  --by 键[,键]     按下列键的值（或多个键的组合，如 --by process,lport）分行：
                     process  所属进程（没有属主的套接字——TIME-WAIT、孤儿——归入 '-'）
                     pid      所属进程号
                     lport    本地端口；无人监听的临时端口合为一行端口范围
                     rport    远端端口
                     raddr    远端地址
                     state    状态本身
  --no-fold        --by lport 时临时端口也逐个分行
  --all            显示全部 11 个状态，包括 0
  --samples N      读取本机 N 次，间隔 --interval 秒（默认 5），并显示每个状态中最久的套接字已处于该状态多久
                   （仅实时数据源）
  --json           机器可读输出
输入：默认本机；--input 文件|目录|-、--partial 与 --netns 名称 同 tcplens doctor。
`,
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...INPUT_OPTIONS, ...SAMPLE_OPTIONS, by: { type: 'string' }, 'no-fold': { type: 'boolean' }, all: { type: 'boolean' }, json: { type: 'boolean' },
      lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  // Words after the command are ss's filter expression, as for `tcplens ls`.
  const match = positionals.length > 0 ? (await import('../ls-filter.js')).filterFromWords(positionals, lang) : undefined;
  let by: GroupBy[] | undefined;
  if (values.by !== undefined) {
    const { GROUP_BYS } = await import('../../diagnose/socket-views.js');
    by = [];
    for (const w of values.by.split(',').map((x) => x.trim())) {
      if (!(GROUP_BYS as readonly string[]).includes(w)) {
        throw new UsageError(lang === 'zh' ? `--by 只能是 ${GROUP_BYS.join('、')}（可用逗号组合），收到 '${w}'` : `--by takes ${GROUP_BYS.join(', ')} (comma-separated to combine), got '${w}'`);
      }
      if (!by.includes(w as GroupBy)) by.push(w as GroupBy);
    }
  }
  const all = values.all === true;

  // --netns together with --proc-root goes the slow way, where checkOneSource refuses it.
  if (by === undefined && match === undefined && values.input === undefined && values.samples === undefined && (values.netns === undefined || values['proc-root'] === undefined)) {
    // The fast path: count states from /proc's bytes without building records or walking fds
    // (the text parsers and the diagnosis are not even loaded).
    const source = await openFlagSource(values, io, lang);
    const partial = await asUsage(lang, () => source.countStates());
    printStateCounts(io, partial, all, values.json === true, lang);
    return 0;
  }

  const { partialBanner, partialJson, partialReads, warnProblems } = await import('../input-problems.js');
  checkOneSource(values, lang);
  if (by === undefined && match === undefined && values.input !== undefined) {
    // A saved input is counted without keeping its records: any size, memory bounded by the counts.
    const { counts: partial, snapshot } = await loadInputTally(values, io, lang, { needSockets: true, partial: values.partial === true });
    const reads = partialReads(snapshot);
    const counts = zeroCounts();
    for (const st of TCP_STATES) counts[st] = partial[st] ?? 0;
    if (!values.json) { warnProblems(io, snapshot, lang); io.stdout(partialBanner(reads, lang)); }
    print(io, counts, all, values.json === true, lang, snapshot.problems, partialJson(reads));
    return 0;
  }
  // --samples N: the same host read N times, each socket followed across the reads for its age.
  const read = values.samples !== undefined ? await loadSampledSnapshot(values, io, lang) : await loadSnapshot(values, io, lang, { needSockets: true, partial: values.partial === true });
  const matches = match ? (await import('../../formats/ss-filter.js')).matchesSocketFilter : undefined;
  const snap = match && matches ? { ...read, sockets: read.sockets.filter((k) => matches(match, k)) } : read;
  // Unreadable lines: in the JSON's `problems`, else on stderr (input-problems.ts); a partial read
  // (--partial) on the first line and as `partial`/`reads` in the JSON.
  const reads = partialReads(snap);
  const problems = snap.problems.length > 0 ? { problems: snap.problems } : {};
  if (!values.json) { warnProblems(io, snap, lang); io.stdout(partialBanner(reads, lang)); }
  if (by === undefined) {
    // With --samples every socket was followed across the reads: the oldest in each state beside its count.
    const oldest = values.samples !== undefined ? (await import('../../diagnose/ages.js')).oldestPerState(snap.sockets) : undefined;
    const ageText = oldest ? (await import('../../diagnose/age-text.js')).ageRangeLong : undefined;
    print(io, stateCounts(snap.sockets), all, values.json === true, lang, snap.problems, partialJson(reads), oldest && ageText ? { oldest, ageText } : undefined);
    return 0;
  }
  const { groupStates, renderStateGroups } = await import('../../diagnose/socket-views.js');
  const groups = groupStates(snap, by, { foldEphemeral: values['no-fold'] !== true });
  if (values.json) {
    io.stdout(JSON.stringify({ ...partialJson(reads), by: by.length === 1 ? by[0] : by, groups: groups.map((g) => ({ ...g, states: all ? g.states : nonZero(g.states) })), ...problems }, null, 2) + '\n');
  } else {
    io.stdout(renderStateGroups(groups, by, all, lang));
    if (by.some((b) => b === 'process' || b === 'pid') && (await import('../../diagnose/diagnose.js')).attributionIsPartial(snap)) {
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

/** With --samples: the oldest socket of each state, and the words for its age (age-text.ts, loaded then). */
interface Oldest { oldest: Partial<Record<TcpState, AgeRange>>; ageText: typeof ageRangeLong }

function print(io: CliIO, counts: Record<TcpState, number>, all: boolean, json: boolean, lang: 'en' | 'zh', problems: readonly ParseProblem[] = [], partial: object = {}, ages?: Oldest): void {
  const oldest = ages?.oldest;
  if (json) {
    const total = TCP_STATES.reduce((a, st) => a + counts[st], 0);
    io.stdout(JSON.stringify({ ...partial, states: all ? counts : nonZero(counts), total, ...(oldest ? { oldest } : {}), ...(problems.length > 0 ? { problems } : {}) }, null, 2) + '\n');
  } else if (ages && oldest) {
    const head = lang === 'zh' ? '最久' : 'OLDEST';
    const lines = renderStateCounts(counts, all, lang).split('\n');
    const w = lines.reduce((m, l) => Math.max(m, displayWidth(l)), 0);
    io.stdout(lines.map((l, i) => {
      if (l === '') return l;
      const st = l.split(/\s+/)[0] as TcpState;
      const cell = i === 0 ? head : ages.ageText(oldest[st], undefined, lang) ?? '';
      return cell ? `${l}${' '.repeat(w - displayWidth(l))}  ${cell}` : l;
    }).join('\n'));
  } else io.stdout(renderStateCounts(counts, all, lang));
}
