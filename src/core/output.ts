// READ THIS FIRST — everything the connection sends goes through here (Linux's tcp_output.c).
//
// Rules this file keeps:
// - Every segment after our SYN carries ACK (RFC 9293 §3.10.7.4), our TS option when timestamps
//   were negotiated (TSval = now in ms + the connection's offset, 1 ms ticks; TSecr = ts_recent),
//   and the window from window.ts (raw field = window >> rcv_wscale).
// - Sending a segment that carries ACK settles any pending ACK: the delayed-ACK timer stops and
//   one quick ACK is used up (tcp_event_ack_sent → tcp_dec_quickack_mode).
// - New data goes out in segments of at most SND.MSS, inside min(peer window, cwnd) (RFC 5681),
//   with Minshall's Nagle test for a trailing small segment (tcp_nagle_check); the FIN rides on
//   the last data segment when it fits (tcp_send_fin), and a bare FIN is not held back by cwnd
//   (tcp_cwnd_test).
// - PSH marks the segment that ends an application write (tcp_mark_push), and the last segment
//   of every GSO packet of more than one segment (__tcp_transmit_skb: "Force a PSH flag on all
//   (GSO) packets to expedite GRO flush"). tcp_write_xmit cuts the send into such packets of at
//   most min(tcp_tso_autosize, half of cwnd, what cwnd has left) segments (tcp_mss_split_point
//   with tcp_cwnd_test's "at least 2 GSO packets in flight"), never across an skb; a lone segment
//   (limited transmit, a loss probe of new data) carries PSH only when it ends a write.
// - After new data is sent, a tail loss probe (RFC 8985 §7, tcp_schedule_loss_probe) or the
//   retransmission timer is armed.
import type { Tcb } from './tcb.js';
import type { Segment, TcpFlags } from './segment.js';
import { NO_PAYLOAD } from './segment.js';
import type { Seq } from './seq.js';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.js';
import { maxTsoSegs, sndBufStart } from './send-memory.js';
import { NO_OPTIONS, synOptions, timestampOptions } from './options.js';
import { advertiseWindow } from './window.js';
import { arm, cancel } from './timers.js';
import { rtoMinMs, TIMEOUT_INIT_MS } from './rto.js';
import { onDataSent } from './ack-policy.js';
import { recordRetransmit, recordSent } from './scoreboard.js';
import { takeSackBlocks } from './sack-blocks.js';

export function tsVal(tcb: Tcb): number {
  return (Math.floor(tcb.now) + tcb.tsOffset) >>> 0;
}

/**
 * The flags of a segment we send: one frozen object per combination, shared by every segment
 * that has it (a segment's flags are never changed after it is built; to add PSH, withPsh gives
 * the other combination). Built on first use; spelled out so every one has the same shape.
 */
export function flags(l: Partial<TcpFlags>): TcpFlags {
  const key = (l.syn ? 1 : 0) | (l.ack ? 2 : 0) | (l.fin ? 4 : 0) | (l.rst ? 8 : 0) |
    (l.psh ? 16 : 0) | (l.urg ? 32 : 0) | (l.ece ? 64 : 0) | (l.cwr ? 128 : 0);
  return (FLAG_SETS[key] ??= Object.freeze({
    syn: l.syn ?? false, ack: l.ack ?? false, fin: l.fin ?? false, rst: l.rst ?? false, psh: l.psh ?? false, urg: l.urg ?? false, ece: l.ece ?? false, cwr: l.cwr ?? false,
  }));
}

const FLAG_SETS: Array<TcpFlags | undefined> = new Array<TcpFlags | undefined>(256).fill(undefined);

/** The same flags with PSH (tcp_mark_push on a segment already built). */
function withPsh(f: TcpFlags): TcpFlags {
  return f.psh ? f : flags({ ...f, psh: true });
}

