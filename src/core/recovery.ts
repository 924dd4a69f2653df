// READ THIS FIRST — what the sender resends after a loss, as Linux 6.x does it (net/ipv4/
// tcp_input.c tcp_fastretrans_alert, tcp_enter_recovery, tcp_cwnd_reduction, tcp_enter_loss;
// tcp_output.c tcp_xmit_retransmit_queue; tcp_recovery.c for RACK, see rack.ts).
//
// Rules:
// - SND.NXT never moves back (as in Linux): ACKs and probes always carry the highest sequence
//   number sent. Retransmissions are of records on the scoreboard (scoreboard.ts).
// - The congestion states (icsk_ca_state): Open; Disorder while SACKed or duplicate-ACKed data
//   or retransmissions are outstanding (tcp_try_keep_open); Recovery after a loss found by ACKs;
//   Loss after a retransmission timeout.
// - Loss is found by RACK on SACK connections (tcp_rack_mark_lost), and without SACK by the
//   duplicate-ACK count reaching `reordering` (tcp_newreno_mark_lost: the head is lost), and in
//   Recovery by each partial ACK (the new head is lost). Recovery starts once anything is lost
//   (tcp_time_to_recover: "the loss is proven").
// - Entering Recovery (tcp_enter_recovery → tcp_init_cwnd_reduction): high_seq = SND.NXT,
//   ssthresh from the congestion control (CUBIC: cwnd·717/1024, Reno: cwnd/2, at least 2),
//   PRR starts from the cwnd before.
// - In Recovery each ACK sets cwnd by Proportional Rate Reduction (RFC 6937; tcp_cwnd_reduction):
//   in flight + what PRR lets out, at least one segment when nothing was sent yet (the fast
//   retransmit); lost records go out first (tcp_xmit_retransmit_queue), new data after.
// - Recovery ends when high_seq is acknowledged: cwnd = ssthresh (tcp_end_cwnd_reduction); a Reno
//   connection holds Recovery until something beyond high_seq is acknowledged (RFC 6582 via
//   tcp_try_undo_recovery).
// - Retransmission timeout (tcp_enter_loss): everything not SACKed is lost, ssthresh is reduced
//   unless it was already this window, cwnd = in flight + 1; the head goes out at once, then each
//   ACK lets slow start resend as many further segments as cwnd allows, up to high_seq.
// - Not modelled: undo of a spurious recovery (tcp_try_undo_*: D-SACK or timestamp evidence),
//   F-RTO.
import type { Tcb } from './tcb.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';
import type { Seq } from './seq.js';
import { dataSegment, emit } from './output.js';
import type { TxRecord } from './scoreboard.js';
import { addRenoSack, markLost, packetsInFlight, recordRetransmit, resetRenoSack, timeoutMarkLost } from './scoreboard.js';
import { rackDetectLoss, rackMarkLost } from './rack.js';
import { arm, cancel } from './timers.js';
import { congestionSsthresh } from './cubic.js';

/** The first sequence number at or after `at` that the peer has not SACKed. */
function skipSacked(tcb: Tcb, at: Seq): Seq {
  for (const r of tcb.sb.txq) if (r.sacked && !seqLt(at, r.start) && seqLt(at, r.end)) at = r.end;
  return at;
}

/**
 * Resend one segment at `at` (never past recoverSeq, never into a SACKed range: RFC 6675 §4
 * NextSeg); returns the sequence number after it.
 */
function resend(tcb: Tcb, from: Seq): Seq {
  const at = skipSacked(tcb, from);
  let limit = tcb.recoverSeq ?? tcb.sndMax;
  for (const r of tcb.sb.txq) if (r.sacked && seqGt(r.start, at) && seqLt(r.start, limit)) { limit = r.start; break; }
  if (!seqLt(at, limit)) return at;
  const room = Math.max(0, seqDiff(limit, at));
  const seg = dataSegment(tcb, at, Math.min(tcb.sndMss, room));
  emit(tcb, seg);
  tcb.totalRetrans++;
  tcb.rttSeq = undefined; // Karn
  const next = seqAdd(at, seg.payload.length + (seg.flags.fin ? 1 : 0));
  recordRetransmit(tcb, at, next);
  return next;
}

/** tcp_enter_loss, called by the retransmission timer before it resends the head. */
export function enterLossRecovery(tcb: Tcb): void {
  const prior = tcb.recovery;
  if (!tcb.sackOk) resetRenoSack(tcb);
  timeoutMarkLost(tcb);
  // "Reduce ssthresh if it has not yet been made inside this window."
  if (prior === undefined || tcb.recoverSeq === undefined || !seqGt(tcb.recoverSeq, tcb.sndUna) ||
      (prior === 'loss' && tcb.retransmits <= 1)) {
    tcb.ssthresh = congestionSsthresh(tcb);
  }
  tcb.cwnd = packetsInFlight(tcb) + 1;
  tcb.recovery = 'loss';
  tcb.disorder = false;
  tcb.recoverSeq = tcb.sndMax;
  tcb.dupAcks = 0;
  tcb.rtxNxt = resend(tcb, tcb.sndUna);
}

