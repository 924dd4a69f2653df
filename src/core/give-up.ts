// READ THIS FIRST — when Linux gives a connection up, as arithmetic (net/ipv4/tcp_timer.c:
// tcp_write_timeout, retransmits_timed_out, tcp_model_timeout, tcp_clamp_rto_to_user_timeout,
// tcp_keepalive_timer; inet_connection_sock.c reqsk_timer_handler). One home for the figures: the
// engine's timers (events/timeouts.ts via rto.ts), the doctor's findings and `explain` all use it.
//
// Rules (times in ms from the first transmission):
// - SYN (SYN-SENT): the SYN and the first tcp_syn_linear_timeouts retransmissions wait
//   TCP_TIMEOUT_INIT (1 s) each; the tcp_syn_retries (or TCP_SYNCNT) retransmissions after them
//   double it, capped at TCP_RTO_MAX; connect() fails when the timer runs out after the last:
//   1 + linear + Σ min(2^k, 120) s, k = 1..retries. 6 + 4 → 131 s; 6 + 0 → 127 s. The time
//   check of retransmits_timed_out applies too, from tcp_model_timeout(tcp_syn_retries, 1 s): it
//   ends the attempt first when tcp_syn_linear_timeouts outnumbers tcp_syn_retries (1 + 10 → 3 s).
// - SYN-ACK (request socket): tcp_synack_retries retransmissions, doubling from 1 s, the request
//   dropped when the timer runs out after the last: Σ min(2^k, 120) s, k = 0..retries (5 → 63 s).
// - Data and FIN (tcp_retries2; orphans tcp_orphan_retries, 0 meaning 8 while the RTO is below
//   TCP_RTO_MAX): retransmits_timed_out compares the time since the first transmission with
//   tcp_model_timeout(boundary, TCP_RTO_MIN): (2^(boundary+1) − 1)·200 ms up to the point where the
//   doubling reaches TCP_RTO_MAX, then + 120 s per further retry. tcp_retries2 = 15 → 924.6 s.
//   The connection dies at the first RTO expiry at or past that time.
// - TCP_USER_TIMEOUT > 0 replaces the retry counts, for the handshake too: ETIMEDOUT once it has
//   passed since the first transmission, and the RTO is clamped so the check runs right then.
// - Keepalive: TCP_KEEPIDLE, then TCP_KEEPCNT probes TCP_KEEPINTVL apart, RST at the next
//   interval after the last (7200 + 9·75 s). With TCP_USER_TIMEOUT: RST at the first probe time
//   at or past it once at least one probe went out.
// - An orphan's FIN-WAIT-2 lasts TCP_LINGER2 (or tcp_fin_timeout), SO_LINGER {on, N} makes
//   close() wait up to N s (tcp_close → sk_stream_wait_close).

export const TCP_TIMEOUT_INIT_MS = 1000;
export const TCP_RTO_MIN_MS = 200;
export const TCP_RTO_MAX_MS = 120_000;

/**
 * tcp_model_timeout: how long `boundary` retransmissions take with exponential backoff from
 * `rtoBase` capped at `rtoMax` (all ms).
 */
export function modelTimeoutMs(boundary: number, rtoBase: number, rtoMax = TCP_RTO_MAX_MS): number {
  const b = Math.max(0, Math.floor(boundary));
  const thresh = Math.floor(Math.log2(rtoMax / rtoBase));
  if (b <= thresh) return (2 ** (b + 1) - 1) * rtoBase;
  return (2 ** (thresh + 1) - 1) * rtoBase + (b - thresh) * rtoMax;
}

/** The retry count an orphan gets (tcp_orphan_retries): 0 means 8 while the peer still looks alive (RTO below the maximum). */
export function orphanRetries(tcpOrphanRetries: number, alive = true): number {
  if (tcpOrphanRetries > 0) return tcpOrphanRetries;
  return alive ? 8 : 0;
}

