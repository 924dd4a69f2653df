// READ THIS FIRST — the timeouts (RFC 9293 §3.10.8; Linux tcp_timer.c). Each due timer fires
// in timers.ts's stable order; each kind has one handler in the table below.
//
// Rules:
// - retransmit: SYN-SENT resends the SYN: the first tcp_syn_linear_timeouts retransmissions keep
//   the 1 s timeout, later ones double it; after tcp_syn_retries plus the linear ones (a socket's
//   TCP_SYNCNT: that many, every one doubling), ETIMEDOUT. SYN-RECEIVED resends the SYN-ACK,
//   doubling, and after tcp_synack_retries the half-open connection is dropped silently.
//   Otherwise the first unacknowledged segment (or FIN) is resent (go-back-N from SND.UNA, cwnd 1, RFC 5681 §3.1) and the timeout doubles; the
//   connection dies with ETIMEDOUT (no RST) once the retransmissions have taken as long as
//   tcp_retries2 (orphans: tcp_orphan_retries, 0 meaning 8) would at the minimum RTO
//   (tcp_write_timeout / retransmits_timed_out), or once TCP_USER_TIMEOUT has passed.
// - loss-probe: RFC 8985 §7 tail loss probe: new data if the window allows, else the last
//   segment again; then the retransmission timer.
// - persist: a zero-window probe (seq = SND.UNA - 1) with backoff (tcp_probe_timer). With the
//   window open and nothing in flight it is the retry of data the local device dropped: every
//   500 ms (TCP_RESOURCE_PROBE_INTERVAL), no backoff, ETIMEDOUT once TCP_USER_TIMEOUT has passed
//   since the first retry (icsk_probes_tstamp).
// - delayed-ack: send the pending ACK.
// - keepalive: after TCP_KEEPIDLE of silence a probe (seq = SND.UNA - 1, no data) every
//   TCP_KEEPINTVL; TCP_KEEPCNT unanswered (or TCP_USER_TIMEOUT passed) → RST|ACK, ETIMEDOUT.
//   7200/75/9 finds a dead peer after 7200 + 9·75 s = 2 h 11 min 15 s.
// - fin-wait-2: an orphan's tcp_fin_timeout ran out: gone, silently.
// - time-wait: 60 s passed: gone.
import type { Tcb } from '../tcb.js';
import type { TimerKind } from '../timers.js';
import { arm, cancel, dueTimers } from '../timers.js';
import { seqAdd, seqDiff, seqLt } from '../seq.js';
import { sndBufStart } from '../send-memory.js';
import { orphanRetries, synTimedOut, writeTimedOut as writeTimedOutAt } from '../give-up.js';
import { backOff, rtoMinMs, TIMEOUT_INIT_MS, TIMEOUT_MIN_MS } from '../rto.js';
import { dataSegment, emit, sendActiveReset, sendProbe, sendSyn, sendSynAck, transmit } from '../output.js';
import { failWith, setState } from '../state-change.js';
import { enterLossRecovery, rackReoTimeout } from '../recovery.js';
import { recordProbe } from '../scoreboard.js';
import { finWait2KeepaliveFired } from './close.js';
import { onDelayedAckTimer } from '../ack-policy.js';

const HANDLERS: Record<TimerKind, (tcb: Tcb) => void> = {
  // tcp_delack_timer_handler: send the ACK we held back (RFC 1122 §4.2.3.2).
  'delayed-ack': onDelayedAckTimer,
  // tcp_retransmit_timer: RFC 9293 §3.10.8 "retransmission timeout", RFC 6298 §5.4–5.6.
  retransmit: onRetransmit,
  // tcp_send_loss_probe: RFC 8985 §7.
  'loss-probe': onLossProbe,
  // tcp_probe_timer: RFC 9293 §3.8.6.1 zero-window probing.
  persist: onPersist,
  // tcp_keepalive_timer: RFC 1122 §4.2.3.6.
  keepalive: onKeepalive,
  // tcp_timewait_state_process / tw timer, substate FIN_WAIT2: the orphan is dropped silently.
  'fin-wait-2': (tcb) => (tcb.finWait2KeepalivePhase ? finWait2KeepaliveFired(tcb) : setState(tcb, 'CLOSED', 'fin-wait-2-timeout')),
  // RFC 9293 §3.10.8 "time-wait timeout": delete the TCB (Linux: TCP_TIMEWAIT_LEN, 60 s).
  'time-wait': (tcb) => setState(tcb, 'CLOSED', 'time-wait-timeout'),
};

