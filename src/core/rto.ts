// READ THIS FIRST — the retransmission timeout (RFC 6298) with Linux's numbers.
//
// Rules (net/ipv4/tcp_input.c tcp_rtt_estimator, tcp_set_rto; include/net/tcp.h):
// - Before any RTT sample the RTO is 1 s (TCP_TIMEOUT_INIT, RFC 6298 §2.1).
// - First sample R: SRTT = R, RTTVAR = R/2. Later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
//   SRTT = 7/8 SRTT + 1/8 R (RFC 6298 §2.2, §2.3).
// - RTO = SRTT + max(4·RTTVAR, tcp_rto_min): Linux applies the 200 ms minimum to the variance
//   term (rttvar_us = max(mdev_max_us, tcp_rto_min_us)), so a 100 ms path gets 300 ms, not 200.
// - Clamped to tcp_rto_max_ms (120 s). Each timeout doubles it (RFC 6298 §5.5), up to the max.
// - Karn (RFC 6298 §3): no sample from a retransmitted segment, unless timestamps carry it.
import type { Tcb } from './tcb.js';
import { modelTimeoutMs } from './give-up.js';

export const TIMEOUT_INIT_MS = 1000;
/**
 * TCP_TIMEOUT_MIN (include/net/tcp.h): 2 jiffies, the shortest timer Linux arms. The engine counts
 * in ms and models HZ=1000, so 2 ms (a HZ=250 kernel would wait 8 ms).
 */
export const TIMEOUT_MIN_MS = 2;

export function rtoMinMs(tcb: Tcb): number {
  return tcb.config.tcp_rto_min_us / 1000;
}

export function rtoMaxMs(tcb: Tcb): number {
  return tcb.config.tcp_rto_max_ms;
}

export function sampleRtt(tcb: Tcb, rttMs: number): void {
  if (!Number.isFinite(rttMs) || rttMs < 0) return;
  const r = Math.max(rttMs, 0.001);
  // tcp_update_rtt_min: RACK's reordering window is a quarter of the path's minimum RTT.
  if (tcb.rack.minRttMs === undefined || r < tcb.rack.minRttMs) tcb.rack.minRttMs = r;
  if (tcb.srttMs === undefined) {
    tcb.srttMs = r;
    tcb.rttvarMs = r / 2;
  } else {
    tcb.rttvarMs = 0.75 * tcb.rttvarMs + 0.25 * Math.abs(tcb.srttMs - r);
    tcb.srttMs = 0.875 * tcb.srttMs + 0.125 * r;
  }
  tcb.rtoMs = baseRto(tcb);
}

/** The RTO before backoff (Linux's __tcp_set_rto, clamped). */
export function baseRto(tcb: Tcb): number {
  if (tcb.srttMs === undefined) return TIMEOUT_INIT_MS;
  const rto = tcb.srttMs + Math.max(4 * tcb.rttvarMs, rtoMinMs(tcb));
  return Math.min(Math.max(rto, rtoMinMs(tcb)), rtoMaxMs(tcb));
}

/** RFC 6298 §5.5: back off the timer after a timeout. */
export function backOff(tcb: Tcb): void {
  tcb.backoff++;
  tcb.rtoMs = Math.min(tcb.rtoMs * 2, rtoMaxMs(tcb));
}

/**
 * Linux's tcp_model_timeout: how long `boundary` retransmissions take with exponential backoff
 * from `rtoBase` capped at the maximum — tcp_retries2=15 from 200 ms gives 924.6 s (give-up.ts).
 */
export function modelTimeout(tcb: Tcb, boundary: number, rtoBase: number): number {
  return modelTimeoutMs(boundary, rtoBase, rtoMaxMs(tcb));
}
