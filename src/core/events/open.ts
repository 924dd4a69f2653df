// READ THIS FIRST — the OPEN call (RFC 9293 §3.10.1) and the two other ways a connection is born.
//
// - connect: active open. CLOSED → SYN-SENT, our SYN queued (tcp_connect). The retransmission
//   timer starts at 1 s (TCP_TIMEOUT_INIT).
// - accept: passive open from a SYN the host's listener took (tcp_conn_request →
//   tcp_openreq_init / tcp_make_synack). LISTEN belongs to the host; this connection starts in
//   SYN-RECEIVED with the SYN-ACK queued, echoing only the options the SYN offered.
// - fromCookie: the final ACK of a SYN-cookie handshake (cookie_v4_check): the connection is
//   rebuilt straight into ESTABLISHED from what the cookie encoded.
import { READABLE } from '../tcb.js';
import { emptyScoreboard } from '../scoreboard.js';
import { emptyRack } from '../rack.js';
import { emptyCubic } from '../cubic.js';
import type { Segment } from '../segment.js';
import { copyBytes } from '../byte-pool.js';
import { seqAdd } from '../seq.js';
import type { Seq } from '../seq.js';
import type { TcpConfig } from '../config.js';
import type { Endpoint, SocketOptions, Tcb } from '../tcb.js';
import { emptyTimers, arm } from '../timers.js';
import { MSS_DEFAULT, TS_ALIGNED_LEN, parseOptions } from '../options.js';
import { DEFAULT_SCALING_RATIO, initialWindow, skbTruesize, winFromSpace, withoutWindowScaling } from '../window.js';
import { TIMEOUT_INIT_MS } from '../rto.js';
import { sendSyn, sendSynAck } from '../output.js';
import { setState } from '../state-change.js';
import { storeTsRecent } from '../paws.js';
import type { FastopenOption } from '../fastopen-client.js';

export interface OpenParams {
  /** The host's tunables, by reference. */
  config: TcpConfig;
  local: Endpoint;
  remote: Endpoint;
  /** Injected: the host draws it from a seeded generator or Linux's TIME-WAIT rule. */
  isn: Seq;
  /** Per-connection timestamp offset, injected. */
  tsOffset: number;
  options: SocketOptions;
  /** MSS we advertise before TCP_MAXSEG (1460: MTU 1500 less 40 bytes; packetdrill's v6 tun uses MTU 1520 so it is 1460 too). */
  mtuMss?: number;
}