export interface SynGiveUp {
  /** tcp_syn_retries, or TCP_SYNCNT when set. */
  synRetries: number;
  /** tcp_syn_linear_timeouts (Linux 6.x; 0 on kernels without it). */
  linear: number;
  userTimeoutMs?: number;
  rtoMaxMs?: number;
}

/**
 * tcp_write_timeout in SYN-SENT, when the retransmission timer fires with `retransmits` SYN
 * retransmissions done, `elapsedMs` after the first SYN: expired when the count reached
 * tcp_syn_retries + tcp_syn_linear_timeouts, or (retransmits_timed_out, once one retransmission
 * went out) when the time passed TCP_USER_TIMEOUT, or without one tcp_model_timeout(tcp_syn_retries,
 * TCP_TIMEOUT_INIT) — which cuts the linear retries short when they outnumber tcp_syn_retries.
 */
export function synTimedOut(p: SynGiveUp, retransmits: number, elapsedMs: number): boolean {
  const retries = Math.max(0, Math.floor(p.synRetries));
  if (retransmits >= retries + Math.max(0, Math.floor(p.linear))) return true;
  if (retransmits === 0) return false;
  const ut = p.userTimeoutMs !== undefined && p.userTimeoutMs > 0 ? p.userTimeoutMs : undefined;
  return elapsedMs >= (ut ?? modelTimeoutMs(retries, TCP_TIMEOUT_INIT_MS, p.rtoMaxMs ?? TCP_RTO_MAX_MS));
}

/**
 * The RTO after the `n`-th SYN retransmission (tcp_retransmit_timer): icsk_backoff counts the
 * timeouts, and the RTO doubles only once it exceeds tcp_syn_linear_timeouts.
 */
export function synRtoAfter(n: number, linear: number, prevRtoMs: number, rtoMaxMs = TCP_RTO_MAX_MS): number {
  return n > Math.max(0, Math.floor(linear)) ? Math.min(prevRtoMs * 2, rtoMaxMs) : prevRtoMs;
}

/** The SYN retransmission times (ms after the first SYN) and when connect() fails with ETIMEDOUT. */
export function synSchedule(p: SynGiveUp): { retransmitsAt: number[]; giveUpAt: number } {
  const max = p.rtoMaxMs ?? TCP_RTO_MAX_MS;
  const ut = p.userTimeoutMs !== undefined && p.userTimeoutMs > 0 ? p.userTimeoutMs : undefined;
  const at: number[] = [];
  let t = 0;
  let rto = TCP_TIMEOUT_INIT_MS;
  for (let n = 0; n < 10_000; n++) {
    // tcp_clamp_rto_to_user_timeout: never wait past the user timeout.
    t += ut !== undefined ? Math.max(1, Math.min(rto, ut - t)) : rto;
    if (synTimedOut(p, n, t)) return { retransmitsAt: at, giveUpAt: t };
    at.push(t);
    rto = synRtoAfter(n + 1, p.linear, rto, max);
  }
  return { retransmitsAt: at, giveUpAt: t };
}

/** When connect() fails with ETIMEDOUT, ms after the first SYN. */
export function synGiveUpMs(p: SynGiveUp): number {
  return synSchedule(p).giveUpAt;
}

/** When a half-open request is dropped, ms after the first SYN-ACK (tcp_synack_retries). */
export function synAckGiveUpMs(synackRetries: number, rtoMaxMs = TCP_RTO_MAX_MS): number {
  let t = 0;
  for (let k = 0; k <= Math.max(0, Math.floor(synackRetries)); k++) t += Math.min(TCP_TIMEOUT_INIT_MS * 2 ** k, rtoMaxMs);
  return t;
}

