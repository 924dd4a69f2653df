// The passive open at the host: a SYN at a listener becomes a request socket or a SYN cookie
// (listen-queue.ts decides, syncookie.ts encodes), a final ACK makes the request a child in the
// accept queue, and a request's SYN-ACK timer gives up (reqsk_timer_handler). listen.ts has
// listen(), accept() and the listener's close.
import type { Segment } from '../core/segment.js';
import { seq, type Seq } from '../core/seq.js';
import { addrBytes } from './addr.js';
import { fastopenCookie, tryFastopen, type FastopenVerdict } from '../core/fastopen.js';
import { parseOptions } from '../core/options.js';
import { connParams } from './conn-params.js';
import { count, type CounterName } from './counters.js';
import { Connection } from './engine.js';
import { addConn, connKey, freeEntry } from './established.js';
import type { HostState } from './host-state.js';
import { reclass } from './limits.js';
import { onFinalAck, onSyn } from './listen-queue.js';
import { service } from './service.js';
import { Entry, type Listener } from './sockets.js';
import { cookieCheck, cookieInit, cookieOptions, cookieTimestamp, cookieTuple } from './syncookie.js';
import { emit, replyReset } from './transmit.js';

/** tcp_synq_no_recent_overflow(): cookies are checked for 2 minutes after the last one was sent. */
const SYNCOOKIE_VALID_MS = 120_000;

/** A segment for a listener (tcp_rcv_state_process, case TCP_LISTEN). `isn`: a SYN re-opening a TIME-WAIT 4-tuple. */
export function listenerInput(h: HostState, l: Listener, seg: Segment, isn: Seq | undefined): void {
  const f = seg.flags;
  if (f.rst) return; // RSTs to a listener are ignored
  if (f.ack && !f.syn) {
    if (cookieAck(h, l, seg)) return;
    replyReset(h, seg);
    return;
  }
  if (f.ack) {
    replyReset(h, seg); // "if (th->ack) return 1": a SYN-ACK to a listener is reset
    return;
  }
  if (!f.syn || f.fin) return; // discard
  const counts = { backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length };
  const v = onSyn(counts, h.config, isn !== undefined);
  for (const c of v.counters) count(h, c);
  if (v.action === 'drop') return;
  const laddr = seg.dstAddr, raddr = seg.srcAddr;
  const opts = { ...l.sock.opts };
  if (v.action === 'cookie') {
    // cookie_v4_init_sequence(): no request socket is kept; the SYN-ACK carries the state.
    l.lastOverflowAt = h.now;
    const mssOpt = seg.options.find((o) => o.kind === 'mss');
    const peerMss = mssOpt && mssOpt.kind === 'mss' ? mssOpt.value : 536;
    const c = cookieInit(h.secret, cookieTuple(seg), seg.seq, peerMss, h.now);
    const conn = Connection.accept(connParams(h, laddr, seg.dstPort, raddr, seg.srcPort, opts, seq(c.isn)), seg, h.now);
    for (let s = conn.pollTransmit(); s; s = conn.pollTransmit()) {
      if (s.flags.syn) emit(h, cookieTimestamp(s, seg));
    }
    return;
  }
  const fo = fastopenVerdict(h, l, seg);
  const conn = Connection.accept(connParams(h, laddr, seg.dstPort, raddr, seg.srcPort, opts, isn), seg, h.now, fo);
  const e = new Entry(conn, connKey(h, laddr, seg.dstPort, raddr, seg.srcPort), laddr, seg.dstPort, raddr, seg.srcPort, h.now);
  e.listener = l;
  e.reuseAddr = l.sock.reuseAddr;
  e.reusePort = l.sock.reusePort;
  if (fo.child) {
    // tcp_fastopen_create_child(): a full socket in SYN-RECEIVED, straight into the accept queue
    // (inet_csk_reqsk_queue_add), so accept() returns before the handshake completes.
    e.phase = 'queued';
    l.acceptQueue.push(e);
    l.fastopenPending.add(e);
    count(h, 'Tcp:PassiveOpens');
  } else {
    e.phase = 'request';
    l.requests.add(e);
    l.young++;
  }
  addConn(h, e);
  h.ports.add(e, true);
  reclass(h, e);
  service(h, e);
}

const NO_COOKIE = new Uint8Array(0);

/** tcp_try_fastopen() for a SYN at this listener (core/fastopen.ts has the rule). */
function fastopenVerdict(h: HostState, l: Listener, seg: Segment): FastopenVerdict {
  for (const e of l.fastopenPending) if (e.freed || e.conn.state !== 'SYN-RECEIVED') l.fastopenPending.delete(e);
  const set = l.sock.raw.get('TCP_FASTOPEN');
  const maxQlen = typeof set === 'number' && set > 0 ? Math.min(set, h.config.somaxconn) : l.fastopenAtListen;
  const o = parseOptions(seg.options).fastopen;
  const v = tryFastopen({
    sysctl: h.config.tcp_fastopen,
    maxQlen,
    qlen: l.fastopenPending.size,
    option: o,
    synData: seg.payload.length > 0,
    // The cookie is read only when the SYN carries the option: made only then (siphash per SYN).
    valid: o ? fastopenCookie(h.config.tcp_fastopen_key, addrBytes(seg.srcAddr), addrBytes(seg.dstAddr)) : NO_COOKIE,
  });
  for (const c of v.counters) count(h, `TcpExt:${c}` as CounterName);
  return v;
}