export function createTcb(p: OpenParams, now: number): Tcb {
  const opts = { ...p.options };
  const userMss = opts.maxseg && opts.maxseg > 0 ? opts.maxseg : undefined;
  const advMss = Math.min(p.mtuMss ?? 1460, userMss ?? Infinity);
  const rcvBufSize = opts.rcvbuf && opts.rcvbuf > 0 ? opts.rcvbuf * 2 : p.config.tcp_rmem[1];
  const sndBufSize = opts.sndbuf && opts.sndbuf > 0 ? opts.sndbuf * 2 : p.config.tcp_wmem[1];
  // SO_RCVBUF locks the buffer, and the window clamp follows it (tcp_openreq_init_rwin).
  const windowClamp = opts.rcvbuf && opts.rcvbuf > 0 ? winFromSpace(rcvBufSize) : 0xffff << 14;
  const isn = p.isn;
  return {
    config: p.config, options: opts, local: { ...p.local }, remote: { ...p.remote },
    state: 'CLOSED', history: [],
    iss: isn, sndUna: isn, sndNxt: isn, sndMax: isn, sndWnd: 0, sndWl1: 0 as Seq, sndWl2: isn, maxWindow: 0,
    sndBuf: new Uint8Array(0), sndBufLen: 0, pushMarks: [], finQueued: false, finSeq: undefined,
    sndBufSize, sndSkbs: [], sndSkbMark: isn, sndNoSpace: false, sndSml: isn,
    irs: 0 as Seq, rcvNxt: 0 as Seq, rcvWup: 0 as Seq, rcvWnd: 0, rcvSsthresh: 0, windowClamp, rcvBufSize,
    rcvQueue: [], rcvQueueTs: [], rcvQueueLen: 0, rmemAlloc: 0, scalingRatio: DEFAULT_SCALING_RATIO, ofo: [], ofoLatest: undefined, sackBlocks: [], finReceived: false,
    advMss, mssClamp: MSS_DEFAULT, sndMss: MSS_DEFAULT, rcvMss: MSS_DEFAULT,
    sndWscale: 0, rcvWscale: 0, wscaleOk: false, sackOk: false, tsOk: false, tsRecent: 0, tsRecentStamp: now, tsOffset: p.tsOffset >>> 0,
    rtoMs: TIMEOUT_INIT_MS, srttMs: undefined, rttvarMs: 0, backoff: 0, retransmits: 0, totalRetrans: 0,
    retransStamp: undefined, rttSeq: undefined, rttStart: now, cwnd: p.config.tcp_init_cwnd, ssthresh: 0x7fffffff,
    tlpHighSeq: undefined, isCwndLimited: false, maxPacketsOut: 0, cwndUsageSeq: isn, dupAcks: 0, recoverSeq: undefined, recovery: undefined, rtxNxt: isn,
    sb: emptyScoreboard(p.config.tcp_reordering), rack: emptyRack(), cubic: emptyCubic(), disorder: false, priorCwnd: 0, prrDelivered: 0, prrOut: 0,
    ackPending: false, ackNow: false, quickAcks: 0, atoMs: 0, pingpong: false, pingpongCnt: 0, lrcvTime: now, lastOowAckAt: undefined, lastChallengeAckAt: undefined,
    lastRecvAt: now, probesOut: 0, finWait2KeepalivePhase: false,
    orphaned: false, shutRd: false, shutWr: false, wasConnected: false, error: undefined, lastError: undefined,
    bytesAcked: 0, bytesReceived: 0,
    timers: emptyTimers(), outbox: [], events: [], now,
    // The optional fields, present from the start: every TCB then keeps one shape (V8 adds a
    // field to an object by copying its out-of-object store and moving it to a new hidden class).
    eorMarks: undefined, dsack: undefined, ecnOk: undefined, lingerUntil: undefined, probesStamp: undefined,
    transmitFilter: undefined, localDrops: undefined, xmitFailed: undefined, delivered: undefined,
    fastopenChild: undefined, synDataAcked: undefined, synAckCookie: undefined, fastopenReq: undefined,
    synFastopen: undefined, synFastopenExp: undefined, synData: undefined, writePending: undefined,
  };
}

/** Apply the options of the peer's SYN (or SYN-ACK) to the TCB (tcp_parse_options + tcp_sync_mss). */
export function applyPeerSynOptions(tcb: Tcb, syn: Segment, weOfferedTs: boolean, weOfferedWs: boolean, weOfferedSack: boolean): void {
  const o = parseOptions(syn.options);
  const userMss = tcb.options.maxseg && tcb.options.maxseg > 0 ? tcb.options.maxseg : Infinity;
  tcb.mssClamp = Math.max(tcb.config.tcp_min_snd_mss, Math.min(o.mss ?? MSS_DEFAULT, userMss));
  tcb.tsOk = weOfferedTs && o.ts !== undefined;
  if (tcb.tsOk && o.ts) storeTsRecent(tcb, o.ts.val);
  tcb.wscaleOk = weOfferedWs && o.wscale !== undefined;
  tcb.sndWscale = tcb.wscaleOk ? (o.wscale as number) : 0;
  tcb.sackOk = weOfferedSack && o.sackOk;
  // RFC 3168 §6.1.1. A SYN-ACK with ECE and not CWR answers our ECN-setup SYN (tcp_ecn_rcv_synack);
  // a SYN with ECE and CWR asks for ECN, granted when net.ipv4.tcp_ecn is not 0 (tcp_ecn_create_request).
  const ecn = tcb.config.tcp_ecn;
  if (syn.flags.ack) tcb.ecnOk = (ecn === 1 || ecn === 3) && syn.flags.ece && !syn.flags.cwr;
  else tcb.ecnOk = ecn !== 0 && syn.flags.ece && syn.flags.cwr;
  updateSndMss(tcb);
}

