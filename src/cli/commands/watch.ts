// `tcplens watch`: a top-like live view of TCP states over time. It reads the host every --interval
// (a live host through src/node/watch-read.ts: every state at the first read and each minute, every
// state but ESTABLISHED in between; anything else through `openSource`, src/node/source.ts),
// feeds each snapshot to a `WatchSession`
// (src/diagnose/watch-frame.ts: ages, changes, net flows, groups, growth, findings) and draws the
// frame (../watch-screen.ts) — or writes it as one JSON line (--json, NDJSON).
// On a terminal it takes the alternate screen and raw keys, and gives both back on q, Ctrl-C,
// SIGTERM and SIGHUP: a watch over ssh must never leave the terminal without echo.
import { parseArgs } from 'node:util';
import type { Text, Lang } from '../../i18n/lang.js';
import type { HostSnapshot } from '../../model/snapshot.js';
import type { TcpState } from '../../model/states.js';
import { openStateTrace, type StateTrace, type TransitionEvent } from '../../node/trace/index.js';
import { readFdUse } from '../../node/fd-use.js';
import { WATCHED_STATES, WatchSession, type WatchExtras, type WatchFrame } from '../../diagnose/watch-frame.js';
import { pickLang, processIO, UsageError, type CliIO } from '../io.js';
import { asUsage, specFromFlags } from '../snapshot-input.js';
import { openSource, type Source } from '../../node/source.js';
import { WatchReader, type WatchRead } from '../../node/watch-read.js';
import { renderWatch, SORT_KEYS, type ViewState } from '../watch-screen.js';

const HELP: Text = {
  en: `usage: tcplens watch [--interval S] [--netns NAME] [--trace] [--json] [--once] [--lang en|zh]

A live view of TCP states, like top: counts per state with their change and rate, the net flows
between states since the last read, the processes and ports holding CLOSE-WAIT, TIME-WAIT,
FIN-WAIT-2 and SYN-RECEIVED with their oldest and median time in that state, growth toward a limit
(a process's fd limit, tcp_max_tw_buckets, tcp_max_orphans), and the doctor's findings as they
appear and clear. Ages are intervals: "≥5m" for a socket already there at the first read, "2s–4s"
for one that appeared between two reads, exact where a kernel timer tells (TIME-WAIT).
On a live host a refresh lists every state at the start and each minute, and every state but
ESTABLISHED in between (counted by Tcp: CurrEstab); what needs its sockets then shows its age.
  --interval S   seconds between reads (default 2; 0.2 to 3600)
  --netns NAME   watch another network namespace (ip netns name, or pid:N)
  --json         one JSON object per refresh, one per line (NDJSON), for scripts
  --once         one refresh and exit: two reads --interval apart (so changes and flows have a
                 baseline), printed as text or, with --json, as one JSON line
  --trace        exact mode (root, tracefs): every state change the kernel makes, counted per
                 edge of the state diagram, through a private tracefs instance removed on exit;
                 without root or tracefs it says why in one line and polls
Keys: q quit · space pause · s sort (count, change, oldest) · f state filter · p port filter
      · b by process / by port
`,
  zh: `用法: tcplens watch [--interval 秒] [--netns 名称] [--trace] [--json] [--once] [--lang en|zh]

像 top 一样实时查看 TCP 状态：各状态的数量及其变化和速率、上次读取以来状态之间的净流向、持有
CLOSE-WAIT、TIME-WAIT、FIN-WAIT-2 与 SYN-RECEIVED 的进程和端口及其在该状态中的最久与中位时长、
趋向上限的增长（进程的 fd 上限、tcp_max_tw_buckets、tcp_max_orphans），以及诊断结果的出现与消失。
时长是区间：首次读取时已存在的套接字为“≥5分”，两次读取之间出现的为“2秒–4秒”，内核定时器能说明时
（TIME-WAIT）为精确值。
在实时主机上，开始时和每分钟读取全部状态，其间读取除 ESTABLISHED 外的所有状态（其数量取自
Tcp: CurrEstab）；此时需要其套接字的内容会标出时长。
  --interval S   两次读取间隔的秒数（默认 2；0.2 到 3600）
  --netns NAME   查看另一个网络命名空间（ip netns 名称，或 pid:N）
  --json         每次刷新输出一个 JSON 对象，每行一个（NDJSON），供脚本使用
  --once         只刷新一次后退出：间隔 --interval 读取两次（以便变化与流向有基准），输出文本，
                 或配合 --json 输出一行 JSON
  --trace        精确模式（需要 root 与 tracefs）：按状态图的每条边统计内核做出的每一次状态变化，
                 使用退出时删除的私有 tracefs 实例；没有 root 或 tracefs 时用一行说明原因并改为轮询
按键：q 退出 · 空格 暂停 · s 排序（数量、变化、最久）· f 状态筛选 · p 端口筛选 · b 按进程/按端口
`,
};

