// READ THIS FIRST — the transmission control block (RFC 9293 §3.3.1): every variable one
// connection keeps, in one plain record. The event modules (events/*.ts) read and write it; nothing
// else does. It holds no clock: times in it are the `now` values the caller passed in.
//
// Rules this file keeps:
// - Sequence numbers are `Seq` and move only through src/core/seq.ts.
// - Byte counts that can exceed 2^32 (bytesAcked, bytesReceived) are plain numbers.
// - Field names follow RFC 9293 (sndUna, rcvNxt, ...) or, where the RFC is silent, Linux's
//   struct tcp_sock (rcvWup, rcvSsthresh, windowClamp, ...).
import type { TcpConfig } from './config.js';
import type { Errno } from './errno.js';
import type { Segment } from './segment.js';
import type { Seq } from './seq.js';
import type { TcpState } from '../model/states.js';
import type { TimerTable } from './timers.js';
import type { EngineCauseId, StateStep } from './transitions.js';
import type { FastopenOption, SynAckLesson } from './fastopen-client.js';
import type { Scoreboard } from './scoreboard.js';
import type { RackState } from './rack.js';
import type { CubicState } from './cubic.js';

export interface Endpoint { addr: string; port: number }

/** Per-socket options, copied from the listener on accept. Times in seconds unless named Ms. */
export interface SocketOptions {
  rcvbuf?: number; sndbuf?: number; maxseg?: number; nodelay?: boolean;
  keepalive?: boolean; keepidle?: number; keepintvl?: number; keepcnt?: number;
  userTimeoutMs?: number; linger?: { onoff: boolean; seconds: number }; linger2?: number;
  synCnt?: number;
  /** TCP_QUICKACK: ACK at once for now (Linux re-enters delayed ACKs later on its own). */
  quickack?: boolean;
  /** TCP_CORK: only full segments leave until it is cleared (TCP_NAGLE_CORK in tp->nonagle). */
  cork?: boolean;
  /** TCP_NOTSENT_LOWAT: the socket's own limit on unsent bytes, over net.ipv4.tcp_notsent_lowat. */
  notsentLowat?: number;
}

export type ConnectionEvent =
  | { type: 'state'; from: TcpState; to: TcpState; cause: EngineCauseId; at: number }
  | { type: 'readable' } | { type: 'writable' } | { type: 'eof' }
  | { type: 'error'; errno: Errno }
  | { type: 'new-incarnation'; syn: Segment; isn: Seq }
  | { type: 'closed' }
  /** A MIB counter Linux increments here, by its /proc/net/netstat name without the `TcpExt:` prefix. */
  | { type: 'mib'; counter: 'BeyondWindow' | 'TCPFastOpenActive' | 'TCPFastOpenActiveFail' }
  /** A SYN-ACK answered our Fast Open SYN: the destination's cache entry learns (tcp_fastopen_cache_set). */
  | { type: 'fastopen-learnt'; lesson: SynAckLesson }
  /**
   * A close() blocked by SO_LINGER {on, N > 0} may return: the connection left FIN-WAIT-1,
   * CLOSING and LAST-ACK before the linger time ran out (sk_stream_wait_close). 'fin-acked' when
   * our FIN was acknowledged, 'closed' when the connection ended otherwise (RST, timeout).
   */
  | { type: 'linger-done'; reason: 'fin-acked' | 'closed'; at: number };

/** The events without data, one shared frozen object each: queued on every segment, never changed. */
export const READABLE: ConnectionEvent = Object.freeze({ type: 'readable' });
export const WRITABLE: ConnectionEvent = Object.freeze({ type: 'writable' });
export const EOF: ConnectionEvent = Object.freeze({ type: 'eof' });

export interface Tcb {
  config: TcpConfig;
  options: SocketOptions;
  local: Endpoint;
  remote: Endpoint;
  state: TcpState;
  /** The state changes with their causes, oldest first (kept for status and tests). */
  history: StateStep[];

