// READ THIS FIRST — the sans-IO TCP connection: the one class the host, the lab and the
// packetdrill runner drive. It behaves like Linux 6.x segment for segment.
//
// How to drive it (quinn-proto's contract):
// - Inputs take `now` (ms, fractional allowed): a user call, `handleSegment`, `handleTimeout`.
// - After any input drain `pollTransmit()` until undefined, then `pollEvent()` until undefined,
//   then ask `nextDeadline()` and call `handleTimeout(now)` no later than that.
// - It never reads a clock, draws a random number or does I/O: the ISN and the timestamp
//   offset arrive in `ConnectionParams`.
//
// Where things are: one module per RFC 9293 §3.10 event in events/ (open, send, receive, close
// and shutdown, abort, segment-arrives, timeouts); every state change through state-change.ts;
// timers as data in timers.ts; the TCB in tcb.ts.
import type { TcpState } from '../model/states.js';
import type { SocketTimerKind } from '../model/timers.js';
import type { Errno, SysError } from './errno.js';
import type { Segment } from './segment.js';
import { seqLe } from './seq.js';
import type { Tcb, Endpoint, SocketOptions, ConnectionEvent } from './tcb.js';
import type { StateStep } from './transitions.js';
import { nextDeadline, procTimerKind, TIMER_KINDS } from './timers.js';
import type { TimerKind } from './timers.js';
import * as open from './events/open.js';
import { segmentArrives } from './events/segment-arrives.js';
import { handleTimeout, armKeepalive } from './events/timeouts.js';
import { send, writableSpace, type SendFlags } from './events/send.js';
import { checkSpace } from './send-memory.js';
import { recv, readableBytes } from './events/receive.js';
import { close, shutdown } from './events/close.js';
import { abort } from './events/abort.js';
import { sendAck, transmit } from './output.js';
import { enterQuickack } from './ack-policy.js';
import { updateSndMss } from './events/open.js';
import { LINGER_WAITS } from './state-change.js';
import { advertiseWindow } from './window.js';
import { TimeWaitSock, type TimeWaitHost, type TimeWaitInit } from './time-wait-sock.js';
import { tcpInfo } from './tcp-info.js';

export type { Endpoint, SocketOptions, ConnectionEvent } from './tcb.js';
export { resetFor } from './reset.js';
export { TIMER_KINDS } from './timers.js';
export type { TimerKind } from './timers.js';
export { TRANSITIONS } from './transitions.js';
export { TimeWaitSock, type TimeWaitHost, type TimeWaitInit } from './time-wait-sock.js';
export type { TransitionRow } from './transitions.js';

export interface ConnectionParams extends open.OpenParams {
  /** The local device: see Connection.setTransmitFilter. */
  transmitFilter?: TransmitFilter;
}

/**
 * Asked for each segment as it leaves: true = the local device took it, false = it dropped it
 * (a full qdisc: tcp_transmit_skb returns NET_XMIT_DROP). Pure and synchronous.
 */
export type TransmitFilter = (seg: Segment) => boolean;

export interface ConnectionStatus {
  state: TcpState;
  sndUna: number; sndNxt: number; rcvNxt: number;
  sndWnd: number; rcvWnd: number;
  rtoMs: number; srttMs: number | undefined;
  retransmits: number; backoff: number; probes: number;
  mss: number; sndMss: number; advMss: number;
  bytesReceived: number; bytesAcked: number;
  /** ss/netstat Send-Q: write_seq - snd_una — bytes (and a queued FIN) not yet acknowledged, sent or not. */
  sendQueue: number;
  /** ss/netstat Recv-Q: rcv_nxt - copied_seq — bytes received and not yet read. */
  recvQueue: number;
  /** Segments retransmitted over the connection's life (tcpi_total_retrans). */
  totalRetrans: number;
  error?: Errno;
}

