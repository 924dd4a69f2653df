// READ THIS FIRST — the sender's scoreboard: what became of each segment sent (Linux keeps it in
// the flags of the skbs on its retransmission queue, TCP_SKB_CB(skb)->sacked, and in the counters
// packets_out, sacked_out, lost_out, retrans_out of struct tcp_sock).
//
// Rules:
// - One record per segment sent for the first time, SND.UNA..SND.MAX in sequence order, with the
//   time it (last) left: tcp_skb_timestamp_us, which RACK compares (rack.ts).
// - A SACK block marks the records it covers whole (never part of one) as SACKed (tcp_sacktag_write_queue /
//   tcp_sacktag_one); a SACKed record is no longer lost nor in retransmission. Blocks at or below
//   SND.UNA (D-SACK) and beyond SND.MAX are ignored.
// - A SACK for a record below the highest one SACKed before is reordering:
//   tcp_check_sack_reordering raises `reordering` to the distance in segments, and counts it
//   (reord_seen), which widens RACK's reordering window.
// - Without SACK, each duplicate ACK stands for one segment that left the network
//   (tcp_add_reno_sack), never all that is out (tcp_limit_reno_sacked), and an ACK of new data
//   eats them (tcp_remove_reno_sacks).
// - In flight = packets_out - (sacked_out + lost_out) + retrans_out (tcp_packets_in_flight).
import type { Tcb } from './tcb.js';
import type { Seq } from './seq.js';
import { seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';

export interface TxRecord {
  start: Seq;
  end: Seq;
  /** TCPCB_SACKED_ACKED */
  sacked: boolean;
  /** TCPCB_LOST */
  lost: boolean;
  /** TCPCB_SACKED_RETRANS: retransmitted and that copy not yet known gone. */
  retrans: boolean;
  /** TCPCB_EVER_RETRANS */
  everRetrans: boolean;
  /** When it last left (ms). */
  xmitAt: number;
}

/** The scoreboard state a TCB keeps (Linux's struct tcp_sock fields by their names). */
export interface Scoreboard {
  txq: TxRecord[];
  sackedOut: number;
  lostOut: number;
  retransOut: number;
  /** Sequence number just past the highest SACKed record (tcp_highest_sack_seq). */
  fack: Seq | undefined;
  /** tp->reordering: the dupthresh, 3 (tcp_reordering) until reordering is seen. */
  reordering: number;
  /** tp->reord_seen */
  reordSeen: number;
}

export function emptyScoreboard(reordering = 3): Scoreboard {
  return { txq: [], sackedOut: 0, lostOut: 0, retransOut: 0, fack: undefined, reordering, reordSeen: 0 };
}

export function packetsOut(tcb: Tcb): number {
  return tcb.sb.txq.length;
}

/** tcp_left_out */
export function leftOut(tcb: Tcb): number {
  return tcb.sb.sackedOut + tcb.sb.lostOut;
}

/** tcp_packets_in_flight */
export function packetsInFlight(tcb: Tcb): number {
  return Math.max(0, packetsOut(tcb) - leftOut(tcb) + tcb.sb.retransOut);
}

/** A segment left for the first time (tcp_event_new_data_sent queues it on the rtx queue). */
export function recordSent(tcb: Tcb, start: Seq, end: Seq): void {
  if (!seqLt(start, end)) return;
  const q = tcb.sb.txq;
  const last = q[q.length - 1];
  if (last !== undefined && seqLt(start, last.end)) return; // already recorded
  q.push({ start, end, sacked: false, lost: false, retrans: false, everRetrans: false, xmitAt: tcb.now });
}

/** Cut the record holding `at` in two (tcp_fragment), so records can be marked exactly. */
function splitAt(tcb: Tcb, at: Seq): void {
  const q = tcb.sb.txq;
  // The records are in sequence order and do not overlap: stop at the first that starts at or
  // after `at` (an ACK mostly lands on a record's edge, near the front: no walk of the flight).
  let i = 0;
  for (; i < q.length; i++) {
    if (!seqLt((q[i] as TxRecord).start, at)) return;
    if (seqLt(at, (q[i] as TxRecord).end)) break;
  }
  if (i === q.length) return;
  const r = q[i] as TxRecord;
  const tail: TxRecord = { ...r, start: at };
  r.end = at;
  q.splice(i + 1, 0, tail);
  // A record counts once in each counter, whatever its length; a split one counts twice.
  if (r.sacked) tcb.sb.sackedOut++;
  if (r.lost) tcb.sb.lostOut++;
  if (r.retrans) tcb.sb.retransOut++;
}

/** A retransmission of [start, end) left now (tcp_retransmit_skb: SACKED_RETRANS, EVER_RETRANS, new timestamp). */
export function recordRetransmit(tcb: Tcb, start: Seq, end: Seq): void {
  splitAt(tcb, start);
  splitAt(tcb, end);
  for (const r of tcb.sb.txq) {
    if (seqLt(r.start, start) || seqGt(r.end, end)) continue;
    if (r.sacked) continue;
    if (!r.retrans) tcb.sb.retransOut++;
    r.retrans = true;
    r.everRetrans = true;
    r.xmitAt = tcb.now;
  }
}

/** A loss probe resent [start, end) (tcp_send_loss_probe → __tcp_retransmit_skb: EVER_RETRANS and a new timestamp, not SACKED_RETRANS). */
export function recordProbe(tcb: Tcb, start: Seq, end: Seq): void {
  splitAt(tcb, start);
  splitAt(tcb, end);
  for (const r of tcb.sb.txq) {
    if (seqLt(r.start, start) || seqGt(r.end, end) || r.sacked) continue;
    r.everRetrans = true;
    r.xmitAt = tcb.now;
  }
}

/** tcp_mark_skb_lost: lost, and a retransmission of it in flight is presumed lost too. */
export function markLost(tcb: Tcb, r: TxRecord): void {
  if (r.sacked) return;
  if (r.retrans) {
    r.retrans = false;
    tcb.sb.retransOut--;
  }
  if (!r.lost) {
    r.lost = true;
    tcb.sb.lostOut++;
  }
}

export interface SackTagResult {
  /** Records newly SACKed (each one segment): delivered by this ACK. */
  newlySacked: number;
  /** Records newly SACKed, for RACK (tcp_rack_advance). */
  records: TxRecord[];
}

/**
 * tcp_sacktag_write_queue: mark what the SACK blocks cover; detect reordering against the
 * highest SACKed sequence before this ACK (tcp_check_sack_reordering).
 */
export function sackTag(tcb: Tcb, blocks: Array<[Seq, Seq]>): SackTagResult {
  const sb = tcb.sb;
  const res: SackTagResult = { newlySacked: 0, records: [] };
  const priorFack = sb.fack ?? tcb.sndUna;
  let reord: Seq | undefined;
  for (const [l, r] of blocks) {
    if (!seqLt(l, r) || !seqGt(r, tcb.sndUna) || seqGt(r, tcb.sndMax) || seqLt(l, tcb.sndUna)) continue;
    // Only whole segments are SACKed: a block covering part of one marks nothing
    // (tcp_match_skb_to_sack cuts multi-segment skbs at MSS boundaries only).
    for (const rec of sb.txq) {
      if (seqLt(rec.start, l)) continue;
      if (seqGt(rec.end, r)) break;
      if (rec.sacked) continue;
      // tcp_sacktag_one: a never-retransmitted record below the highest SACK is reordering.
      if (!rec.everRetrans && seqLt(rec.start, priorFack) && (reord === undefined || seqLt(rec.start, reord))) reord = rec.start;
      if (rec.lost) { rec.lost = false; sb.lostOut--; }
      if (rec.retrans) { rec.retrans = false; sb.retransOut--; }
      rec.sacked = true;
      sb.sackedOut++;
      res.newlySacked++;
      res.records.push(rec);
      if (sb.fack === undefined || seqGt(rec.end, sb.fack)) sb.fack = rec.end;
    }
  }
  if (reord !== undefined && seqLt(reord, priorFack)) checkSackReordering(tcb, reord, priorFack);
  return res;
}

/** tcp_check_sack_reordering (tcp_max_reordering 300). */
function checkSackReordering(tcb: Tcb, low: Seq, fack: Seq): void {
  const mss = Math.max(1, tcb.sndMss);
  const metric = seqDiff(fack, low);
  if (metric > tcb.sb.reordering * mss) tcb.sb.reordering = Math.min(Math.ceil(metric / mss), 300);
  tcb.sb.reordSeen++;
}

export interface CleanResult {
  /** Records acknowledged now that had not been SACKed (delivered by this ACK). */
  newlyAcked: number;
  /** Records acknowledged now, for RACK. */
  records: TxRecord[];
  /** One of them had been retransmitted (FLAG_RETRANS_DATA_ACKED). */
  retransAcked: boolean;
  /** Records acknowledged now, SACKed before or not. */
  removed: number;
}

/** The records of a result that has none: one shared, frozen empty list (most ACKs without SACK). */
const NO_RECORDS: TxRecord[] = Object.freeze([]) as unknown as TxRecord[];

/** tcp_clean_rtx_queue: drop what SND.UNA passed, and their counts. */
export function cleanAcked(tcb: Tcb, ack: Seq): CleanResult {
  const sb = tcb.sb;
  const res: CleanResult = { newlyAcked: 0, records: NO_RECORDS, retransAcked: false, removed: 0 };
  splitAt(tcb, ack);
  while (sb.txq.length > 0 && seqLe((sb.txq[0] as TxRecord).end, ack)) {
    const r = sb.txq.shift() as TxRecord;
    res.removed++;
    if (r.sacked) sb.sackedOut--;
    else {
      res.newlyAcked++;
      if (res.records === NO_RECORDS) res.records = [];
      res.records.push(r);
    }
    if (r.lost) sb.lostOut--;
    if (r.retrans) sb.retransOut--;
    if (r.everRetrans) res.retransAcked = true;
  }
  if (sb.txq.length === 0 || sb.sackedOut === 0) sb.fack = undefined;
  else if (sb.fack !== undefined && seqGe(ack, sb.fack)) sb.fack = undefined;
  return res;
}

/** tcp_add_reno_sack + tcp_limit_reno_sacked: a duplicate ACK without SACK. */
export function addRenoSack(tcb: Tcb, n: number): void {
  if (n <= 0) return;
  const sb = tcb.sb;
  sb.sackedOut += n;
  const holes = Math.min(Math.max(sb.lostOut, 1), packetsOut(tcb));
  if (sb.sackedOut + holes > packetsOut(tcb)) sb.sackedOut = Math.max(0, packetsOut(tcb) - holes);
}

/** tcp_remove_reno_sacks: one ACK of new data fills the hole, the rest eat duplicate ACKs. Returns the segments delivered. */
export function removeRenoSacks(tcb: Tcb, acked: number): number {
  if (acked <= 0) return 0;
  const sb = tcb.sb;
  const delivered = Math.max(acked - sb.sackedOut, 1);
  if (acked - 1 >= sb.sackedOut) sb.sackedOut = 0;
  else sb.sackedOut -= acked - 1;
  return delivered;
}

/** tcp_reset_reno_sack */
export function resetRenoSack(tcb: Tcb): void {
  tcb.sb.sackedOut = 0;
}

/** tcp_timeout_mark_lost (on a retransmission timeout): every record not SACKed is lost, no retransmission is in flight. */
export function timeoutMarkLost(tcb: Tcb): void {
  for (const r of tcb.sb.txq) {
    if (r.retrans) { r.retrans = false; tcb.sb.retransOut--; }
    if (r.sacked) continue;
    markLost(tcb, r);
  }
}

/** Reno: the whole queue's SACK state goes (tcp_enter_loss clears sacked_out without SACK). */
export function isSack(tcb: Tcb): boolean {
  return tcb.sackOk;
}
