// READ THIS FIRST — SEGMENT ARRIVES (RFC 9293 §3.10.7), one handler per state, as Linux runs it
// (tcp_rcv_state_process, tcp_rcv_synsent_state_process, tcp_check_req, tcp_validate_incoming,
// tcp_timewait_state_process).
//
// Order of checks in a synchronized state (RFC 9293 §3.10.7.4 with Linux's refinements):
//   0. PAWS (RFC 7323 §5): an older timestamp → duplicate ACK, drop.
//   1. sequence number (acceptability.ts) → duplicate ACK (or challenge ACK for a SYN), drop.
//   2. RST: exactly RCV.NXT → reset the connection; elsewhere in the window → challenge ACK
//      (RFC 5961 §3.2).
//   3. SYN → challenge ACK (RFC 5961 §4.2), drop.
//   4. no ACK → drop.
//   5. ACK (ack.ts), then the per-state consequences: SYN-RECEIVED → ESTABLISHED; our FIN
//      acknowledged: FIN-WAIT-1 → FIN-WAIT-2, CLOSING → TIME-WAIT, LAST-ACK → CLOSED.
//   6. text and FIN (recv-data.ts). After our side closed for reading (close(), SHUT_RD after
//      a FIN), new data aborts the connection with RST (RFC 1122 §4.2.2.13, Linux TCPAbortOnData).
//   7. send what the new window allows; send or schedule the ACK (ack-policy.ts).
import { WRITABLE } from '../tcb.js';
import type { TcpState } from '../../model/states.js';
import type { Tcb } from '../tcb.js';
import type { Segment } from '../segment.js';
import { segmentLength } from '../segment.js';
import { seq as seqNorm, seqAdd, seqDiff, seqGt, seqLe, seqLt, type Seq } from '../seq.js';
import { parseOptions } from '../options.js';
import type { ReceivedOptions } from '../options.js';
import { linuxSequenceCheck, inWindow } from '../acceptability.js';
import { ackCheck, challengeAck, dupAck, enterQuickack, oowRateLimited } from '../ack-policy.js';
import { fastopenSynAck } from '../fastopen-client.js';
import { processAck } from '../ack.js';
import { dataQueue, enterTimeWait, receiveFin } from '../recv-data.js';
import { initialWindow, receiveWindow, withoutWindowScaling } from '../window.js';
import { TS_ALIGNED_LEN } from '../options.js';
import { failWith, setState } from '../state-change.js';
import { resetErrno, resetFor } from '../reset.js';
import { sendAck, sendSynAck, transmit, tsVal } from '../output.js';
import { applyPeerSynOptions, takeSynData } from './open.js';
import { timeWaitSegment, orphanFinWait2Segment, replyReset } from '../time-wait.js';
import { arm, cancel } from '../timers.js';
import { armOrphanFinWait2 } from './close.js';
import { armKeepalive } from './timeouts.js';
import { sampleRtt, TIMEOUT_MIN_MS } from '../rto.js';
import { pawsVerdict, replaceTsRecent, storeTsRecent } from '../paws.js';

type Handler = (tcb: Tcb, seg: Segment) => void;

const HANDLERS: Record<TcpState, Handler> = {
  // §3.10.7.1: no connection — answer as a closed port would.
  CLOSED: (tcb, seg) => { const r = resetFor(seg); if (r) tcb.outbox.push(r); },
  // LISTEN belongs to the host (its listener and SYN queue); a Connection is never in it for long.
  LISTEN: () => undefined,
  // §3.10.7.3 (tcp_rcv_synsent_state_process).
  'SYN-SENT': synSent,
  // tcp_check_req: the half-open connection.
  'SYN-RECEIVED': synReceived,
  // §3.10.7.4 for every synchronized state.
  ESTABLISHED: synchronized,
  'FIN-WAIT-1': synchronized,
  // An orphan's FIN-WAIT-2 is a minisocket in Linux (tcp_time_wait(TCP_FIN_WAIT2)); a
  // half-closed one is a full socket that still takes data.
  'FIN-WAIT-2': (tcb, seg) => (tcb.orphaned ? orphanFinWait2Segment(tcb, seg) : synchronized(tcb, seg)),
  'CLOSE-WAIT': synchronized,
  CLOSING: synchronized,
  'LAST-ACK': synchronized,
  // tcp_timewait_state_process.
  'TIME-WAIT': timeWaitSegment,
};