export interface TimerView {
  kind: SocketTimerKind;
  remainingMs: number;
  retransmits: number;
  /** The engine's own name of the timer due next (delayed-ack has no /proc spelling), if any. */
  next?: TimerKind;
  /** When that one fires, ms since the clock's origin. */
  nextAt?: number;
}

export class Connection {
  private readonly tcb: Tcb;

  private constructor(tcb: Tcb, filter: TransmitFilter | undefined) {
    this.tcb = tcb;
    if (filter) this.setTransmitFilter(filter);
  }

  /** Active open: SYN-SENT, SYN queued. */
  static connect(p: ConnectionParams, now: number, fastopen?: open.ActiveFastopen): Connection {
    return new Connection(open.connect(p, now, fastopen), p.transmitFilter);
  }

  /** Passive open from a SYN the host's listener accepted: SYN-RECEIVED, SYN-ACK queued. */
  static accept(p: ConnectionParams, syn: Segment, now: number, fastopen?: open.FastopenAccept): Connection {
    return new Connection(open.accept(p, syn, now, fastopen), p.transmitFilter);
  }

  /** SYN-cookie rebuild from the final ACK: ESTABLISHED. */
  static fromCookie(p: ConnectionParams, ack: Segment, syn: { mss: number; wscale?: number; sackOk?: boolean; tsOk?: boolean }, now: number): Connection {
    return new Connection(open.fromCookie(p, ack, syn, now), p.transmitFilter);
  }

  /**
   * The local device, consulted as each segment leaves (undefined = it takes everything). A
   * dropped segment is not in pollTransmit but in pollLocalDrop, and data in it does not count as
   * sent: SND.NXT stays, and with nothing in flight the probe0 timer retries it every 500 ms
   * (TCP_RESOURCE_PROBE_INTERVAL) until it leaves or TCP_USER_TIMEOUT / tcp_retries2 ends the
   * connection — Linux after a qdisc drop. Segments already queued (a SYN-ACK built by accept) are
   * filtered now: their bookkeeping was done the same either way.
   */
  setTransmitFilter(filter: TransmitFilter | undefined): void {
    const t = this.tcb;
    t.transmitFilter = filter;
    if (!filter || t.outbox.length === 0) return;
    const kept: Segment[] = [];
    for (const s of t.outbox) {
      if (filter(s)) kept.push(s);
      else (t.localDrops ??= []).push(s);
    }
    t.outbox = kept;
  }

  /** The next segment the local device dropped (for a trace), oldest first. */
  pollLocalDrop(): Segment | undefined {
    return this.tcb.localDrops?.shift();
  }

  get state(): TcpState { return this.tcb.state; }
  get local(): Endpoint { return this.tcb.local; }
  get remote(): Endpoint { return this.tcb.remote; }
  get orphaned(): boolean { return this.tcb.orphaned; }
  /** SO_ERROR (not cleared by reading it here; recv/send hand it over once). */
  get error(): Errno | undefined { return this.tcb.error; }
  get options(): SocketOptions { return this.tcb.options; }
  /** Both ends use timestamps (tw_ts_recent_stamp != 0: tcp_tw_reuse may take this TIME-WAIT). */
  get timestampsOk(): boolean { return this.tcb.tsOk; }
  /** Every state change so far with its cause (transitions.ts's stepText prints one as `A → B (words)`). */
  get history(): readonly StateStep[] { return this.tcb.history; }

  handleSegment(seg: Segment, now: number): void {
    this.at(now);
    segmentArrives(this.tcb, seg);
    checkSpace(this.tcb);
  }

  handleTimeout(now: number): void {
    this.at(now);
    handleTimeout(this.tcb);
  }

  nextDeadline(): number | undefined {
    return nextDeadline(this.tcb.timers);
  }

  pollTransmit(): Segment | undefined {
    return this.tcb.outbox.shift();
  }

  pollEvent(): ConnectionEvent | undefined {
    return this.tcb.events.shift();
  }

