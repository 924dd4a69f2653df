// Draws an ExchangeResult as TCP sequence diagrams are usually drawn ("Client  message  Server",
// each side's state down its own column): time, A's state, the arrow with the segment, B's state. A state is
// printed on the rows where it changes, so the eye follows the transitions. Below it, the state
// timeline per side with the cause of each change in the reader's language, then the checked
// conclusion.
import { t, type Lang, type Text } from '../i18n/lang.js';

/** Why a segment was lost, as the lab's link says it (network.ts), in the reader's language. */
const LOSS_WHY: Record<string, Text> = {
  'drop rule': { en: 'drop rule', zh: '丢包规则' },
  'link down': { en: 'link down', zh: '链路断开' },
  'random loss': { en: 'random loss', zh: '随机丢包' },
  // A middlebox's drops (middlebox.ts) and the rules scenarios name.
  'no flow': { en: 'no flow in the middlebox', zh: '中间设备里没有这条流' },
  'flow expired': { en: 'idle flow expired in the middlebox', zh: '中间设备里的空闲流已过期' },
  'no free port': { en: 'NAT has no free port', zh: 'NAT 没有空闲端口' },
  'tw-recycle': { en: 'tcp_tw_recycle: older timestamp from this address', zh: 'tcp_tw_recycle：来自该地址的时间戳更旧' },
};

/** Why a segment was lost, in parentheses in the reader's language ('' when the row says no why). */
export function lossWhy(why: string | undefined, L: Lang): string {
  if (!why) return '';
  return L === 'zh' ? `（${LOSS_WHY[why]?.zh ?? why}）` : ` (${LOSS_WHY[why]?.en ?? why})`;
}

/** A call's result: `0 (end of stream)` from recv() reads `0（流结束）` in Chinese. */
function resultText(r: string, lang: Lang): string {
  if (lang !== 'zh') return r;
  return r.replace(' (end of stream)', '（流结束）').replace(/^(\d+) bytes$/, '$1 字节');
}
import type { ExchangeResult, ExchangeStep } from './scenario.js';
import { causeText } from '../core/transitions.js';
import { TIMER_TEXT } from './recorder.js';
import { renderColumns } from './render-columns.js';

export interface RenderOptions {
  lang: Lang;
  /** Raw sequence numbers instead of relative ones. */
  absolute?: boolean;
}

export const WORDS = {
  time: { en: 'time', zh: '时间' },
  timeline: { en: 'State timeline', zh: '状态时间线' },
  conclusion: { en: 'Conclusion', zh: '结论' },
  lost: { en: 'lost', zh: '丢失' },
  dup: { en: 'duplicate', zh: '重复' },
  sent: { en: 'sent', zh: '发出于' },
  timer: { en: 'timer', zh: '定时器' },
  relative: { en: 'sequence numbers relative to each side\'s ISN (--absolute for raw)', zh: '序号相对于各自的初始序号 ISN（--absolute 显示原始值）' },
  absolute: { en: 'raw sequence numbers', zh: '原始序号' },
};

const STATE_W = 12;

/** Columns a string takes in a terminal: CJK characters are two wide. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

function padStartW(s: string, n: number): string {
  return ' '.repeat(Math.max(0, n - displayWidth(s))) + s;
}

function padEndW(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - displayWidth(s)));
}

/** Names say "client"/"server"; in Chinese, 客户端/服务器. */
export function localName(name: string, L: Lang): string {
  return L === 'zh' ? name.replace(/\bclient\b/, '客户端').replace(/\bserver\b/, '服务器') : name;
}

