// READ THIS FIRST — the two "minisocket" states Linux handles in tcp_timewait_state_process
// (net/ipv4/tcp_minisocks.c): TIME-WAIT, and FIN-WAIT-2 of an orphan (the application closed).
//
// The TIME-WAIT rules are one function, timeWaitProcess, written against TimeWaitState (the few
// fields they read) and TimeWaitEffects (what they may do). A Connection still in TIME-WAIT runs
// it on its TCB (timeWaitSegment); the minisocket that replaces an unowned one in the host
// (time-wait-sock.ts, Linux's tcp_timewait_sock) runs it on itself. The orphaned FIN-WAIT-2
// stays a full Connection here (Linux makes it a minisocket too).
//
// TIME-WAIT rules (RFC 9293 §3.10.7.4, RFC 1337, RFC 1122 §4.2.2.13, Linux):
// - A bare in-window ACK (SEG.SEQ = RCV.NXT): restart the 60 s timer, send nothing.
// - An in-window RST (SEG.SEQ = RCV.NXT) ends TIME-WAIT ("assassination") unless tcp_rfc1337=1.
// - PAWS first (tcp_paws_reject, paws.ts): with timestamps, a segment whose TSval is older than
//   ts_recent is out of window — RSTs included, until ts_recent is 60 s old (TCP_PAWS_MSL). A
//   stale RST is dropped and TIME-WAIT goes on; anything else stale is ACKed (rate-limited).
// - A SYN with SEG.SEQ > RCV.NXT, or with a newer timestamp, may open a new incarnation: the host
//   is told ('new-incarnation') with Linux's ISN rule, isn = SND.NXT + 65535 + 2, and this
//   connection ends.
// - Anything else (a retransmitted FIN, an old duplicate, an older SYN): ACK it (rate-limited for
//   segments without data) and, unless it is a bare SYN, restart the 60 s timer.
//
// Orphaned FIN-WAIT-2 rules (Linux "just repeat all the checks of tcp_rcv_state_process"):
// - Out of window or PAWS-rejected, an RST too: ACK (rate-limited). RST in window: gone. SYN at or beyond RCV.NXT: RST.
// - Duplicate ACKs (no new sequence space): absorbed silently.
// - New data after our half of the connection is closed: RST, gone. The FIN: TIME-WAIT, ACK it.
import type { Tcb } from './tcb.js';
import type { Segment } from './segment.js';
import type { TcpConfig } from './config.js';
import type { Seq } from './seq.js';
import type { EngineCauseId } from './transitions.js';
import { segmentLength } from './segment.js';
import { seqAdd, seqGt, seqLe, seqDiff } from './seq.js';
import { parseOptions } from './options.js';
import { inWindow } from './acceptability.js';
import { oowRateLimited } from './ack-policy.js';
import { sendAck } from './output.js';
import { arm } from './timers.js';
import { setState } from './state-change.js';
import { enterTimeWait } from './recv-data.js';
import { resetFor } from './reset.js';
import { pawsReject as tcpPawsReject, storeTsRecent } from './paws.js';

/** The causes that end TIME-WAIT. */
export type TimeWaitCause = Extract<EngineCauseId, 'rst-received' | 'new-incarnation' | 'time-wait-timeout'>;

/**
 * What TIME-WAIT processing reads and writes. A full TCB (a Connection still in TIME-WAIT)
 * and the minisocket (time-wait-sock.ts, Linux's tcp_timewait_sock) both have these fields
 * under the same names, so the rules below are written once for both.
 */
export interface TimeWaitState {
  readonly config: TcpConfig;
  readonly now: number;
  readonly rcvNxt: Seq;
  readonly sndNxt: Seq;
  readonly tsOk: boolean;
  tsRecent: number;
  tsRecentStamp: number;
  lastOowAckAt: number | undefined;
}

/** The effects TIME-WAIT processing may have, done by each holder in its own way. */
export interface TimeWaitEffects<S extends TimeWaitState> {
  /** tcp_v4_timewait_ack: a bare ACK, seq = SND.NXT, ack = RCV.NXT, our TS option. */
  ack(s: S): void;
  /** inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN): the timer now ends at `at`. */
  restartTimer(s: S, at: number): void;
  /** The 'new-incarnation' event for the host (TCP_TW_SYN), before close(). */
  newIncarnation(s: S, syn: Segment, isn: Seq): void;
  /** inet_twsk_deschedule_put: CLOSED, for this cause. */
  close(s: S, cause: TimeWaitCause): void;
}

