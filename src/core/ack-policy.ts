// READ THIS FIRST — when the receiver ACKs (Linux's delayed-ACK engine, tcp_input.c
// __tcp_ack_snd_check, tcp_event_data_recv, tcp_send_delayed_ack; RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2).
//
// Rules:
// - ACK at once when: the protocol demands it (`ackNow`: out-of-window or duplicate segment, FIN
//   in FIN-WAIT-1/2); more than one full segment arrived since the last ACK; the connection is in
//   quick-ACK mode (the first data of a connection buys up to 16 quick ACKs, tcp_incr_quickack,
//   unless the connection is interactive — "pingpong", entered when a FIN arrives in ESTABLISHED);
//   or out-of-order data is queued.
// - Otherwise delay by the ACK timeout `ato`: 40 ms (TCP_ATO_MIN) once data has arrived. Before
//   any data `ato` is 0, so Linux's delayed-ACK timer fires on the next tick: a bare FIN is ACKed
//   at once (close-remote-fin-then-close.pkt) while a FIN after data waits 40 ms (tcp_basic_server.pkt).
// - Out-of-window ACKs are rate-limited to one per tcp_invalid_ratelimit (500 ms) for segments
//   without data (tcp_oow_rate_limited); challenge ACKs share that limit (RFC 5961 §7).
import type { Tcb } from './tcb.js';
import { seqDiff } from './seq.js';
import { arm } from './timers.js';
import { sendAck } from './output.js';
import { selectableWindow } from './window.js';

export const ATO_MIN_MS = 40;
export const MAX_QUICKACKS = 16;

export function incrQuickack(tcb: Tcb, max: number): void {
  let q = Math.floor(tcb.rcvWnd / (2 * tcb.rcvMss));
  if (q === 0) q = 2;
  if (q > tcb.quickAcks) tcb.quickAcks = Math.min(q, max);
}

/** tcp_enter_quickack_mode. */
export function enterQuickack(tcb: Tcb): void {
  incrQuickack(tcb, MAX_QUICKACKS);
  tcb.pingpong = false;
  tcb.atoMs = ATO_MIN_MS;
}

/** tcp_event_data_recv: new in-order data arrived. */
export function onDataReceived(tcb: Tcb, len: number): void {
  tcb.ackPending = true;
  // tcp_measure_rcv_mss: the largest segment seen, up to what we advertised.
  if (len >= tcb.rcvMss) tcb.rcvMss = Math.min(len, tcb.advMss);
  if (tcb.atoMs === 0) {
    incrQuickack(tcb, MAX_QUICKACKS);
    tcb.atoMs = ATO_MIN_MS;
  }
}

/** __tcp_ack_snd_check: send the pending ACK now, or arm the delayed-ACK timer. */
export function ackCheck(tcb: Tcb): void {
  if (!tcb.ackPending) return;
  const unacked = seqDiff(tcb.rcvNxt, tcb.rcvWup);
  const quick = tcb.quickAcks > 0 && !tcb.pingpong;
  const fullFrame = unacked > tcb.rcvMss && selectableWindow(tcb) >= tcb.rcvWnd;
  if (tcb.ackNow || fullFrame || quick || tcb.ofo.length > 0 || tcb.atoMs === 0) {
    sendAck(tcb);
    return;
  }
  const at = tcb.now + tcb.atoMs;
  const cur = tcb.timers['delayed-ack'];
  if (cur !== undefined && cur <= tcb.now + tcb.atoMs / 4) {
    sendAck(tcb);
    return;
  }
  if (cur === undefined) arm(tcb.timers, 'delayed-ack', at);
}

/** tcp_oow_rate_limited: true when an ACK for an invalid segment must be skipped. */
export function oowRateLimited(tcb: Tcb, hasData: boolean): boolean {
  if (hasData) return false;
  const last = tcb.lastOowAckAt;
  if (last !== undefined && tcb.now - last < tcb.config.tcp_invalid_ratelimit) return true;
  tcb.lastOowAckAt = tcb.now;
  return false;
}

/** RFC 5961 §3.2/§4.2/§5.2 challenge ACK (tcp_send_challenge_ack), rate-limited per connection. */
export function challengeAck(tcb: Tcb): void {
  if (oowRateLimited(tcb, false)) return;
  sendAck(tcb);
}

/** tcp_send_dupack: ACK an unacceptable segment; a retransmission also re-enters quick-ACK mode. */
export function dupAck(tcb: Tcb, hasData: boolean): void {
  if (hasData) enterQuickack(tcb);
  if (oowRateLimited(tcb, hasData)) return;
  sendAck(tcb);
}
