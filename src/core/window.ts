// READ THIS FIRST — the receive window Linux advertises.
//
// Rules (net/ipv4/tcp_output.c tcp_select_initial_window, __tcp_select_window, tcp_select_window;
// include/net/tcp.h tcp_win_from_space):
// - Receive memory is counted as Linux charges it: each arrived segment costs its skb's
//   truesize (skbTruesize below), and window = memory × scaling_ratio/256. The ratio starts at
//   1/2: SO_RCVBUF=20000 → sk_rcvbuf 40000 → 20000 of window → 18980 on a SYN-ACK once rounded
//   down to whole 1460-byte segments. Linux re-measures it from the data (payload ÷ truesize,
//   tcp_measure_rcv_mss), which is what makes tcp_rcv_big_endseq.pkt see `win 5000`.
// - The window scale is the smallest shift that lets the largest possible buffer
//   (max(tcp_rmem[2], space)) fit in 16 bits: tcp_rmem[2] = 15 MiB gives 8, 6 MiB gives 7; a
//   socket whose SO_RCVBUF was set is clamped to its own buffer and may get 0.
// - SYN and SYN-ACK windows are never scaled (RFC 7323 §2.2): min(window, 65535).
// - The window never shrinks (RFC 9293 §3.8.6.2.2): a smaller value keeps the right edge.
// - Silly window avoidance (RFC 9293 §3.8.6.2.2, Linux): below half the buffer the window is
//   rounded down to the scale unit and drops to 0 when under 1/16 of the buffer or one MSS.
import type { Tcb } from './tcb.js';
import { seqAdd, seqDiff } from './seq.js';
import { MAX_WSCALE } from './options.js';

/** TCP_DEFAULT_SCALING_RATIO: half of the memory is payload until data says otherwise. */
export const DEFAULT_SCALING_RATIO = 128;

/** tcp_win_from_space: the part of `space` bytes of receive memory that can be window. */
export function winFromSpace(space: number, ratio = DEFAULT_SCALING_RATIO): number {
  return Math.max(0, Math.floor((space * ratio) / 256));
}

/**
 * The memory Linux charges for a received segment of `len` bytes (skb->truesize) as a tun
 * device builds it (packetdrill's path): a kmalloc'ed head holds up to 3712 bytes
 * (4096 - NET_SKB_PAD - skb_shared_info), the rest goes in whole pages; plus the sk_buff.
 */
export function skbTruesize(len: number): number {
  const SKB = 256, OVERHEAD = 384, LINEAR_MAX = 4096 - OVERHEAD, PAGE = 4096;
  if (len <= LINEAR_MAX) {
    let bucket = 512;
    while (bucket < len + OVERHEAD) bucket *= 2;
    return bucket + SKB;
  }
  return PAGE + SKB + Math.ceil((len - LINEAR_MAX) / PAGE) * PAGE;
}

/**
 * tcp_select_initial_window. `space` is Linux's rcv_wnd before any clamp: without window scaling
 * Linux keeps it as tp->rcv_wnd (the SYN-ACK says min(space, 65535)) and clamps window_clamp
 * and rcv_ssthresh to 65535 instead — which is why a connection without window scaling sees
 * `__tcp_select_window() < rcv_wnd` and delays the ACK of a FIN after data
 * (ioctl-siocinq-fin.pkt on Linux 6.18). `rcvWnd` is the engine's value with window scaling.
 */
export function initialWindow(tcb: Tcb, mssForRounding: number, wscaleOk: boolean): { rcvWnd: number; wscale: number; space: number } {
  let space = winFromSpace(tcb.rcvBufSize);
  if (space > mssForRounding) space = Math.floor(space / mssForRounding) * mssForRounding;
  space = Math.min(space, tcb.windowClamp);
  const rcvWnd = Math.min(space, 0xffff);
  let wscale = 0;
  if (wscaleOk) {
    let s = Math.max(space, tcb.config.tcp_rmem[2]);
    s = Math.min(s, tcb.windowClamp);
    wscale = Math.max(0, Math.min(MAX_WSCALE, Math.floor(Math.log2(Math.max(1, s))) - 15));
  }
  return { rcvWnd, wscale, space };
}

