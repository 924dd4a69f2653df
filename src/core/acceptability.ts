// READ THIS FIRST — is an arriving segment inside the receive window?
//
// RFC 9293 §3.10.7.4 gives the test as a table on (segment length, receive window). Linux's
// tcp_sequence (net/ipv4/tcp_input.c) is looser and is what the engine applies: the segment must
// not end before RCV.WUP (the left edge last advertised) and must not start beyond the right edge;
// a segment whose end passes the right edge is still taken when the receive queue is empty
// (it is trimmed by the data path), which is how Linux avoids deadlocking a peer that overshoots.
// The RFC table stays here as documentation and is exercised by the tests.
import type { Seq } from './seq.js';
import { seqAdd, seqGt, seqInRange, seqLt } from './seq.js';

type Rule = (seq: Seq, len: number, rcvNxt: Seq, rcvWnd: number) => boolean;

/** RFC 9293 §3.10.7.4, keyed by `${len > 0 ? 'data' : 'empty'}/${wnd > 0 ? 'open' : 'zero'}`. */
export const RFC_ACCEPTABILITY: Readonly<Record<'empty/zero' | 'empty/open' | 'data/zero' | 'data/open', Rule>> = {
  // SEG.SEQ = RCV.NXT
  'empty/zero': (s, _l, nxt) => s === nxt,
  // RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
  'empty/open': (s, _l, nxt, w) => seqInRange(s, nxt, seqAdd(nxt, w)),
  // not acceptable
  'data/zero': () => false,
  // either the first or the last byte of the segment falls in the window
  'data/open': (s, l, nxt, w) => seqInRange(s, nxt, seqAdd(nxt, w)) || seqInRange(seqAdd(s, l - 1), nxt, seqAdd(nxt, w)),
};

export function rfcAcceptable(seq: Seq, len: number, rcvNxt: Seq, rcvWnd: number): boolean {
  const key = `${len > 0 ? 'data' : 'empty'}/${rcvWnd > 0 ? 'open' : 'zero'}` as keyof typeof RFC_ACCEPTABILITY;
  return RFC_ACCEPTABILITY[key](seq, len, rcvNxt, rcvWnd);
}

export type SequenceVerdict = 'ok' | 'old' | 'beyond-window' | 'end-beyond-window';

/**
 * Linux tcp_sequence: `end` is SEG.SEQ + SEG.LEN (SYN and FIN counted). A FIN may stick out
 * past the right edge ("some stacks are known to handle FIN incorrectly"; tcp_rcv_zero_wnd_fin.pkt).
 */
export function linuxSequenceCheck(seq: Seq, end: Seq, rcvWup: Seq, rcvNxt: Seq, rcvWnd: number, queueEmpty: boolean, fin = false): SequenceVerdict {
  if (seqLt(end, rcvWup)) return 'old';
  const right = seqAdd(rcvNxt, rcvWnd);
  if (seqGt(end, right)) {
    if (fin && !seqGt(seqAdd(end, -1), right)) return 'ok';
    if (seqGt(seq, right)) return 'beyond-window';
    if (!queueEmpty) return 'end-beyond-window';
  }
  return 'ok';
}

/** Linux tcp_in_window (tcp_minisocks.c), used by TIME-WAIT and the FIN-WAIT-2 minisocket. */
export function inWindow(seq: Seq, end: Seq, sWin: Seq, eWin: Seq): boolean {
  if (seq === sWin) return true;
  if (seqGt(end, sWin) && seqLt(seq, eWin)) return true;
  return seq === eWin && seq === end;
}