export function handleTimeout(tcb: Tcb): void {
  for (const kind of dueTimers(tcb.timers, tcb.now)) {
    // An earlier handler may have closed the connection or re-armed this timer for later.
    const at = tcb.timers[kind];
    if (at === undefined || at > tcb.now) continue;
    cancel(tcb.timers, kind);
    HANDLERS[kind](tcb);
  }
}

function onRetransmit(tcb: Tcb): void {
  const c = tcb.config;
  if (tcb.state === 'SYN-SENT') {
    // A socket's own TCP_SYNCNT is kept without linear timeouts: Linux 6.18 fails a TCP_SYNCNT=1
    // Fast Open connect 3 s after its SYN (1 s, then 2 s: blocking-sendto-errnos.pkt).
    const own = tcb.options.synCnt !== undefined && tcb.options.synCnt > 0;
    const linear = own ? 0 : Math.max(0, c.tcp_syn_linear_timeouts);
    // tcp_write_timeout (give-up.ts): the retry count, else the time — TCP_USER_TIMEOUT, or
    // tcp_model_timeout(tcp_syn_retries, 1 s) — since the first SYN.
    const synRetries = own ? (tcb.options.synCnt as number) : c.tcp_syn_retries;
    const elapsed = tcb.retransStamp === undefined ? 0 : tcb.now - tcb.retransStamp;
    const ut = tcb.options.userTimeoutMs;
    if (synTimedOut({ synRetries, linear, userTimeoutMs: ut, rtoMaxMs: c.tcp_rto_max_ms }, tcb.retransmits, elapsed)) {
      return failWith(tcb, 'ETIMEDOUT', ut && ut > 0 && tcb.retransmits < synRetries + linear ? 'user-timeout' : 'syn-retries');
    }
    tcb.retransmits++;
    tcb.totalRetrans++;
    tcb.rttSeq = undefined;
    sendSyn(tcb);
    if (tcb.retransmits > linear) backOff(tcb);
    else tcb.rtoMs = TIMEOUT_INIT_MS;
    arm(tcb.timers, 'retransmit', tcb.now + clampToUserTimeout(tcb, tcb.rtoMs));
    return;
  }
  if (tcb.state === 'SYN-RECEIVED') {
    if (tcb.retransmits >= c.tcp_synack_retries) return failWith(tcb, undefined, 'synack-retries');
    tcb.retransmits++;
    tcb.totalRetrans++;
    tcb.rttSeq = undefined;
    sendSynAck(tcb);
    backOff(tcb);
    arm(tcb.timers, 'retransmit', tcb.now + tcb.rtoMs);
    return;
  }
  if (!seqLt(tcb.sndUna, tcb.sndMax)) return;
  // The REO timer shares this slot (ICSK_TIME_REO_TIMEOUT): RACK's check, not a timeout.
  if (tcb.rack.reoAt !== undefined && tcb.rack.reoAt <= tcb.now) return rackReoTimeout(tcb);
  tcb.rack.reoAt = undefined;
  if (writeTimedOut(tcb)) {
    return failWith(tcb, 'ETIMEDOUT', tcb.options.userTimeoutMs ? 'user-timeout' : tcb.orphaned ? 'orphan-retries' : 'retransmit-timeout');
  }
  if (tcb.retransStamp === undefined) tcb.retransStamp = tcb.now;
  tcb.retransmits++;
  tcb.tlpHighSeq = undefined;
  // The head goes out even into a zero window (tcp_retransmit_skb); recovery.ts does the rest.
  const dropsBefore = tcb.localDrops?.length ?? 0;
  enterLossRecovery(tcb);
  if ((tcb.localDrops?.length ?? 0) > dropsBefore && tcb.localDrops?.[dropsBefore]?.seq === tcb.sndUna) {
    // tcp_retransmit_timer: tcp_retransmit_skb() > 0, "Retransmission failed because of local
    // congestion, let senders fight for local resources conservatively": the retry is counted,
    // but the RTO does not back off; try again in TCP_RESOURCE_PROBE_INTERVAL.
    arm(tcb.timers, 'retransmit', tcb.now + RESOURCE_PROBE_INTERVAL_MS);
    return;
  }
  backOff(tcb);
  arm(tcb.timers, 'retransmit', tcb.now + clampToUserTimeout(tcb, tcb.rtoMs));
}