export interface DataGiveUp {
  /** tcp_retries2 (or, for an orphan, what orphanRetries() gives). */
  retries: number;
  /** The RTO of the first retransmission (ms): SRTT + max(4·RTTVAR, rto_min); 200 ms at the least. */
  firstRtoMs?: number;
  userTimeoutMs?: number;
  rtoMinMs?: number;
  rtoMaxMs?: number;
}

/**
 * Retransmission times of data or a FIN (ms after the first transmission) and when the connection
 * dies with ETIMEDOUT: the first RTO expiry at or past the model time (retransmits_timed_out).
 */
export function dataSchedule(p: DataGiveUp): { retransmitsAt: number[]; giveUpAt: number } {
  const max = p.rtoMaxMs ?? TCP_RTO_MAX_MS;
  const rtoMin = p.rtoMinMs ?? TCP_RTO_MIN_MS;
  const ut = p.userTimeoutMs !== undefined && p.userTimeoutMs > 0 ? p.userTimeoutMs : undefined;
  const at: number[] = [];
  let t = 0;
  let rto = Math.min(Math.max(p.firstRtoMs ?? rtoMin, rtoMin), max);
  for (let n = 0; n < 10_000; n++) {
    t += ut !== undefined ? Math.max(1, Math.min(rto, ut - t)) : rto;
    if (writeTimedOut(p, n, t)) return { retransmitsAt: at, giveUpAt: t };
    at.push(t);
    rto = Math.min(rto * 2, max);
  }
  return { retransmitsAt: at, giveUpAt: t };
}

/**
 * tcp_write_timeout on a synchronized connection (retransmits_timed_out): once a retransmission
 * went out, expired when the time since the first transmission reached TCP_USER_TIMEOUT, or
 * without one tcp_model_timeout(retries, TCP_RTO_MIN). No retry count is compared.
 */
export function writeTimedOut(p: DataGiveUp, retransmits: number, elapsedMs: number): boolean {
  if (retransmits === 0) return false;
  const ut = p.userTimeoutMs !== undefined && p.userTimeoutMs > 0 ? p.userTimeoutMs : undefined;
  return elapsedMs >= (ut ?? modelTimeoutMs(p.retries, p.rtoMinMs ?? TCP_RTO_MIN_MS, p.rtoMaxMs ?? TCP_RTO_MAX_MS));
}

export function dataGiveUpMs(p: DataGiveUp): number {
  return dataSchedule(p).giveUpAt;
}

export interface KeepaliveGiveUp {
  idleS: number;
  intvlS: number;
  probes: number;
  userTimeoutMs?: number;
}

/** When keepalive resets a silent connection, ms after the last segment received (tcp_keepalive_timer). */
export function keepaliveGiveUpMs(p: KeepaliveGiveUp): number {
  const idle = p.idleS * 1000;
  const intvl = p.intvlS * 1000;
  const ut = p.userTimeoutMs !== undefined && p.userTimeoutMs > 0 ? p.userTimeoutMs : undefined;
  if (ut === undefined) return idle + Math.max(0, p.probes) * intvl;
  // First run at idle sends probe 1; each later run checks elapsed >= user timeout with probes out.
  let t = idle + intvl;
  while (t < ut) t += intvl;
  return t;
}

/** How long an orphan stays in FIN-WAIT-2 (TCP_LINGER2 when set, else tcp_fin_timeout), ms; 0 when TCP_LINGER2 < 0. */
export function finWait2LifetimeMs(tcpFinTimeoutS: number, linger2S?: number): number {
  if (linger2S !== undefined && linger2S < 0) return 0;
  if (linger2S !== undefined && linger2S > 0) return linger2S * 1000;
  return tcpFinTimeoutS * 1000;
}

/** SO_LINGER {on, N}: the longest close() blocks, ms; {on, 0} resets at once (0). */
export function lingerCloseMs(linger: { onoff: boolean; seconds: number } | undefined): number | undefined {
  if (linger === undefined || !linger.onoff) return undefined;
  return Math.max(0, linger.seconds) * 1000;
}