/** Bytes of the advertised window still open: RCV.WUP + RCV.WND - RCV.NXT (tcp_receive_window). */
export function receiveWindow(tcb: Tcb): number {
  const w = seqDiff(seqAdd(tcb.rcvWup, tcb.rcvWnd), tcb.rcvNxt);
  return w < 0 ? 0 : w;
}

/** __tcp_select_window: the window we could offer now (and, like Linux, no more quick ACKs when the buffer is half full). */
export function selectableWindow(tcb: Tcb): number {
  const r = tcb.scalingRatio;
  const allowed = winFromSpace(tcb.rcvBufSize, r);
  const fullSpace = Math.min(tcb.windowClamp, allowed);
  let free = winFromSpace(Math.max(0, tcb.rcvBufSize - tcb.rmemAlloc), r);
  const mss = tcb.rcvMss;
  const unit = 1 << tcb.rcvWscale;
  if (free < fullSpace / 2) {
    // __tcp_select_window: "icsk->icsk_ack.quick = 0" — with the buffer half full, quick ACKs
    // stop. This is why a segment larger than the window (taken because the queue was empty,
    // tcp_sequence) is not ACKed at once: tcp_rcv_neg_window.pkt, tcp_rcv_toobig.pkt.
    tcb.quickAcks = 0;
    free = Math.floor(free / unit) * unit;
    if (free < allowed / 16 || free < mss) return 0;
  }
  if (free > tcb.rcvSsthresh) free = tcb.rcvSsthresh;
  if (tcb.rcvWscale) return Math.ceil(free / unit) * unit;
  let window = tcb.rcvWnd;
  if (window <= free - mss || window > free) window = free > mss ? Math.floor(free / mss) * mss : free;
  return window;
}

/** tcp_select_window: choose, record (rcv_wup/rcv_wnd) and return the raw 16-bit window field. */
export function advertiseWindow(tcb: Tcb): number {
  const cur = receiveWindow(tcb);
  let win = selectableWindow(tcb);
  const unit = 1 << tcb.rcvWscale;
  if (win < cur) win = Math.ceil(cur / unit) * unit;
  // Linux records the window before clamping it to what the header can say (tp->rcv_wnd =
  // new_win; then new_win = min(new_win, 65535 << rcv_wscale)).
  tcb.rcvWnd = win;
  tcb.rcvWup = tcb.rcvNxt;
  return Math.min(0xffff, Math.min(win, 0xffff << tcb.rcvWscale) >>> tcb.rcvWscale);
}

/**
 * No window scaling (tcp_select_initial_window with wscale 0, tcp_create_openreq_child,
 * tcp_rcv_synsent_state_process): window_clamp and rcv_ssthresh stop at 65535 while rcv_wnd
 * keeps the unclamped space.
 */
export function withoutWindowScaling(tcb: Tcb, space: number): void {
  tcb.windowClamp = Math.min(tcb.windowClamp, 0xffff);
  tcb.rcvWnd = Math.max(tcb.rcvWnd, space);
  tcb.rcvSsthresh = Math.min(tcb.rcvSsthresh, tcb.windowClamp);
}

/** tcp_grow_window, simplified: each in-order segment lets rcv_ssthresh grow by two segments. */
export function growWindow(tcb: Tcb): void {
  const space = winFromSpace(tcb.rcvBufSize, tcb.scalingRatio);
  if (tcb.rcvSsthresh < tcb.windowClamp && tcb.rcvSsthresh < space) {
    tcb.rcvSsthresh = Math.min(tcb.rcvSsthresh + 2 * tcb.advMss, tcb.windowClamp, space);
  }
}
