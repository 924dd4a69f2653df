// The `tcplens watch` screen: one `WatchFrame` drawn into exactly `rows` lines of at most `cols`
// columns, so it fits an 80×24 ssh session and uses a wide terminal's room for more rows and
// columns. No terminal I/O here (commands/watch.ts writes it): a test draws it and reads the text.
// A light read (every state but ESTABLISHED, watch-frame.ts) is never shown as if it were full: one
// line says where ESTABLISHED's count came from and how old the full read is, and each finding
// carried from it starts with its age.
import type { Lang } from '../i18n/lang.js';
import { TCP_STATES } from '../model/states.js';
import { displayWidth } from '../diagnose/socket-views.js';
import { ageText, shortDuration } from '../diagnose/age-text.js';

export { ageText, shortDuration };
import { WATCHED_STATES, type GroupRow, type WatchFrame, type WatchedState } from '../diagnose/watch-frame.js';

export type SortKey = 'count' | 'change' | 'oldest';
export const SORT_KEYS: readonly SortKey[] = ['count', 'change', 'oldest'];

export interface ViewState {
  sort: SortKey;
  by: 'process' | 'port';
  /** Only this state's table (undefined: all four). */
  state?: WatchedState;
  port?: number;
  paused: boolean;
  /** A prompt being typed (the port filter), shown on the last line. */
  prompt?: string;
  intervalMs: number;
}

const W = {
  every: { en: 'every', zh: '每' }, paused: { en: 'PAUSED', zh: '已暂停' },
  byProcess: { en: 'by process', zh: '按进程' }, byPort: { en: 'by port', zh: '按端口' }, sort: { en: 'sort', zh: '排序' },
  port: { en: 'port', zh: '端口' }, state: { en: 'STATE', zh: '状态' }, count: { en: 'COUNT', zh: '数量' },
  change: { en: 'CHG', zh: '变化' }, rate: { en: '/s', zh: '/秒' }, flows: { en: 'net flows', zh: '净流向' },
  noFlows: { en: '(none since the last read)', zh: '（上次读取以来没有）' }, first: { en: '(from the next refresh)', zh: '（下次刷新起）' },
  oldest: { en: 'oldest', zh: '最久' }, median: { en: 'median', zh: '中位' }, none: { en: 'none', zh: '无' },
  findings: { en: 'findings', zh: '诊断' }, noFindings: { en: 'no findings', zh: '没有发现问题' }, cleared: { en: 'cleared', zh: '已消失' },
  limit: { en: 'limit', zh: '上限' }, in: { en: 'in', zh: '约' }, more: { en: 'more', zh: '更多' },
  keys: {
    en: 'q quit  space pause  s sort  f state  p port  b by process/port',
    zh: 'q 退出  空格 暂停  s 排序  f 状态  p 端口  b 按进程/端口',
  },
  sortNames: { count: { en: 'count', zh: '数量' }, change: { en: 'change', zh: '变化' }, oldest: { en: 'oldest', zh: '最久' } },
  light: {
    en: (states: string, from: string, age: string) => `${states}: count from ${from}; its sockets as of the full read ${age} ago`,
    zh: (states: string, from: string, age: string) => `${states}：数量取自 ${from}；其套接字为 ${age}前完整读取时的情况`,
  },
  ago: { en: (age: string) => `[${age} ago]`, zh: (age: string) => `[${age}前]` },
} as const;

function fit(s: string, w: number): string {
  if (displayWidth(s) <= w) return s;
  let out = '';
  for (const ch of s) { if (displayWidth(out + ch) > w - 1) break; out += ch; }
  return out + '…';
}

