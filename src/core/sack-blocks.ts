// READ THIS FIRST — the SACK blocks we send, as Linux keeps them (tcp_input.c tcp_sack_new_ofo_skb,
// tcp_sack_maybe_coalesce, tcp_sack_remove, tcp_dsack_set, tcp_dsack_extend; tcp_output.c
// tcp_options_write).
//
// Rules:
// - The blocks are a list, most recent first (RFC 2018 §4): an out-of-order arrival that extends
//   a block moves that block to the front and merges any block it now touches
//   (tcp_sack_maybe_coalesce); one that extends none becomes a new first block, the oldest falling
//   off past four.
// - Blocks that RCV.NXT has reached are removed (tcp_sack_remove); none remain once nothing waits
//   out of order.
// - A duplicate (data below RCV.NXT, or out-of-order data already held) is reported once as a
//   D-SACK block ahead of the others (RFC 2883; tcp_dsack_set), and the in-order data that
//   arrives over held out-of-order data extends it (tcp_ofo_queue → tcp_dsack_extend).
// - A segment carries at most 4 blocks, 3 with timestamps (tcp_established_options).
import type { Tcb } from './tcb.js';
import type { Seq } from './seq.js';
import { seqGt, seqLe, seqLt } from './seq.js';

const TCP_NUM_SACKS = 4;

/** tcp_sack_extend: widen `b` by [seq, end) when they touch; false when apart. */
function extend(b: [Seq, Seq], seq: Seq, end: Seq): boolean {
  if (seqLe(seq, b[1]) && seqLe(b[0], end)) {
    if (seqLt(seq, b[0])) b[0] = seq;
    if (seqGt(end, b[1])) b[1] = end;
    return true;
  }
  return false;
}

/** tcp_sack_new_ofo_skb */
export function sackNewOfo(tcb: Tcb, seq: Seq, end: Seq): void {
  const sp = tcb.sackBlocks;
  for (let i = 0; i < sp.length; i++) {
    if (extend(sp[i] as [Seq, Seq], seq, end)) {
      // Rotate it to the front, then let it swallow any block it now reaches.
      const [b] = sp.splice(i, 1);
      sp.unshift(b as [Seq, Seq]);
      for (let j = 1; j < sp.length;) {
        const w = sp[j] as [Seq, Seq];
        if (extend(sp[0] as [Seq, Seq], w[0], w[1])) sp.splice(j, 1);
        else j++;
      }
      return;
    }
  }
  if (sp.length >= TCP_NUM_SACKS) sp.pop();
  sp.unshift([seq, end]);
}

/** tcp_sack_remove: blocks RCV.NXT has reached are done. */
export function sackRemove(tcb: Tcb): void {
  if (tcb.ofo.length === 0) {
    tcb.sackBlocks = [];
    return;
  }
  tcb.sackBlocks = tcb.sackBlocks.filter(([l]) => seqLt(tcb.rcvNxt, l));
}

/** tcp_dsack_set: report [seq, end) as a duplicate on the next segment (tcp_dsack on, SACK in use). */
export function dsackSet(tcb: Tcb, seq: Seq, end: Seq): void {
  if (!tcb.sackOk || tcb.config.tcp_dsack === 0 || !seqLt(seq, end)) return;
  tcb.dsack = [seq, end];
}

/** tcp_dsack_extend */
export function dsackExtend(tcb: Tcb, seq: Seq, end: Seq): void {
  if (tcb.dsack === undefined) dsackSet(tcb, seq, end);
  else extend(tcb.dsack, seq, end);
}

/** The blocks the next segment carries (D-SACK first), consuming the D-SACK. */
export function takeSackBlocks(tcb: Tcb): Array<[Seq, Seq]> {
  const max = tcb.tsOk ? 3 : TCP_NUM_SACKS;
  const out: Array<[Seq, Seq]> = [];
  if (tcb.dsack !== undefined) {
    out.push([tcb.dsack[0], tcb.dsack[1]]);
    tcb.dsack = undefined;
  }
  for (const b of tcb.sackBlocks) {
    if (out.length >= max) break;
    out.push([b[0], b[1]]);
  }
  return out;
}