export function makeSegment(tcb: Tcb, seq: Seq, ack: Seq | undefined, f: TcpFlags, payload: Uint8Array, opts?: Segment['options'], window?: number): Segment {
  return {
    srcAddr: tcb.local.addr, srcPort: tcb.local.port,
    dstAddr: tcb.remote.addr, dstPort: tcb.remote.port,
    seq, ack: ack ?? (0 as Seq), flags: f,
    window: window ?? advertiseWindow(tcb),
    urgent: 0,
    options: opts ?? afterSynOptions(tcb, f),
    payload,
  };
}

/** The options of a segment after the SYNs: the timestamp, then any SACK blocks. */
function afterSynOptions(tcb: Tcb, f: TcpFlags): Segment['options'] {
  const ts = tcb.tsOk ? timestampOptions(tsVal(tcb), tcb.tsRecent) : NO_OPTIONS;
  const sack = sackOption(tcb, f);
  return sack.length === 0 ? ts : [...ts, ...sack];
}

/**
 * RFC 2018 SACK blocks after the timestamp (tcp_options_write): `nop,nop,sack a:b ...`, a D-SACK
 * first, then the blocks most recent first (sack-blocks.ts), at most 4 (3 with TS).
 */
function sackOption(tcb: Tcb, f: TcpFlags): Segment['options'] {
  if (!tcb.sackOk || f.rst || f.syn || !f.ack) return [];
  if (tcb.sackBlocks.length === 0 && tcb.dsack === undefined) return [];
  return [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: takeSackBlocks(tcb) }];
}

/**
 * Hand a segment to the caller and do the bookkeeping every ACK-bearing segment implies. Returns
 * false when the local device dropped it (the transmit filter said no: Linux's tcp_transmit_skb
 * returning NET_XMIT_DROP from a full qdisc). The ACK bookkeeping still happens — Linux calls
 * tcp_event_ack_sent / tcp_event_data_sent in __tcp_transmit_skb before the device sees the skb —
 * but the segment goes to localDrops instead of the outbox, and callers that send data must not
 * count it as sent.
 */
export function emit(tcb: Tcb, seg: Segment): boolean {
  const ok = tcb.transmitFilter === undefined || tcb.transmitFilter(seg);
  if (ok) tcb.outbox.push(seg);
  else (tcb.localDrops ??= []).push(seg);
  if (seg.payload.length > 0) onDataSent(tcb);
  if (seg.flags.ack && !seg.flags.rst) {
    tcb.ackPending = false;
    tcb.ackNow = false;
    cancel(tcb.timers, 'delayed-ack');
    if (tcb.quickAcks > 0) tcb.quickAcks--;
  }
  return ok;
}

/** A bare ACK: seq = SND.NXT, ack = RCV.NXT (tcp_send_ack). */
export function sendAck(tcb: Tcb): void {
  emit(tcb, makeSegment(tcb, tcb.sndNxt, tcb.rcvNxt, flags({ ack: true }), NO_PAYLOAD));
}

/** The ACK a probe or keepalive uses: seq = SND.UNA - 1, so the peer must answer (tcp_xmit_probe_skb). */
export function sendProbe(tcb: Tcb): void {
  emit(tcb, makeSegment(tcb, seqAdd(tcb.sndUna, -1), tcb.rcvNxt, flags({ ack: true }), NO_PAYLOAD));
}

/** RST|ACK with seq = SND.NXT (tcp_send_active_reset): abort, close with unread data, SO_LINGER 0. */
export function sendActiveReset(tcb: Tcb): void {
  emit(tcb, makeSegment(tcb, tcb.sndNxt, tcb.rcvNxt, flags({ rst: true, ack: true }), NO_PAYLOAD));
}

/**
 * Our SYN (tcp_connect): the options we offer, window unscaled. The first SYN of a Fast Open
 * connect carries the cookie option (tcp_syn_options: tp->syn_fastopen) and the data
 * (tcp_send_syn_data); a retransmitted SYN carries neither (fo->cookie.len = -1, and
 * tcp_retransmit_skb resends the bare SYN skb).
 */