function pad(s: string, w: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const rate = (r: number | undefined): string => (r === undefined ? '' : r === 0 ? '0' : `${r > 0 ? '+' : ''}${Math.abs(r) >= 10 ? r.toFixed(0) : r.toFixed(1)}`);

function sortRows(rows: GroupRow[], sort: SortKey): GroupRow[] {
  const key = (g: GroupRow): number => (sort === 'count' ? g.count : sort === 'change' ? g.change : g.oldest?.atLeastMs ?? -1);
  return [...rows].sort((a, b) => key(b) - key(a) || b.count - a.count);
}

/** The screen: exactly `rows` lines (fewer if the frame needs fewer), none wider than `cols`. */
export function renderWatch(f: WatchFrame, v: ViewState, size: { cols: number; rows: number }, lang: Lang): string[] {
  const cols = Math.max(40, size.cols);
  const rows = Math.max(12, size.rows);
  const out: string[] = [];
  const clock = new Date(f.takenAt).toISOString().slice(11, 19);
  const filters = [v.by === 'process' ? W.byProcess[lang] : W.byPort[lang], `${W.sort[lang]} ${W.sortNames[v.sort][lang]}`,
    ...(v.state ? [v.state] : []), ...(v.port !== undefined ? [`${W.port[lang]} ${v.port}`] : [])];
  out.push(fit(`tcplens watch  ${f.origin}  ${W.every[lang]} ${v.intervalMs / 1000}s  ${clock} #${f.refresh}  [${filters.join(', ')}]${v.paused ? `  ${W.paused[lang]}` : ''}`, cols));

  // Counts per state, as many per line as the width allows.
  const shown = TCP_STATES.filter((st) => f.states[st].count > 0 || f.states[st].change !== 0);
  const cell = 38;
  const perLine = Math.max(1, Math.floor((cols + 2) / (cell + 2)));
  const cells = shown.map((st) => {
    const s = f.states[st];
    return `${pad(st, 12)} ${pad(String(s.count), 7, true)} ${pad(f.refresh > 1 ? signed(s.change) : '', 6, true)} ${pad(s.ratePerSec !== undefined ? rate(s.ratePerSec) + W.rate[lang] : '', 9, true)}`;
  });
  out.push(fit(Array.from({ length: Math.min(perLine, Math.max(1, cells.length)) }, () => `${pad(W.state[lang], 12)} ${pad(W.count[lang], 7, true)} ${pad(W.change[lang], 6, true)} ${pad(W.rate[lang], 9, true)}`).join('  '), cols));
  for (let i = 0; i < cells.length; i += perLine) out.push(fit(cells.slice(i, i + perLine).join('  ').trimEnd(), cols));
  out.push(fit(`${W.flows[lang]}: ${f.refresh === 1 ? W.first[lang] : f.flows.edges.length === 0 ? W.noFlows[lang]
    : f.flows.edges.map((e) => `${e.from}→${e.to} ${e.count}`).join('  ')}`, cols));
  const listing = f.listing;
  if (!listing.full) {
    out.push(fit(W.light[lang]((listing.unlisted ?? []).join(', '), listing.countedFrom ?? '-', shortDuration(Math.max(0, f.takenAt - listing.fullAt), lang)), cols));
  }

  // The footer first, so the tables take what is left.
  const footer: string[] = [];
  const findingLines = f.findings.length === 0 && f.cleared.length === 0 ? [`${W.findings[lang]}: ${W.noFindings[lang]}`]
    : [...f.findings.map((x) => `${x.severity === 'critical' ? '!!' : x.severity === 'warning' ? '! ' : 'i '}${x.new ? '*' : ' '}${x.asOf !== undefined ? `${W.ago[lang](shortDuration(Math.max(0, f.takenAt - x.asOf), lang))} ` : ''}${x.summary}`),
      ...f.cleared.map((x) => `   ${W.cleared[lang]}: ${x.summary}`)];
  const growth = f.growth.filter((g) => g.secondsToLimit !== undefined).slice(0, 2)
    .map((g) => `↑ ${g.key} ${g.current}/${g.limit} ${rate(g.ratePerSec)}${W.rate[lang]}, ${W.limit[lang]} ${W.in[lang]} ${shortDuration((g.secondsToLimit ?? 0) * 1000, lang)}`);
  const budgetFooter = Math.min(findingLines.length + growth.length, Math.max(2, Math.floor(rows / 5)));
  footer.push(...[...growth, ...findingLines].slice(0, budgetFooter).map((l) => fit(l, cols)));
  footer.push(fit(v.prompt !== undefined ? v.prompt : W.keys[lang], cols));

  // The four watched states' tables share the rows left.
  const states = v.state ? [v.state] : [...WATCHED_STATES];
  const tableEnd = rows - footer.length;
  const left = tableEnd - out.length;
  const wide = cols >= 110;
  const nameW = Math.max(14, Math.min(40, cols - (wide ? 70 : 48)));
  const perState = Math.max(1, Math.floor(left / states.length));
  for (const st of states) {
    const w = f.watched[st];
    const room = Math.min(perState, tableEnd - out.length);
    if (room <= 0) break;
    const head = `${st} ${w.count}${f.refresh > 1 ? ` (${signed(f.states[st].change)})` : ''}  ${W.oldest[lang]} ${ageText(w.oldest, lang)}  ${W.median[lang]} ${w.medianAtLeastMs === undefined ? '-' : (w.oldest?.atMostMs === undefined ? '≥' : '') + shortDuration(w.medianAtLeastMs, lang)}`;
    out.push(fit(w.count === 0 ? `${st} 0` : head, cols));
    if (w.count === 0) continue;
    const list = sortRows(v.by === 'process' ? w.byProcess : w.byPort, v.sort);
    for (const g of list.slice(0, room - 1)) {
      const parts = [`  ${pad(fit(g.key, nameW), nameW)}`, pad(String(g.count), 7, true), pad(f.refresh > 1 ? signed(g.change) : '', 6, true),
        pad(g.ratePerSec !== undefined ? rate(g.ratePerSec) + W.rate[lang] : '', 8, true), ` ${pad(ageText(g.oldest, lang), wide ? 16 : 12)}`];
      if (wide) parts.push(`${W.median[lang]} ${g.medianAtLeastMs === undefined ? '-' : shortDuration(g.medianAtLeastMs, lang)}`);
      out.push(fit(parts.join(' ').trimEnd(), cols));
    }
    // One state on screen: the rows left list its oldest sockets, each with its own interval.
    if (v.state && tableEnd - out.length > 2 && w.oldestSockets.length > 0) {
      out.push(fit(`${W.oldest[lang]}:`, cols));
      for (const k of w.oldestSockets.slice(0, tableEnd - out.length)) {
        const who = k.pid !== undefined ? `${k.process ?? '?'}/${k.pid}` : '-';
        out.push(fit(`  ${pad(k.local, 22)} ${pad(k.peer, 22)} ${pad(who, 16)} ${ageText(k.ageRange, lang)}`.trimEnd(), cols));
      }
    }
  }
  while (out.length < tableEnd) out.push('');
  return [...out.slice(0, tableEnd), ...footer];
}
