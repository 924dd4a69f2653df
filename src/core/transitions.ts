// READ THIS FIRST — every state change the engine can make, as one table, and the cause of each.
//
// Rules this file keeps:
// - A state change has a cause, named by a `CauseId` ('fin-received', 'rst-received', ...). The
//   ids are the `cause` column of the rows below and nothing else: a cause id without a row does
//   not compile. setState (state-change.ts) takes an id, never words; `history`, the 'state'
//   event, the host's counters, the lab's timelines, packetdrill's timeline and `explain` all
//   carry the id and take words from CAUSE_WORDS here.
// - One row per (from, to, cause), with the rule it follows (RFC section, Linux function).
// - transitions.test.ts drives the engine and fails if it makes a change that is not a row, if
//   a from → to pair is never reached, or if a cause id is never produced.
import type { TcpState } from '../model/states.js';
import type { Text } from '../i18n/lang.js';

interface RowShape { from: TcpState; to: TcpState; cause: string; rule: string }

const ENGINE_ROWS = [
  // ---- opening ----
  { from: 'CLOSED', to: 'SYN-SENT', cause: 'connect', rule: 'RFC 9293 §3.10.1 OPEN (active); Linux tcp_connect' },
  { from: 'LISTEN', to: 'SYN-RECEIVED', cause: 'syn-received', rule: 'RFC 9293 §3.10.7.2; Linux tcp_conn_request' },
  { from: 'SYN-SENT', to: 'ESTABLISHED', cause: 'syn-ack-received', rule: 'RFC 9293 §3.10.7.3; tcp_rcv_synsent_state_process' },
  { from: 'SYN-SENT', to: 'SYN-RECEIVED', cause: 'simultaneous-open', rule: 'RFC 9293 §3.10.7.3' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.3 (ECONNREFUSED); tcp_reset' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'syn-retries', rule: 'RFC 1122 §4.2.3.5; tcp_write_timeout (tcp_syn_retries, ETIMEDOUT)' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'user-timeout', rule: 'RFC 5482; tcp_write_timeout (TCP_USER_TIMEOUT, ETIMEDOUT)' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'close', rule: 'RFC 9293 §3.10.4: delete the TCB; tcp_close' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'shutdown', rule: 'inet_shutdown: a connect in progress is disconnected' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0} disconnects' },
  { from: 'SYN-SENT', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  { from: 'SYN-RECEIVED', to: 'ESTABLISHED', cause: 'ack-of-syn-ack', rule: 'RFC 9293 §3.10.7.4; tcp_check_req' },
  { from: 'SYN-RECEIVED', to: 'ESTABLISHED', cause: 'syn-cookie-ack', rule: 'Linux cookie_v4_check, tcp_get_cookie_sock' },
  { from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', cause: 'close', rule: 'RFC 9293 §3.10.4; tcp_close_state' },
  { from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', cause: 'shutdown', rule: 'RFC 9293 §3.10.4; tcp_close_state' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4; tcp_check_req (embryonic reset)' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'syn-in-window', rule: 'RFC 9293 §3.10.7.4; tcp_check_req' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'synack-retries', rule: 'inet_rtx_syn_ack, tcp_synack_retries' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}, RST (tcp_need_reset)' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- ESTABLISHED ----
  { from: 'ESTABLISHED', to: 'FIN-WAIT-1', cause: 'close', rule: 'RFC 9293 §3.10.4: FIN after queued data; tcp_close_state' },
  { from: 'ESTABLISHED', to: 'FIN-WAIT-1', cause: 'shutdown', rule: 'RFC 9293 §3.10.4; tcp_shutdown, tcp_close_state' },
  { from: 'ESTABLISHED', to: 'CLOSE-WAIT', cause: 'fin-received', rule: 'RFC 9293 §3.10.7.4 eighth; tcp_fin' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4, RFC 5961 §3 (RST at RCV.NXT, ECONNRESET); tcp_reset' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close (TCPAbortOnClose)' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}, RST (TCPAbortOnData)' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'retransmit-timeout', rule: 'RFC 1122 §4.2.3.5; tcp_write_timeout (tcp_retries2, ETIMEDOUT)' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'user-timeout', rule: 'RFC 5482; tcp_write_timeout (TCP_USER_TIMEOUT)' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'zero-window-probes', rule: 'RFC 9293 §3.8.6.1; tcp_probe_timer' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'local-probes', rule: 'tcp_probe_timer (local transmits failing)' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'keepalive-timeout', rule: 'RFC 1122 §4.2.3.6; tcp_keepalive_timer' },
  { from: 'ESTABLISHED', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- FIN-WAIT-1 ----
  { from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', cause: 'fin-acked', rule: 'RFC 9293 §3.10.7.4 fifth; tcp_rcv_state_process' },
  { from: 'FIN-WAIT-1', to: 'CLOSING', cause: 'simultaneous-close', rule: 'RFC 9293 §3.10.7.4 eighth; tcp_fin' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4; tcp_reset' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'data-after-close', rule: 'RFC 1122 §4.2.2.13; tcp_rcv_state_process (TCPAbortOnData)' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'retransmit-timeout', rule: 'tcp_write_timeout (tcp_retries2)' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'orphan-retries', rule: 'tcp_write_timeout, tcp_orphan_retries' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'user-timeout', rule: 'tcp_write_timeout (TCP_USER_TIMEOUT)' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'zero-window-probes', rule: 'tcp_probe_timer' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'local-probes', rule: 'tcp_probe_timer (local transmits failing)' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}, RST' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- FIN-WAIT-2 ----
  { from: 'FIN-WAIT-2', to: 'TIME-WAIT', cause: 'fin-received', rule: 'RFC 9293 §3.10.7.4 eighth (also in the segment that ACKs our FIN); tcp_fin, tcp_time_wait' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'fin-wait-2-timeout', rule: 'tcp_fin_timeout / TCP_LINGER2; tcp_timewait_state_process' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'linger2-negative', rule: 'tcp_close, tcp_rcv_state_process: TCP_LINGER2 < 0 (TCPAbortOnLinger)' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4; tcp_timewait_state_process' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'syn-in-window', rule: 'tcp_timewait_state_process (FIN_WAIT2 substate): TCP_TW_RST' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'data-after-close', rule: 'RFC 1122 §4.2.2.13; tcp_rcv_state_process, tcp_timewait_state_process' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'keepalive-timeout', rule: 'RFC 1122 §4.2.3.6; tcp_keepalive_timer' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}, RST' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- CLOSE-WAIT ----
  { from: 'CLOSE-WAIT', to: 'LAST-ACK', cause: 'close', rule: 'RFC 9293 §3.10.4: FIN after queued data; tcp_close_state' },
  { from: 'CLOSE-WAIT', to: 'LAST-ACK', cause: 'shutdown', rule: 'RFC 9293 §3.10.4; tcp_shutdown, tcp_close_state' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4 (EPIPE); Linux tcp_reset' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close (TCPAbortOnClose)' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}, RST' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'data-after-close', rule: 'tcp_rcv_state_process: data after shutdown(SHUT_RD)' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'retransmit-timeout', rule: 'tcp_write_timeout (tcp_retries2)' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'user-timeout', rule: 'tcp_write_timeout (TCP_USER_TIMEOUT)' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'zero-window-probes', rule: 'tcp_probe_timer' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'local-probes', rule: 'tcp_probe_timer (local transmits failing)' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'keepalive-timeout', rule: 'RFC 1122 §4.2.3.6; tcp_keepalive_timer' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- CLOSING ----
  { from: 'CLOSING', to: 'TIME-WAIT', cause: 'fin-acked', rule: 'RFC 9293 §3.10.7.4 fifth; tcp_time_wait' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4; tcp_reset' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'data-after-close', rule: 'RFC 1122 §4.2.2.13; tcp_rcv_state_process' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'retransmit-timeout', rule: 'tcp_write_timeout (tcp_retries2)' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'orphan-retries', rule: 'tcp_write_timeout, tcp_orphan_retries' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'user-timeout', rule: 'tcp_write_timeout (TCP_USER_TIMEOUT)' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'zero-window-probes', rule: 'tcp_probe_timer' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}' },
  { from: 'CLOSING', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- LAST-ACK ----
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'fin-acked', rule: 'RFC 9293 §3.10.7.4 fifth; tcp_rcv_state_process' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 9293 §3.10.7.4; tcp_reset' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'data-after-close', rule: 'RFC 1122 §4.2.2.13; tcp_rcv_state_process' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'retransmit-timeout', rule: 'tcp_write_timeout (tcp_retries2)' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'orphan-retries', rule: 'tcp_write_timeout, tcp_orphan_retries' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'user-timeout', rule: 'tcp_write_timeout (TCP_USER_TIMEOUT)' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'zero-window-probes', rule: 'tcp_probe_timer' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'local-probes', rule: 'tcp_probe_timer (local transmits failing)' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}' },
  { from: 'LAST-ACK', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; tcp_disconnect' },
  // ---- TIME-WAIT ----
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'time-wait-timeout', rule: 'RFC 9293 §3.10.8 (2 MSL); Linux TCP_TIMEWAIT_LEN, 60 s' },
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'rst-received', rule: 'RFC 1337 (in-window RST, tcp_rfc1337=0); tcp_timewait_state_process' },
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'new-incarnation', rule: 'RFC 1122 §4.2.2.13; tcp_timewait_state_process (TCP_TW_SYN)' },
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'close-unread-data', rule: 'RFC 2525 §2.17; tcp_close' },
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'close-linger-zero', rule: 'tcp_close: SO_LINGER {on, 0}' },
  { from: 'TIME-WAIT', to: 'CLOSED', cause: 'abort', rule: 'RFC 9293 §3.10.5; the host drops it (tcp_max_tw_buckets, orphans)' },
] as const satisfies readonly RowShape[];

/**
 * The two changes of a listening socket. The Connection never makes them: the host records them
 * on listen() and on close() of the listener, so they stay out of TRANSITIONS and its test;
 * src/diagnose/transitions.test.ts holds the host to these rows.
 */
const LISTENER_ROWS = [
  { from: 'CLOSED', to: 'LISTEN', cause: 'listen', rule: 'RFC 9293 §3.10.1 OPEN (passive); Linux inet_csk_listen_start' },
  { from: 'LISTEN', to: 'CLOSED', cause: 'listener-close', rule: 'Linux inet_csk_listen_stop, tcp_disconnect' },
] as const satisfies readonly RowShape[];

/** Why a state changed: the `cause` of a row of TRANSITIONS or LISTENER_TRANSITIONS. */
export type CauseId = (typeof ENGINE_ROWS)[number]['cause'] | (typeof LISTENER_ROWS)[number]['cause'];
/** A cause of a change the engine itself makes (not the host's listener). */
export type EngineCauseId = (typeof ENGINE_ROWS)[number]['cause'];

export interface TransitionRow {
  from: TcpState;
  to: TcpState;
  cause: CauseId;
  /** The rule it follows (RFC section, Linux function). */
  rule: string;
}

export const TRANSITIONS: readonly TransitionRow[] = ENGINE_ROWS;
export const LISTENER_TRANSITIONS: readonly TransitionRow[] = LISTENER_ROWS;

/**
 * The words of each cause, in English and Chinese: what history, timelines, packetdrill's
 * timeline and `explain` print. A Record, so a cause without words does not compile either.
 */
export const CAUSE_WORDS: Readonly<Record<CauseId, Text>> = {
  listen: { en: 'listen()', zh: '调用 listen()' },
  'listener-close': { en: 'close() of the listener (queued connections get RST)', zh: '关闭监听套接字（队列中的连接收到 RST）' },
  connect: { en: 'connect()', zh: '调用 connect()' },
  'syn-received': { en: 'SYN received', zh: '收到 SYN' },
  'syn-ack-received': { en: 'SYN-ACK received', zh: '收到 SYN-ACK' },
  'simultaneous-open': { en: 'SYN received in SYN-SENT (simultaneous open)', zh: 'SYN-SENT 中收到 SYN（同时打开）' },
  'ack-of-syn-ack': { en: 'ACK of our SYN-ACK received', zh: '收到对本端 SYN-ACK 的 ACK' },
  'syn-cookie-ack': { en: 'ACK with a valid SYN cookie', zh: '收到带有效 SYN cookie 的 ACK' },
  'rst-received': { en: 'RST received', zh: '收到 RST' },
  'syn-in-window': { en: 'SYN in the window (RST)', zh: '窗口内收到 SYN（发送 RST）' },
  'syn-retries': { en: 'no answer to the SYNs (tcp_syn_retries)', zh: 'SYN 重传次数用尽（tcp_syn_retries）' },
  'synack-retries': { en: 'no ACK to the SYN-ACKs (tcp_synack_retries)', zh: 'SYN-ACK 重传次数用尽（tcp_synack_retries）' },
  'user-timeout': { en: 'TCP_USER_TIMEOUT expired', zh: 'TCP_USER_TIMEOUT 到期' },
  'retransmit-timeout': { en: 'retransmissions exhausted (tcp_retries2)', zh: '重传次数用尽（tcp_retries2）' },
  'orphan-retries': { en: 'retransmissions exhausted (tcp_orphan_retries)', zh: '重传次数用尽（tcp_orphan_retries）' },
  'zero-window-probes': { en: 'zero-window probes unanswered', zh: '零窗口探测无应答' },
  'local-probes': { en: 'local transmits kept failing (tcp_probe_timer)', zh: '本地发送持续失败（tcp_probe_timer）' },
  'keepalive-timeout': { en: 'keepalive probes unanswered', zh: '保活探测无应答' },
  'fin-received': { en: 'FIN received', zh: '收到 FIN' },
  'simultaneous-close': { en: 'FIN received before our FIN was acknowledged (simultaneous close)', zh: '本端 FIN 被确认前收到 FIN（同时关闭）' },
  'fin-acked': { en: 'ACK of our FIN received', zh: '收到对本端 FIN 的 ACK' },
  close: { en: 'close()', zh: '调用 close()' },
  shutdown: { en: 'shutdown(SHUT_WR)', zh: '调用 shutdown(SHUT_WR)' },
  'close-unread-data': { en: 'close() with unread data (RST)', zh: '有未读数据时 close()（发送 RST）' },
  'close-linger-zero': { en: 'close() with SO_LINGER {on, 0} (RST)', zh: 'SO_LINGER {on, 0} 时 close()（发送 RST）' },
  'linger2-negative': { en: 'orphaned FIN-WAIT-2 with TCP_LINGER2 < 0 (RST)', zh: 'TCP_LINGER2 < 0 的孤儿 FIN-WAIT-2（发送 RST）' },
  'data-after-close': { en: 'data received after close (RST)', zh: '关闭后又收到数据（发送 RST）' },
  'fin-wait-2-timeout': { en: 'FIN-WAIT-2 timer (tcp_fin_timeout) expired', zh: 'FIN-WAIT-2 定时器（tcp_fin_timeout）到期' },
  'time-wait-timeout': { en: 'TIME-WAIT timer (60 s) expired', zh: 'TIME-WAIT 定时器（60 秒）到期' },
  'new-incarnation': { en: 'SYN of a new incarnation', zh: '新连接（新化身）的 SYN' },
  abort: { en: 'abort', zh: '中止' },
};

/** A cause in words. */
export function causeText(cause: CauseId, lang: 'en' | 'zh' = 'en'): string {
  return CAUSE_WORDS[cause][lang];
}

/** One state change as history keeps it. */
export interface StateStep { from: TcpState; to: TcpState; cause: CauseId }

/** `A → B (words)`: a step as a person reads it. */
export function stepText(s: StateStep, lang: 'en' | 'zh' = 'en'): string {
  return `${s.from} → ${s.to} (${causeText(s.cause, lang)})`;
}

export function isListedTransition(from: TcpState, to: TcpState, cause?: CauseId): boolean {
  return TRANSITIONS.some((r) => r.from === from && r.to === to && (cause === undefined || r.cause === cause));
}

/** The table as Markdown, for src/core/README.md (transitions.test.ts checks the README holds exactly this). */
export function transitionsMarkdown(): string {
  const rows = TRANSITIONS.map((r) => `| ${r.from} | ${r.to} | \`${r.cause}\` | ${CAUSE_WORDS[r.cause].en} | ${r.rule} |`);
  return ['| from | to | cause | in words | rule |', '|---|---|---|---|---|', ...rows].join('\n');
}