export function segmentArrives(tcb: Tcb, seg: Segment): void {
  if (!isWellFormed(seg)) return;
  HANDLERS[tcb.state](tcb, normalise(seg));
}

/** Fields brought into their wire ranges: 32-bit sequence numbers, a 16-bit window, known flags. */
export function normalise(seg: Segment): Segment {
  if (isNormal(seg)) return seg;
  const f = seg.flags;
  return {
    ...seg,
    seq: seqNorm(seg.seq), ack: seqNorm(seg.ack),
    window: Math.max(0, Math.min(0xffff, Math.floor(seg.window))),
    flags: { syn: !!f.syn, ack: !!f.ack, fin: !!f.fin, rst: !!f.rst, psh: !!f.psh, urg: !!f.urg, ece: !!f.ece, cwr: !!f.cwr },
    options: Array.isArray(seg.options) ? seg.options : [],
  };
}

/** Already in wire ranges, as every segment an engine builds is: then it needs no copy. */
function isNormal(seg: Segment): boolean {
  const f = seg.flags;
  return seg.seq >>> 0 === seg.seq && seg.ack >>> 0 === seg.ack && (seg.window & 0xffff) === seg.window && Array.isArray(seg.options) &&
    typeof f.syn === 'boolean' && typeof f.ack === 'boolean' && typeof f.fin === 'boolean' && typeof f.rst === 'boolean' &&
    typeof f.psh === 'boolean' && typeof f.urg === 'boolean' && typeof f.ece === 'boolean' && typeof f.cwr === 'boolean';
}

/** A hostile or broken segment is dropped, never thrown on. */
export function isWellFormed(seg: Segment): boolean {
  return !!seg && typeof seg === 'object' && !!seg.flags && typeof seg.seq === 'number' && typeof seg.ack === 'number' &&
    Number.isFinite(seg.seq) && Number.isFinite(seg.ack) && seg.payload instanceof Uint8Array && Number.isFinite(seg.window);
}

