// READ THIS FIRST — the CLOSE and SHUTDOWN calls (RFC 9293 §3.10.4; Linux tcp_close,
// tcp_shutdown, tcp_close_state, tcp_disconnect).
//
// close() — the application lets go; the connection becomes an orphan:
//   - unread received data → RST|ACK (seq = SND.NXT), CLOSED (RFC 2525 §2.17, Linux
//     TCPAbortOnClose). A FIN already received is not "unread data".
//   - SO_LINGER {on, 0} → RST|ACK where a reset is needed (tcp_need_reset), CLOSED, no TIME-WAIT.
//   - otherwise the state table below, with a FIN after the queued data. SO_LINGER {on, N > 0}
//     sends the same FIN; what changes is the call (inet_release → __tcp_close →
//     sk_stream_wait_close): it blocks — on Linux even for an O_NONBLOCK socket — while the
//     connection is in FIN-WAIT-1, CLOSING or LAST-ACK, for at most N s. The engine records the
//     deadline (`lingerUntil`, Connection.lingerDeadline()) and emits 'linger-done' when the wait
//     ends early; when N s pass first, close() simply returns 0: no RST, nothing discarded, the
//     orphan goes on retransmitting its data and FIN as any orphan does.
//   - an orphan already in FIN-WAIT-2 lives tcp_fin_timeout (or TCP_LINGER2); TCP_LINGER2 < 0 → RST.
// shutdown(SHUT_WR) — the same state table and FIN, but the socket stays the application's.
// shutdown(SHUT_RD) — only marks the read side: reads return end of stream once the queue is
//   empty, and (Linux quirk) data arriving in ESTABLISHED is still taken and readable.
import type { TcpState } from '../../model/states.js';
import type { Tcb } from '../tcb.js';
import type { SysError } from '../errno.js';
import { sysError } from '../errno.js';
import { LINGER_WAITS, setState } from '../state-change.js';
import { sendActiveReset, transmit } from '../output.js';
import { arm } from '../timers.js';

/** tcp_close_state's new_state[] table: where a close (or SHUT_WR) takes each state, and whether a FIN goes out. */
const CLOSE_STATE: Record<TcpState, { to: TcpState; fin: boolean; rule: string }> = {
  CLOSED: { to: 'CLOSED', fin: false, rule: 'already closed' },
  LISTEN: { to: 'CLOSED', fin: false, rule: 'RFC 9293 §3.10.4: delete the TCB' },
  'SYN-SENT': { to: 'CLOSED', fin: false, rule: 'RFC 9293 §3.10.4: delete the TCB; nothing is sent (close-on-syn-sent.pkt)' },
  'SYN-RECEIVED': { to: 'FIN-WAIT-1', fin: true, rule: 'RFC 9293 §3.10.4: FIN, FIN-WAIT-1' },
  ESTABLISHED: { to: 'FIN-WAIT-1', fin: true, rule: 'RFC 9293 §3.10.4: FIN after queued data, FIN-WAIT-1' },
  'FIN-WAIT-1': { to: 'FIN-WAIT-1', fin: false, rule: 'our FIN is already queued' },
  'FIN-WAIT-2': { to: 'FIN-WAIT-2', fin: false, rule: 'our FIN is already acknowledged' },
  'CLOSE-WAIT': { to: 'LAST-ACK', fin: true, rule: 'RFC 9293 §3.10.4: FIN after queued data, LAST-ACK' },
  CLOSING: { to: 'CLOSING', fin: false, rule: 'our FIN is already queued' },
  'LAST-ACK': { to: 'LAST-ACK', fin: false, rule: 'our FIN is already queued' },
  'TIME-WAIT': { to: 'TIME-WAIT', fin: false, rule: 'nothing left to send' },
};