/** tcp_write_timeout for a synchronized connection. */
function writeTimedOut(tcb: Tcb): boolean {
  if (tcb.retransmits === 0 || tcb.retransStamp === undefined) return false;
  const elapsed = tcb.now - tcb.retransStamp;
  const ut = tcb.options.userTimeoutMs;
  if (ut && ut > 0) return elapsed >= ut;
  let boundary = tcb.config.tcp_retries2;
  if (tcb.orphaned) boundary = orphanRetries(tcb.config.tcp_orphan_retries, tcb.rtoMs < tcb.config.tcp_rto_max_ms);
  return writeTimedOutAt({ retries: boundary, rtoMinMs: rtoMinMs(tcb), rtoMaxMs: tcb.config.tcp_rto_max_ms }, tcb.retransmits, elapsed);
}

/** tcp_clamp_rto_to_user_timeout: never wait past TCP_USER_TIMEOUT. */
function clampToUserTimeout(tcb: Tcb, rto: number): number {
  const ut = tcb.options.userTimeoutMs;
  if (!ut || ut <= 0 || tcb.retransStamp === undefined) return rto;
  const remaining = tcb.retransStamp + ut - tcb.now;
  return Math.max(1, Math.min(rto, remaining));
}

function onLossProbe(tcb: Tcb): void {
  if (!seqLt(tcb.sndUna, tcb.sndNxt)) return;
  const before = tcb.outbox.length;
  transmit(tcb, true);
  if (tcb.outbox.length === before) {
    // Resend the last segment (RFC 8985 §7.3).
    const finOut = tcb.finSeq !== undefined && seqLt(tcb.finSeq, tcb.sndNxt);
    const dataOut = seqDiff(finOut ? (tcb.finSeq as typeof tcb.sndNxt) : tcb.sndNxt, tcb.sndUna);
    const len = Math.min(dataOut, tcb.sndMss);
    const start = seqAdd(tcb.sndUna, dataOut - len);
    const seg = dataSegment(tcb, start, len);
    emit(tcb, seg);
    recordProbe(tcb, start, seqAdd(start, seg.payload.length + (seg.flags.fin ? 1 : 0)));
  }
  tcb.tlpHighSeq = tcb.sndNxt;
  tcb.rttSeq = undefined;
  cancel(tcb.timers, 'loss-probe');
  arm(tcb.timers, 'retransmit', tcb.now + clampToUserTimeout(tcb, tcb.rtoMs));
}

/** TCP_RESOURCE_PROBE_INTERVAL (include/net/tcp.h): HZ/2, the retry after a local drop. */
export const RESOURCE_PROBE_INTERVAL_MS = 500;

function onPersist(tcb: Tcb): void {
  const unsent = seqDiff(seqAdd(sndBufStart(tcb), tcb.sndBufLen), tcb.sndNxt);
  const finUnsent = tcb.finQueued && (tcb.finSeq === undefined || !seqLt(tcb.finSeq, tcb.sndNxt));
  if (tcb.sndWnd > 0 && !seqLt(tcb.sndUna, tcb.sndNxt) && (unsent > 0 || finUnsent)) return probeUnsent(tcb);
  if (tcb.sndWnd > 0 || (unsent <= 0 && !tcb.finQueued) || seqLt(tcb.sndUna, tcb.sndNxt)) {
    transmit(tcb);
    return;
  }
  const max = tcb.orphaned ? (tcb.config.tcp_orphan_retries || 8) : tcb.config.tcp_retries2;
  if (tcb.probesOut >= max) return failWith(tcb, 'ETIMEDOUT', 'zero-window-probes');
  sendProbe(tcb);
  tcb.probesOut++;
  tcb.backoff++;
  arm(tcb.timers, 'persist', tcb.now + Math.min(tcb.rtoMs * 2 ** tcb.backoff, tcb.config.tcp_rto_max_ms));
}

/**
 * The probe0 timer with the window open and nothing in flight: the data waits because the local
 * device dropped it (output.ts checkProbeTimer armed us). tcp_probe_timer: stamp the episode on the
 * first run, and once TCP_USER_TIMEOUT has passed since that stamp (or tcp_retries2 probes went
 * out) fail with ETIMEDOUT, no RST (tcp_write_err). Else tcp_send_probe0: try the data again
 * (tcp_write_wakeup); if it leaves, the episode ends; if the device drops it again, count a probe
 * and retry after TCP_RESOURCE_PROBE_INTERVAL without backoff ("let senders fight for local
 * resources conservatively"), never past the user timeout (tcp_clamp_probe0_to_user_timeout).
 */
