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
// - A duplicate ACK for an unacceptable segment (tcp_send_dupack) goes at once; only a
//   retransmission (data starting before RCV.NXT) also re-enters quick-ACK mode.
// - A segment larger than the window, taken because the receive queue was empty
//   (tcp_sequence), is left to the delayed ACK, as Linux 6.18 does (recv-data.ts).
// - Out-of-window ACKs are rate-limited to one per tcp_invalid_ratelimit (500 ms) for segments
//   without data (tcp_oow_rate_limited); challenge ACKs share that limit (RFC 5961 §7).
import type { Tcb } from './tcb.js';
import { seqAdd, seqDiff, seqLt } from './seq.js';
import { dsackSet } from './sack-blocks.js';
import type { Segment } from './segment.js';
import { segmentLength } from './segment.js';
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
  exitPingpong(tcb);
  tcb.atoMs = ATO_MIN_MS;
}

export function enterPingpong(tcb: Tcb): void {
  tcb.pingpong = true;
  tcb.pingpongCnt = Math.max(tcb.pingpongCnt, pingpongThresh(tcb));
}

export function exitPingpong(tcb: Tcb): void {
  tcb.pingpong = false;
  tcb.pingpongCnt = 0;
}

function pingpongThresh(tcb: Tcb): number {
  return tcb.config.tcp_pingpong_thresh ?? 1;
}

/**
 * tcp_event_data_recv: new in-order data arrived. The first data buys quick ACKs; later the ACK
 * timeout follows the gaps between segments (half of it plus the gap, at most the RTO), and a
 * gap longer than the RTO buys quick ACKs again.
 */
export function onDataReceived(tcb: Tcb, len: number, truesize: number): void {
  tcb.ackPending = true;
  // tcp_measure_rcv_mss: the largest segment seen, up to what we advertised. A segment longer
  // than our MSS is a coalesced train (GRO, or packetdrill's --mss); its pieces are the peer's MSS.
  const piece = len > tcb.advMss ? Math.min(tcb.advMss, tcb.mssClamp) : len;
  if (piece >= tcb.rcvMss) {
    if (piece !== tcb.rcvMss) tcb.scalingRatio = Math.max(1, Math.floor((len * 256) / Math.max(1, truesize)));
    tcb.rcvMss = Math.min(piece, tcb.advMss);
  }
  if (tcb.atoMs === 0) {
    incrQuickack(tcb, MAX_QUICKACKS);
    tcb.atoMs = ATO_MIN_MS;
  } else {
    const m = tcb.now - tcb.lrcvTime;
    if (m <= ATO_MIN_MS / 2) {
      tcb.atoMs = tcb.atoMs / 2 + ATO_MIN_MS / 2;
    } else if (m < tcb.atoMs) {
      tcb.atoMs = Math.min(tcb.atoMs / 2 + m, tcb.rtoMs);
    } else if (m > tcb.rtoMs) {
      incrQuickack(tcb, MAX_QUICKACKS);
    }
  }
  tcb.lrcvTime = tcb.now;
}

/** tcp_event_data_sent: a reply within the ACK timeout of the last data counts towards pingpong mode. */
export function onDataSent(tcb: Tcb): void {
  if (tcb.now - tcb.lrcvTime < tcb.atoMs) {
    tcb.pingpongCnt++;
    if (tcb.pingpongCnt >= pingpongThresh(tcb)) tcb.pingpong = true;
  }
}

/** tcp_delack_timer_handler: a missed delayed ACK inflates the timeout, or ends pingpong mode. */
export function onDelayedAckTimer(tcb: Tcb): void {
  if (!tcb.ackPending) return;
  if (!tcb.pingpong) tcb.atoMs = Math.min(tcb.atoMs * 2, tcb.rtoMs);
  else {
    exitPingpong(tcb);
    tcb.atoMs = ATO_MIN_MS;
  }
  sendAck(tcb);
}

/** tcp_send_delayed_ack: the delay, bounded by 200 ms when interactive and by the RTT. */
function delayMs(tcb: Tcb): number {
  let ato = tcb.atoMs;
  if (ato > ATO_MIN_MS) {
    let max = tcb.pingpong ? 200 : 500;
    if (tcb.srttMs !== undefined) max = Math.min(max, Math.max(tcb.srttMs, ATO_MIN_MS));
    ato = Math.min(ato, max);
  }
  return ato;
}

/** __tcp_ack_snd_check: send the pending ACK now, or arm the delayed-ACK timer. */
export function ackCheck(tcb: Tcb): void {
  if (!tcb.ackPending) return;
  const unacked = seqDiff(tcb.rcvNxt, tcb.rcvWup);
  // Linux's order matters: "more than one full frame received" asks __tcp_select_window first,
  // which clears the quick-ACK count when the buffer is half full; only then tcp_in_quickack_mode.
  const fullFrame = unacked > tcb.rcvMss && selectableWindow(tcb) >= tcb.rcvWnd;
  const quick = tcb.quickAcks > 0 && !tcb.pingpong;
  if (tcb.ackNow || fullFrame || quick || tcb.ofo.length > 0 || tcb.atoMs === 0) {
    sendAck(tcb);
    return;
  }
  const ato = delayMs(tcb);
  const at = tcb.now + ato;
  const cur = tcb.timers['delayed-ack'];
  if (cur !== undefined && cur <= tcb.now + ato / 4) {
    sendAck(tcb);
    return;
  }
  if (cur === undefined) arm(tcb.timers, 'delayed-ack', at);
}

/** tcp_oow_rate_limited: true when an ACK for an invalid segment must be skipped. */
export function oowRateLimited(tcb: Pick<Tcb, 'now' | 'lastOowAckAt' | 'config'>, hasData: boolean): boolean {
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

/**
 * tcp_send_dupack: ACK an unacceptable segment. Only a segment carrying sequence space that
 * starts before RCV.NXT (a retransmission: our ACK was probably lost) re-enters quick-ACK mode;
 * one beyond the window does not. tcp_oow_rate_limited never limits a segment with data or FIN.
 */
export function dupAck(tcb: Tcb, seg: Segment): void {
  const len = segmentLength(seg);
  if (len > 0 && seqLt(seg.seq, tcb.rcvNxt)) enterQuickack(tcb);
  if (oowRateLimited(tcb, len > 0 && !seg.flags.syn)) return;
  // tcp_send_dupack: data we already have is reported as a D-SACK (RFC 2883).
  if (len > 0 && seqLt(seg.seq, tcb.rcvNxt)) {
    const end = seqAdd(seg.seq, len);
    dsackSet(tcb, seg.seq, seqLt(tcb.rcvNxt, end) ? tcb.rcvNxt : end);
  }
  sendAck(tcb);
}