/** tcp_need_reset: the states in which an abort tells the peer with an RST. */
export const NEEDS_RESET: ReadonlySet<TcpState> = new Set<TcpState>(['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'FIN-WAIT-2', 'SYN-RECEIVED']);

function closeState(tcb: Tcb, cause: 'close' | 'shutdown'): void {
  const row = CLOSE_STATE[tcb.state];
  if (row.to !== tcb.state) setState(tcb, row.to, cause);
  if (row.fin) {
    tcb.finQueued = true;
    transmit(tcb);
  }
}

/**
 * Start an orphan's FIN-WAIT-2 clock (tcp_close / tcp_rcv_state_process). Up to 60 s it is one
 * timer (the FIN_WAIT2 minisocket). Longer, Linux first keeps the full socket on its keepalive
 * timer for tmo - 60 s and then (tcp_keepalive_timer) makes a minisocket that lives tmo - 60 s
 * more: a tcp_fin_timeout of 120 s gives 120 s, but 300 s gives 480 s.
 */
export function armOrphanFinWait2(tcb: Tcb): void {
  const tmo = finTimeoutMs(tcb);
  const len = tcb.config.time_wait_ms;
  if (tmo > len) {
    tcb.finWait2KeepalivePhase = true;
    arm(tcb.timers, 'fin-wait-2', tcb.now + tmo - len);
  } else {
    tcb.finWait2KeepalivePhase = false;
    arm(tcb.timers, 'fin-wait-2', tcb.now + tmo);
  }
}

/** tcp_keepalive_timer on an orphaned FIN-WAIT-2: the second half, as a minisocket. */
export function finWait2KeepaliveFired(tcb: Tcb): void {
  tcb.finWait2KeepalivePhase = false;
  const tmo = Math.max(finTimeoutMs(tcb) - tcb.config.time_wait_ms, 3.5 * tcb.rtoMs);
  arm(tcb.timers, 'fin-wait-2', tcb.now + tmo);
}

/** tcp_fin_time: TCP_LINGER2 or tcp_fin_timeout, but at least 3.5 RTO. */
export function finTimeoutMs(tcb: Tcb): number {
  const l2 = tcb.options.linger2;
  const base = (l2 !== undefined && l2 > 0 ? l2 : tcb.config.tcp_fin_timeout) * 1000;
  return Math.max(base, 3.5 * tcb.rtoMs);
}

export function close(tcb: Tcb): void {
  const wasOrphan = tcb.orphaned;
  tcb.orphaned = true;
  tcb.shutRd = true;
  tcb.shutWr = true;
  if (wasOrphan || tcb.state === 'CLOSED') return;
  const unread = tcb.rcvQueueLen > 0;
  tcb.rcvQueue = [];
  tcb.rcvQueueTs = [];
  tcb.rmemAlloc = 0;
  tcb.rcvQueueLen = 0;
  if (unread) {
    setState(tcb, 'CLOSED', 'close-unread-data');
    sendActiveReset(tcb);
    return;
  }
  const lg = tcb.options.linger;
  if (lg && lg.onoff && lg.seconds === 0) {
    const st = tcb.state;
    if (NEEDS_RESET.has(st)) sendActiveReset(tcb);
    setState(tcb, 'CLOSED', 'close-linger-zero');
    return;
  }
  closeState(tcb, 'close');
  if (lg && lg.onoff && lg.seconds > 0 && LINGER_WAITS.has(tcb.state)) {
    // sk_lingertime = N·HZ: the blocking close() waits until then at most.
    tcb.lingerUntil = tcb.now + lg.seconds * 1000;
  }
  if (tcb.state === 'FIN-WAIT-2') {
    if ((tcb.options.linger2 ?? 0) < 0) {
      sendActiveReset(tcb);
      setState(tcb, 'CLOSED', 'linger2-negative');
      return;
    }
    armOrphanFinWait2(tcb);
  }
}

export function shutdown(tcb: Tcb, how: 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR'): 0 | SysError {
  if (how !== 'SHUT_RD' && how !== 'SHUT_WR' && how !== 'SHUT_RDWR') return sysError('EINVAL');
  const st = tcb.state;
  if (st === 'CLOSED' || st === 'LISTEN') {
    if (how !== 'SHUT_WR') tcb.shutRd = true;
    if (how !== 'SHUT_RD') tcb.shutWr = true;
    return sysError('ENOTCONN');
  }
  if (how !== 'SHUT_WR') tcb.shutRd = true;
  if (how === 'SHUT_RD') return 0;
  if (tcb.shutWr) return 0;
  tcb.shutWr = true;
  if (st === 'SYN-SENT') {
    // inet_shutdown: a connect in progress is disconnected.
    setState(tcb, 'CLOSED', 'shutdown');
    return 0;
  }
  closeState(tcb, 'shutdown');
  return 0;
}
