// `tcplens ls`: an ss/netstat-like listing with process, queues, timers and age where known,
// filtered by ss's own filter expression after the command (`ls state close-wait sport = :8080`) and
// by --state (any spelling or ss group, repeatable or comma-separated), --sport, --dport, --port
// (local or remote), --pid; sorted by --sort and cut by --top.
import { parseArgs } from 'node:util';
import type { Text } from '../../i18n/lang.js';
import type { TcpState } from '../../model/states.js';
import { filterSockets, SOCKET_SORTS, socketListPieces, sortSockets, type SocketFilter, type SocketSort } from '../../diagnose/socket-views.js';
import { jsonWithArrayPieces, writePieces } from '../json-out.js';
import { statesFromWord } from '../../formats/ss-filter.js';
import { pickLang, UsageError, type CliIO } from '../io.js';
import { filterFromWords } from '../ls-filter.js';
import { inferOwner } from '../../diagnose/owner-inference.js';
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import { INPUT_OPTIONS, loadSampledSnapshot, loadSnapshot, SAMPLE_OPTIONS } from '../snapshot-input.js';
import { attributionIsPartial } from '../../diagnose/diagnose.js';
import { partialBanner, partialJson, partialReads, warnProblems } from '../input-problems.js';

const HELP: Text = {
  en: `usage: tcplens ls [SS-FILTER] [--state STATE[,STATE]] [--sport N] [--dport N] [--port N] [--pid N] [--sort KEY] [--top N] [--samples N [--interval S]] [--json] [--input FILE|DIR|-] [--netns NAME] [--lang en|zh]

Lists TCP sockets like ss -tanpo: state, queues, local and peer address, process, timer, and how long
the socket has been in its state where that can be known (TIME-WAIT: 60 s − remaining timer; with
--samples, every socket followed across the reads: "≥ 10 s" was there at the first read, "2 s – 4 s"
appeared between two reads).
  SS-FILTER    ss's own filter, after the command: state close-wait sport = :8080,
               state connected dst 10.0.0.0/8, '( dport = :443 or sport = :443 )', not dport gt :1024
               (sport, dport, src, dst, state, exclude; and, or, not; ss's state groups all,
               connected, synchronized, bucket, big)
  --state S    only these states, any spelling (time_wait, CLOSE-WAIT, estab) or an ss group;
               repeat or comma-separate
  --sport N    only sockets whose local port is N        --dport N  whose remote port is N
  --port N     only sockets whose local or remote port is N
  --pid N      only sockets held by process N
  --sort KEY   state (default), age (oldest first), lport, rport, pid, recvq, sendq (fullest first)
  --top N      only the first N after sorting
  --samples N  read the host N times, --interval S seconds apart (default 5), for ages (live only)
  --json       machine-readable output (the socket records; ageRange: {atLeastMs, atMostMs})
Input: this host by default; --input FILE|DIR|-, --partial and --netns NAME as for tcplens doctor.
`,
  zh: `用法: tcplens ls [ss 过滤表达式] [--state 状态[,状态]] [--sport 端口] [--dport 端口] [--port 端口] [--pid 进程号] [--sort 键] [--top N] [--samples N [--interval 秒]] [--json] [--input 文件|目录|-] [--netns 名称] [--lang en|zh]

像 ss -tanpo 一样列出 TCP 套接字：状态、队列、本地与对端地址、进程、定时器，以及可得知时处于该状态的时长
（TIME-WAIT：60 秒 − 剩余定时；配合 --samples 时跨多次读取跟踪每个套接字：“≥ 10 秒”表示首次读取时已存在，
“2 秒 – 4 秒”表示在两次读取之间出现）。
  ss 过滤表达式  写在命令之后，与 ss 相同：state close-wait sport = :8080、
               '( dport = :443 or sport = :443 )'、state connected dst 10.0.0.0/8、'not dport gt :1024'
               （sport、dport、src、dst、state、exclude；'and'、'or'、'not'；ss 的状态组 all、connected、
               synchronized、bucket、big）
  --state S    只列这些状态，任意写法（time_wait、CLOSE-WAIT、estab）或 ss 的状态组；可重复或用逗号分隔
  --sport N    只列本地端口为 N 的套接字                --dport N  只列远端端口为 N 的套接字
  --port N     只列本地或远端端口为 N 的套接字
  --pid N      只列进程 N 持有的套接字
  --sort 键    state（默认）、age（最久的在前）、lport、rport、pid、recvq、sendq（最满的在前）
  --top N      排序后只列前 N 个
  --samples N  读取本机 N 次，间隔 --interval 秒（默认 5），用于得出时长（仅实时数据源）
  --json       机器可读输出（套接字记录；ageRange：{atLeastMs, atMostMs}）
输入：默认本机；--input 文件|目录|-、--partial 与 --netns 名称 同 tcplens doctor。
`,
};

