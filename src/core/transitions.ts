// READ THIS FIRST — every state change the engine can make, as one table. It is documentation
// that the tests hold to the code: transitions.test.ts drives the engine through each row and
// fails if the engine makes a change that is not listed here or a row is never reached.
// The reasons are the words `history` records (`A → B (reason)`), abbreviated to their cause.
import type { TcpState } from '../model/states.js';

export interface TransitionRow {
  from: TcpState;
  to: TcpState;
  /** What causes it. */
  on: string;
  /** The rule it follows. */
  rule: string;
}

export const TRANSITIONS: readonly TransitionRow[] = [
  { from: 'CLOSED', to: 'SYN-SENT', on: 'connect()', rule: 'RFC 9293 §3.10.1 OPEN (active); Linux tcp_connect' },
  { from: 'LISTEN', to: 'SYN-RECEIVED', on: 'SYN (the host\'s listener accepts it)', rule: 'RFC 9293 §3.10.7.2; Linux tcp_conn_request' },
  { from: 'SYN-SENT', to: 'ESTABLISHED', on: 'SYN-ACK acknowledging our SYN', rule: 'RFC 9293 §3.10.7.3; tcp_rcv_synsent_state_process' },
  { from: 'SYN-SENT', to: 'SYN-RECEIVED', on: 'SYN without ACK (simultaneous open)', rule: 'RFC 9293 §3.10.7.3' },
  { from: 'SYN-SENT', to: 'CLOSED', on: 'acceptable RST (ECONNREFUSED); SYN retries exhausted (ETIMEDOUT); close(); abort', rule: 'RFC 9293 §3.10.7.3, §3.10.4; tcp_write_timeout' },
  { from: 'SYN-RECEIVED', to: 'ESTABLISHED', on: 'ACK of our SYN-ACK', rule: 'RFC 9293 §3.10.7.4; tcp_check_req' },
  { from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', on: 'close() after a simultaneous open', rule: 'RFC 9293 §3.10.4' },
  { from: 'SYN-RECEIVED', to: 'CLOSED', on: 'RST; SYN in the window; SYN-ACK retries exhausted; abort', rule: 'RFC 9293 §3.10.7.4; tcp_check_req, inet_rtx_syn_ack' },
  { from: 'ESTABLISHED', to: 'FIN-WAIT-1', on: 'close() or shutdown(SHUT_WR): FIN after queued data', rule: 'RFC 9293 §3.10.4; tcp_close_state' },
  { from: 'ESTABLISHED', to: 'CLOSE-WAIT', on: 'FIN', rule: 'RFC 9293 §3.10.7.4 eighth; tcp_fin' },
  { from: 'ESTABLISHED', to: 'CLOSED', on: 'RST at RCV.NXT; close() with unread data or SO_LINGER {on,0} (RST); retransmission, keepalive or user timeout; abort', rule: 'RFC 9293 §3.10.7.4, RFC 2525 §2.17, RFC 1122 §4.2.3.5/§4.2.3.6' },
  { from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', on: 'ACK of our FIN', rule: 'RFC 9293 §3.10.7.4 fifth' },
  { from: 'FIN-WAIT-1', to: 'CLOSING', on: 'FIN not acknowledging ours (simultaneous close)', rule: 'RFC 9293 §3.10.7.4 eighth; tcp_fin' },
  { from: 'FIN-WAIT-1', to: 'CLOSED', on: 'RST; data after close() (RST); retransmissions exhausted or TCP_USER_TIMEOUT; abort', rule: 'RFC 1122 §4.2.2.13; tcp_write_timeout, tcp_orphan_retries' },
  { from: 'FIN-WAIT-2', to: 'TIME-WAIT', on: 'FIN (also in the same segment as the ACK of our FIN)', rule: 'RFC 9293 §3.10.7.4 eighth; tcp_time_wait' },
  { from: 'FIN-WAIT-2', to: 'CLOSED', on: 'orphan timer (tcp_fin_timeout / TCP_LINGER2); TCP_LINGER2 < 0 (RST); RST; data after close() (RST); abort', rule: 'Linux tcp_rcv_state_process, tcp_timewait_state_process' },
  { from: 'CLOSE-WAIT', to: 'LAST-ACK', on: 'close() or shutdown(SHUT_WR): FIN', rule: 'RFC 9293 §3.10.4' },
  { from: 'CLOSE-WAIT', to: 'CLOSED', on: 'RST (EPIPE); close() with unread data (RST); timeouts; abort', rule: 'RFC 9293 §3.10.7.4; Linux tcp_reset' },
  { from: 'CLOSING', to: 'TIME-WAIT', on: 'ACK of our FIN', rule: 'RFC 9293 §3.10.7.4 fifth' },
  { from: 'CLOSING', to: 'CLOSED', on: 'RST; retransmissions exhausted', rule: 'RFC 9293 §3.10.7.4' },
  { from: 'LAST-ACK', to: 'CLOSED', on: 'ACK of our FIN; RST; retransmissions exhausted', rule: 'RFC 9293 §3.10.7.4 fifth' },
  { from: 'TIME-WAIT', to: 'CLOSED', on: '60 s timer; in-window RST (tcp_rfc1337=0); SYN of a new incarnation; abort by the host', rule: 'RFC 9293 §3.10.8, RFC 1337, RFC 1122 §4.2.2.13; tcp_timewait_state_process' },
];

/**
 * The two changes of a listening socket. The Connection never makes them: the host (src/stack/host.ts
 * listen() and the listener's close()) records them, so they stay out of TRANSITIONS and its test;
 * src/diagnose/transitions.test.ts holds the host to these rows.
 */
export const LISTENER_TRANSITIONS: readonly TransitionRow[] = [
  { from: 'CLOSED', to: 'LISTEN', on: 'listen()', rule: 'RFC 9293 §3.10.1 OPEN (passive); Linux inet_csk_listen_start' },
  { from: 'LISTEN', to: 'CLOSED', on: 'close() of the listener (queued connections get RST)', rule: 'Linux inet_csk_listen_stop, tcp_disconnect' },
];

/** The separate causes of a row: its `on` text split at "; " (each is one event `explain` translates). */
export function transitionEvents(row: TransitionRow): string[] {
  return row.on.split('; ');
}

export function isListedTransition(from: TcpState, to: TcpState): boolean {
  return TRANSITIONS.some((r) => r.from === from && r.to === to);
}

/** The table as Markdown, for src/core/README.md (transitions.test.ts checks the README holds exactly this). */
export function transitionsMarkdown(): string {
  const rows = TRANSITIONS.map((r) => `| ${r.from} | ${r.to} | ${r.on} | ${r.rule} |`);
  return ['| from | to | on | rule |', '|---|---|---|---|', ...rows].join('\n');
}
