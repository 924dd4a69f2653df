// READ THIS FIRST — RACK loss detection (RFC 8985; Linux net/ipv4/tcp_recovery.c).
//
// Rules:
// - Each SACK or ACK of a segment that was not a retransmission too young to be the one
//   delivered (tcp_rack_advance) moves RACK's clock: the newest send time delivered
//   (rack.mstamp, with its end sequence to break ties) and that segment's RTT (rack.rtt).
// - A segment sent before the newest delivered one is lost once it has waited rack.rtt plus the
//   reordering window since it left (tcp_rack_detect_loss); one that has not yet is checked again
//   when the longest such wait runs out: the REO timer, `remaining + TCP_TIMEOUT_MIN`
//   (tcp_rack_mark_lost).
// - The reordering window (tcp_rack_reo_wnd): 0 in recovery, and 0 once `reordering` segments
//   are SACKed (the duplicate-ACK threshold), as long as no reordering was ever seen; else
//   min_rtt/4 · reo_wnd_steps, at most SRTT.
// - Lost but not yet retransmitted segments are skipped; the walk is in send-time order and stops
//   at the first segment sent after the newest delivered one.
import type { Tcb } from './tcb.js';
import type { TxRecord } from './scoreboard.js';
import { markLost } from './scoreboard.js';
import { seqGt } from './seq.js';
import type { Seq } from './seq.js';
import { TIMEOUT_MIN_MS } from './rto.js';

export interface RackState {
  /** Send time of the newest segment delivered (ms), or undefined before any. */
  mstamp: number | undefined;
  endSeq: Seq;
  rttMs: number;
  /** A new delivery moved RACK since the last detection (rack.advanced). */
  advanced: boolean;
  /** tcp_rack reo_wnd_steps */
  reoWndSteps: number;
  /** The windowed minimum RTT (tcp_min_rtt), ms. */
  minRttMs: number | undefined;
  /** When the REO timer (on the retransmit timer's slot, ICSK_TIME_REO_TIMEOUT) fires, if armed. */
  reoAt: number | undefined;
}

export function emptyRack(): RackState {
  return { mstamp: undefined, endSeq: 0 as Seq, rttMs: 0, advanced: false, reoWndSteps: 1, minRttMs: undefined, reoAt: undefined };
}

/** tcp_skb_sent_after */
function sentAfter(t1: number, t2: number, seq1: Seq, seq2: Seq): boolean {
  return t1 > t2 || (t1 === t2 && seqGt(seq1, seq2));
}

/** tcp_rack_advance: `rec` was delivered (SACKed or ACKed) now. */
export function rackAdvance(tcb: Tcb, rec: TxRecord): void {
  const r = tcb.rack;
  const rtt = tcb.now - rec.xmitAt;
  // A retransmitted segment delivered within min_rtt of its retransmission may have been the
  // original: ambiguous, so it does not move RACK.
  if (rec.everRetrans && rtt < (r.minRttMs ?? 0)) return;
  r.advanced = true;
  r.rttMs = rtt;
  if (r.mstamp === undefined || sentAfter(rec.xmitAt, r.mstamp, rec.end, r.endSeq)) {
    r.mstamp = rec.xmitAt;
    r.endSeq = rec.end;
  }
}

/** tcp_rack_reo_wnd */
export function reoWnd(tcb: Tcb): number {
  if (tcb.sb.reordSeen === 0) {
    if (tcb.recovery !== undefined) return 0;
    if (tcb.sb.sackedOut >= tcb.sb.reordering) return 0;
  }
  const minRtt = tcb.rack.minRttMs ?? 0;
  return Math.min((minRtt / 4) * tcb.rack.reoWndSteps, tcb.srttMs ?? 0);
}

/** tcp_rack_detect_loss: mark what RACK deems lost; returns the longest wait still to go (ms, 0 if none). */
export function rackDetectLoss(tcb: Tcb): number {
  const r = tcb.rack;
  if (r.mstamp === undefined) return 0;
  const wnd = reoWnd(tcb);
  // tp->tsorted_sent_queue: not SACKed, in send-time order (ties: sequence order).
  const order = tcb.sb.txq.filter((x) => !x.sacked).sort((a, b) => a.xmitAt - b.xmitAt || (seqGt(a.start, b.start) ? 1 : -1));
  let wait = 0;
  for (const rec of order) {
    if (rec.lost && !rec.retrans) continue;
    if (!sentAfter(r.mstamp, rec.xmitAt, r.endSeq, rec.end)) break;
    const remaining = r.rttMs + wnd - (tcb.now - rec.xmitAt);
    if (remaining <= 0) markLost(tcb, rec);
    else wait = Math.max(wait, remaining);
  }
  return wait;
}

/**
 * tcp_rack_mark_lost: detect after RACK advanced; arm the REO timer for what is not yet overdue.
 * Returns whether the timer was armed (the caller then leaves the retransmit timer alone).
 */
export function rackMarkLost(tcb: Tcb): boolean {
  const r = tcb.rack;
  if (!r.advanced) return false;
  r.advanced = false;
  const wait = rackDetectLoss(tcb);
  if (wait > 0) {
    // inet_csk_reset_xmit_timer(sk, ICSK_TIME_REO_TIMEOUT, ...): the REO timer takes the
    // retransmit timer's slot, and the loss probe's.
    const at = tcb.now + Math.ceil(wait) + TIMEOUT_MIN_MS;
    tcb.timers['loss-probe'] = undefined;
    tcb.timers.retransmit = at;
    r.reoAt = at;
    return true;
  }
  return false;
}