function synSent(tcb: Tcb, seg: Segment): void {
  const f = seg.flags;
  if (f.ack) {
    // "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)".
    if (seqLe(seg.ack, tcb.iss) || seqGt(seg.ack, tcb.sndMax)) {
      // tcp_rcv_synsent_state_process: "Previous FIN/ACK or RST/ACK might be ignored" — if no
      // SYN has been retransmitted yet, re-arm the retransmit timer to TCP_TIMEOUT_MIN so the
      // SYN goes again at once (the peer has likely just cleared a stale half-open connection
      // after our RST) instead of after the full 1 s initial RTO. Done for RST|ACK too.
      if (tcb.retransmits === 0) arm(tcb.timers, 'retransmit', tcb.now + TIMEOUT_MIN_MS);
      // reset_and_undo: the caller answers with an RST (never an RST to an RST).
      if (!f.rst) { const r = resetFor(seg); if (r) tcb.outbox.push(r); }
      return;
    }
    // "rcv_tsecr && !between(rcv_tsecr, retrans_stamp, tcp_time_stamp)": an echo of a timestamp
    // we never sent is answered with an RST (reset_and_undo, LINUX_MIB_PAWSACTIVEREJECTED).
    const ts = f.rst ? undefined : parseOptions(seg.options).ts;
    if (ts && ts.ecr !== 0 && tcb.config.tcp_timestamps !== 0 && tcb.retransStamp !== undefined) {
      const first = (Math.floor(tcb.retransStamp) + tcb.tsOffset) >>> 0;
      if (((ts.ecr - first) >>> 0) > ((tsVal(tcb) - first) >>> 0)) {
        const r = resetFor(seg);
        if (r) tcb.outbox.push(r);
        return;
      }
    }
    // An acceptable RST: the peer refused (ECONNREFUSED).
    if (f.rst) return failWith(tcb, 'ECONNREFUSED', 'rst-received');
    if (!f.syn) return;
    const c = tcb.config;
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    tcb.rcvWup = tcb.rcvNxt;
    applyPeerSynOptions(tcb, seg, c.tcp_timestamps !== 0, c.tcp_window_scaling !== 0, c.tcp_sack !== 0);
    if (!tcb.wscaleOk) {
      // tcp_rcv_synsent_state_process: rcv_wscale 0, window_clamp at most 65535; rcv_wnd keeps
      // the space tcp_connect_init chose (window.ts withoutWindowScaling).
      tcb.rcvWscale = 0;
      const c2 = tcb.config;
      withoutWindowScaling(tcb, initialWindow(tcb, tcb.advMss - (c2.tcp_timestamps ? TS_ALIGNED_LEN : 0), false).space);
    }
    tcb.lastRecvAt = tcb.now;
    // The SYN-ACK's own window is not scaled (RFC 7323 §2.2).
    tcb.sndWnd = seg.window & 0xffff;
    tcb.maxWindow = tcb.sndWnd;
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = seg.ack;
    takeSynDataAck(tcb, seg.ack);
    // tcp_ack() of the SYN (and of a SYN's data, counted once with it): tp->delivered.
    tcb.delivered = (tcb.delivered ?? 0) + 1;
    tcb.sndUna = seg.ack;
    tcb.sndSml = seg.ack;
    const resend = tcb.synFastopen === true || tcb.synData === true ? fastopenSynAckReceived(tcb, seg) : false;
    if (tcb.rttSeq !== undefined && tcb.retransmits === 0) {
      tcb.rttSeq = undefined;
      sampleAfterHandshake(tcb);
    }
    tcb.rttSeq = undefined;
    tcb.retransmits = 0;
    tcb.backoff = 0;
    tcb.retransStamp = undefined;
    cancel(tcb.timers, 'retransmit');
    tcb.lrcvTime = tcb.now;
    setState(tcb, 'ESTABLISHED', 'syn-ack-received');
    tcb.events.push(WRITABLE);
    armKeepalive(tcb);
    finOnSynAck(tcb, seg, resend);
    // tcp_rcv_synsent_state_process: a Fast Open SYN whose data was not all acknowledged sends
    // that data again at once, and it carries the ACK (fastopen_fail returns before tcp_send_ack).
    if (resend) return resendSynData(tcb);
    // A writer sleeping in inet_wait_for_connect with more data (sk_write_pending): "Save one
    // ACK. Data will be ready after several ticks" — quick-ACK mode and a TCP_DELACK_MAX timer.
    if (tcb.writePending) {
      tcb.writePending = false;
      tcb.ackPending = true;
      enterQuickack(tcb);
      arm(tcb.timers, 'delayed-ack', tcb.now + DELACK_MAX_MS);
      return;
    }
    // Otherwise ACK the SYN-ACK at once, then send queued data.
    sendAck(tcb);
    transmit(tcb);
    return;
  }
  if (f.rst) return;
  if (f.syn) {
    // §3.10.7.3 simultaneous open: SYN-SENT → SYN-RECEIVED, SYN-ACK with our original ISN.
    const c = tcb.config;
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    tcb.rcvWup = tcb.rcvNxt;
    applyPeerSynOptions(tcb, seg, c.tcp_timestamps !== 0, c.tcp_window_scaling !== 0, c.tcp_sack !== 0);
    if (!tcb.wscaleOk) tcb.rcvWscale = 0;
    tcb.sndWnd = seg.window & 0xffff;
    tcb.sndWl1 = seg.seq;
    tcb.lastRecvAt = tcb.now;
    setState(tcb, 'SYN-RECEIVED', 'simultaneous-open');
    sendSynAck(tcb);
  }
}

/** TCP_DELACK_MAX: the delayed ACK a SYN-ACK gets while the writer has data coming. */
const DELACK_MAX_MS = 200;

/**
 * tcp_ack() in SYN-SENT for a Fast Open SYN: the SYN-ACK acknowledges the SYN and as much of the
 * SYN's data as the peer took; that much leaves the send buffer.
 */
function takeSynDataAck(tcb: Tcb, ack: Seq): void {
  if (tcb.synData !== true || tcb.sndUna !== tcb.iss) return;
  const acked = Math.max(0, Math.min(seqDiff(ack, seqAdd(tcb.iss, 1)), tcb.sndBufLen));
  if (acked === 0) return;
  tcb.sndBuf = tcb.sndBuf.slice(acked);
  tcb.sndBufLen -= acked;
  tcb.bytesAcked += acked;
  tcb.pushMarks = tcb.pushMarks.filter((m) => seqGt(m, ack));
}

/**
 * tcp_rcv_fastopen_synack(): what the destination's cache learns (the host keeps it), the
 * TCPFastOpenActive / TCPFastOpenActiveFail counters, TCPI_OPT_SYN_DATA once all the SYN's data
 * was acknowledged. True when that data must go again.
 */