export function sendSyn(tcb: Tcb, data?: Uint8Array): void {
  const c = tcb.config;
  const fo = tcb.fastopenReq;
  tcb.fastopenReq = undefined;
  const fastopen = fo?.cookie !== undefined ? { cookie: fo.cookie, exp: fo.exp } : undefined;
  if (fastopen) {
    tcb.synFastopen = true;
    tcb.synFastopenExp = fastopen.exp;
  }
  const opts = synOptions({
    mss: tcb.advMss,
    sack: c.tcp_sack !== 0,
    ts: c.tcp_timestamps !== 0 ? { val: tsVal(tcb), ecr: 0 } : undefined,
    wscale: c.tcp_window_scaling !== 0 ? tcb.rcvWscale : undefined,
    fastopen,
  });
  // tcp_ecn_send_syn: net.ipv4.tcp_ecn=1 (or 3) asks for ECN with ECE and CWR (RFC 3168 §6.1.1).
  const ecn = c.tcp_ecn === 1 || c.tcp_ecn === 3;
  emit(tcb, makeSegment(tcb, tcb.iss, undefined, flags({ syn: true, ece: ecn, cwr: ecn }), data ?? NO_PAYLOAD, opts, Math.min(tcb.rcvWnd, 0xffff)));
}

/** Our SYN-ACK: only what the peer offered (tcp_synack_options). */
export function sendSynAck(tcb: Tcb): void {
  const opts = synOptions({
    mss: tcb.advMss,
    sack: tcb.sackOk,
    ts: tcb.tsOk ? { val: tsVal(tcb), ecr: tcb.tsRecent } : undefined,
    wscale: tcb.wscaleOk ? tcb.rcvWscale : undefined,
    fastopen: tcb.synAckCookie,
  });
  tcb.synAckCookie = undefined;
  // tcp_ecn_make_synack: ECE alone grants the peer's ECN request.
  emit(tcb, makeSegment(tcb, tcb.iss, tcb.rcvNxt, flags({ syn: true, ack: true, ece: tcb.ecnOk === true }), NO_PAYLOAD, opts, Math.min(tcb.rcvWnd, 0xffff)));
}

/** States in which data and FIN may be sent (RFC 9293 §3.10.2, §3.10.4). */
export function canSendData(tcb: Tcb): boolean {
  // tcp_sendmsg/tcp_write_xmit: a Fast Open child sends in SYN-RECEIVED (tcp_passive_fastopen).
  if (tcb.state === 'SYN-RECEIVED' && tcb.fastopenChild === true) return true;
  return tcb.state === 'ESTABLISHED' || tcb.state === 'CLOSE-WAIT' || tcb.state === 'FIN-WAIT-1' || tcb.state === 'CLOSING' || tcb.state === 'LAST-ACK';
}

/** A view, not a copy: queued bytes are never rewritten (a write appends after them, an ACK moves the start). */
function bytesAt(tcb: Tcb, seq: Seq, len: number): Uint8Array {
  const off = seqDiff(seq, sndBufStart(tcb));
  return tcb.sndBuf.subarray(off, off + len);
}

function pushAt(tcb: Tcb, from: Seq, to: Seq): boolean {
  return tcb.pushMarks.some((m) => seqGt(m, from) && seqLe(m, to));
}

/** The end of the data in the send buffer, in sequence space. */
export function dataEnd(tcb: Tcb): Seq {
  return seqAdd(sndBufStart(tcb), tcb.sndBufLen);
}

/**
 * `len` bytes from `seq`, cut at the first record end (MSG_EOR) inside them: an eor skb is never
 * merged with the next one, neither by tcp_write_xmit nor on retransmission (tcp_skb_can_collapse).
 */
function eorCut(tcb: Tcb, seq: Seq, len: number): number {
  if (!tcb.eorMarks) return len;
  for (const m of tcb.eorMarks) {
    const d = seqDiff(m, seq);
    if (d > 0 && d < len) len = d;
  }
  return len;
}