  // ---- send sequence space (RFC 9293 §3.3.1) ----
  iss: Seq;
  sndUna: Seq;
  sndNxt: Seq;
  /** Highest sequence number ever sent (SND.NXT goes back on a retransmission timeout). */
  sndMax: Seq;
  /** Peer's window in bytes, already scaled. */
  sndWnd: number;
  sndWl1: Seq;
  sndWl2: Seq;
  maxWindow: number;
  /** Bytes from SND.UNA on: sent-but-unacknowledged, then not yet sent. */
  sndBuf: Uint8Array;
  sndBufLen: number;
  /** Sequence numbers that end an application write: a segment ending there carries PSH. */
  pushMarks: Seq[];
  /**
   * Ends of writes made with MSG_EOR: the skb ending there is marked eor, so no later write is
   * appended to it (tcp_skb_can_collapse_to) and no segment, sent or retransmitted, runs across
   * it (tcp_skb_can_collapse, tcp_retrans_try_collapse).
   */
  eorMarks?: Seq[];
  /** The application shut down writing: a FIN follows the queued data. */
  finQueued: boolean;
  /** Sequence number of our FIN once it is placed (the byte after the data). */
  finSeq: Seq | undefined;
  sndBufSize: number;
  /** Linux's send skbs, as the ends of the chunks [SND.UNA, ...): each is charged SKB_TX_OVERHEAD (send-memory.ts). */
  sndSkbs: Seq[];
  /** How far transmitted data has been cut into skbs as tcp_write_xmit cuts it (tso_fragment). */
  sndSkbMark: Seq;
  /** Linux's SOCK_NOSPACE: a write found the send buffer full and waits for sk_stream_write_space. */
  sndNoSpace: boolean;
  /** Linux's snd_sml: end of the last small segment sent (Minshall's Nagle variant). */
  sndSml: Seq;

  // ---- receive sequence space ----
  irs: Seq;
  rcvNxt: Seq;
  /** Linux's rcv_wup and rcv_wnd: the window as last advertised, from rcv_wup. */
  rcvWup: Seq;
  rcvWnd: number;
  rcvSsthresh: number;
  windowClamp: number;
  rcvBufSize: number;
  /** In-order bytes the application has not read, one entry per arrived segment. */
  rcvQueue: Uint8Array[];
  /** The memory each entry of rcvQueue is charged (its skb truesize), freed when fully read. */
  rcvQueueTs: number[];
  rcvQueueLen: number;
  /** Linux's sk_rmem_alloc: receive memory charged, queue and out-of-order segments. */
  rmemAlloc: number;
  /** Linux's scaling_ratio (/256): the share of receive memory that is payload. */
  scalingRatio: number;
  /** Segments beyond RCV.NXT, sorted by seq (RFC 9293 §3.10.7.4 "queue for later processing"). */
  ofo: Array<{ seq: Seq; data: Uint8Array; fin: boolean; truesize: number }>;
  finReceived: boolean;
  /** Sequence number of the latest out-of-order arrival. */
  ofoLatest: Seq | undefined;
  /** Linux's selective_acks: the SACK blocks we send, most recent first (sack-blocks.ts). */
  sackBlocks: Array<[Seq, Seq]>;
  /** Linux's duplicate_sack: a D-SACK block for the next segment, if any. */
  dsack?: [Seq, Seq];

  // ---- negotiated options ----
  advMss: number;
  /** The peer's MSS (536 when it sent none), clamped by TCP_MAXSEG. */
  mssClamp: number;
  /** Payload bytes per segment: mssClamp less the timestamp option. */
  sndMss: number;
  /** Linux's icsk_ack.rcv_mss: the receiver's estimate of the peer's segment size. */
  rcvMss: number;
  sndWscale: number;
  rcvWscale: number;
  wscaleOk: boolean;
  sackOk: boolean;
  /** RFC 3168 ECN was negotiated: new data leaves as ECT(0) (tcp_ecn_send). */
  ecnOk?: boolean;
  tsOk: boolean;
  tsRecent: number;
  /** When tsRecent was stored (ms; Linux ts_recent_stamp, in seconds there): PAWS_MSL and 24-day rules. */
  tsRecentStamp: number;
  /** SO_LINGER {on, N > 0}: when the close() that started the FIN stops waiting (ms), if it still waits. */
  lingerUntil?: number;
  tsOffset: number;

  // ---- retransmission (RFC 6298 with Linux's bounds) ----
  rtoMs: number;
  srttMs: number | undefined;
  rttvarMs: number;
  backoff: number;
  /** icsk_retransmits: retransmissions of the current head since it was last acknowledged. */
  retransmits: number;
  totalRetrans: number;
  /** When the head of the retransmission queue was first sent (Linux's retrans_stamp). */
  retransStamp: number | undefined;
  rttSeq: Seq | undefined;
  rttStart: number;
  cwnd: number;
  ssthresh: number;
  /** Duplicate ACKs in a row (RFC 5681 §3.2). */
  dupAcks: number;
  /** In recovery until this is acknowledged (RFC 6582 "recover"). */
  recoverSeq: Seq | undefined;
  /** Which recovery: TCP_CA_Loss after a timeout ('loss'), TCP_CA_Recovery after a loss found by ACKs ('fast'). */
  recovery: 'loss' | 'fast' | undefined;
  /** The next sequence number to retransmit during recovery. */
  rtxNxt: Seq;
  /** The scoreboard: each segment sent, SACKed, lost or retransmitted (scoreboard.ts). */
  sb: Scoreboard;
  /** RACK's clock and the REO timer (rack.ts). */
  rack: RackState;
  /** CUBIC's state (cubic.ts). */
  cubic: CubicState;
  /** TCP_CA_Disorder: SACKed, duplicate-ACKed or retransmitted data outstanding, no loss proven. */
  disorder: boolean;
  /** PRR (tcp_cwnd_reduction): cwnd when Recovery began, segments delivered and sent since. */
  priorCwnd: number;
  prrDelivered: number;
  prrOut: number;
  /** Linux's is_cwnd_limited: the last transmit in this window was held back by cwnd (tcp_cwnd_validate). */
  isCwndLimited: boolean;
  /** Linux's max_packets_out: the most segments in flight in this window while not cwnd-limited. */
  maxPacketsOut: number;
  /** Linux's cwnd_usage_seq: the window the two fields above describe ends here. */
  cwndUsageSeq: Seq;
  /** Tail loss probe outstanding up to this sequence (Linux's tlp_high_seq). */
  tlpHighSeq: Seq | undefined;

