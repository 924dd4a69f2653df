// READ THIS FIRST — send memory as Linux charges it (sk_wmem_queued) and when a writer wakes.
//
// Linux does not count payload bytes against SO_SNDBUF; it counts skbs:
// - tcp_sendmsg_locked appends to the last unsent skb until it holds size_goal bytes
//   (tcp_xmit_size_goal: half the peer's largest window, at most 64 KiB, in whole MSS), and
//   starts a new skb only while sk_wmem_queued < sk_sndbuf (sk_stream_memory_free). So the last
//   skb may overshoot the buffer by up to size_goal.
// - every skb costs its truesize: the payload plus SKB_TX_OVERHEAD (tcp_stream_alloc_skb sets
//   truesize = SKB_TRUESIZE(skb_end_offset) of a MAX_TCP_HEADER head: 704 + 256 + 320 = 1280 on
//   x86_64). An ACK that covers part of an skb trims the payload (tcp_trim_head); one that covers
//   all of it frees the skb with its overhead.
// - tcp_write_xmit cuts an skb where the send stops (cwnd, window) and into tcp_tso_autosize
//   chunks (pacing rate >> 10 bytes, at least tcp_min_tso_segs segments); each cut is a new skb
//   with a new overhead (tso_fragment). We replay those cuts lazily over [sndSkbMark, SND.NXT).
// - a writer that found no room sets SOCK_NOSPACE and sleeps; an ACK wakes it only when
//   sk_stream_wspace >= sk_stream_min_wspace, i.e. free space is at least half of what is queued
//   (tcp_check_space -> tcp_new_space -> sk_stream_write_space -> __sk_stream_is_writeable).
//   tcp_poll reports EPOLLOUT by the same rule.
import { WRITABLE } from './tcb.js';
import type { Tcb } from './tcb.js';
import type { Seq } from './seq.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMin } from './seq.js';

/** SKB_TRUESIZE(skb_end_offset) of tcp_stream_alloc_skb's head on x86_64 (1024-byte slab). */
export const SKB_TX_OVERHEAD = 1280;
/** sk_gso_max_size (GSO_LEGACY_MAX_SIZE). */
const GSO_MAX_SIZE = 65_536;

/**
 * The sequence number of the first byte in the send buffer. It is snd_una, except for a Fast Open
 * child that writes before its SYN-ACK is acknowledged: its data starts after the SYN (write_seq
 * begins at the ISN + 1 in tcp_create_openreq_child).
 */
export function sndBufStart(tcb: Tcb): Seq {
  // A Fast Open client's SYN data sits after the ISN the same way (tcp_send_syn_data).
  return (tcb.fastopenChild === true || tcb.synData === true) && tcb.sndUna === tcb.iss ? seqAdd(tcb.iss, 1) : tcb.sndUna;
}

function dataEnd(tcb: Tcb): Seq {
  return seqAdd(sndBufStart(tcb), tcb.sndBufLen);
}

/** tcp_xmit_size_goal: payload one skb collects before the next is started. */
export function sizeGoal(tcb: Tcb): number {
  const mss = Math.max(1, tcb.sndMss);
  // tcp_bound_to_half_wnd: half the largest window the peer offered (all of it when tiny).
  const cutoff = tcb.maxWindow > 536 ? tcb.maxWindow >> 1 : tcb.maxWindow;
  const goal = cutoff > 0 && GSO_MAX_SIZE > cutoff ? Math.max(cutoff, 68 - 20) : GSO_MAX_SIZE;
  return Math.max(Math.floor(goal / mss) * mss, mss);
}

/** tcp_tso_autosize: segments one transmitted skb may carry, from the pacing rate. */
export function maxTsoSegs(tcb: Tcb): number {
  const mss = Math.max(1, tcb.sndMss);
  const minSegs = Math.max(1, tcb.config.tcp_min_tso_segs);
  if (tcb.srttMs === undefined || tcb.srttMs <= 0) return Math.max(Math.floor(GSO_MAX_SIZE / mss), minSegs);
  // tcp_update_pacing_rate: 200% of cwnd per RTT in slow start (cwnd < ssthresh/2), else 120%.
  const ratio = tcb.cwnd < tcb.ssthresh / 2 ? 2 : 1.2;
  const inflightSegs = Math.ceil(seqDiff(tcb.sndNxt, tcb.sndUna) / mss);
  const rate = (mss * Math.max(Math.floor(tcb.cwnd), inflightSegs) * ratio * 1000) / tcb.srttMs;
  let bytes = Math.floor(rate / 1024); // sk_pacing_shift 10: ~1 ms of data
  const r = Math.floor((tcb.srttMs * 1000) >> 9); // tcp_tso_rtt_log 9 (min_rtt approximated by srtt)
  if (r < 32) bytes += GSO_MAX_SIZE >> r;
  bytes = Math.min(bytes, GSO_MAX_SIZE);
  return Math.max(Math.floor(bytes / mss), minSegs);
}