function probeUnsent(tcb: Tcb): void {
  const ut = tcb.options.userTimeoutMs;
  if (tcb.probesStamp === undefined) tcb.probesStamp = tcb.now;
  else if (ut && ut > 0 && tcb.now - tcb.probesStamp >= ut) return failWith(tcb, 'ETIMEDOUT', 'local-probes');
  const max = tcb.orphaned ? (tcb.config.tcp_orphan_retries || 8) : tcb.config.tcp_retries2;
  if (tcb.probesOut >= max) return failWith(tcb, 'ETIMEDOUT', 'local-probes');
  transmit(tcb, false, 'wakeup');
  const unsent = seqDiff(seqAdd(sndBufStart(tcb), tcb.sndBufLen), tcb.sndNxt);
  if (seqLt(tcb.sndUna, tcb.sndNxt) || (unsent <= 0 && !tcb.finQueued)) {
    tcb.probesOut = 0;
    tcb.backoff = 0;
    tcb.probesStamp = undefined;
    return;
  }
  tcb.probesOut++;
  let when: number;
  if (tcb.xmitFailed) when = RESOURCE_PROBE_INTERVAL_MS;
  else {
    // Nothing sent and nothing dropped (tcp_write_wakeup <= 0): back off as a window probe does.
    if (tcb.backoff < tcb.config.tcp_retries2) tcb.backoff++;
    when = Math.min(Math.max(tcb.rtoMs, rtoMinMs(tcb)) * 2 ** tcb.backoff, tcb.config.tcp_rto_max_ms);
  }
  if (ut && ut > 0) when = Math.min(when, Math.max(TIMEOUT_MIN_MS, ut - (tcb.now - tcb.probesStamp)));
  arm(tcb.timers, 'persist', tcb.now + when);
}

function keepIdleMs(tcb: Tcb): number { return (tcb.options.keepidle ?? tcb.config.tcp_keepalive_time) * 1000; }
function keepIntvlMs(tcb: Tcb): number { return (tcb.options.keepintvl ?? tcb.config.tcp_keepalive_intvl) * 1000; }
function keepCnt(tcb: Tcb): number { return tcb.options.keepcnt ?? tcb.config.tcp_keepalive_probes; }

/** (Re)start the keepalive clock from the last segment received (tcp_set_keepalive, TCP_KEEPIDLE). */
export function armKeepalive(tcb: Tcb): void {
  if (!tcb.options.keepalive) {
    cancel(tcb.timers, 'keepalive');
    return;
  }
  const st = tcb.state;
  if (st === 'CLOSED' || st === 'LISTEN' || st === 'SYN-SENT' || st === 'TIME-WAIT') return;
  const elapsed = tcb.now - tcb.lastRecvAt;
  arm(tcb.timers, 'keepalive', tcb.now + Math.max(0, keepIdleMs(tcb) - elapsed));
}

function onKeepalive(tcb: Tcb): void {
  const st = tcb.state;
  if (!tcb.options.keepalive || st === 'CLOSED' || st === 'LISTEN' || st === 'SYN-SENT' || st === 'SYN-RECEIVED' || st === 'TIME-WAIT') return;
  const idle = keepIdleMs(tcb);
  // Data in flight or waiting: the retransmission timer watches the peer (tcp_keepalive_timer).
  if (seqLt(tcb.sndUna, tcb.sndNxt) || tcb.sndBufLen > 0) {
    arm(tcb.timers, 'keepalive', tcb.now + idle);
    return;
  }
  const elapsed = tcb.now - tcb.lastRecvAt;
  let next: number;
  // Compare with a microsecond of slack: `now - last` can fall a hair short of `idle` in floating
  // point, and re-arming for a few femtoseconds later would fire again at the same instant forever.
  if (elapsed >= idle - 1e-3) {
    const ut = tcb.options.userTimeoutMs;
    if ((ut && elapsed >= ut && tcb.probesOut > 0) || (!ut && tcb.probesOut >= keepCnt(tcb))) {
      sendActiveReset(tcb);
      return failWith(tcb, 'ETIMEDOUT', 'keepalive-timeout');
    }
    sendProbe(tcb);
    tcb.probesOut++;
    next = keepIntvlMs(tcb);
  } else {
    next = idle - elapsed;
  }
  arm(tcb.timers, 'keepalive', Math.max(tcb.now + next, tcb.now + 1e-3));
}