  // ---- ACK policy (Linux's icsk_ack) ----
  ackPending: boolean;
  ackNow: boolean;
  quickAcks: number;
  /** Delayed-ACK timeout; 0 until the first data arrives (tcp_event_data_recv), then 40 ms. */
  atoMs: number;
  pingpong: boolean;
  /** Linux's icsk_ack.pingpong counter: replies sent soon after receiving (tcp_event_data_sent). */
  pingpongCnt: number;
  /** Linux's icsk_ack.lrcvtime: when data last arrived. */
  lrcvTime: number;
  lastOowAckAt: number | undefined;
  lastChallengeAckAt: number | undefined;

  /** An orphan's FIN-WAIT-2 longer than 60 s is on its keepalive timer first (timerView says so). */
  finWait2KeepalivePhase: boolean;

  // ---- keepalive and probes ----
  lastRecvAt: number;
  probesOut: number;
  /**
   * icsk_probes_tstamp: when the probe0 timer first ran for the data now waiting (tcp_probe_timer);
   * TCP_USER_TIMEOUT is measured from it while local transmits keep failing. Cleared by an ACK.
   */
  probesStamp?: number;

  // ---- local transmit failure (a qdisc drop: tcp_transmit_skb returns NET_XMIT_DROP) ----
  /** Asked before each segment leaves: false = the local device dropped it (see output.ts emit). */
  transmitFilter?: (seg: Segment) => boolean;
  /** Segments the device dropped, for the caller's trace (Connection.pollLocalDrop). */
  localDrops?: Segment[];
  /** The last transmit() stopped at a segment the device dropped. */
  xmitFailed?: boolean;

  // ---- application side ----
  orphaned: boolean;
  shutRd: boolean;
  shutWr: boolean;
  /** The connection was established once (Linux's SOCK_DONE for reads after the end). */
  wasConnected: boolean;
  error: Errno | undefined;
  /** The last error handed to the application, kept for status(). */
  lastError: Errno | undefined;

  bytesAcked: number;
  bytesReceived: number;
  /**
   * tp->delivered: segments the peer acknowledged — our SYN or SYN-ACK once, each data skb (a
   * SYN with data counts once: tcp_rcv_fastopen_synack's "SYN-data is counted as two separate
   * packets in tcp_ack()" decrement). SACKed segments are not counted before their cumulative ACK.
   */
  delivered?: number;

  // ---- TCP Fast Open (server) ----
  /** A child made at the SYN (tcp_passive_fastopen: fastopen_rsk set until the handshake's final ACK). */
  fastopenChild?: boolean;
  /** The SYN's data was accepted (tp->syn_data_acked → TCPI_OPT_SYN_DATA). */
  synDataAcked?: boolean;
  /** The cookie the first SYN-ACK carries; a retransmitted SYN-ACK carries none (tcp_rtx_synack passes no foc). */
  synAckCookie?: { cookie: Uint8Array; exp: boolean };

  // ---- TCP Fast Open (client, fastopen-client.ts) ----
  /** tp->fastopen_req's option, for the first SYN only (tcp_send_syn_data sets fo->cookie.len = -1 for retries). */
  fastopenReq?: FastopenOption;
  /** tp->syn_fastopen / syn_fastopen_exp: our SYN carried the option, in its experimental form. */
  synFastopen?: boolean;
  synFastopenExp?: boolean;
  /** tp->syn_data: our SYN carried data (the bytes after the ISN in the send buffer). */
  synData?: boolean;
  /**
   * sk_write_pending: a blocking writer sleeps in inet_wait_for_connect with data the SYN did not
   * take, so the SYN-ACK's ACK is delayed and rides on that data (tcp_rcv_synsent_state_process).
   */
  writePending?: boolean;
  timers: TimerTable;
  outbox: Segment[];
  events: ConnectionEvent[];
  /** Set while a segment is processed: the connection asks its caller to reset this segment. */
  now: number;
}