/** Bring the skb list up to date: drop what is acknowledged, cut what was sent since the last look. */
export function syncSkbs(tcb: Tcb): void {
  if (tcb.sndBufLen === 0) {
    tcb.sndSkbs = [];
    tcb.sndSkbMark = tcb.sndUna;
    return;
  }
  while (tcb.sndSkbs.length > 0 && seqLe(tcb.sndSkbs[0], tcb.sndUna)) tcb.sndSkbs.shift();
  const end = dataEnd(tcb);
  const sent = seqMin(seqGt(tcb.sndMax, tcb.sndNxt) ? tcb.sndMax : tcb.sndNxt, end);
  let mark = seqLt(tcb.sndSkbMark, tcb.sndUna) ? tcb.sndUna : tcb.sndSkbMark;
  if (!seqGt(sent, mark)) { tcb.sndSkbMark = mark; return; }
  const chunk = maxTsoSegs(tcb) * Math.max(1, tcb.sndMss);
  const out: Seq[] = [];
  let start: Seq = tcb.sndUna;
  for (const e of tcb.sndSkbs) {
    if (seqLe(e, mark) || seqLe(sent, start)) { out.push(e); start = e; continue; }
    // This skb went out (partly) since the mark: the cuts tcp_write_xmit made in it.
    let s = seqGe(start, mark) ? start : mark;
    const stop = seqMin(e, sent);
    while (seqGt(stop, seqAdd(s, chunk))) { s = seqAdd(s, chunk); out.push(s); }
    if (seqLt(stop, e)) out.push(stop);
    out.push(e);
    start = e;
  }
  tcb.sndSkbs = out;
  mark = sent;
  tcb.sndSkbMark = mark;
}

/** sk_wmem_queued: unacknowledged payload plus one overhead per skb. */
export function wmemQueued(tcb: Tcb): number {
  return tcb.sndBufLen + tcb.sndSkbs.length * SKB_TX_OVERHEAD;
}

/** tcp_notsent_lowat(): the socket's TCP_NOTSENT_LOWAT, else net.ipv4.tcp_notsent_lowat. */
function notsentLowat(tcb: Tcb): number {
  return tcb.options.notsentLowat || tcb.config.tcp_notsent_lowat;
}

/**
 * tcp_stream_memory_free(sk, wake): unsent bytes (doubled when a sleeper asks whether to wake)
 * below the low-water mark. sendmsg asks with wake 0 before each new skb, poll with wake 1.
 */
export function notsentBelow(tcb: Tcb, wake: 0 | 1): boolean {
  const notsent = Math.max(0, seqDiff(dataEnd(tcb), tcb.sndNxt));
  return notsent * 2 ** wake < notsentLowat(tcb);
}

/** __sk_stream_is_writeable(sk, 1): what tcp_poll and sk_stream_write_space ask. */
export function streamWriteable(tcb: Tcb): boolean {
  const wmem = wmemQueued(tcb);
  if (wmem >= tcb.sndBufSize) return false;
  if (!notsentBelow(tcb, 1)) return false;
  return tcb.sndBufSize - wmem >= wmem >> 1;
}

/** tcp_check_space after an ACK: wake a sleeping writer once the buffer is half free. */
export function checkSpace(tcb: Tcb): void {
  if (!tcb.sndNoSpace) return;
  syncSkbs(tcb);
  if (tcb.state !== 'ESTABLISHED' && tcb.state !== 'CLOSE-WAIT') {
    tcb.sndNoSpace = false;
    return;
  }
  if (!streamWriteable(tcb)) return;
  tcb.sndNoSpace = false;
  tcb.events.push(WRITABLE);
}