function intervalMs(v: string | undefined, lang: Lang): number {
  if (v === undefined) return 2000;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0.2 || n > 3600) {
    throw new UsageError(lang === 'zh' ? `--interval 需要 0.2 到 3600 之间的秒数，收到 '${v}'` : `--interval needs seconds from 0.2 to 3600, got '${v}'`);
  }
  return Math.round(n * 1000);
}

/** Opens the kernel trace, or says in one line why it cannot and returns undefined (polling goes on). */
async function exactMode(netns: string | undefined, io: CliIO, lang: Lang): Promise<StateTrace | undefined> {
  const t = await openStateTrace(netns !== undefined ? { netns } : {});
  if (t.available) {
    if (t.notice) io.stderr(`tcplens watch: ${t.notice[lang]}\n`); // the binary reader fell back to text
    return t;
  }
  io.stderr(`tcplens watch: ${t.text[lang]}\n`);
  return undefined;
}

/** Transitions per from → to edge, busiest first. */
function countEdges(events: readonly TransitionEvent[]): Array<{ from: TcpState; to: TcpState; count: number }> {
  const m = new Map<string, { from: TcpState; to: TcpState; count: number }>();
  for (const e of events) {
    const k = `${e.from}>${e.to}`;
    const g = m.get(k);
    if (g) g.count++;
    else m.set(k, { from: e.from, to: e.to, count: 1 });
  }
  return [...m.values()].sort((a, b) => b.count - a.count);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RLIMIT_NOFILE (soft) and open fds of the processes holding the most CLOSE-WAIT: where a leak ends in EMFILE. */
async function fdLimits(procRoot: string, frame: WatchFrame | undefined, snap: HostSnapshot): Promise<WatchExtras> {
  const pids = new Set<number>();
  if (frame) {
    for (const g of frame.watched['CLOSE-WAIT'].byProcess.slice(0, 5)) if (g.pid !== undefined) pids.add(g.pid);
  } else {
    for (const k of snap.sockets) if (k.state === 'CLOSE-WAIT' && k.processes?.[0] && pids.size < 5) pids.add(k.processes[0].pid);
  }
  return { fds: await readFdUse(pids, procRoot) };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      interval: { type: 'string' }, netns: { type: 'string' }, 'proc-root': { type: 'string' },
      json: { type: 'boolean' }, once: { type: 'boolean' }, trace: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = pickLang(values.lang, io.env);
  if (values.help) { io.stdout(HELP[lang]); return 0; }
  if (positionals.length > 0) throw new UsageError(lang === 'zh' ? `多余的参数 '${positionals[0]}'` : `unexpected argument '${positionals[0]}'`);
  const gap = intervalMs(values.interval, lang);
  const flags = { ...(values.netns !== undefined ? { netns: values.netns } : {}), ...(values['proc-root'] !== undefined ? { 'proc-root': values['proc-root'] } : {}) };
  // Another namespace through netlink, as our own is read: tcp_info tightens the ages watch shows.
  const source = await asUsage(lang, async () => {
    const spec = await specFromFlags(flags, io, lang);
    return openSource(spec.kind === 'netns' ? { ...spec, netlink: true } : spec);
  });
  const session = new WatchSession(source.origin, lang);
  const reader = watchReader(source);
  const procRoot = values['proc-root'] ?? '/proc';
  let last: WatchFrame | undefined;
  const trace = values.trace ? await exactMode(values.netns, io, lang) : undefined;
  let drainedAt = Date.now();
  // --once reads every state both times: one refresh, as exact as a full read.
  const refresh = async (full = false): Promise<WatchFrame> => {
    const read: WatchRead = await asUsage(lang, async () => (reader ? reader.read(full) : { snap: await source.sample() }));
    const snap = read.snap;
    const extras: WatchExtras = await fdLimits(procRoot, last, snap);
    if (read.light) extras.light = read.light;
    if (trace) {
      const now = Date.now();
      extras.exact = { edges: countEdges(trace.drain()), windowMs: now - drainedAt, lost: trace.stats().lost > 0 };
      drainedAt = now;
    }
    last = session.refresh(snap, extras);
    return last;
  };
  const view: ViewState = { sort: 'count', by: 'process', paused: false, intervalMs: gap };

  if (values.once) {
    await refresh(true);
    await sleep(gap);
    const f = await refresh(true);
    io.stdout(values.json ? JSON.stringify(f) + '\n' : renderWatch(f, view, { cols: 80, rows: 24 }, lang).join('\n') + '\n');
    await trace?.close();
    return 0;
  }
  const tty = io === processIO && process.stdout.isTTY === true && process.stdin.isTTY === true && !values.json;
  if (!tty) return stream(io, refresh, gap, values.json === true, view, lang);
  return interactive(session, refresh, view, lang);
}

/** A live host's reader (full and light reads); undefined for saved input, read through the source. */
function watchReader(source: Source): WatchReader | undefined {
  const spec = source.spec;
  if (spec.kind === 'live' && spec.processes !== false) return new WatchReader({});
  if (spec.kind === 'netns' && spec.processes !== false) return new WatchReader({ netns: spec.name, ...(spec.members ? { members: spec.members } : {}) });
  if (spec.kind === 'proc-root' && spec.processes !== false) return new WatchReader({ procRoot: spec.dir });
  return undefined;
}

/** Not a terminal (a pipe, a file, --json): one frame per refresh until killed. */
async function stream(io: CliIO, refresh: () => Promise<WatchFrame>, gap: number, json: boolean, view: ViewState, lang: Lang): Promise<number> {
  let stop = false;
  const end = (): void => { stop = true; };
  process.once('SIGTERM', end);
  process.once('SIGINT', end);
  try {
    while (!stop) {
      const started = Date.now();
      const f = await refresh();
      io.stdout(json ? JSON.stringify(f) + '\n' : renderWatch(f, view, { cols: 80, rows: 24 }, lang).join('\n') + '\n\n');
      await sleepUnless(Math.max(0, started + gap - Date.now()), () => stop);
    }
  } finally {
    process.removeListener('SIGTERM', end);
    process.removeListener('SIGINT', end);
  }
  return 0;
}

async function sleepUnless(ms: number, stopped: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stopped() && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
}

/** The terminal view: alternate screen, raw keys, redraw on refresh, key and resize. */
async function interactive(session: WatchSession, refresh: () => Promise<WatchFrame>, view: ViewState, lang: Lang): Promise<number> {
  const out = process.stdout;
  const stdin = process.stdin;
  let frame: WatchFrame | undefined;
  let done: (() => void) | undefined;
  const finished = new Promise<void>((r) => { done = r; });
  let portText = '';
  const draw = (): void => {
    if (!frame) return;
    const f = view.port !== undefined ? session.frame({ port: view.port }) : frame;
    const lines = renderWatch(f, view, { cols: out.columns ?? 80, rows: out.rows ?? 24 }, lang);
    out.write('\x1b[H' + lines.map((l) => l + '\x1b[K').join('\r\n') + '\x1b[J');
  };
  const restore = (): void => {
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    out.write('\x1b[?25h\x1b[?1049l');
  };
  const quit = (): void => { done?.(); };
  // Pasted or fast-typed keys arrive together: one at a time, so "8080" in one read is four digits.
  const onData = (buf: Buffer): void => { for (const ch of buf.toString('utf8')) onKey(ch); };
  const onKey = (k: string): void => {
    if (view.prompt !== undefined) {
      if (k === '\r' || k === '\n') {
        view.port = portText === '' ? undefined : Number(portText);
        view.prompt = undefined;
      } else if (k === '\x1b') view.prompt = undefined;
      else if (k === '\x7f' || k === '\b') portText = portText.slice(0, -1);
      else if (/^\d$/.test(k) && portText.length < 5 && Number(portText + k) <= 65535) portText += k;
      else if (k === '\x03') { quit(); return; }
      if (view.prompt !== undefined) view.prompt = (lang === 'zh' ? '端口（回车确认，留空为全部，Esc 取消）：' : 'port (Enter to apply, empty for all, Esc to cancel): ') + portText;
      draw();
      return;
    }
    switch (k) {
      case 'q': case 'Q': case '\x03': quit(); return;
      case ' ': view.paused = !view.paused; break;
      case 's': view.sort = SORT_KEYS[(SORT_KEYS.indexOf(view.sort) + 1) % SORT_KEYS.length]; break;
      case 'b': view.by = view.by === 'process' ? 'port' : 'process'; break;
      case 'f': {
        const order = [undefined, ...WATCHED_STATES];
        const next = order[(order.indexOf(view.state) + 1) % order.length];
        if (next === undefined) delete view.state; else view.state = next;
        break;
      }
      case 'p': portText = view.port === undefined ? '' : String(view.port); view.prompt = (lang === 'zh' ? '端口（回车确认，留空为全部，Esc 取消）：' : 'port (Enter to apply, empty for all, Esc to cancel): ') + portText; break;
      default: return;
    }
    draw();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  out.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  stdin.setRawMode(true);
  stdin.resume();
  stdin.on('data', onData);
  out.on('resize', draw);
  for (const s of signals) process.once(s, quit);
  // An exception must not leave the terminal raw either.
  process.once('exit', restore);
  let failure: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    const tick = async (): Promise<void> => {
      const started = Date.now();
      if (!view.paused) { frame = await refresh(); draw(); }
      timer = setTimeout(() => { tick().catch((e: unknown) => { failure = e; quit(); }); }, Math.max(0, started + view.intervalMs - Date.now()));
    };
    await tick();
    await finished;
  } finally {
    if (timer) clearTimeout(timer);
    stdin.removeListener('data', onData);
    out.removeListener('resize', draw);
    for (const s of signals) process.removeListener(s, quit);
    process.removeListener('exit', restore);
    restore();
  }
  if (failure !== undefined) throw failure;
  return 0;
}