  send(data: Uint8Array, now: number, flags?: SendFlags): number | SysError {
    this.at(now);
    return send(this.tcb, data, flags);
  }

  recv(max: number, now: number): Uint8Array | SysError {
    this.at(now);
    return recv(this.tcb, max);
  }

  readableBytes(): number { return readableBytes(this.tcb); }
  writableSpace(): number { return writableSpace(this.tcb); }

  shutdown(how: 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR', now: number): 0 | SysError {
    this.at(now);
    return shutdown(this.tcb, how);
  }

  close(now: number): void {
    this.at(now);
    close(this.tcb);
  }

  /**
   * SO_LINGER {on, N > 0}: while a close() must still block, the time (ms) at which it returns
   * anyway; undefined once it may return (the FIN was acknowledged, the connection ended, or
   * there is no linger wait). The host blocks close() until this is undefined or its clock
   * reaches it; the 'linger-done' event marks an early end. Linux returns 0 either way, sends no
   * RST on timeout and keeps the orphan going (__tcp_close, sk_stream_wait_close).
   */
  lingerDeadline(now?: number): number | undefined {
    const t = this.tcb;
    const at = t.lingerUntil;
    if (at === undefined || !LINGER_WAITS.has(t.state) || (now ?? t.now) >= at) return undefined;
    return at;
  }

  abort(now: number): void {
    this.at(now);
    abort(this.tcb);
  }

  /** setsockopt: merge, then apply what takes effect at once (keepalive clock, buffers, MSS). */
  setOption(o: Partial<SocketOptions>, now: number): void {
    this.at(now);
    const t = this.tcb;
    Object.assign(t.options, o);
    if (o.rcvbuf !== undefined && o.rcvbuf > 0) {
      t.rcvBufSize = o.rcvbuf * 2;
      t.windowClamp = Math.max(1, Math.floor(t.rcvBufSize / 2));
      t.rcvSsthresh = Math.min(t.rcvSsthresh, t.windowClamp);
    }
    if (o.sndbuf !== undefined && o.sndbuf > 0) t.sndBufSize = o.sndbuf * 2;
    if (o.maxseg !== undefined && o.maxseg > 0 && (t.state === 'ESTABLISHED' || t.state === 'CLOSE-WAIT')) {
      t.mssClamp = Math.min(t.mssClamp, o.maxseg);
      updateSndMss(t);
    }
    if ('keepalive' in o || 'keepidle' in o) armKeepalive(t);
    // __tcp_sock_set_nodelay: TCP_NAGLE_OFF|TCP_NAGLE_PUSH, then push what waits, cork or not.
    if ('nodelay' in o && o.nodelay) transmit(t, false, 'push');
    // __tcp_sock_set_cork(sk, false): clear TCP_NAGLE_CORK and push (with TCP_NAGLE_PUSH under TCP_NODELAY).
    if ('cork' in o && !o.cork) transmit(t, false, t.options.nodelay ? 'push' : undefined);
    if (o.quickack) {
      // TCP_QUICKACK=1 (tcp_sock_set_quickack): leave pingpong mode and send a pending ACK now.
      enterQuickack(t);
      if (t.ackPending) sendAck(t);
    }
  }

  status(): ConnectionStatus {
    const t = this.tcb;
    return {
      state: t.state,
      sndUna: t.sndUna, sndNxt: t.sndNxt, rcvNxt: t.rcvNxt,
      sndWnd: t.sndWnd, rcvWnd: t.rcvWnd,
      rtoMs: t.rtoMs, srttMs: t.srttMs,
      retransmits: t.retransmits, backoff: t.backoff, probes: t.probesOut,
      mss: t.sndMss, sndMss: t.sndMss, advMss: t.advMss,
      bytesReceived: t.bytesReceived, bytesAcked: t.bytesAcked,
      sendQueue: t.sndBufLen + (t.finQueued && (t.finSeq === undefined || seqLe(t.sndUna, t.finSeq)) ? 1 : 0),
      recvQueue: t.rcvQueueLen,
      totalRetrans: t.totalRetrans,
      ...(t.error ?? t.lastError ? { error: t.error ?? t.lastError } : {}),
    };
  }

