// READ THIS FIRST — PAWS, RFC 7323 §5, exactly as Linux applies it (include/net/tcp.h
// tcp_paws_check / tcp_paws_reject, net/ipv4/tcp_input.c tcp_paws_discard / tcp_disordered_ack /
// tcp_replace_ts_recent). Timestamps are 32-bit and compared as a signed difference.
//
// Rules:
// - tcp_paws_check(win): accept when ts_recent − TSval <= win; also when ts_recent is 0 (some
//   stacks send TSval 0 on the SYN) or was recorded 24 days ago or more (TCP_PAWS_24DAYS).
// - Synchronized states (tcp_validate_incoming, tcp_disordered_ack_check): reject only when the
//   check fails with TCP_PAWS_WINDOW = 1 — a TSval one tick older than ts_recent is still
//   accepted — and the segment is not a "disordered ACK": a pure duplicate ACK at RCV.NXT that
//   does not move the window and whose TSval lies within about one RTO of ts_recent
//   (tcp_tsval_replay: rto·1200/HZ, that is 1.2 ticks per ms of RTO). A rejected pure ACK below
//   RCV.NXT is dropped silently (Linux 6.14+, PAWS_OLD_ACK); other rejects get a duplicate ACK.
// - TIME-WAIT and the orphaned FIN-WAIT-2 (tcp_paws_reject): the check with window 0; an RST is
//   rejected too, unless ts_recent was recorded TCP_PAWS_MSL (60 s) ago or more.
// - ts_recent moves forward only (tcp_replace_ts_recent: tcp_paws_check(…, 0) before storing).
import type { Tcb } from './tcb.js';
import type { Segment } from './segment.js';
import { seqGt, seqLt } from './seq.js';

/** What the PAWS checks read: a full TCB or the TIME-WAIT minisocket (time-wait-sock.ts). */
export type PawsState = Pick<Tcb, 'tsRecent' | 'tsRecentStamp' | 'now'>;

export const TCP_PAWS_WINDOW = 1;
/** TCP_PAWS_MSL: 60 s; an RST may bypass PAWS once ts_recent is this old. */
export const TCP_PAWS_MSL_MS = 60_000;
/** TCP_PAWS_24DAYS: a ts_recent this old says nothing any more. */
export const TCP_PAWS_24DAYS_MS = 24 * 24 * 3600 * 1000;

/** tcp_store_ts_recent: remember the peer's clock and when we saw it. */
export function storeTsRecent(tcb: PawsState, val: number): void {
  tcb.tsRecent = val >>> 0;
  tcb.tsRecentStamp = tcb.now;
}

/** tcp_paws_check: true when TSval passes against ts_recent with `win` ticks of slack. */
export function pawsCheck(tcb: PawsState, val: number, win: number): boolean {
  if (((tcb.tsRecent - val) | 0) <= win) return true;
  if (tcb.now - tcb.tsRecentStamp >= TCP_PAWS_24DAYS_MS) return true;
  return tcb.tsRecent === 0;
}

/** tcp_paws_reject: the minisocket (TIME-WAIT, orphaned FIN-WAIT-2) test; RSTs are not exempt. */
export function pawsReject(tcb: PawsState, val: number, rst: boolean): boolean {
  if (pawsCheck(tcb, val, 0)) return false;
  // "we can relax time bounds for RST segments to MSL" (include/net/tcp.h).
  if (rst && tcb.now - tcb.tsRecentStamp >= TCP_PAWS_MSL_MS) return false;
  return true;
}

/**
 * tcp_validate_incoming's PAWS step (Linux 6.14+, tcp_disordered_ack_check): 'ok' to go on,
 * 'old-ack' for a pure ACK below RCV.NXT that fails PAWS — common, dropped without a duplicate
 * ACK (LINUX_MIB_PAWS_OLD_ACK) — or 'reject' (duplicate ACK, or a challenge ACK for a SYN).
 */
export function pawsVerdict(tcb: Tcb, seg: Segment, val: number): 'ok' | 'old-ack' | 'reject' {
  if (pawsCheck(tcb, val, TCP_PAWS_WINDOW)) return 'ok';
  const f = seg.flags;
  // 1. Is this not a pure ACK?
  if (!f.ack || f.syn || f.fin || seg.payload.length > 0) return 'reject';
  // 2. Is its sequence not the expected one? Below RCV.NXT it is an old ACK.
  if (seg.seq !== tcb.rcvNxt) return seqLt(seg.seq, tcb.rcvNxt) ? 'old-ack' : 'reject';
  // 3. Is this not a duplicate ACK?
  if (seg.ack !== tcb.sndUna) return 'reject';
  // 4. Is this updating the window? (tcp_may_update_window)
  const nwin = (seg.window & 0xffff) * 2 ** tcb.sndWscale;
  if (seqGt(seg.ack, tcb.sndUna) || seqGt(seg.seq, tcb.sndWl1) || (seg.seq === tcb.sndWl1 && (nwin > tcb.sndWnd || nwin === 0))) return 'reject';
  // 5. Is this not in the replay window? (tcp_tsval_replay: icsk_rto * 1200 / HZ ticks)
  if (((tcb.tsRecent - val) | 0) > Math.floor(tcb.rtoMs * 1.2)) return 'reject';
  return 'ok';
}

/** tcp_replace_ts_recent: only a segment at or before RCV.WUP, and only forward. */
export function replaceTsRecent(tcb: Tcb, val: number): void {
  if (pawsCheck(tcb, val, 0)) storeTsRecent(tcb, val);
}
