// READ THIS FIRST — processing SEG.ACK in a synchronized state (RFC 9293 §3.10.7.4 "fifth";
// Linux tcp_ack, tcp_ack_update_window, tcp_clean_rtx_queue).
//
// Rules:
// - SEG.ACK > SND.NXT (anything we never sent): challenge ACK and drop the segment (RFC 5961
//   §5.2; Linux 6.x "tcp: send a challenge ACK on SEG.ACK > SND.NXT"). SND.NXT here is the
//   highest ever sent (`sndMax`), as after a timeout SND.NXT goes back.
// - SEG.ACK older than SND.UNA by more than the largest window the peer offered: challenge ACK
//   and drop (RFC 5961 §5.2). Merely old (< SND.UNA): ignore the ACK but keep processing the
//   segment's text and FIN (Linux "old_ack"; tcp_disorder_fin_in_FIN_WAIT.pkt).
// - The send window is updated when SND.WL1/SND.WL2 say the segment is newer (RFC 9293 §3.10.7.4).
// - New data acknowledged: drop it from the send buffer, take an RTT sample (Karn: only for
//   data never retransmitted), clear the backoff, grow cwnd (slow start, RFC 5681 §3.1), restart
//   the retransmission timer (RFC 6298 §5.3), clear keepalive probes.
// - Three duplicate ACKs: fast retransmit and NewReno fast recovery (RFC 5681 §3.2, RFC 6582);
//   Linux uses RACK-TLP for this, which sends the same first retransmission in this simple case.
import { WRITABLE } from './tcb.js';
import type { Tcb } from './tcb.js';
import type { Segment } from './segment.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';
import { challengeAck } from './ack-policy.js';
import { sampleRtt, baseRto } from './rto.js';
import { isCwndLimited, rearmRto } from './output.js';
import { cwndReduction, fastRetransAlert, onLossAck, xmitRetransmitQueue } from './recovery.js';
import type { AckInfo } from './recovery.js';
import { cleanAcked, removeRenoSacks, sackTag, type SackTagResult, type TxRecord } from './scoreboard.js';
import { rackAdvance } from './rack.js';
import type { ReceivedOptions } from './options.js';

export type AckVerdict = 'new' | 'dup' | 'old' | 'discard';

/** What an ACK without SACK blocks tags: nothing (shared, never changed). */
const NO_SACK_TAG: SackTagResult = Object.freeze({ newlySacked: 0, records: Object.freeze([]) as unknown as TxRecord[] });