function intFlag(name: string, v: string | undefined, max: number, lang: 'en' | 'zh'): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n > max) {
    throw new UsageError(lang === 'zh' ? `--${name} 需要 0 到 ${max} 之间的整数，收到 '${v}'` : `--${name} needs a whole number from 0 to ${max}, got '${v}'`);
  }
  return n;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...INPUT_OPTIONS, ...SAMPLE_OPTIONS, state: { type: 'string', multiple: true }, port: { type: 'string' }, pid: { type: 'string' },
      sport: { type: 'string' }, dport: { type: 'string' }, sort: { type: 'string' }, top: { type: 'string' },
      json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  const filter: SocketFilter = {};
  // Everything after the command that is not an option is ss's filter expression.
  if (positionals.length > 0) filter.match = filterFromWords(positionals, lang);
  if (values.state) {
    const states = new Set<TcpState>();
    for (const w of values.state.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
      const st = statesFromWord(w);
      if (!st) throw new UsageError(lang === 'zh' ? `--state：'${w}' 不是 TCP 状态（见 tcplens explain --list）` : `--state: '${w}' is not a TCP state (see tcplens explain --list)`);
      for (const x of st) states.add(x);
    }
    filter.states = [...states];
  }
  const port = intFlag('port', values.port, 65535, lang);
  if (port !== undefined) filter.port = port;
  // ss writes ports as `:8080`; take that spelling in the flags too.
  const sport = intFlag('sport', values.sport?.replace(/^:/, ''), 65535, lang);
  if (sport !== undefined) filter.sport = sport;
  const dport = intFlag('dport', values.dport?.replace(/^:/, ''), 65535, lang);
  if (dport !== undefined) filter.dport = dport;
  const pid = intFlag('pid', values.pid, 2 ** 31 - 1, lang);
  if (pid !== undefined) filter.pid = pid;
  let sort: SocketSort = 'state';
  if (values.sort !== undefined) {
    if (!(SOCKET_SORTS as readonly string[]).includes(values.sort)) {
      throw new UsageError(lang === 'zh' ? `--sort 只能是 ${SOCKET_SORTS.join('、')}，收到 '${values.sort}'` : `--sort takes ${SOCKET_SORTS.join(', ')}, got '${values.sort}'`);
    }
    sort = values.sort as SocketSort;
  }
  const top = intFlag('top', values.top, 2 ** 31 - 1, lang);
  // --samples N: the same host read N times, each socket followed across the reads for its age.
  const snap = values.samples !== undefined ? await loadSampledSnapshot(values, io, lang) : await loadSnapshot(values, io, lang, { needSockets: true, partial: values.partial === true });
  let socks = filterSockets(snap, filter);
  if (sort !== 'state') socks = sortSockets(snap, socks, sort);
  const matched = socks.length;
  if (top !== undefined) socks = socks.slice(0, top);
  // Unreadable lines: in the JSON's `problems`, else on stderr; a partial read (--partial) on the
  // first line and as `partial`/`reads` in the JSON (input-problems.ts).
  const reads = partialReads(snap);
  const problems = snap.problems.length > 0 ? { problems: snap.problems } : {};
  if (!values.json) warnProblems(io, snap, lang);
  // Written in pieces (json-out.ts, writeSocketList): a listing of any size, never one string.
  if (values.json) {
    await writePieces(io, jsonWithArrayPieces({ ...partialJson(reads), sockets: [], count: socks.length, ...(top !== undefined ? { matched } : {}), ...problems }, 'sockets', socks, (k) => withInferredOwner(snap, k)));
  } else {
    io.stdout(partialBanner(reads, lang));
    await writePieces(io, socketListPieces(snap, socks, lang));
  }
  if (!values.json && top !== undefined && matched > socks.length) {
    io.stderr(lang === 'zh' ? `（共 ${matched} 个匹配，按 --top ${top} 只列出前 ${socks.length} 个）\n` : `(${matched} matched; --top ${top} shows the first ${socks.length})\n`);
  }
  if (filter.pid !== undefined && attributionIsPartial(snap) && !values.json) {
    io.stderr(lang === 'zh' ? '注意：进程归属不完整，--pid 可能漏掉套接字（请以 root 运行，或粘贴以 root 执行的 ss -tanp）\n' : 'note: process attribution is partial, --pid may miss sockets (run as root, or paste ss -tanp taken as root)\n');
  }
  return 0;
}

/** A socket without an owner of its own gets `inferredOwner` ({pid, name, via}) in the JSON; its record is otherwise as read. */
function withInferredOwner(s: HostSnapshot, k: SocketRecord): SocketRecord | (SocketRecord & { inferredOwner: object }) {
  const o = inferOwner(s, k);
  return o ? { ...k, inferredOwner: o } : k;
}