/** Build (without emitting) the data/FIN segment starting at `seq` of at most `max` bytes. */
export function dataSegment(tcb: Tcb, seq: Seq, max: number): Segment {
  const end = dataEnd(tcb);
  const avail = Math.max(0, seqDiff(end, seq));
  const len = eorCut(tcb, seq, Math.min(avail, max));
  const segEnd = seqAdd(seq, len);
  const fin = tcb.finSeq !== undefined && segEnd === tcb.finSeq;
  const psh = len > 0 && (pushAt(tcb, seq, segEnd) || fin);
  return makeSegment(tcb, seq, tcb.rcvNxt, flags({ ack: true, psh, fin }), bytesAt(tcb, seq, len));
}

/**
 * Bytes counted out of the flight: SACKed and lost segments less those retransmitted
 * (tcp_packets_in_flight = packets_out - (sacked_out + lost_out) + retrans_out), never all that is
 * in flight. Without SACK each duplicate ACK stands for one segment (tcp_add_reno_sack), so each of
 * the first duplicate ACKs lets one new segment out: RFC 3042 limited transmit, as tcp_write_xmit
 * does it through tcp_cwnd_test. Loss (after a timeout) keeps its own accounting (recovery.ts).
 */
function leftOut(tcb: Tcb, inflight: number): number {
  if (tcb.recovery === 'loss') return 0;
  const segs = tcb.sb.sackedOut + tcb.sb.lostOut - tcb.sb.retransOut;
  return Math.max(0, Math.min(segs * tcb.sndMss, inflight - tcb.sndMss));
}

/** The end of the skb holding `seq` (send-memory.ts keeps them): a GSO packet never runs past it. */
function skbEnd(tcb: Tcb, seq: Seq): Seq {
  for (const e of tcb.sndSkbs) if (seqGt(e, seq)) return e;
  return dataEnd(tcb);
}

/** Whole segments in `bytes` of flight (tcp_skb_pcount over the skbs: a short tail counts as one). */
function segmentsOf(tcb: Tcb, bytes: number): number {
  return bytes <= 0 ? 0 : Math.ceil(bytes / Math.max(1, tcb.sndMss));
}

/**
 * tcp_cwnd_validate(): remember, per window of data, whether sending was limited by cwnd, and if
 * not, the most segments that were in flight; tcp_is_cwnd_limited() reads them back before cwnd
 * may grow (ack.ts).
 */
function cwndValidate(tcb: Tcb, cwndLimited: boolean): void {
  const packetsOut = segmentsOf(tcb, seqDiff(tcb.sndNxt, tcb.sndUna));
  if (!seqLt(tcb.sndUna, tcb.cwndUsageSeq) || cwndLimited || (!tcb.isCwndLimited && packetsOut > tcb.maxPacketsOut)) {
    tcb.isCwndLimited = cwndLimited;
    tcb.maxPacketsOut = packetsOut;
    tcb.cwndUsageSeq = tcb.sndNxt;
  }
}

/**
 * tcp_is_cwnd_limited(): cwnd grows only while it is what limits sending — in slow start, until
 * it is twice the most segments that were in flight (so an application that writes little does
 * not inflate it), in congestion avoidance only when the last window was cwnd-limited.
 */
export function isCwndLimited(tcb: Tcb): boolean {
  if (tcb.isCwndLimited) return true;
  if (tcb.cwnd < tcb.ssthresh) return Math.floor(tcb.cwnd) < 2 * tcb.maxPacketsOut;
  return false;
}

/**
 * How this push treats a short tail segment (tcp_nagle_test's nonagle): 'cork' holds it whatever
 * else is set (a MSG_MORE write: TCP_NAGLE_CORK), 'push' sends it whatever else is set (TCP_NAGLE_PUSH:
 * TCP_NODELAY set, TCP_CORK cleared with TCP_NODELAY on), 'wakeup' is tcp_write_wakeup (the probe0
 * timer: one segment, Nagle and cork ignored, PSH set); by default the socket's own settings.
 */
export type Nonagle = 'cork' | 'push' | 'wakeup';

