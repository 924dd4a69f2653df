// READ THIS FIRST — the transitions `tcplens explain` draws, DERIVED from the engine's one table.
//
// Rules this file keeps (STYLE §7: one table, the docs drawn from it):
// - from/to, the causes and the rules come from src/core/transitions.ts: TRANSITIONS (every change
//   the engine makes, held to the code by its test) plus LISTENER_TRANSITIONS (the host's
//   listen()/close() of a listener), one row per (from, to, cause). Explain shows one line per
//   from → to with its causes in order; nothing here adds or removes a transition.
// - The words of each cause, English and Chinese, are core's CAUSE_WORDS, keyed by cause id.
// - This file keeps only what core does not have: per transition what this end sends and a note
//   on what it means. transitions.test.ts fails when a key here names a transition core does not
//   list, so a change to core's table forces a look at these texts.
// - "Ways in" and "ways out" of a state are filters of the derived table, never written by hand.
// - The give-up times in the notes come from give-up-figures.ts (core's give-up.ts arithmetic),
//   with Linux's defaults unless the caller passes a host's settings.
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import { CAUSE_WORDS, LISTENER_TRANSITIONS, TRANSITIONS as CORE, type CauseId, type TransitionRow } from '../core/transitions.js';
import { giveUpFigures, LINUX_GIVE_UP_DEFAULTS, sameAsDefaults, type GiveUpSettings } from './give-up-figures.js';

export interface Transition {
  from: TcpState;
  to: TcpState;
  /** Each cause of this change, in core's table order. */
  causes: CauseId[];
  /** Each cause in words, English and Chinese from core's CAUSE_WORDS. */
  events: Text[];
  /** The events joined, for one-line rendering. */
  event: Text;
  /** The RFC sections / Linux functions core cites, each once. */
  rule: string;
  /** What this end sends, if anything. */
  action?: Text;
  /** What the transition means in practice (timers, Linux specifics). */
  note?: Text;
}

const edge = (from: TcpState, to: TcpState): string => `${from} → ${to}`;

interface EdgeText { sends?: string; note?: Text }
const x = (en: string, zh: string): Text => ({ en, zh });

/** Per transition ("FROM → TO"): what this end sends and what it means. Segment names are not translated. */
function edgeTexts(s: Readonly<GiveUpSettings>): Readonly<Record<string, EdgeText>> {
  const f = giveUpFigures(s);
  const synDefault = sameAsDefaults(s, 'synRetries', 'synLinearTimeouts');
  return {
    'CLOSED → LISTEN': { note: x('passive open: the socket now answers SYNs for its port', '被动打开：套接字开始应答发往其端口的 SYN') },
    'CLOSED → SYN-SENT': { sends: 'SYN', note: x('active open', '主动打开') },
    'LISTEN → SYN-RECEIVED': { sends: 'SYN-ACK', note: x('Linux keeps a request socket in the SYN queue; the listener itself stays in LISTEN', 'Linux 在半连接队列中保存一个请求套接字；监听套接字本身仍处于 LISTEN') },
    'SYN-SENT → ESTABLISHED': { sends: 'ACK' },
    'SYN-SENT → SYN-RECEIVED': { sends: 'SYN-ACK' },
    'SYN-SENT → CLOSED': { note: x(
      `with ${synDefault ? 'Linux 6.x defaults' : 'these settings'} (tcp_syn_retries = ${s.synRetries}, tcp_syn_linear_timeouts = ${s.synLinearTimeouts}) connect() gives up after ${f.syn.syns} SYNs, ~${f.syn.text.en} (~${f.synWithoutLinear.text.en} before the linear timeouts)`,
      `按 ${synDefault ? 'Linux 6.x 默认值' : '这些设置'}（tcp_syn_retries = ${s.synRetries}，tcp_syn_linear_timeouts = ${s.synLinearTimeouts}），connect() 发出 ${f.syn.syns} 个 SYN 后放弃，约 ${f.syn.text.zh}（引入线性超时之前约 ${f.synWithoutLinear.text.zh}）`) },
    'SYN-RECEIVED → ESTABLISHED': { note: x('the connection then waits in the accept queue for accept(); if that queue is full Linux drops the ACK instead and the request stays (tcp_abort_on_overflow = 0)', '之后连接在全连接队列中等待 accept()；若该队列已满，Linux 改为丢弃该 ACK，请求保持原状（tcp_abort_on_overflow = 0）') },
    'SYN-RECEIVED → FIN-WAIT-1': { sends: 'FIN' },
    'SYN-RECEIVED → CLOSED': { note: x('a server\'s request socket is dropped; its listener stays in LISTEN', '服务端的请求套接字被丢弃；其监听套接字仍处于 LISTEN') },
    'ESTABLISHED → FIN-WAIT-1': { sends: 'FIN', note: x('active close', '主动关闭') },
    'ESTABLISHED → CLOSE-WAIT': { sends: 'ACK', note: x('passive close: read() returns 0 until the application calls close()', '被动关闭：read() 返回 0，直到应用调用 close()') },
    'ESTABLISHED → CLOSED': { note: x(`tcp_retries2 = ${s.retries2} gives up after ~${f.data.text.en}; keepalive runs only on SO_KEEPALIVE sockets`, `tcp_retries2 = ${s.retries2} 约 ${f.data.text.zh}后放弃；保活只作用于设置了 SO_KEEPALIVE 的套接字`) },
    'FIN-WAIT-1 → CLOSING': { sends: 'ACK', note: x('simultaneous close', '同时关闭') },
    'FIN-WAIT-1 → CLOSED': { note: x('an orphan (the application closed) retransmits its FIN tcp_orphan_retries times', '孤儿套接字（应用已关闭）的 FIN 重传 tcp_orphan_retries 次') },
    'FIN-WAIT-2 → TIME-WAIT': { sends: 'ACK', note: x('a FIN that comes with the ACK of ours passes through FIN-WAIT-2 on the way (tcp_rcv_state_process, then tcp_fin)', '与对本端 FIN 的 ACK 一起到达的 FIN 也会先经过 FIN-WAIT-2（tcp_rcv_state_process，然后 tcp_fin）') },
    'FIN-WAIT-2 → CLOSED': { note: x(`only orphans have the timer (tcp_fin_timeout, ${f.finWait2.ms / 1000} s); a half-closed socket the application still holds waits forever`, `只有孤儿套接字有该定时器（tcp_fin_timeout，${f.finWait2.ms / 1000} 秒）；应用仍持有的半关闭套接字会一直等待`) },
    'CLOSE-WAIT → LAST-ACK': { sends: 'FIN' },
    'TIME-WAIT → CLOSED': { note: x('the timer is fixed at 60 s on Linux (TCP_TIMEWAIT_LEN), not tcp_fin_timeout; tcp_rfc1337 = 1 ignores the RST', 'Linux 上该定时器固定为 60 秒（TCP_TIMEWAIT_LEN），与 tcp_fin_timeout 无关；tcp_rfc1337 = 1 时忽略 RST') },
  };
}

