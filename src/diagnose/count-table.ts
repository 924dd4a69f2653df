// The table of `tcplens states`: sockets per state, one row each, and the column layout every
// count table shares (widths in terminal columns, numbers right-aligned). Apart from the socket
// views so the plain count prints without loading them. Pure.
import type { Lang } from '../i18n/lang.js';
import { TCP_STATES, type TcpState } from '../model/states.js';

/** States shown as columns: those present (or all eleven with `all`). */
export function shownStates(counts: Record<TcpState, number>, all: boolean): TcpState[] {
  return TCP_STATES.filter((st) => all || counts[st] > 0);
}

// Characters that take two columns (CJK and full-width), and surrogates (one column per pair).
const WIDE_OR_PAIR = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udfff]/;

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  // Addresses, ports and numbers: one test of the whole string instead of one per character.
  if (!WIDE_OR_PAIR.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
}

export function table(rows: string[][], right: (col: number) => boolean): string {
  // A loop, not Math.max(...column): a listing of a busy host has more rows than a call can take arguments.
  const w = rows[0].map(() => 0);
  for (const r of rows) for (let i = 0; i < w.length; i++) w[i] = Math.max(w[i], displayWidth(r[i]));
  return rows.map((r) => r.map((c, i) => pad(c, w[i], right(i))).join('  ').trimEnd()).join('\n') + '\n';
}

export const HEAD: Record<string, Record<Lang, string>> = {
  state: { en: 'STATE', zh: '状态' }, count: { en: 'COUNT', zh: '数量' }, total: { en: 'TOTAL', zh: '合计' },
  process: { en: 'PROCESS/PID', zh: '进程/PID' }, pid: { en: 'PID', zh: 'PID' }, lport: { en: 'LOCAL-PORT', zh: '本地端口' },
  rport: { en: 'REMOTE-PORT', zh: '远端端口' }, raddr: { en: 'REMOTE-ADDRESS', zh: '远端地址' },
};

export function renderStateCounts(counts: Record<TcpState, number>, all: boolean, lang: Lang): string {
  const rows = [[HEAD.state[lang], HEAD.count[lang]]];
  let total = 0;
  for (const st of shownStates(counts, all)) { rows.push([st, String(counts[st])]); total += counts[st]; }
  rows.push([HEAD.total[lang], String(total)]);
  return table(rows, (i) => i >= 1);
}