/** A GSO packet of more than one segment ends with PSH (__tcp_transmit_skb), unless it is a probe's. */
function closeGso(segs: number, last: Segment | undefined, probe: boolean): void {
  if (segs > 1 && last && !probe) last.flags = withPsh(last.flags);
}

/** tcp_write_xmit: send what the windows allow. Returns whether anything new went out. */
export function transmit(tcb: Tcb, probe = false, nonagle?: Nonagle): boolean {
  tcb.xmitFailed = false;
  if (!canSendData(tcb)) return false;
  let sent = false;
  // The GSO packet being cut (tcp_write_xmit, one skb piece per tcp_transmit_skb): segments left
  // in it, segments in it so far, where its skb ends, its last segment.
  let gsoLeft = 0;
  let gsoSegs = 0;
  let gsoEnd = tcb.sndNxt;
  let gsoLast: Segment | undefined;
  for (;;) {
    const end = dataEnd(tcb);
    if (tcb.finQueued && tcb.finSeq === undefined) tcb.finSeq = end;
    const unsent = seqDiff(end, tcb.sndNxt);
    const finPending = tcb.finSeq !== undefined && seqLe(tcb.sndNxt, tcb.finSeq);
    if (unsent <= 0 && !finPending) break;
    const inflight = seqDiff(tcb.sndNxt, tcb.sndUna);
    if (unsent <= 0) {
      // A bare FIN: one segment, never held back by the congestion window (tcp_cwnd_test).
      const seg = dataSegment(tcb, tcb.sndNxt, 0);
      if (!emit(tcb, seg)) {
        tcb.xmitFailed = true;
        break;
      }
      advanceSndNxt(tcb, tcb.sndNxt, 1);
      sent = true;
      break;
    }
    const wndRoom = tcb.sndWnd - inflight;
    const cwndRoom = tcb.cwnd * tcb.sndMss - (inflight - leftOut(tcb, inflight));
    // A loss probe may go one segment past cwnd (tcp_write_xmit with push_one == 2).
    const room = probe ? Math.min(wndRoom, tcb.sndMss) : Math.min(wndRoom, cwndRoom);
    let len = Math.min(tcb.sndMss, unsent, room);
    if (len <= 0) {
      if (tcb.sndWnd === 0 && inflight === 0 && tcb.timers.persist === undefined) {
        arm(tcb.timers, 'persist', tcb.now + Math.min(tcb.rtoMs * 2 ** tcb.backoff, tcb.config.tcp_rto_max_ms));
      }
      break;
    }
    // A segment that ends a record (MSG_EOR) is a whole skb that is not the tail: it fits the
    // window and Nagle does not hold it (tcp_nagle_test with TCP_NAGLE_PUSH for a non-tail skb).
    const record = eorCut(tcb, tcb.sndNxt, len);
    if (record < len) len = record;
    else {
      // A segment cut short by the peer's window that it could later send whole is not sent while
      // other data is in flight (tcp_snd_wnd_test / silly window avoidance, RFC 9293 §3.8.6.2.1).
      if (len < tcb.sndMss && len < unsent && inflight > 0) break;
      // tcp_nagle_check on the tail: TCP_NAGLE_CORK (TCP_CORK, or a MSG_MORE write) holds a short
      // tail until more data fills it or the cork goes; TCP_NAGLE_PUSH sends it.
      const tail = len < tcb.sndMss && len === unsent && !tcb.finQueued;
      if (tail && nonagle === 'cork') break;
      if (tail && tcb.options.cork && !tcb.options.nodelay && nonagle === undefined) break;
      // Minshall's Nagle: hold a trailing small segment while an earlier small one is unacknowledged.
      if (tail && !tcb.options.nodelay && nonagle === undefined && inflight > 0 &&
          seqGt(tcb.sndSml, tcb.sndUna) && seqLe(tcb.sndSml, tcb.sndNxt)) break;
    }
    len = Math.max(0, len);
    if (gsoLeft === 0) {
      closeGso(gsoSegs, gsoLast, probe);
      gsoSegs = 0;
      // tcp_cwnd_test: min(cwnd / 2, cwnd - in flight) segments, and tcp_tso_autosize's cap.
      const cwnd = Math.floor(tcb.cwnd);
      const quota = Math.min(Math.max(cwnd >> 1, 1), cwnd - segmentsOf(tcb, inflight - leftOut(tcb, inflight)));
      gsoLeft = Math.max(1, Math.min(maxTsoSegs(tcb), quota));
      gsoEnd = skbEnd(tcb, tcb.sndNxt);
    }
    const seg = dataSegment(tcb, tcb.sndNxt, len);
    // tcp_ecn_send: new data of an ECN connection is ECT(0); ACKs and retransmissions are not.
    if (tcb.ecnOk && len > 0) seg.ecn = 'ect0';
    // tcp_write_xmit: `if (unlikely(tcp_transmit_skb(...))) break;` — a segment the device
    // dropped is not sent: SND.NXT stays, nothing is in flight for it, no RTO is armed.
    if (!emit(tcb, seg)) {
      tcb.xmitFailed = true;
      break;
    }
    gsoSegs++;
    gsoLeft--;
    gsoLast = seg;
    // tcp_write_wakeup: `TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH`, one segment.
    if (nonagle === 'wakeup') {
      seg.flags = withPsh(seg.flags);
      if (len < tcb.sndMss) tcb.sndSml = seqAdd(tcb.sndNxt, len);
      advanceSndNxt(tcb, tcb.sndNxt, len + (seg.flags.fin ? 1 : 0));
      sent = true;
      break;
    }
    if (!seqLt(seqAdd(tcb.sndNxt, len), gsoEnd)) gsoLeft = 0;
    if (probe) {
      advanceSndNxt(tcb, tcb.sndNxt, len + (seg.flags.fin ? 1 : 0));
      sent = true;
      break;
    }
    if (len < tcb.sndMss) tcb.sndSml = seqAdd(tcb.sndNxt, len);
    advanceSndNxt(tcb, tcb.sndNxt, len + (seg.flags.fin ? 1 : 0));
    sent = true;
  }
  closeGso(gsoSegs, gsoLast, probe);
  // tcp_write_xmit's end: is_cwnd_limited |= (tcp_packets_in_flight(tp) >= tcp_snd_cwnd(tp)), then
  // tcp_cwnd_validate when something went out or cwnd held it back.
  const flight = seqDiff(tcb.sndNxt, tcb.sndUna);
  const cwndLimited = segmentsOf(tcb, flight - leftOut(tcb, flight)) >= Math.floor(tcb.cwnd);
  if (sent || cwndLimited) cwndValidate(tcb, cwndLimited);
  if (sent) {
    // Data left: the probe0 episode, if any, is over (tcp_send_probe0 / tcp_probe_timer reset
    // icsk_probes_tstamp once packets are out).
    cancel(tcb.timers, 'persist');
    tcb.probesStamp = undefined;
  }
  if (sent) armAfterSend(tcb);
  // __tcp_push_pending_frames: data left queued with nothing in flight (a dropped transmit, a
  // corked or MSG_MORE tail) arms the probe0 timer (tcp_check_probe_timer).
  if (tcb.xmitFailed || seqDiff(dataEnd(tcb), tcb.sndNxt) > 0) checkProbeTimer(tcb);
  return sent;
}

