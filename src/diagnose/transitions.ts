// READ THIS FIRST — the transitions `tcplens explain` draws, DERIVED from the engine's one table.
//
// Rules this file keeps (STYLE §7: one table, the docs drawn from it):
// - from/to, the events (English) and the rule come from src/core/transitions.ts: TRANSITIONS
//   (every change the engine makes, held to the code by its test) plus LISTENER_TRANSITIONS (the
//   host's listen()/close() of a listener). Nothing here adds or removes a transition.
// - This file keeps only what core does not have: the Chinese of each event, keyed by
//   (from, to, event), and per transition what this end sends and a note on what it means.
// - transitions.test.ts fails when a core event has no Chinese here, or a key here names an event
//   or transition core does not list — so a change to core's table forces a look at these texts.
// - "Ways in" and "ways out" of a state are filters of the derived table, never written by hand.
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import { LISTENER_TRANSITIONS, TRANSITIONS as CORE, transitionEvents, type TransitionRow } from '../core/transitions.js';

export interface Transition {
  from: TcpState;
  to: TcpState;
  /** Each separate cause, English from core, Chinese from ZH_EVENTS. */
  events: Text[];
  /** The events joined, for one-line rendering. */
  event: Text;
  /** The RFC section / Linux function core cites. */
  rule: string;
  /** What this end sends, if anything. */
  action?: Text;
  /** What the transition means in practice (timers, Linux specifics). */
  note?: Text;
}

const edge = (from: TcpState, to: TcpState): string => `${from} → ${to}`;
const key = (from: TcpState, to: TcpState, event: string): string => `${edge(from, to)} | ${event}`;

/** The Chinese of each core event, keyed "FROM → TO | event" with the event exactly as core writes it. */
const ZH_EVENTS: Readonly<Record<string, string>> = {
  'CLOSED → LISTEN | listen()': '调用 listen()',
  'LISTEN → CLOSED | close() of the listener (queued connections get RST)': '应用关闭监听套接字（队列中的连接收到 RST）',
  'CLOSED → SYN-SENT | connect()': '调用 connect()',
  'LISTEN → SYN-RECEIVED | SYN (the host\'s listener accepts it)': '收到 SYN（主机的监听套接字接受它）',
  'SYN-SENT → ESTABLISHED | SYN-ACK acknowledging our SYN': '收到确认本端 SYN 的 SYN-ACK',
  'SYN-SENT → SYN-RECEIVED | SYN without ACK (simultaneous open)': '收到不带 ACK 的 SYN（同时打开）',
  'SYN-SENT → CLOSED | acceptable RST (ECONNREFUSED)': '收到可接受的 RST（ECONNREFUSED）',
  'SYN-SENT → CLOSED | SYN retries exhausted (ETIMEDOUT)': 'SYN 重传次数用尽（ETIMEDOUT）',
  'SYN-SENT → CLOSED | close()': '调用 close()',
  'SYN-SENT → CLOSED | abort': '中止',
  'SYN-RECEIVED → ESTABLISHED | ACK of our SYN-ACK': '收到对本端 SYN-ACK 的 ACK',
  'SYN-RECEIVED → FIN-WAIT-1 | close() after a simultaneous open': '同时打开之后调用 close()',
  'SYN-RECEIVED → CLOSED | RST': '收到 RST',
  'SYN-RECEIVED → CLOSED | SYN in the window': '窗口内收到 SYN',
  'SYN-RECEIVED → CLOSED | SYN-ACK retries exhausted': 'SYN-ACK 重传次数用尽',
  'SYN-RECEIVED → CLOSED | abort': '中止',
  'ESTABLISHED → FIN-WAIT-1 | close() or shutdown(SHUT_WR): FIN after queued data': 'close() 或 shutdown(SHUT_WR)：排队数据之后发 FIN',
  'ESTABLISHED → CLOSE-WAIT | FIN': '收到 FIN',
  'ESTABLISHED → CLOSED | RST at RCV.NXT': '收到序号等于 RCV.NXT 的 RST',
  'ESTABLISHED → CLOSED | close() with unread data or SO_LINGER {on,0} (RST)': '有未读数据时 close()，或 SO_LINGER {on,0}（发送 RST）',
  'ESTABLISHED → CLOSED | retransmission, keepalive or user timeout': '重传、保活或用户超时（TCP_USER_TIMEOUT）',
  'ESTABLISHED → CLOSED | abort': '中止',
  'FIN-WAIT-1 → FIN-WAIT-2 | ACK of our FIN': '收到对本端 FIN 的 ACK',
  'FIN-WAIT-1 → CLOSING | FIN not acknowledging ours (simultaneous close)': '收到未确认本端 FIN 的 FIN（同时关闭）',
  'FIN-WAIT-1 → CLOSED | RST': '收到 RST',
  'FIN-WAIT-1 → CLOSED | data after close() (RST)': 'close() 之后又收到数据（发送 RST）',
  'FIN-WAIT-1 → CLOSED | retransmissions exhausted or TCP_USER_TIMEOUT': '重传次数用尽或 TCP_USER_TIMEOUT 到期',
  'FIN-WAIT-1 → CLOSED | abort': '中止',
  'FIN-WAIT-2 → TIME-WAIT | FIN (also in the same segment as the ACK of our FIN)': '收到 FIN（也包括与对本端 FIN 的 ACK 同在一个报文段中的 FIN）',
  'FIN-WAIT-2 → CLOSED | orphan timer (tcp_fin_timeout / TCP_LINGER2)': '孤儿定时器到期（tcp_fin_timeout / TCP_LINGER2）',
  'FIN-WAIT-2 → CLOSED | TCP_LINGER2 < 0 (RST)': 'TCP_LINGER2 < 0（发送 RST）',
  'FIN-WAIT-2 → CLOSED | RST': '收到 RST',
  'FIN-WAIT-2 → CLOSED | data after close() (RST)': 'close() 之后又收到数据（发送 RST）',
  'FIN-WAIT-2 → CLOSED | abort': '中止',
  'CLOSE-WAIT → LAST-ACK | close() or shutdown(SHUT_WR): FIN': 'close() 或 shutdown(SHUT_WR)：发送 FIN',
  'CLOSE-WAIT → CLOSED | RST (EPIPE)': '收到 RST（EPIPE）',
  'CLOSE-WAIT → CLOSED | close() with unread data (RST)': '有未读数据时 close()（发送 RST）',
  'CLOSE-WAIT → CLOSED | timeouts': '超时',
  'CLOSE-WAIT → CLOSED | abort': '中止',
  'CLOSING → TIME-WAIT | ACK of our FIN': '收到对本端 FIN 的 ACK',
  'CLOSING → CLOSED | RST': '收到 RST',
  'CLOSING → CLOSED | retransmissions exhausted': '重传次数用尽',
  'LAST-ACK → CLOSED | ACK of our FIN': '收到对本端 FIN 的 ACK',
  'LAST-ACK → CLOSED | RST': '收到 RST',
  'LAST-ACK → CLOSED | retransmissions exhausted': '重传次数用尽',
  'TIME-WAIT → CLOSED | 60 s timer': '60 秒定时器到期',
  'TIME-WAIT → CLOSED | in-window RST (tcp_rfc1337=0)': '窗口内的 RST（tcp_rfc1337=0 时）',
  'TIME-WAIT → CLOSED | SYN of a new incarnation': '新连接（新化身）的 SYN',
  'TIME-WAIT → CLOSED | abort by the host': '被主机中止',
};