export function updateSndMss(tcb: Tcb): void {
  tcb.sndMss = Math.max(1, Math.min(tcb.mssClamp, tcb.advMss + 0) - (tcb.tsOk ? TS_ALIGNED_LEN : 0));
  // tcp_initialize_rcv_mss: the first guess of the peer's segment size is at most 536.
  tcb.rcvMss = Math.max(88, Math.min(tcb.advMss, tcb.sndMss, Math.floor(tcb.rcvWnd / 2) || MSS_DEFAULT, MSS_DEFAULT));
}

/**
 * Our SYN or SYN-ACK has just been queued: it takes one sequence number, is timed for the first RTT
 * sample, and the retransmit timer guards it (tcp_connect / tcp_v4_send_synack + reqsk timer).
 */
function synInFlight(tcb: Tcb, now: number): void {
  tcb.sndNxt = seqAdd(tcb.iss, 1);
  tcb.sndMax = tcb.sndNxt;
  tcb.retransStamp = now;
  tcb.rttSeq = tcb.sndNxt;
  tcb.rttStart = now;
  arm(tcb.timers, 'retransmit', now + tcb.rtoMs);
}

/**
 * What the host decided for a Fast Open connect (tcp_fastopen_cookie_check in
 * fastopen-client.ts): the option of the first SYN and the data it carries.
 */
export interface ActiveFastopen {
  option: FastopenOption;
  /** Already cut to what the SYN takes (synDataSpace); may be empty. */
  data: Uint8Array;
  /** A blocking writer waits for the handshake with the rest of its data (sk_write_pending). */
  writePending?: boolean;
}

/**
 * tcp_send_syn_data(): the SYN's data is queued after the ISN as any write would be (one skb,
 * its end pushed), so the SYN-ACK acknowledges it like data and a retransmission resends it.
 */
function queueSynData(tcb: Tcb, data: Uint8Array): void {
  if (data.length === 0) return;
  tcb.sndBuf = copyBytes(data);
  tcb.sndBufLen = data.length;
  const end = seqAdd(tcb.iss, 1 + data.length);
  tcb.sndSkbs.push(end);
  tcb.pushMarks.push(end);
  tcb.synData = true;
}

export function connect(p: OpenParams, now: number, fastopen?: ActiveFastopen): Tcb {
  const tcb = createTcb(p, now);
  const c = p.config;
  const w = initialWindow(tcb, tcb.advMss - (c.tcp_timestamps ? TS_ALIGNED_LEN : 0), c.tcp_window_scaling !== 0);
  tcb.rcvWnd = w.rcvWnd;
  tcb.rcvSsthresh = w.rcvWnd;
  tcb.rcvWscale = w.wscale;
  setState(tcb, 'SYN-SENT', 'connect');
  if (fastopen) {
    tcb.fastopenReq = fastopen.option;
    tcb.writePending = fastopen.writePending === true;
    queueSynData(tcb, fastopen.data);
  }
  sendSyn(tcb, fastopen?.data);
  synInFlight(tcb, now);
  if (tcb.synData) {
    // tcp_connect_queue_skb(syn_data): write_seq and snd_nxt move past the data too.
    tcb.sndNxt = seqAdd(tcb.iss, 1 + tcb.sndBufLen);
    tcb.sndMax = tcb.sndNxt;
    tcb.sndSkbMark = tcb.sndNxt;
  }
  return tcb;
}

/**
 * The receive window a passive open starts with, once the peer's SYN options are known
 * (tcp_openreq_init_rwin): sized from the receive buffer, scaled only if both offered it.
 */
function passiveWindow(tcb: Tcb): void {
  const w = initialWindow(tcb, tcb.advMss - (tcb.tsOk ? TS_ALIGNED_LEN : 0), tcb.wscaleOk);
  tcb.rcvWnd = w.rcvWnd;
  tcb.rcvSsthresh = w.rcvWnd;
  tcb.rcvWscale = w.wscale;
  if (!tcb.wscaleOk) withoutWindowScaling(tcb, w.space);
  updateSndMss(tcb);
}