function fastopenSynAckReceived(tcb: Tcb, seg: Segment): boolean {
  const o = parseOptions(seg.options);
  const v = fastopenSynAck({
    synFastopen: tcb.synFastopen === true, synFastopenExp: tcb.synFastopenExp === true, synData: tcb.synData === true,
    dataLeft: tcb.synData === true && tcb.sndBufLen > 0, retransmitted: tcb.totalRetrans > 0,
    mss: o.mss ?? 0, option: o.fastopen,
  });
  tcb.events.push({ type: 'fastopen-learnt', lesson: v.lesson });
  if (v.counter) tcb.events.push({ type: 'mib', counter: v.counter });
  if (!v.resend) {
    tcb.synDataAcked = tcb.synData === true;
    takeSynData(tcb, seg);
  }
  return v.resend;
}

/** tcp_fastopen_add_skb(): a FIN on the SYN-ACK is taken once the connection is established (tcp_fin). */
function finOnSynAck(tcb: Tcb, seg: Segment, resend: boolean): void {
  if (seg.flags.fin && !resend && (tcb.synFastopen === true || tcb.synData === true)) receiveFin(tcb);
}

/**
 * tcp_rcv_fastopen_synack() → tcp_mark_skb_lost + tcp_non_congestion_loss_retransmit: the SYN's
 * unacknowledged data goes again from SND.UNA, as far as the windows allow, each segment a
 * retransmission.
 */
function resendSynData(tcb: Tcb): void {
  tcb.sndNxt = tcb.sndUna;
  tcb.sndSkbMark = tcb.sndUna;
  const before = tcb.outbox.length;
  // A retransmission is no small segment for Nagle (tcp_minshall_update runs for new data only).
  const sml = tcb.sndSml;
  transmit(tcb);
  tcb.sndSml = sml;
  tcb.totalRetrans += tcb.outbox.slice(before).filter((s) => s.payload.length > 0).length;
  tcb.rttSeq = undefined;
}

/** RFC 6298 §2.2: the handshake gives the first RTT measurement (tcp_synack_rtt_meas). */
function sampleAfterHandshake(tcb: Tcb): void {
  sampleRtt(tcb, tcb.now - tcb.rttStart);
}

function synReceived(tcb: Tcb, seg: Segment): void {
  const f = seg.flags;
  // Simultaneous open: the peer's SYN-ACK acknowledges our SYN — take it as the ACK
  // (tcp_validate_incoming's "goto pass" for SYN_RECV), no challenge and no extra ACK.
  if (f.syn && f.ack && !f.rst && seqAdd(seg.seq, 1) === tcb.rcvNxt && seg.ack === tcb.sndNxt && cameFromSynSent(tcb)) {
    finishHandshake(tcb, { ...seg, seq: tcb.rcvNxt, flags: { ...f, syn: false } });
    return;
  }
  const len = segmentLength(seg);
  const end = seqAdd(seg.seq, len);
  // A retransmitted SYN: send the SYN-ACK again (tcp_check_req, rate-limited).
  if (f.syn && !f.rst && !f.ack && seg.seq === tcb.irs) {
    if (!oowRateLimited(tcb, false)) sendSynAck(tcb);
    return;
  }
  const wnd = Math.max(tcb.rcvWnd, 1);
  if (!inWindow(seg.seq, end, tcb.rcvNxt, seqAdd(tcb.rcvNxt, wnd))) {
    if (!f.rst && !oowRateLimited(tcb, seg.payload.length > 0)) sendAck(tcb);
    return;
  }
  if (f.rst) {
    // RFC 9293 §3.10.7.4: a passive open returns to LISTEN (the host's listener); an active one is refused.
    // A Fast Open child is a full socket: tcp_reset() gives it ECONNRESET (a request socket has no owner to tell).
    return failWith(tcb, cameFromSynSent(tcb) ? 'ECONNREFUSED' : tcb.fastopenChild === true ? 'ECONNRESET' : undefined, 'rst-received');
  }
  if (f.syn) return replyReset(tcb, seg, 'syn-in-window');
  if (!f.ack) return;
  if (!seqGt(seg.ack, tcb.sndUna) || seqGt(seg.ack, tcb.sndMax)) {
    // An unacceptable ACK: "form a reset segment <SEQ=SEG.ACK><CTL=RST>".
    const r = resetFor(seg);
    if (r) tcb.outbox.push(r);
    return;
  }
  finishHandshake(tcb, seg);
}

function cameFromSynSent(tcb: Tcb): boolean {
  return tcb.history.some((h) => h.from === 'CLOSED' && h.to === 'SYN-SENT');
}