interface EdgeText { sends?: string; note?: Text }
const x = (en: string, zh: string): Text => ({ en, zh });

/** Per transition ("FROM → TO"): what this end sends and what it means. Segment names are not translated. */
const EDGE_TEXTS: Readonly<Record<string, EdgeText>> = {
  'CLOSED → LISTEN': { note: x('passive open: the socket now answers SYNs for its port', '被动打开：套接字开始应答发往其端口的 SYN') },
  'CLOSED → SYN-SENT': { sends: 'SYN', note: x('active open', '主动打开') },
  'LISTEN → SYN-RECEIVED': { sends: 'SYN-ACK', note: x('Linux keeps a request socket in the SYN queue; the listener itself stays in LISTEN', 'Linux 在半连接队列中保存一个请求套接字；监听套接字本身仍处于 LISTEN') },
  'SYN-SENT → ESTABLISHED': { sends: 'ACK' },
  'SYN-SENT → SYN-RECEIVED': { sends: 'SYN-ACK' },
  'SYN-SENT → CLOSED': { note: x(
    'with Linux 6.x defaults (tcp_syn_retries = 6, tcp_syn_linear_timeouts = 4) connect() gives up after 11 SYNs, ~131 s (~127 s before the linear timeouts)',
    '按 Linux 6.x 默认值（tcp_syn_retries = 6，tcp_syn_linear_timeouts = 4），connect() 发出 11 个 SYN 后放弃，约 131 秒（引入线性超时之前约 127 秒）') },
  'SYN-RECEIVED → ESTABLISHED': { note: x('the connection then waits in the accept queue for accept(); if that queue is full Linux drops the ACK instead and the request stays (tcp_abort_on_overflow = 0)', '之后连接在全连接队列中等待 accept()；若该队列已满，Linux 改为丢弃该 ACK，请求保持原状（tcp_abort_on_overflow = 0）') },
  'SYN-RECEIVED → FIN-WAIT-1': { sends: 'FIN' },
  'SYN-RECEIVED → CLOSED': { note: x('a server\'s request socket is dropped; its listener stays in LISTEN', '服务端的请求套接字被丢弃；其监听套接字仍处于 LISTEN') },
  'ESTABLISHED → FIN-WAIT-1': { sends: 'FIN', note: x('active close', '主动关闭') },
  'ESTABLISHED → CLOSE-WAIT': { sends: 'ACK', note: x('passive close: read() returns 0 until the application calls close()', '被动关闭：read() 返回 0，直到应用调用 close()') },
  'ESTABLISHED → CLOSED': { note: x('tcp_retries2 = 15 gives up after ~15 min; keepalive runs only on SO_KEEPALIVE sockets', 'tcp_retries2 = 15 约 15 分钟后放弃；保活只作用于设置了 SO_KEEPALIVE 的套接字') },
  'FIN-WAIT-1 → CLOSING': { sends: 'ACK', note: x('simultaneous close', '同时关闭') },
  'FIN-WAIT-1 → CLOSED': { note: x('an orphan (the application closed) retransmits its FIN tcp_orphan_retries times', '孤儿套接字（应用已关闭）的 FIN 重传 tcp_orphan_retries 次') },
  'FIN-WAIT-2 → TIME-WAIT': { sends: 'ACK', note: x('a FIN that comes with the ACK of ours passes through FIN-WAIT-2 on the way (tcp_rcv_state_process, then tcp_fin)', '与对本端 FIN 的 ACK 一起到达的 FIN 也会先经过 FIN-WAIT-2（tcp_rcv_state_process，然后 tcp_fin）') },
  'FIN-WAIT-2 → CLOSED': { note: x('only orphans have the timer (tcp_fin_timeout, 60 s); a half-closed socket the application still holds waits forever', '只有孤儿套接字有该定时器（tcp_fin_timeout，60 秒）；应用仍持有的半关闭套接字会一直等待') },
  'CLOSE-WAIT → LAST-ACK': { sends: 'FIN' },
  'TIME-WAIT → CLOSED': { note: x('the timer is fixed at 60 s on Linux (TCP_TIMEWAIT_LEN), not tcp_fin_timeout; tcp_rfc1337 = 1 ignores the RST', 'Linux 上该定时器固定为 60 秒（TCP_TIMEWAIT_LEN），与 tcp_fin_timeout 无关；tcp_rfc1337 = 1 时忽略 RST') },
};