/** What tcp_try_fastopen() decided for this SYN (fastopen.ts). */
export interface FastopenAccept {
  /** A child is made now: the SYN's data is taken and the SYN-ACK acknowledges it. */
  child: boolean;
  /** The cookie option of the SYN-ACK. */
  synAckCookie?: { cookie: Uint8Array; exp: boolean };
}

/**
 * tcp_fastopen_add_skb(): the SYN's data goes to the receive queue of the child and rcv_nxt moves
 * past it, so the SYN-ACK acknowledges it; syn_data_acked and bytes_received follow. A Fast Open
 * client does the same with data on the SYN-ACK (tcp_rcv_fastopen_synack).
 */
export function takeSynData(tcb: Tcb, syn: Segment): void {
  const data = syn.payload instanceof Uint8Array ? syn.payload : new Uint8Array(0);
  if (data.length === 0) return;
  const truesize = skbTruesize(data.length);
  tcb.rcvQueue.push(data);
  tcb.rcvQueueTs.push(truesize);
  tcb.rmemAlloc += truesize;
  tcb.rcvQueueLen += data.length;
  tcb.rcvNxt = seqAdd(tcb.rcvNxt, data.length);
  tcb.rcvWup = tcb.rcvNxt;
  tcb.bytesReceived += data.length;
  tcb.synDataAcked = true;
  tcb.events.push(READABLE);
}

export function accept(p: OpenParams, syn: Segment, now: number, fastopen?: FastopenAccept): Tcb {
  const tcb = createTcb(p, now);
  const c = p.config;
  tcb.state = 'LISTEN';
  tcb.irs = syn.seq;
  tcb.rcvNxt = seqAdd(syn.seq, 1);
  tcb.rcvWup = tcb.rcvNxt;
  applyPeerSynOptions(tcb, syn, c.tcp_timestamps !== 0, c.tcp_window_scaling !== 0, c.tcp_sack !== 0);
  passiveWindow(tcb);
  // The SYN's window is never scaled (RFC 7323 §2.2).
  tcb.sndWnd = syn.window;
  tcb.maxWindow = syn.window;
  tcb.sndWl1 = syn.seq;
  tcb.lastRecvAt = now;
  setState(tcb, 'SYN-RECEIVED', 'syn-received');
  if (fastopen?.child) {
    tcb.fastopenChild = true;
    takeSynData(tcb, syn);
  }
  tcb.synAckCookie = fastopen?.synAckCookie;
  sendSynAck(tcb);
  synInFlight(tcb, now);
  return tcb;
}

export function fromCookie(p: OpenParams, ack: Segment, syn: { mss: number; wscale?: number; sackOk?: boolean; tsOk?: boolean }, now: number): Tcb {
  const tcb = createTcb({ ...p, isn: seqAdd(ack.ack, -1) }, now);
  tcb.state = 'SYN-RECEIVED';
  tcb.irs = seqAdd(ack.seq, -1);
  tcb.rcvNxt = ack.seq;
  tcb.rcvWup = ack.seq;
  const userMss = tcb.options.maxseg && tcb.options.maxseg > 0 ? tcb.options.maxseg : Infinity;
  tcb.mssClamp = Math.min(syn.mss || MSS_DEFAULT, userMss);
  tcb.tsOk = syn.tsOk ?? false;
  tcb.sackOk = syn.sackOk ?? false;
  tcb.wscaleOk = syn.wscale !== undefined;
  tcb.sndWscale = syn.wscale ?? 0;
  passiveWindow(tcb);
  const o = parseOptions(ack.options);
  if (tcb.tsOk && o.ts) storeTsRecent(tcb, o.ts.val);
  tcb.sndUna = ack.ack;
  tcb.sndNxt = ack.ack;
  tcb.sndMax = ack.ack;
  tcb.sndSml = ack.ack;
  tcb.sndWnd = (ack.window >>> 0) << tcb.sndWscale;
  tcb.maxWindow = tcb.sndWnd;
  tcb.sndWl1 = ack.seq;
  tcb.sndWl2 = ack.ack;
  tcb.lastRecvAt = now;
  tcb.lrcvTime = now;
  setState(tcb, 'ESTABLISHED', 'syn-cookie-ack');
  return tcb;
}