/** Seconds with milliseconds: `0.000 s`, `60.050 s`, `7875.000 s`. */
export function fmtTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function renderExchange(r: ExchangeResult, o: RenderOptions): string {
  if (r.hosts.length !== 2) return renderColumns(r, o);
  const L = o.lang;
  const texts = r.steps.map((s) => middleText(s, o));
  const mid = Math.max(44, ...texts.map((x) => x.length + 8));
  const timeW = Math.max(8, ...r.steps.map((s) => fmtTime(s.at).length));
  const out: string[] = [];
  const [left, right] = r.hosts;
  const nameA = localName(left.label, L);
  const nameB = localName(right.label, L);
  out.push(`${padStartW(t(WORDS.time, L), timeW)}  ${padEndW(nameA, STATE_W + 2 + mid + 2)}${nameB}`);
  out.push(`${''.padStart(timeW)}  ${'-'.repeat(STATE_W + mid + STATE_W + 4)}`);
  let lastA = '';
  let lastB = '';
  r.steps.forEach((s, i) => {
    const time = fmtTime(s.at).padStart(timeW);
    if (s.kind === 'note') {
      out.push(`${time}  ${''.padEnd(STATE_W)}  # ${t(s.text, L)}`);
      return;
    }
    const stateA = s.states[left.name] ?? '-';
    const stateB = s.states[right.name] ?? '-';
    const a = stateA !== lastA ? stateA : '';
    const b = stateB !== lastB ? stateB : '';
    lastA = stateA;
    lastB = stateB;
    out.push(`${time}  ${a.padEnd(STATE_W)}  ${middle(s, texts[i], mid, L, left.name)}  ${b}`.trimEnd());
  });
  out.push('', `${t(o.absolute ? WORDS.absolute : WORDS.relative, L)}`, '', t(WORDS.timeline, L));
  for (const h of r.hosts) {
    out.push(`  ${h === left ? nameA : nameB}`);
    for (const c of r.timeline.filter((x) => x.host === h.name)) {
      out.push(`    ${fmtTime(c.at).padStart(timeW)}  ${`${c.from} -> ${c.to}`.padEnd(30)}  ${causeText(c.cause, L)}`);
    }
  }
  out.push('', `${t(WORDS.conclusion, L)}: ${t(r.conclusion, L)}`);
  return out.join('\n') + '\n';
}

export function middleText(s: ExchangeStep, o: RenderOptions): string {
  const L = o.lang;
  switch (s.kind) {
    case 'segment': {
      let x = o.absolute && s.textAbsolute ? s.textAbsolute : s.text;
      if (s.duplicated) x += ` (${t(WORDS.dup, L)})`;
      if (s.sentAt !== undefined && (s.duplicated || s.at - s.sentAt >= 1000)) x += ` (${t(WORDS.sent, L)} ${fmtTime(s.sentAt)})`;
      return x;
    }
    case 'call':
      return s.result === undefined ? s.text : `${s.text} = ${resultText(s.result, L)}`;
    case 'timer':
      if (s.causes) return `[${t(WORDS.timer, L)}] ${s.causes.map((c) => causeText(c, L)).join(L === 'zh' ? '；' : '; ')}`;
      if (s.timers) return `[${t(WORDS.timer, L)}] ${s.timers.map((k) => t(TIMER_TEXT[k], L)).join(L === 'zh' ? '、' : ', ')}`;
      return `[${t(WORDS.timer, L)}] ${s.text}`;
    case 'note':
      return '';
  }
}

/** The middle column; `left` names the host drawn on the left (its segments point right). */
function middle(s: ExchangeStep, text: string, w: number, L: Lang, left: string): string {
  if (s.kind === 'segment') {
    if (s.dropped) {
      const why = lossWhy(s.why, L);
      const body = `--- ${text} ---X ${t(WORDS.lost, L)}${why}`;
      return s.from === left ? body.padEnd(w) : `X--- ${text} --- ${t(WORDS.lost, L)}${why}`.padStart(w);
    }
    return s.from === left ? `--- ${text} `.padEnd(w - 1, '-') + '>' : '<' + ` ${text} ---`.padStart(w - 1, '-');
  }
  if (s.kind === 'note') return ''.padEnd(w);
  return s.host === left ? text.padEnd(w) : text.padStart(w);
}