/** SYN-RECEIVED → ESTABLISHED on an acceptable ACK, then the rest of the segment. */
function finishHandshake(tcb: Tcb, seg: Segment): void {
  const opts = parseOptions(seg.options);
  tcb.lastRecvAt = tcb.now;
  if (tcb.rttSeq !== undefined && tcb.retransmits === 0) sampleAfterHandshake(tcb);
  tcb.rttSeq = undefined;
  tcb.retransmits = 0;
  tcb.backoff = 0;
  tcb.retransStamp = undefined;
  // RFC 9293: "set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK".
  tcb.sndWnd = (seg.window & 0xffff) * 2 ** tcb.sndWscale;
  tcb.maxWindow = Math.max(tcb.maxWindow, tcb.sndWnd);
  tcb.sndWl1 = seg.seq;
  tcb.sndWl2 = seg.ack;
  // A Fast Open child may have sent data in SYN-RECEIVED: only the SYN is taken here, tcp_ack()
  // (afterAck) takes the rest (tcp_rcv_state_process, TCP_SYN_RECV; reqsk_fastopen_remove).
  const synAcked = tcb.fastopenChild === true ? seqAdd(tcb.iss, 1) : seg.ack;
  // A simultaneous open of a Fast Open client: the SYN-ACK also acknowledges our SYN's data.
  takeSynDataAck(tcb, synAcked);
  // tcp_rcv_state_process, TCP_SYN_RECV: "SYN-ACK delivery isn't tracked in tcp_ack".
  tcb.delivered = (tcb.delivered ?? 0) + 1;
  tcb.fastopenChild = undefined;
  tcb.sndUna = synAcked;
  tcb.sndSml = synAcked;
  if (seqGt(synAcked, tcb.sndNxt)) tcb.sndNxt = synAcked;
  if (tcb.sndNxt === synAcked) cancel(tcb.timers, 'retransmit');
  if (tcb.tsOk && opts.ts) storeTsRecent(tcb, opts.ts.val);
  tcb.lrcvTime = tcb.now;
  setState(tcb, 'ESTABLISHED', 'ack-of-syn-ack');
  tcb.events.push(WRITABLE);
  armKeepalive(tcb);
  afterAck(tcb, seg, opts);
}

function synchronized(tcb: Tcb, seg: Segment): void {
  const f = seg.flags;
  const opts = parseOptions(seg.options);
  const len = segmentLength(seg);
  const end = seqAdd(seg.seq, len);

  // 0. PAWS (tcp_validate_incoming, tcp_disordered_ack_check): TCP_PAWS_WINDOW = 1 tick of slack and
  // late duplicate ACKs let through (paws.ts). An RST is taken even if it fails PAWS; a SYN that
  // fails it gets the challenge ACK (goto syn_challenge); anything else a rate-limited dupack.
  const paws = tcb.tsOk && opts.ts && !f.rst ? pawsVerdict(tcb, seg, opts.ts.val) : 'ok';
  if (paws !== 'ok') {
    if (f.syn) challengeAck(tcb);
    else if (paws === 'reject') dupAck(tcb, seg);
    // 'old-ack': "Old ACK are common, increment PAWS_OLD_ACK and do not send a dupack."
    return;
  }
  // 1. Sequence number.
  const verdict = linuxSequenceCheck(seg.seq, end, tcb.rcvWup, tcb.rcvNxt, receiveWindow(tcb), tcb.rcvQueue.length === 0, f.fin);
  if (verdict !== 'ok') {
    if (!f.rst) {
      if (f.syn) challengeAck(tcb);
      else {
        // tcp_validate_incoming(): a segment starting or ending beyond the window (not an old
        // one, not a SYN) counts LINUX_MIB_BEYOND_WINDOW before the duplicate ACK.
        if (verdict !== 'old') tcb.events.push({ type: 'mib', counter: 'BeyondWindow' });
        dupAck(tcb, seg);
      }
    }
    return;
  }
  // 2. RST.
  if (f.rst) {
    const lastFinSeq = seqAdd(tcb.rcvNxt, -1);
    const afterFin = tcb.finReceived && (tcb.state === 'CLOSE-WAIT' || tcb.state === 'LAST-ACK' || tcb.state === 'CLOSING') && seg.seq === lastFinSeq;
    if (seg.seq === tcb.rcvNxt || afterFin) {
      const errno = resetErrno(tcb.state);
      failWith(tcb, tcb.orphaned ? undefined : errno, 'rst-received');
      return;
    }
    challengeAck(tcb);
    return;
  }
  // 3. SYN in a synchronized state.
  if (f.syn) {
    challengeAck(tcb);
    return;
  }
  // 4. No ACK.
  if (!f.ack) return;
  tcb.lastRecvAt = tcb.now;
  afterAck(tcb, seg, opts);
}

