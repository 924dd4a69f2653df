// READ THIS FIRST — the one door every state change goes through. It records the change and its
// cause (an id of transitions.ts's table, never words), emits the 'state' event, and on CLOSED
// stops every timer and emits 'closed' so the host may free the connection (Linux's
// tcp_set_state + tcp_done).
import type { TcpState } from '../model/states.js';
import type { Tcb } from './tcb.js';
import type { EngineCauseId } from './transitions.js';
import { cancelAll } from './timers.js';

export function setState(tcb: Tcb, to: TcpState, cause: EngineCauseId): void {
  const from = tcb.state;
  if (from === to) return;
  tcb.state = to;
  tcb.history.push({ from, to, cause });
  tcb.events.push({ type: 'state', from, to, cause, at: tcb.now });
  if (to === 'ESTABLISHED' || to === 'CLOSE-WAIT') tcb.wasConnected = true;
  // sk_stream_wait_close: a lingering close() wakes when the state leaves sk_stream_closing().
  if (tcb.lingerUntil !== undefined && !LINGER_WAITS.has(to)) {
    if (tcb.now < tcb.lingerUntil) tcb.events.push({ type: 'linger-done', reason: to === 'CLOSED' && !(from === 'LAST-ACK' && cause === 'fin-acked') ? 'closed' : 'fin-acked', at: tcb.now });
    tcb.lingerUntil = undefined;
  }
  if (to === 'CLOSED') {
    cancelAll(tcb.timers);
    tcb.events.push({ type: 'closed' });
  }
}

/** sk_stream_closing(): the states in which a lingering close() keeps waiting (FIN sent, not yet ACKed). */
export const LINGER_WAITS: ReadonlySet<TcpState> = new Set<TcpState>(['FIN-WAIT-1', 'CLOSING', 'LAST-ACK']);

/** Fail the connection with an errno the application will see (SO_ERROR), then CLOSED (tcp_done). */
export function failWith(tcb: Tcb, errno: Tcb['error'], cause: EngineCauseId): void {
  if (errno) {
    tcb.error = errno;
    tcb.events.push({ type: 'error', errno });
  }
  tcb.sndBufLen = 0;
  tcb.pushMarks = [];
  setState(tcb, 'CLOSED', cause);
}
