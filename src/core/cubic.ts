// READ THIS FIRST — the congestion control's reaction to a loss (Linux net/ipv4/tcp_cubic.c, the
// default since 2.6.19; tcp_cong.c tcp_reno_ssthresh for Reno).
//
// Rules:
// - CUBIC (bictcp_recalc_ssthresh): ssthresh = cwnd · beta, beta = 717/1024 (≈ 0.7), at least 2.
//   With fast convergence, a loss below the previous maximum remembers a lower maximum,
//   cwnd · (1024 + 717) / 2048, so a new flow can take its share sooner.
// - Reno (tcp_reno_ssthresh): ssthresh = cwnd / 2, at least 2.
import type { Tcb } from './tcb.js';

/** BICTCP_BETA_SCALE and the module parameter beta. */
const BETA_SCALE = 1024;
const BETA = 717;

/** ca_ops->ssthresh: the slow-start threshold after a loss, from the current cwnd. */
export function congestionSsthresh(tcb: Tcb): number {
  const cwnd = Math.floor(tcb.cwnd);
  if (tcb.config.tcp_congestion_control === 'reno') return Math.max(cwnd >> 1, 2);
  // bictcp_recalc_ssthresh (fast_convergence = 1).
  tcb.cubic.epochStart = undefined;
  if (cwnd < tcb.cubic.lastMaxCwnd) tcb.cubic.lastMaxCwnd = Math.floor((cwnd * (BETA_SCALE + BETA)) / (2 * BETA_SCALE));
  else tcb.cubic.lastMaxCwnd = cwnd;
  return Math.max(Math.floor((cwnd * BETA) / BETA_SCALE), 2);
}

/** CUBIC's per-connection state (struct bictcp), the part the loss reaction keeps. */
export interface CubicState {
  lastMaxCwnd: number;
  /** Start of the current growth epoch (ms), undefined after a loss. */
  epochStart: number | undefined;
}

export function emptyCubic(): CubicState {
  return { lastMaxCwnd: 0, epochStart: undefined };
}