/**
 * tcp_check_probe_timer, called by __tcp_push_pending_frames when tcp_write_xmit left data
 * queued with nothing in flight (here: because the device dropped it): unless a retransmit,
 * loss-probe or probe0 timer is already pending (icsk_pending), arm probe0 (our 'persist') at
 * tcp_probe0_base = max(RTO, TCP_RTO_MIN), without backoff. events/timeouts.ts onPersist then
 * retries as tcp_probe_timer / tcp_send_probe0 do.
 */
function checkProbeTimer(tcb: Tcb): void {
  if (seqLt(tcb.sndUna, tcb.sndNxt)) return;
  const t = tcb.timers;
  if (t.retransmit !== undefined || t['loss-probe'] !== undefined || t.persist !== undefined) return;
  arm(t, 'persist', tcb.now + Math.max(tcb.rtoMs, rtoMinMs(tcb)));
}

function advanceSndNxt(tcb: Tcb, from: Seq, n: number): void {
  if (seqDiff(tcb.sndNxt, tcb.sndUna) === 0 && tcb.retransStamp === undefined) tcb.retransStamp = tcb.now;
  const to = seqAdd(from, n);
  if (tcb.rttSeq === undefined && seqGt(to, tcb.sndMax)) {
    tcb.rttSeq = to;
    tcb.rttStart = tcb.now;
  }
  if (seqGt(to, tcb.sndMax)) recordSent(tcb, seqGt(from, tcb.sndMax) ? from : tcb.sndMax, to);
  tcb.sndNxt = to;
  if (seqGt(to, tcb.sndMax)) tcb.sndMax = to;
  if (tcb.recovery === 'fast') tcb.prrOut++;
}