/** Steps 5–7, shared with SYN-RECEIVED's final ACK. */
function afterAck(tcb: Tcb, seg: Segment, opts: ReceivedOptions): void {
  const rcvWup = tcb.rcvWup;
  const verdict = processAck(tcb, seg, opts);
  if (verdict === 'discard') return;
  // Timestamps: remember the peer's clock for our echoes, but only from a segment whose ACK was
  // valid (tcp_ack with FLAG_UPDATE_TS_RECENT → tcp_replace_ts_recent; ts_recent/invalid_ack.pkt).
  // tcp_replace_ts_recent also refuses to move ts_recent backwards (a TSval inside the PAWS window).
  if (tcb.tsOk && opts.ts && seqLe(seg.seq, rcvWup)) replaceTsRecent(tcb, opts.ts.val);
  const finAcked = tcb.finSeq !== undefined && seqLe(seqAdd(tcb.finSeq, 1), tcb.sndUna);
  switch (tcb.state) {
    case 'FIN-WAIT-1':
      if (finAcked) {
        setState(tcb, 'FIN-WAIT-2', 'fin-acked');
        cancel(tcb.timers, 'retransmit');
        cancel(tcb.timers, 'loss-probe');
        if (tcb.orphaned && !orphanEntersFinWait2(tcb, seg)) return;
      }
      break;
    case 'CLOSING':
      // tcp_rcv_state_process, TCP_CLOSING: once our FIN is acknowledged, tcp_time_wait() and
      // "goto consume": whatever else the segment carries is discarded, not processed in TIME-WAIT.
      if (finAcked) {
        enterTimeWait(tcb, 'fin-acked');
        return;
      }
      break;
    case 'LAST-ACK':
      if (finAcked) {
        setState(tcb, 'CLOSED', 'fin-acked');
        return;
      }
      break;
    default:
      break;
  }
  // 6. Text and FIN.
  const hasText = seg.payload.length > 0 || seg.flags.fin;
  if (hasText) {
    const st = tcb.state;
    if ((st === 'CLOSE-WAIT' || st === 'CLOSING' || st === 'LAST-ACK') && !seqLt(seg.seq, tcb.rcvNxt)) {
      // The peer already sent its FIN: nothing at or beyond RCV.NXT can be real (tcp_rcv_state_process).
    } else {
      const newData = seg.payload.length > 0 && seqGt(seqAdd(seg.seq, seg.payload.length), tcb.rcvNxt);
      const readClosed = tcb.orphaned || tcb.finReceived || (tcb.shutRd && st !== 'ESTABLISHED');
      if (st !== 'ESTABLISHED' && readClosed && newData) {
        // RFC 1122 §4.2.2.13 / Linux TCPAbortOnData: data for a socket that will never read it.
        const r = resetFor(seg);
        if (r) tcb.outbox.push(r);
        failWith(tcb, tcb.orphaned ? undefined : 'ECONNRESET', 'data-after-close');
        return;
      }
      dataQueue(tcb, seg);
    }
  }
  // 7. Send what we can, then the ACK.
  transmit(tcb);
  ackCheck(tcb);
}

/**
 * An orphan reaches FIN-WAIT-2 (tcp_rcv_state_process, TCP_FIN_WAIT1): TCP_LINGER2 < 0 resets at
 * once; otherwise it lives tcp_fin_time() — or, when this very segment carries the FIN, goes on
 * to TIME-WAIT below. Returns false when the connection is gone.
 */
function orphanEntersFinWait2(tcb: Tcb, seg: Segment): boolean {
  if ((tcb.options.linger2 ?? 0) < 0) {
    const r = resetFor(seg);
    if (r) tcb.outbox.push(r);
    setState(tcb, 'CLOSED', 'linger2-negative');
    return false;
  }
  const newData = seg.payload.length > 0 && seqGt(seqAdd(seg.seq, seg.payload.length), tcb.rcvNxt);
  if (newData) {
    const r = resetFor(seg);
    if (r) tcb.outbox.push(r);
    setState(tcb, 'CLOSED', 'data-after-close');
    return false;
  }
  armOrphanFinWait2(tcb);
  return true;
}