const CORE_ROWS: readonly TransitionRow[] = [...LISTENER_TRANSITIONS, ...CORE];

/** One transition per from → to, in the order core first lists it, with all its rows' causes. */
function derive(rows: readonly TransitionRow[], s: Readonly<GiveUpSettings>): Transition[] {
  const texts = edgeTexts(s);
  const byEdge = new Map<string, TransitionRow[]>();
  for (const r of rows) {
    const k = edge(r.from, r.to);
    byEdge.set(k, [...(byEdge.get(k) ?? []), r]);
  }
  return [...byEdge.entries()].map(([k, rs]) => {
    const causes = [...new Set(rs.map((r) => r.cause))];
    const events = causes.map((c) => CAUSE_WORDS[c]);
    const t: Transition = {
      from: rs[0].from, to: rs[0].to, causes, events,
      rule: [...new Set(rs.map((r) => r.rule))].join('; '),
      event: { en: events.map((e) => e.en).join('; '), zh: events.map((e) => e.zh).join('；') },
    };
    const extra = texts[k];
    if (extra?.sends) t.action = { en: extra.sends, zh: extra.sends };
    if (extra?.note) t.note = extra.note;
    return t;
  });
}

export const TRANSITIONS: readonly Transition[] = derive(CORE_ROWS, LINUX_GIVE_UP_DEFAULTS);

/** The transitions with the give-up times of settings `s` (a host's sysctls) in their notes. */
export function transitionsFor(s: Readonly<GiveUpSettings>): readonly Transition[] {
  return derive(CORE_ROWS, s);
}

/** Explain texts for a transition core does not list. Empty when they agree (transitions.test.ts). */
export function explainTextProblems(): string[] {
  const edges = new Set(CORE_ROWS.map((r) => edge(r.from, r.to)));
  return Object.keys(edgeTexts(LINUX_GIVE_UP_DEFAULTS)).filter((k) => !edges.has(k)).map((k) => `explain text for ${k}, which core does not list`);
}

export function waysIn(state: TcpState, s?: Readonly<GiveUpSettings>): Transition[] {
  return (s ? transitionsFor(s) : TRANSITIONS).filter((t) => t.to === state);
}

export function waysOut(state: TcpState, s?: Readonly<GiveUpSettings>): Transition[] {
  return (s ? transitionsFor(s) : TRANSITIONS).filter((t) => t.from === state);
}