export function processAck(tcb: Tcb, seg: Segment, opts: ReceivedOptions): AckVerdict {
  const ack = seg.ack;
  if (seqGt(ack, tcb.sndMax)) {
    challengeAck(tcb);
    return 'discard';
  }
  if (seqLt(ack, tcb.sndUna)) {
    if (seqLt(ack, seqAdd(tcb.sndUna, -Math.max(tcb.maxWindow, 1)))) {
      challengeAck(tcb);
      return 'discard';
    }
    return 'old';
  }
  const nwin = (seg.window & 0xffff) * (1 << tcb.sndWscale); // the shift is at most 14
  if (seqGt(ack, tcb.sndUna) || seqGt(seg.seq, tcb.sndWl1) || (seg.seq === tcb.sndWl1 && nwin > tcb.sndWnd)) {
    const opened = tcb.sndWnd === 0 && nwin > 0;
    tcb.sndWnd = nwin;
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = ack;
    if (nwin > tcb.maxWindow) tcb.maxWindow = nwin;
    if (opened) {
      tcb.timers.persist = undefined;
      tcb.backoff = 0;
    }
  }
  tcb.probesOut = 0;
  // tcp_sacktag_write_queue, before anything else looks at the scoreboard.
  const tag = tcb.sackOk && opts.sack ? sackTag(tcb, opts.sack) : NO_SACK_TAG;
  for (const r of tag.records) rackAdvance(tcb, r);
  if (!seqGt(ack, tcb.sndUna)) {
    const dup = isDuplicateAck(tcb, seg, nwin);
    if (dup) tcb.dupAcks++;
    if (tcb.recovery !== 'loss' && (dup || tag.newlySacked > 0 || tcb.recovery !== undefined || tcb.disorder)) {
      afterAckRecovery(tcb, { unaAdvanced: false, numDupack: dup ? 1 : 0, newlySacked: tag.newlySacked, delivered: tag.newlySacked, dataAcked: false });
    }
    return 'dup';
  }

  const acked = seqDiff(ack, tcb.sndUna);
  const dataAcked = Math.min(acked, tcb.sndBufLen);
  // tcp_clean_rtx_queue → tcp_count_delivered: each skb fully acknowledged (a bare FIN is one).
  tcb.delivered = (tcb.delivered ?? 0) + Math.max(1, Math.ceil(dataAcked / Math.max(1, tcb.sndMss)));
  if (dataAcked > 0) {
    tcb.sndBuf = tcb.sndBuf.subarray(dataAcked); // a view: no copy of what is still queued
    tcb.sndBufLen -= dataAcked;
    tcb.bytesAcked += dataAcked;
  }
  if (tcb.pushMarks.length > 0 && !tcb.pushMarks.every((m) => seqGt(m, ack))) tcb.pushMarks = tcb.pushMarks.filter((m) => seqGt(m, ack));
  tcb.sndUna = ack;
  if (seqGt(ack, tcb.sndNxt)) tcb.sndNxt = ack;
  const clean = cleanAcked(tcb, ack);
  if (tcb.sackOk) for (const r of clean.records) rackAdvance(tcb, r);

  // RTT sample: the timed segment (Karn), else the timestamp echo.
  if (tcb.rttSeq !== undefined && seqGe(ack, tcb.rttSeq)) {
    sampleRtt(tcb, tcb.now - tcb.rttStart);
    tcb.rttSeq = undefined;
  } else if (tcb.retransmits > 0 && tcb.tsOk && opts.ts && opts.ts.ecr !== 0) {
    sampleRtt(tcb, ((Math.floor(tcb.now) + tcb.tsOffset - opts.ts.ecr) | 0));
  }
  tcb.backoff = 0;
  tcb.retransmits = 0;
  tcb.rtoMs = baseRto(tcb);
  if (tcb.tlpHighSeq !== undefined && seqGe(ack, tcb.tlpHighSeq)) tcb.tlpHighSeq = undefined;

  // Segments delivered by this ACK: those the scoreboard held un-SACKed (for data sent without a
  // record, such as a SYN's, one per MSS), or without SACK what tcp_remove_reno_sacks counts.
  const segs = Math.max(1, Math.ceil(dataAcked / Math.max(1, tcb.sndMss)));
  const ackedSegs = clean.removed === 0 ? segs : clean.newlyAcked;
  tcb.dupAcks = 0;
  let reoArmed = false;
  if (tcb.recovery === 'loss') {
    // tcp_cong_avoid only while cwnd is what limits sending (tcp_is_cwnd_limited).
    if (!tcb.sackOk) tcb.sb.sackedOut = 0;
    if (!onLossAck(tcb, segs) && isCwndLimited(tcb)) slowStartOrAvoid(tcb, segs);
  } else {
    const delivered = tcb.sackOk ? ackedSegs + tag.newlySacked : removeRenoSacks(tcb, Math.max(ackedSegs, 1));
    reoArmed = afterAckRecovery(tcb, { unaAdvanced: true, numDupack: 0, newlySacked: tag.newlySacked, delivered, dataAcked: true });
  }

  tcb.retransStamp = seqGe(tcb.sndUna, tcb.sndMax) ? undefined : tcb.now;
  // tcp_set_xmit_timer, unless RACK armed its REO timer on this ACK.
  if (!reoArmed) rearmRto(tcb);
  if (dataAcked > 0) tcb.events.push(WRITABLE);
  return 'new';
}

/** Slow start, then one segment per window (RFC 5681 §3.1; Linux tcp_slow_start, tcp_cong_avoid_ai). */
function slowStartOrAvoid(tcb: Tcb, segs: number): void {
  if (tcb.cwnd < tcb.ssthresh) tcb.cwnd += segs;
  else tcb.cwnd += 1 / tcb.cwnd;
}

/**
 * The rest of tcp_ack outside Loss: tcp_fastretrans_alert when the ACK is "dubious" (a duplicate,
 * new SACK information, or not Open), then tcp_cong_control (PRR in Recovery, else growth when new
 * data was ACKed: tcp_may_raise_cwnd), then tcp_xmit_recovery. Returns whether RACK armed its timer.
 */
function afterAckRecovery(tcb: Tcb, a: AckInfo): boolean {
  const lostBefore = tcb.sb.lostOut + tcb.sb.retransOut;
  const sackedBefore = tcb.sb.sackedOut;
  const dubious = a.numDupack > 0 || a.newlySacked > 0 || tcb.recovery !== undefined || tcb.disorder;
  let out = { rexmit: false, reoArmed: false };
  if (dubious) out = fastRetransAlert(tcb, a);
  // Reno: each duplicate ACK delivered one segment (tcp_add_reno_sack → tcp_count_delivered).
  const delivered = tcb.sackOk ? a.delivered : a.delivered + Math.max(0, tcb.sb.sackedOut - sackedBefore);
  const newlyLost = Math.max(0, tcb.sb.lostOut + tcb.sb.retransOut - lostBefore);
  if (tcb.recovery === 'fast') cwndReduction(tcb, delivered, newlyLost, a.unaAdvanced);
  else if (a.dataAcked && isCwndLimited(tcb)) slowStartOrAvoid(tcb, Math.max(1, delivered));
  if (out.rexmit) xmitRetransmitQueue(tcb);
  return out.reoArmed;
}

/** RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": same ACK, no data, no SYN/FIN, same window, data outstanding. */
function isDuplicateAck(tcb: Tcb, seg: Segment, nwin: number): boolean {
  return seg.ack === tcb.sndUna && seg.payload.length === 0 && !seg.flags.syn && !seg.flags.fin &&
    nwin === tcb.sndWnd && seqLt(tcb.sndUna, tcb.sndMax);
}

