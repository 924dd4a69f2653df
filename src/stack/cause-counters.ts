// The MIB counters a state change adds, decided by its cause (core's transitions.ts ids), never
// by re-reading the socket or the words: one entry per cause, so a new cause does not compile
// until someone decides what Linux counts for it. Where Linux increments each is noted.
import type { CauseId } from '../core/transitions.js';
import type { TcpState } from '../model/states.js';
import type { CounterName } from './counters.js';

/** What the host knows about the connection when the change happens. */
export interface CounterContext {
  from: TcpState;
  /** The application has closed it (Linux SOCK_DEAD). */
  orphan: boolean;
  /** A request socket in a listener's SYN queue. */
  request: boolean;
  /** It counted against tcp_max_tw_buckets (a TIME-WAIT, or an orphan FIN-WAIT-2 short enough to be a minisocket). */
  timeWaitClass: boolean;
}

type Rule = CounterName | undefined | ((c: CounterContext) => CounterName | undefined);

// tcp_write_err() → LINUX_MIB_TCPABORTONTIMEOUT, for every timer that gives up on the peer.
const ON_TIMEOUT: Rule = 'TcpExt:TCPAbortOnTimeout';

const RULES: Record<CauseId, Rule> = {
  // tcp_close(): data_was_unread → TCPAbortOnClose. A socket the application still holds in
  // TIME-WAIT is already CLOSE to Linux (tcp_time_wait replaced it), so nothing is counted.
  'close-unread-data': (c) => (c.from === 'TIME-WAIT' ? undefined : 'TcpExt:TCPAbortOnClose'),
  // tcp_close(): SOCK_LINGER with sk_lingertime 0 → tcp_disconnect, TCPAbortOnData.
  'close-linger-zero': (c) => (c.from === 'TIME-WAIT' || c.from === 'SYN-SENT' ? undefined : 'TcpExt:TCPAbortOnData'),
  // tcp_close() in FIN-WAIT-2 and tcp_rcv_state_process() on the ACK of our FIN: TCP_LINGER2 < 0.
  'linger2-negative': 'TcpExt:TCPAbortOnLinger',
  // tcp_rcv_state_process(): new data for a socket that can no longer read it.
  'data-after-close': (c) => (c.orphan ? 'TcpExt:TCPAbortOnData' : undefined),
  // tw_timer_handler → LINUX_MIB_TIMEWAITED, for the FIN_WAIT2 substate of a minisocket too.
  'time-wait-timeout': 'TcpExt:TW',
  'fin-wait-2-timeout': (c) => (c.timeWaitClass ? 'TcpExt:TW' : 'TcpExt:TCPAbortOnTimeout'),
  // A request socket's SYN-ACK retries end silently in the SYN queue (inet_csk_reqsk_queue_drop).
  'synack-retries': (c) => (c.request ? undefined : 'TcpExt:TCPAbortOnTimeout'),
  'syn-retries': ON_TIMEOUT,
  'user-timeout': ON_TIMEOUT,
  'retransmit-timeout': ON_TIMEOUT,
  'orphan-retries': ON_TIMEOUT,
  'zero-window-probes': ON_TIMEOUT,
  'local-probes': ON_TIMEOUT,
  'keepalive-timeout': ON_TIMEOUT,
  // No MIB counter of their own (the host counts TCPAbortOnMemory where it decides to abort;
  // EstabResets and AttemptFails follow the states, as tcp_set_state/tcp_done count them).
  listen: undefined,
  'listener-close': undefined,
  connect: undefined,
  'syn-received': undefined,
  'syn-ack-received': undefined,
  'simultaneous-open': undefined,
  'ack-of-syn-ack': undefined,
  'syn-cookie-ack': undefined,
  'rst-received': undefined,
  'syn-in-window': undefined,
  'fin-received': undefined,
  'simultaneous-close': undefined,
  'fin-acked': undefined,
  close: undefined,
  shutdown: undefined,
  'new-incarnation': undefined,
  abort: undefined,
};

/** The counter this change adds, if any. */
export function counterForCause(cause: CauseId, c: CounterContext): CounterName | undefined {
  const r = RULES[cause];
  return typeof r === 'function' ? r(c) : r;
}
