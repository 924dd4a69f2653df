// READ THIS FIRST — what the sender resends after a loss (RFC 5681 §3.1–3.2, RFC 6582, RFC 6298
// §5.4; Linux tcp_enter_loss / tcp_enter_recovery / tcp_xmit_retransmit_queue).
//
// Rules:
// - SND.NXT never moves back (as in Linux): ACKs and probes always carry the highest sequence
//   number sent, so a peer that already has the data does not see them as old duplicates.
//   Retransmissions walk their own pointer, `rtxNxt`, from SND.UNA up to `recoverSeq`.
// - Retransmission timeout ("loss"): ssthresh = half the flight, cwnd = 1 segment; the head goes
//   out at once, then each ACK lets slow start resend as many further segments as cwnd allows.
// - Three duplicate ACKs ("fast"): ssthresh = half the flight, cwnd = ssthresh + 3, the head goes
//   out at once; each partial ACK resends the next head (NewReno).
// - An ACK at or beyond `recoverSeq` ends recovery.
import type { Tcb } from './tcb.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';
import type { Seq } from './seq.js';
import { dataSegment, emit } from './output.js';

function halveFlight(tcb: Tcb): void {
  const inflight = seqDiff(tcb.sndMax, tcb.sndUna);
  tcb.ssthresh = Math.max(Math.floor(inflight / Math.max(1, tcb.sndMss) / 2), 2);
}

/** The first sequence number at or after `at` that the peer has not SACKed. */
function skipSacked(tcb: Tcb, at: Seq): Seq {
  for (const [l, r] of tcb.sacked) if (!seqLt(at, l) && seqLt(at, r)) at = r;
  return at;
}

/**
 * Resend one segment at `at` (never past recoverSeq, never into a SACKed range: RFC 6675 §4
 * NextSeg); returns the sequence number after it.
 */
function resend(tcb: Tcb, from: Seq): Seq {
  const at = skipSacked(tcb, from);
  let limit = tcb.recoverSeq ?? tcb.sndMax;
  for (const [l] of tcb.sacked) if (seqGt(l, at) && seqLt(l, limit)) { limit = l; break; }
  if (!seqLt(at, limit)) return at;
  const room = Math.max(0, seqDiff(limit, at));
  const seg = dataSegment(tcb, at, Math.min(tcb.sndMss, room));
  emit(tcb, seg);
  tcb.totalRetrans++;
  tcb.rttSeq = undefined; // Karn
  return seqAdd(at, seg.payload.length + (seg.flags.fin ? 1 : 0));
}

export function enterLossRecovery(tcb: Tcb): void {
  halveFlight(tcb);
  tcb.cwnd = 1;
  tcb.recovery = 'loss';
  tcb.recoverSeq = tcb.sndMax;
  tcb.dupAcks = 0;
  tcb.rtxNxt = resend(tcb, tcb.sndUna);
}

export function enterFastRecovery(tcb: Tcb): void {
  halveFlight(tcb);
  tcb.cwnd = tcb.ssthresh + 3;
  tcb.recovery = 'fast';
  tcb.recoverSeq = tcb.sndMax;
  tcb.rtxNxt = resend(tcb, tcb.sndUna);
}

/** After SND.UNA advanced by `segs` segments. Returns true while recovery goes on. */
export function onRecoveryAck(tcb: Tcb, segs: number): boolean {
  if (tcb.recovery === undefined || tcb.recoverSeq === undefined) return false;
  if (seqGe(tcb.sndUna, tcb.recoverSeq)) {
    if (tcb.recovery === 'fast') tcb.cwnd = Math.max(tcb.ssthresh, 1);
    tcb.recovery = undefined;
    tcb.recoverSeq = undefined;
    return false;
  }
  if (seqLt(tcb.rtxNxt, tcb.sndUna)) tcb.rtxNxt = tcb.sndUna;
  if (tcb.recovery === 'fast') {
    // NewReno partial ACK: the next hole is lost too (the first byte the peer has not SACKed).
    tcb.rtxNxt = resend(tcb, tcb.sndUna);
    tcb.cwnd = Math.max(1, tcb.cwnd - segs + 1);
    return true;
  }
  // Loss recovery: slow start, resending as far as cwnd reaches.
  tcb.cwnd += segs;
  let budget = Math.floor(tcb.cwnd) * tcb.sndMss - seqDiff(tcb.rtxNxt, tcb.sndUna);
  while (budget > 0 && seqLt(skipSacked(tcb, tcb.rtxNxt), tcb.recoverSeq)) {
    const next = resend(tcb, tcb.rtxNxt);
    budget -= seqDiff(next, tcb.rtxNxt);
    if (!seqGt(next, tcb.rtxNxt)) break;
    tcb.rtxNxt = next;
  }
  return true;
}