  /** getsockopt(TCP_INFO) at `now` (tcp_get_info): only the fields the engine keeps (tcp-info.ts). */
  tcpInfo(now: number): Record<string, number> {
    return tcpInfo(this.tcb, now);
  }

  /** As /proc/net/tcp's `tr:tm->when` and `ss -o` show it. */
  timerView(now?: number): TimerView {
    const t = this.tcb;
    const p = procTimerKind(t.timers);
    const kind = p.kind === 'timewait' && t.finWait2KeepalivePhase && t.timers['fin-wait-2'] === p.at ? 'keepalive' : p.kind;
    const at = p.at;
    const ref = now ?? t.now;
    const retransmits = kind === 'keepalive' || kind === 'persist' ? t.probesOut : kind === 'on' ? t.retransmits : 0;
    const view: TimerView = { kind, remainingMs: at === undefined ? 0 : Math.max(0, at - ref), retransmits };
    const due = nextDeadline(t.timers);
    if (due !== undefined) {
      view.next = TIMER_KINDS.find((k) => t.timers[k] === due);
      view.nextAt = due;
    }
    return view;
  }

  /**
   * tcp_time_wait(sk, TCP_TIME_WAIT, timeo): the minisocket that can stand in for this connection
   * from now on (time-wait-sock.ts), or undefined while it cannot answer exactly as this
   * Connection would: not in TIME-WAIT, another timer (a delayed ACK) still pending, segments or
   * events not yet drained, or out-of-order data a SACK block would still name.
   */
  toTimeWait(host?: TimeWaitHost): TimeWaitSock | undefined {
    const init = this.timeWaitInit(host);
    return init && new TimeWaitSock(init);
  }

  /**
   * What the minisocket takes over (tcp_time_wait's copy), or undefined while this connection
   * still needs its full TCB. `host`: the settings and clock the minisocket shares; by default
   * its own copy of this connection's.
   */
  timeWaitInit(host?: TimeWaitHost): TimeWaitInit | undefined {
    const t = this.tcb;
    const tw = t.timers['time-wait'];
    if (t.state !== 'TIME-WAIT' || tw === undefined || t.outbox.length > 0 || t.events.length > 0) return undefined;
    if (TIMER_KINDS.some((k) => k !== 'time-wait' && t.timers[k] !== undefined)) return undefined;
    if (t.sackOk && t.ofo.length > 0) return undefined;
    // The minisocket keeps SND.NXT only (as tcp_timewait_sock): everything sent must be acknowledged.
    if (t.sndUna !== t.sndNxt) return undefined;
    // The window every later ACK would carry: in TIME-WAIT nothing advertiseWindow reads changes,
    // and after one call it returns the same value again. Computed on the TCB, then put back.
    const { rcvWnd, rcvWup, quickAcks } = t;
    const win = advertiseWindow(t);
    const advertised = t.rcvWnd;
    t.rcvWnd = rcvWnd;
    t.rcvWup = rcvWup;
    t.quickAcks = quickAcks;
    return {
      host: host ?? { config: t.config, now: t.now }, local: t.local, remote: t.remote,
      rcvNxt: t.rcvNxt, sndNxt: t.sndNxt,
      rcvWnd: advertised, win,
      tsOk: t.tsOk, tsRecent: t.tsRecent, tsRecentStamp: t.tsRecentStamp, tsOffset: t.tsOffset,
      lastOowAckAt: t.lastOowAckAt, deadline: tw,
    };
  }

  /** Time only moves forward; a caller's clock going back is treated as "now" again. */
  private at(now: number): void {
    if (Number.isFinite(now) && now > this.tcb.now) this.tcb.now = now;
  }
}