/** tcp_timewait_state_process, substate TCP_TIME_WAIT — the one copy of these rules. */
export function timeWaitProcess<S extends TimeWaitState>(tw: S, seg: Segment, fx: TimeWaitEffects<S>): void {
  const opts = parseOptions(seg.options);
  // paws_reject = tcp_paws_reject(&tmp_opt, th->rst): an RST with a stale TSval is rejected too
  // (it cannot end TIME-WAIT) unless ts_recent is older than TCP_PAWS_MSL.
  const pawsReject = tw.tsOk && opts.ts !== undefined && tcpPawsReject(tw, opts.ts.val, seg.flags.rst);
  const len = segmentLength(seg);
  if (!pawsReject && seg.seq === tw.rcvNxt && (len === 0 || seg.flags.rst)) {
    if (seg.flags.rst) {
      if (!tw.config.tcp_rfc1337) {
        fx.close(tw, 'rst-received');
        return;
      }
    } else {
      fx.restartTimer(tw, tw.now + tw.config.time_wait_ms);
    }
    if (opts.ts && tw.tsOk) storeTsRecent(tw, opts.ts.val);
    return;
  }
  if (seg.flags.syn && !seg.flags.rst && !seg.flags.ack && !pawsReject &&
      (seqGt(seg.seq, tw.rcvNxt) || (opts.ts !== undefined && tw.tsOk && ((tw.tsRecent - opts.ts.val) | 0) < 0))) {
    let isn = seqAdd(tw.sndNxt, 65535 + 2);
    if (isn === 0) isn = seqAdd(isn, 1);
    fx.newIncarnation(tw, seg, isn);
    fx.close(tw, 'new-incarnation');
    return;
  }
  // A rejected or out-of-window RST is dropped silently; TIME-WAIT goes on.
  if (seg.flags.rst) return;
  if (pawsReject || seg.flags.ack) fx.restartTimer(tw, tw.now + tw.config.time_wait_ms);
  if (!oowRateLimited(tw, seg.payload.length > 0 && !seg.flags.syn)) fx.ack(tw);
}

/** A full TCB's way of doing TIME-WAIT's effects. */
const TCB_EFFECTS: TimeWaitEffects<Tcb> = {
  ack: (tcb) => sendAck(tcb),
  restartTimer: (tcb, at) => arm(tcb.timers, 'time-wait', at),
  newIncarnation: (tcb, syn, isn) => { tcb.events.push({ type: 'new-incarnation', syn, isn }); },
  close: (tcb, cause) => setState(tcb, 'CLOSED', cause),
};

export function timeWaitSegment(tcb: Tcb, seg: Segment): void {
  timeWaitProcess(tcb, seg, TCB_EFFECTS);
}

export function orphanFinWait2Segment(tcb: Tcb, seg: Segment): void {
  const opts = parseOptions(seg.options);
  // The same tcp_paws_reject(&tmp_opt, th->rst): a stale RST does not kill the orphan either.
  const pawsReject = tcb.tsOk && opts.ts !== undefined && tcpPawsReject(tcb, opts.ts.val, seg.flags.rst);
  const len = segmentLength(seg);
  const end = seqAdd(seg.seq, len);
  const wnd = Math.max(0, seqDiff(seqAdd(tcb.rcvWup, tcb.rcvWnd), tcb.rcvNxt));
  if (pawsReject || !inWindow(seg.seq, end, tcb.rcvNxt, seqAdd(tcb.rcvNxt, wnd))) {
    // tcp_timewait_check_oow_rate_limit → TCP_TW_ACK, an RST included: tcp_v4_rcv answers any
    // out-of-window or PAWS-rejected segment to the FIN_WAIT2 minisocket with an ACK.
    if (!oowRateLimited(tcb, seg.payload.length > 0 && !seg.flags.syn)) sendAck(tcb);
    return;
  }
  if (seg.flags.rst) {
    setState(tcb, 'CLOSED', 'rst-received');
    return;
  }
  if (seg.flags.syn && !seqGt(tcb.rcvNxt, seg.seq)) {
    replyReset(tcb, seg, 'syn-in-window');
    return;
  }
  if (!seg.flags.ack || seqLe(end, tcb.rcvNxt) || len === 0) return;
  if (!seg.flags.fin || end !== seqAdd(tcb.rcvNxt, 1)) {
    replyReset(tcb, seg, 'data-after-close');
    return;
  }
  tcb.rcvNxt = end;
  tcb.finReceived = true;
  if (opts.ts && tcb.tsOk) storeTsRecent(tcb, opts.ts.val);
  enterTimeWait(tcb, 'fin-received');
  sendAck(tcb);
}

/** Answer the segment with the RST a closed port would send (TCP_TW_RST), and end. */
export function replyReset(tcb: Tcb, seg: Segment, cause: 'syn-in-window' | 'data-after-close'): void {
  const r = resetFor(seg);
  if (r) tcb.outbox.push(r);
  setState(tcb, 'CLOSED', cause);
}