/** After new data: a tail loss probe if one may be scheduled, else the retransmission timer. */
export function armAfterSend(tcb: Tcb): void {
  if (tcb.timers.retransmit !== undefined || tcb.timers['loss-probe'] !== undefined) return;
  if (!scheduleLossProbe(tcb)) arm(tcb.timers, 'retransmit', tcb.now + tcb.rtoMs);
}

/**
 * tcp_schedule_loss_probe: PTO = 2·SRTT, plus tcp_rto_min when one segment is out (room for
 * the peer's delayed ACK) or 2 ms otherwise, but never later than the RTO would fire.
 */
export function scheduleLossProbe(tcb: Tcb): boolean {
  if (tcb.srttMs === undefined || tcb.tlpHighSeq !== undefined || tcb.backoff > 0) return false;
  // "Schedule a loss probe in 2*RTT for SACK capable connections not in loss recovery"
  // (tcp_schedule_loss_probe: tcp_early_retrans 3 or 4, tcp_is_sack, ca_state Open or CWR).
  const er = tcb.config.tcp_early_retrans;
  if ((er !== 3 && er !== 4) || !tcb.sackOk || tcb.recovery !== undefined || tcb.disorder) return false;
  const inflight = seqDiff(tcb.sndNxt, tcb.sndUna);
  if (inflight <= 0) return false;
  const one = inflight <= tcb.sndMss + 1;
  let pto = 2 * tcb.srttMs + (one ? tcb.config.tcp_rto_min_us / 1000 : 2);
  pto = Math.min(pto, tcb.rtoMs);
  tcb.timers.retransmit = undefined;
  arm(tcb.timers, 'loss-probe', tcb.now + pto);
  return true;
}

/** Restart the retransmission timer from now (tcp_rearm_rto), or stop it when nothing is out. */
export function rearmRto(tcb: Tcb): void {
  cancel(tcb.timers, 'loss-probe');
  tcb.rack.reoAt = undefined;
  if (seqLt(tcb.sndUna, tcb.sndNxt)) {
    cancel(tcb.timers, 'retransmit');
    if (!scheduleLossProbe(tcb)) arm(tcb.timers, 'retransmit', tcb.now + tcb.rtoMs);
  } else {
    cancel(tcb.timers, 'retransmit');
  }
}

/** Retransmit the first unacknowledged segment (tcp_retransmit_skb of the queue head). */
export function retransmitHead(tcb: Tcb): void {
  tcb.rttSeq = undefined; // Karn: no RTT sample from a retransmission
  const seg = dataSegment(tcb, tcb.sndUna, tcb.sndMss);
  emit(tcb, seg);
  recordRetransmit(tcb, tcb.sndUna, seqAdd(tcb.sndUna, seg.payload.length + (seg.flags.fin ? 1 : 0)));
}

export const SYN_TIMEOUT_MS = TIMEOUT_INIT_MS;