/** In Loss: after SND.UNA advanced by `segs` segments. Returns true while Loss goes on. */
export function onLossAck(tcb: Tcb, segs: number): boolean {
  if (tcb.recovery !== 'loss' || tcb.recoverSeq === undefined) return false;
  if (seqGe(tcb.sndUna, tcb.recoverSeq)) {
    tcb.recovery = undefined;
    tcb.recoverSeq = undefined;
    tryKeepOpen(tcb);
    return false;
  }
  if (seqLt(tcb.rtxNxt, tcb.sndUna)) tcb.rtxNxt = tcb.sndUna;
  // Slow start, resending as far as cwnd reaches.
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

/** What one ACK told the recovery machinery (the FLAG_* bits tcp_ack hands on). */
export interface AckInfo {
  /** FLAG_SND_UNA_ADVANCED */
  unaAdvanced: boolean;
  /** Duplicate ACKs this segment stands for (num_dupack). */
  numDupack: number;
  /** Records newly SACKed (FLAG_DATA_SACKED when > 0). */
  newlySacked: number;
  /** Segments newly delivered (tcp_newly_delivered: ACKed or SACKed now). */
  delivered: number;
  /** FLAG_DATA_ACKED: new data was acknowledged. */
  dataAcked: boolean;
}

/** tcp_try_keep_open: Disorder while anything is SACKed, lost or retransmitted, else Open. */
function tryKeepOpen(tcb: Tcb): void {
  const sb = tcb.sb;
  const disorder = sb.sackedOut + sb.lostOut > 0 || sb.retransOut > 0;
  if (disorder !== tcb.disorder) {
    tcb.disorder = disorder;
    tcb.recoverSeq = disorder ? tcb.sndNxt : undefined;
  }
}

/** tcp_time_to_recover: with RACK, only a loss already marked. */
function timeToRecover(tcb: Tcb): boolean {
  return tcb.sb.lostOut > 0;
}

/** tcp_newreno_mark_lost: without SACK, the head is lost once dupthresh duplicate ACKs came, or on a partial ACK in Recovery. */
function newrenoMarkLost(tcb: Tcb, unaAdvanced: boolean): void {
  const inRecovery = tcb.recovery === 'fast';
  if ((!inRecovery && tcb.sb.sackedOut >= tcb.sb.reordering) || (inRecovery && unaAdvanced)) {
    const head = tcb.sb.txq[0];
    if (head === undefined || head.lost) return;
    markLost(tcb, head);
  }
}

/** tcp_identify_packet_loss */
function identifyPacketLoss(tcb: Tcb, unaAdvanced: boolean): boolean {
  if (tcb.sb.txq.length === 0) return false;
  if (!tcb.sackOk) {
    newrenoMarkLost(tcb, unaAdvanced);
    return false;
  }
  return rackMarkLost(tcb);
}

/** tcp_enter_recovery + tcp_init_cwnd_reduction */
export function enterRecovery(tcb: Tcb): void {
  tcb.recoverSeq = tcb.sndNxt;
  tcb.tlpHighSeq = undefined;
  tcb.priorCwnd = Math.floor(tcb.cwnd);
  tcb.prrDelivered = 0;
  tcb.prrOut = 0;
  tcb.ssthresh = congestionSsthresh(tcb);
  tcb.recovery = 'fast';
  tcb.disorder = false;
}

/** tcp_end_cwnd_reduction: back to ssthresh (no undo is modelled, so undo_marker is always set). */
function endCwndReduction(tcb: Tcb): void {
  if (tcb.ssthresh < 0x7fffffff) tcb.cwnd = tcb.ssthresh;
}

/**
 * tcp_fastretrans_alert for the states other than Loss. Returns whether lost records should go
 * out (REXMIT_LOST) and whether RACK armed its timer.
 */
export function fastRetransAlert(tcb: Tcb, a: AckInfo): { rexmit: boolean; reoArmed: boolean } {
  const out = { rexmit: false, reoArmed: false };
  if (tcb.sb.txq.length === 0 && tcb.sb.sackedOut > 0) tcb.sb.sackedOut = 0;
  // D. State exit: high_seq acknowledged.
  const inState = tcb.recovery === 'fast' || tcb.disorder;
  if (inState && tcb.recoverSeq !== undefined && !seqLt(tcb.sndUna, tcb.recoverSeq)) {
    if (tcb.recovery === 'fast') {
      if (!tcb.sackOk) resetRenoSack(tcb);
      // tcp_try_undo_recovery: Reno holds Recovery until something above high_seq is ACKed.
      if (tcb.sndUna === tcb.recoverSeq && !tcb.sackOk) return out;
      tcb.recovery = undefined;
      tcb.disorder = false;
      tcb.recoverSeq = undefined;
      endCwndReduction(tcb);
    }
  }
  // E. Process the state.
  if (tcb.recovery === 'fast') {
    if (!a.unaAdvanced && !tcb.sackOk) addRenoSack(tcb, a.numDupack);
    out.reoArmed = identifyPacketLoss(tcb, a.unaAdvanced);
  } else {
    if (!tcb.sackOk) {
      if (a.unaAdvanced) resetRenoSack(tcb);
      addRenoSack(tcb, a.numDupack);
    }
    out.reoArmed = identifyPacketLoss(tcb, a.unaAdvanced);
    if (!timeToRecover(tcb)) {
      tryKeepOpen(tcb);
      return out;
    }
    enterRecovery(tcb);
  }
  out.rexmit = true;
  return out;
}

/**
 * tcp_cwnd_reduction (PRR, RFC 6937): cwnd = in flight + sndcnt, where sndcnt keeps what was sent
 * in Recovery proportional to what was delivered while the flight is above ssthresh
 * (PRR-proportional), and lets the flight grow back to ssthresh by what was delivered otherwise
 * (PRR-slowstart), capped by ssthresh on an ACK of new data that found no new loss.
 */
export function cwndReduction(tcb: Tcb, delivered: number, newlyLost: number, unaAdvanced: boolean): void {
  if (delivered <= 0 || tcb.priorCwnd <= 0) return;
  const inFlight = packetsInFlight(tcb);
  const delta = tcb.ssthresh - inFlight;
  tcb.prrDelivered += delivered;
  let sndcnt: number;
  if (delta < 0) {
    sndcnt = Math.floor((tcb.ssthresh * tcb.prrDelivered + tcb.priorCwnd - 1) / tcb.priorCwnd) - tcb.prrOut;
  } else {
    sndcnt = Math.max(tcb.prrDelivered - tcb.prrOut, delivered);
    if (unaAdvanced && newlyLost === 0) sndcnt = Math.min(delta, sndcnt);
  }
  // Force a fast retransmit upon entering fast recovery.
  sndcnt = Math.max(sndcnt, tcb.prrOut > 0 ? 0 : 1);
  tcb.cwnd = inFlight + sndcnt;
}

function retransmitRecord(tcb: Tcb, r: TxRecord): void {
  const finInside = tcb.finSeq !== undefined && seqGe(tcb.finSeq, r.start) && seqLt(tcb.finSeq, r.end);
  const len = seqDiff(r.end, r.start) - (finInside ? 1 : 0);
  const seg = dataSegment(tcb, r.start, Math.min(len, tcb.sndMss));
  emit(tcb, seg);
  tcb.totalRetrans++;
  tcb.rttSeq = undefined; // Karn
  recordRetransmit(tcb, r.start, seqAdd(r.start, seg.payload.length + (seg.flags.fin ? 1 : 0)));
  if (tcb.recovery === 'fast') tcb.prrOut++;
}

/** tcp_xmit_retransmit_queue: resend lost records, oldest first, while cwnd has room. */
export function xmitRetransmitQueue(tcb: Tcb): void {
  const sb = tcb.sb;
  if (sb.txq.length === 0) return;
  const head = sb.txq[0];
  let rearm = false;
  for (const r of [...sb.txq]) {
    if (Math.floor(tcb.cwnd) - packetsInFlight(tcb) <= 0) break;
    if (sb.retransOut >= sb.lostOut) break;
    if (!r.lost || r.sacked || r.retrans) continue;
    retransmitRecord(tcb, r);
    if (r === head && tcb.rack.reoAt === undefined) rearm = true;
  }
  if (rearm) {
    cancel(tcb.timers, 'loss-probe');
    arm(tcb.timers, 'retransmit', tcb.now + tcb.rtoMs);
  }
}

/**
 * tcp_rack_reo_timeout: the REO timer ran out — mark what is overdue now, enter Recovery if that
 * changed the flight, resend; then the retransmission timer, from the head's send time
 * (tcp_rearm_rto), unless resending the head armed it.
 */
export function rackReoTimeout(tcb: Tcb): void {
  tcb.rack.reoAt = undefined;
  const prior = packetsInFlight(tcb);
  const lostBefore = tcb.sb.lostOut;
  rackDetectLoss(tcb);
  if (prior !== packetsInFlight(tcb)) {
    if (tcb.recovery !== 'fast') {
      enterRecovery(tcb);
      cwndReduction(tcb, 1, Math.max(0, tcb.sb.lostOut - lostBefore), false);
    }
    xmitRetransmitQueue(tcb);
  }
  if (tcb.timers.retransmit === undefined && tcb.sb.txq.length > 0) {
    const head = tcb.sb.txq[0] as TxRecord;
    arm(tcb.timers, 'retransmit', Math.max(tcb.now + 1, head.xmitAt + tcb.rtoMs));
  }
}