const CORE_ROWS: readonly TransitionRow[] = [...LISTENER_TRANSITIONS, ...CORE];

function derive(r: TransitionRow): Transition {
  const events = transitionEvents(r).map((en) => ({ en, zh: ZH_EVENTS[key(r.from, r.to, en)] ?? en }));
  const t: Transition = {
    from: r.from, to: r.to, events, rule: r.rule,
    event: { en: events.map((e) => e.en).join('; '), zh: events.map((e) => e.zh).join('；') },
  };
  const extra = EDGE_TEXTS[edge(r.from, r.to)];
  if (extra?.sends) t.action = { en: extra.sends, zh: extra.sends };
  if (extra?.note) t.note = extra.note;
  return t;
}

export const TRANSITIONS: readonly Transition[] = CORE_ROWS.map(derive);

/**
 * Where these texts and core's table disagree: a core event without Chinese, a Chinese text for an
 * event or a transition core does not list. Empty when they agree (transitions.test.ts).
 */
export function explainTextProblems(): string[] {
  const events = new Set(CORE_ROWS.flatMap((r) => transitionEvents(r).map((e) => key(r.from, r.to, e))));
  const edges = new Set(CORE_ROWS.map((r) => edge(r.from, r.to)));
  return [
    ...[...events].filter((k) => !(k in ZH_EVENTS)).map((k) => `no Chinese text for core's ${k}`),
    ...Object.keys(ZH_EVENTS).filter((k) => !events.has(k)).map((k) => `Chinese text for ${k}, which core does not list`),
    ...Object.keys(EDGE_TEXTS).filter((k) => !edges.has(k)).map((k) => `explain text for ${k}, which core does not list`),
  ];
}

export function waysIn(state: TcpState): Transition[] {
  return TRANSITIONS.filter((t) => t.to === state);
}

export function waysOut(state: TcpState): Transition[] {
  return TRANSITIONS.filter((t) => t.from === state);
}