/** cookie_v4_check(): an ACK to a listener that may complete a cookie handshake. */
function cookieAck(h: HostState, l: Listener, seg: Segment): boolean {
  if (!h.config.tcp_syncookies) return false;
  if (l.lastOverflowAt === undefined || h.now > l.lastOverflowAt + SYNCOOKIE_VALID_MS) return false; // tcp_synq_no_recent_overflow
  const mss = cookieCheck(h.secret, cookieTuple(seg), (seg.ack - 1) >>> 0, (seg.seq - 1) >>> 0, h.now);
  if (!mss) {
    count(h, 'TcpExt:SyncookiesFailed');
    return false;
  }
  count(h, 'TcpExt:SyncookiesRecv');
  const v = onFinalAck({ backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length }, h.config);
  for (const c of v.counters) count(h, c);
  if (v.action === 'drop') return true;
  if (v.action === 'reset') {
    replyReset(h, seg);
    return true;
  }
  const laddr = seg.dstAddr, raddr = seg.srcAddr;
  const isn = seq((seg.ack - 1) >>> 0);
  const conn = Connection.fromCookie(connParams(h, laddr, seg.dstPort, raddr, seg.srcPort, { ...l.sock.opts }, isn), seg, cookieOptions(mss, seg), h.now);
  const e = new Entry(conn, connKey(h, laddr, seg.dstPort, raddr, seg.srcPort), laddr, seg.dstPort, raddr, seg.srcPort, h.now);
  e.reuseAddr = l.sock.reuseAddr;
  e.reusePort = l.sock.reusePort;
  e.phase = 'queued';
  e.listener = l;
  l.acceptQueue.push(e);
  count(h, 'Tcp:PassiveOpens');
  addConn(h, e);
  h.ports.add(e, true);
  reclass(h, e);
  service(h, e);
  return true;
}

/** tcp_check_req(): a segment for a request socket. */
export function requestInput(h: HostState, e: Entry, seg: Segment): void {
  const l = e.listener as Listener;
  const f = seg.flags;
  if (f.ack && !f.syn && !f.rst && (seg.ack >>> 0) === ((e.conn.status().sndNxt ?? -1) >>> 0)) {
    const v = onFinalAck({ backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length }, h.config);
    for (const c of v.counters) count(h, c);
    if (v.action === 'drop') return; // inet_rsk(req)->acked = 1; the SYN-ACK timer goes on
    if (v.action === 'reset') {
      replyReset(h, seg);
      freeEntry(h, e);
      return;
    }
  }
  e.conn.handleSegment(seg, h.now);
  if ((f.rst || f.syn) && e.conn.state === 'CLOSED') {
    // "if (flg & (TCP_FLAG_RST|TCP_FLAG_SYN)) { TCP_INC_STATS(ATTEMPTFAILS); goto embryonic_reset; }"
    count(h, 'Tcp:AttemptFails');
    if (f.rst) count(h, 'TcpExt:EmbryonicRsts');
  }
  service(h, e);
}

/** tcp_create_openreq_child(): the request reached ESTABLISHED; the child is queued for accept(). */
export function childBorn(h: HostState, e: Entry): void {
  const l = e.listener as Listener;
  l.requests.delete(e);
  if (e.reqTimeouts === 0) l.young--;
  l.acceptQueue.push(e);
  e.phase = 'queued';
  count(h, 'Tcp:PassiveOpens');
}

/**
 * reqsk_timer_handler(): a request's SYN-ACK timer fired. When the SYN queue is more than half
 * full, requests that already timed out lose retries: tcp_synack_retries drops (to 2 at least)
 * while the young requests (never timed out) are fewer than the queue length / 2, / 4, ... So a
 * queue filled by a flood turns over in 7 s instead of 63 s. True when this request expires now.
 */
export function requestExpires(h: HostState, e: Entry): boolean {
  const l = e.listener as Listener;
  let max = e.conn.options.synCnt ?? h.config.tcp_synack_retries;
  const qlen = l.requests.size;
  if ((qlen << 1) > Math.max(8, l.backlog)) {
    let young = l.young << 1;
    while (max > 2) {
      if (qlen < young) break;
      max--;
      young <<= 1;
    }
  }
  if (e.reqTimeouts >= max) return true;
  if (e.reqTimeouts++ === 0) l.young--;
  return false;
}
