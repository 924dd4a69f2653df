// READ THIS FIRST — a connection as getsockopt(TCP_INFO) shows it (Linux tcp_get_info(),
// net/ipv4/tcp.c; struct tcp_info in include/uapi/linux/tcp.h), field names as packetdrill hands
// them to a script's python (`tcpi_snd_cwnd`, ...).
//
// Rules:
// - Only what the engine keeps is given. A field of struct tcp_info the engine does not model
//   (delivered, lost, busy_time, ...) is absent, never a made-up 0: `TCP_INFO_UNMODELLED` names
//   them, so a script asserting one is reported as not evaluated, not as passed.
// - Units as Linux gives them: times in microseconds (tcpi_rtt, tcpi_rto) except the
//   tcpi_last_* ages, which are milliseconds; cwnd and ssthresh in segments.
import type { TcpState } from '../model/states.js';
import type { Tcb } from './tcb.js';

/** include/net/tcp_states.h: TCP_ESTABLISHED = 1, ... TCP_CLOSING = 11 (tcpi_state). */
export const LINUX_STATE_NUMBER: Readonly<Record<TcpState, number>> = {
  ESTABLISHED: 1, 'SYN-SENT': 2, 'SYN-RECEIVED': 3, 'FIN-WAIT-1': 4, 'FIN-WAIT-2': 5, 'TIME-WAIT': 6,
  CLOSED: 7, 'CLOSE-WAIT': 8, 'LAST-ACK': 9, LISTEN: 10, CLOSING: 11,
};

/** enum tcp_ca_state (include/uapi/linux/tcp.h). */
export const TCP_CA = { Open: 0, Disorder: 1, CWR: 2, Recovery: 3, Loss: 4 } as const;

/** tcpi_options bits (include/uapi/linux/tcp.h TCPI_OPT_*). */
export const TCPI_OPT = { TIMESTAMPS: 1, SACK: 2, WSCALE: 4, ECN: 8, ECN_SEEN: 16, SYN_DATA: 32, USEC_TS: 64 } as const;

/** Linux's TCP_INFINITE_SSTHRESH: ssthresh before the first loss. */
export const TCP_INFINITE_SSTHRESH = 0x7fffffff;

/**
 * Fields of struct tcp_info the engine does not keep. Asking for one is a question the engine
 * cannot answer (ECN and AccECN counts, delivery-rate sampling, per-packet loss marks,
 * chrono timers, RACK's reordering state).
 */
export const TCP_INFO_UNMODELLED: readonly string[] = [
  'tcpi_delivered_ce', 'tcpi_delivered_e0_bytes', 'tcpi_delivered_e1_bytes', 'tcpi_delivered_ce_bytes',
  'tcpi_delivered_e', 'tcpi_busy_time', 'tcpi_rwnd_limited', 'tcpi_sndbuf_limited',
  'tcpi_delivery_rate', 'tcpi_pacing_rate', 'tcpi_max_pacing_rate', 'tcpi_notsent_bytes', 'tcpi_dsack_dups',
  'tcpi_rcv_rtt', 'tcpi_rcv_space', 'tcpi_rcv_ooopack', 'tcpi_snd_wnd_limited', 'tcpi_last_ack_recv', 'tcpi_last_data_sent',
  'tcpi_bytes_sent', 'tcpi_bytes_retrans', 'tcpi_ato', 'tcpi_pmtu', 'tcpi_rcv_ssthresh', 'tcpi_rehash', 'tcpi_total_rto', 'tcpi_total_rto_recoveries', 'tcpi_total_rto_time',
];

/**
 * tcp_get_info() over the engine's TCB at `now` (ms). tcpi_ca_state follows the engine's
 * recovery: Loss after a retransmission timeout (tcp_enter_loss), Recovery after three duplicate
 * ACKs or RACK (tcp_enter_recovery), Disorder while duplicate-ACKed, SACKed or retransmitted
 * data is outstanding (tcp_try_keep_open), Open otherwise. The scoreboard counts (tcpi_unacked,
 * tcpi_sacked, tcpi_lost, tcpi_retrans) are packets_out, sacked_out, lost_out and retrans_out.
 */
export function tcpInfo(t: Tcb, now: number): Record<string, number> {
  const caState = t.recovery === 'loss' ? TCP_CA.Loss
    : t.recovery === 'fast' ? TCP_CA.Recovery
      : t.disorder ? TCP_CA.Disorder : TCP_CA.Open;
  const options = (t.synDataAcked === true ? TCPI_OPT.SYN_DATA : 0) | (t.tsOk ? TCPI_OPT.TIMESTAMPS : 0) | (t.sackOk ? TCPI_OPT.SACK : 0) | (t.wscaleOk ? TCPI_OPT.WSCALE : 0);
  const us = (ms: number): number => Math.round(ms * 1000);
  return {
    tcpi_state: LINUX_STATE_NUMBER[t.state],
    tcpi_ca_state: caState,
    tcpi_retransmits: t.retransmits,
    tcpi_probes: t.probesOut,
    tcpi_backoff: t.backoff,
    // The engine makes no SYN data (TCP Fast Open) and no ECN: those bits stay clear.
    tcpi_options: options,
    tcpi_snd_wscale: t.wscaleOk ? t.sndWscale : 0,
    tcpi_rcv_wscale: t.wscaleOk ? t.rcvWscale : 0,
    tcpi_rto: us(t.rtoMs),
    tcpi_snd_mss: t.sndMss,
    tcpi_rcv_mss: t.rcvMss,
    tcpi_last_data_recv: Math.floor(now - t.lrcvTime),
    tcpi_rtt: t.srttMs === undefined ? 0 : us(t.srttMs),
    tcpi_rttvar: us(t.rttvarMs),
    tcpi_snd_ssthresh: t.ssthresh,
    tcpi_snd_cwnd: Math.floor(t.cwnd),
    tcpi_advmss: t.advMss,
    tcpi_total_retrans: t.totalRetrans,
    tcpi_bytes_acked: t.bytesAcked,
    tcpi_bytes_received: t.bytesReceived,
    tcpi_snd_wnd: t.sndWnd,
    tcpi_rcv_wnd: t.rcvWnd,
    tcpi_delivered: t.delivered ?? 0,
    // packets_out counts an unacknowledged SYN too.
    tcpi_unacked: t.sb.txq.length + (t.state === 'SYN-SENT' ? 1 : 0),
    tcpi_sacked: t.sb.sackedOut,
    tcpi_lost: t.sb.lostOut,
    tcpi_retrans: t.sb.retransOut,
    // Always 0 since Linux 4.15 removed FACK.
    tcpi_fackets: 0,
    tcpi_reordering: t.sb.reordering,
    tcpi_reord_seen: t.sb.reordSeen,
    // tcp_min_rtt, ~0U before any sample.
    tcpi_min_rtt: t.rack.minRttMs === undefined ? 0xffffffff : us(t.rack.minRttMs),
  };
}
