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
import type { Tcb } from './tcb.js';
import type { Segment } from './segment.js';
import type { Seq } from './seq.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';
import { challengeAck } from './ack-policy.js';
import { sampleRtt, baseRto } from './rto.js';
import { isCwndLimited, rearmRto } from './output.js';
import { enterFastRecovery, onRecoveryAck } from './recovery.js';
import type { ReceivedOptions } from './options.js';

export type AckVerdict = 'new' | 'dup' | 'old' | 'discard';

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
  const nwin = (seg.window & 0xffff) * 2 ** tcb.sndWscale;
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
  if (tcb.sackOk && opts.sack) recordSack(tcb, opts.sack);
  if (!seqGt(ack, tcb.sndUna)) {
    if (isDuplicateAck(tcb, seg, nwin)) onDuplicateAck(tcb);
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
  tcb.pushMarks = tcb.pushMarks.filter((m) => seqGt(m, ack));
  tcb.sndUna = ack;
  if (seqGt(ack, tcb.sndNxt)) tcb.sndNxt = ack;
  tcb.sacked = tcb.sacked.filter(([, r]) => seqGt(r, ack)).map(([l, r]) => [seqGt(l, ack) ? l : ack, r] as [typeof l, typeof r]);

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

  // Slow start, then one segment per window (RFC 5681 §3.1).
  const segs = Math.max(1, Math.ceil(dataAcked / Math.max(1, tcb.sndMss)));
  tcb.dupAcks = 0;
  // tcp_cong_avoid only while cwnd is what limits sending (tcp_is_cwnd_limited).
  if (!onRecoveryAck(tcb, segs) && isCwndLimited(tcb)) {
    if (tcb.cwnd < tcb.ssthresh) tcb.cwnd += segs;
    else tcb.cwnd += 1 / tcb.cwnd;
  }

  tcb.retransStamp = seqGe(tcb.sndUna, tcb.sndMax) ? undefined : tcb.now;
  rearmRto(tcb);
  if (dataAcked > 0) tcb.events.push({ type: 'writable' });
  return 'new';
}

/** RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": same ACK, no data, no SYN/FIN, same window, data outstanding. */
function isDuplicateAck(tcb: Tcb, seg: Segment, nwin: number): boolean {
  return seg.ack === tcb.sndUna && seg.payload.length === 0 && !seg.flags.syn && !seg.flags.fin &&
    nwin === tcb.sndWnd && seqLt(tcb.sndUna, tcb.sndMax);
}

/** RFC 5681 §3.2 / RFC 6582: the third duplicate ACK retransmits the first unacknowledged segment. */
function onDuplicateAck(tcb: Tcb): void {
  tcb.dupAcks++;
  if (tcb.recovery === 'fast') {
    tcb.cwnd += 1; // each further duplicate: one segment has left the network
    return;
  }
  if (tcb.recovery === undefined && tcb.dupAcks === 3) enterFastRecovery(tcb);
}

/** Merge the peer's SACK blocks into the scoreboard; blocks outside (SND.UNA, SND.MAX] are ignored (RFC 2018 §3, D-SACK is not used). */
function recordSack(tcb: Tcb, blocks: Array<[Seq, Seq]>): void {
  for (const [l, r] of blocks) {
    if (!seqLt(l, r) || !seqGt(r, tcb.sndUna) || seqGt(r, tcb.sndMax) || seqLt(l, tcb.sndUna)) continue;
    tcb.sacked.push([l, r]);
  }
  tcb.sacked.sort((a, b) => seqDiff(a[0], b[0]));
  const merged: Array<[Seq, Seq]> = [];
  for (const b of tcb.sacked) {
    const last = merged[merged.length - 1];
    if (last && !seqLt(last[1], b[0])) {
      if (seqGt(b[1], last[1])) last[1] = b[1];
    } else merged.push([b[0], b[1]]);
  }
  tcb.sacked = merged;
}
