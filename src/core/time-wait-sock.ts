// READ THIS FIRST — the TIME-WAIT minisocket: what is left of a connection once it is in
// TIME-WAIT and no application holds it, as Linux keeps it (struct tcp_timewait_sock, ~168 bytes,
// made by tcp_time_wait() in net/ipv4/tcp_minisocks.c). The full TCB — buffers, queues, RTT and
// congestion state, seven timers, the history — is dropped; what TIME-WAIT still needs stays:
//
//   Linux (tcp_timewait_sock / inet_timewait_sock)     here
//   tw_daddr, tw_rcv_saddr, tw_dport, tw_num            laddr, lport, raddr, rport
//   tw_rcv_nxt, tw_snd_nxt                              rcvNxt, sndNxt (SND.UNA is SND.NXT by then)
//   tw_rcv_wnd (>> tw_rcv_wscale when sent)             rcvWnd, win (the raw 16-bit field)
//   tw_ts_recent, tw_ts_recent_stamp, tw_ts_offset      tsRecent, tsRecentStamp, tsOffset
//   tw_last_oow_ack_time                                lastOowAckAt
//   tw_substate, tw_timer                               deadline (undefined once CLOSED)
//   (the netns's sysctls, jiffies)                      host: the settings and clock it shares
//
// Memory, because a host may hold hundreds of thousands of these (V8 on x86-64, no pointer
// compression: 8 bytes a field, and every number that is not a 32-bit integer is a separate
// 16-byte heap object):
// - sequence numbers and timestamps are kept as signed 32-bit integers, read back unsigned, so V8
//   stores them in the object itself;
// - the settings and the clock are the host's (`TimeWaitHost`), not copied into each minisocket;
// - the output and event queues are made only when something is queued (rarely: a minisocket
//   answers few segments, and is freed right after its 'closed' event).
// The host's table entry extends this class (src/stack/time-wait-entry.ts): one record per
// TIME-WAIT entry, as Linux's tcp_timewait_sock is itself the established table's entry.
//
// Rules:
// - Every segment goes through timeWaitProcess (time-wait.ts), the same function a Connection
//   still in TIME-WAIT uses: the rules exist once. Segments are checked and normalised as
//   segment-arrives.ts does for a Connection.
// - It is driven like a Connection (handleSegment, handleTimeout, pollTransmit, pollEvent,
//   nextDeadline, status, timerView), so the host can hold either in its 4-tuple table.
// - Its ACKs are the Connection's ACKs byte for byte: the window is the one advertiseWindow()
//   gives in TIME-WAIT, where nothing it depends on changes any more (computed once by
//   Connection.toTimeWait).
// - No file descriptor reaches a minisocket (Linux has no struct socket behind one): the socket
//   calls answer as for a closed connection.
import type { TcpConfig } from './config.js';
import type { Endpoint, SocketOptions, ConnectionEvent } from './tcb.js';
import { NO_PAYLOAD, type Segment } from './segment.js';
import type { Seq } from './seq.js';
import type { Errno, SysError } from './errno.js';
import { sysError } from './errno.js';
import type { ConnectionStatus, TimerView } from './connection.js';
import { timeWaitProcess, type TimeWaitCause, type TimeWaitEffects } from './time-wait.js';
import { NO_OPTIONS as NO_TCP_OPTIONS, timestampOptions } from './options.js';
import { flags } from './output.js';
import { resetFor } from './reset.js';
import { isWellFormed, normalise } from './events/segment-arrives.js';

/**
 * What every minisocket of one host shares: the settings, and the clock — the latest `now` a
 * caller passed in, which only moves forward (a simulated host's own record is one).
 */
export interface TimeWaitHost {
  readonly config: TcpConfig;
  now: number;
}

/** What Connection.toTimeWait hands over (tcp_time_wait's copy into the minisocket). */
export interface TimeWaitInit {
  host: TimeWaitHost;
  local: Endpoint;
  remote: Endpoint;
  rcvNxt: Seq;
  sndNxt: Seq;
  rcvWnd: number;
  win: number;
  tsOk: boolean;
  tsRecent: number;
  tsRecentStamp: number;
  tsOffset: number;
  lastOowAckAt: number | undefined;
  deadline: number;
}

const NO_OPTIONS: SocketOptions = Object.freeze({});

export class TimeWaitSock {
  readonly host: TimeWaitHost;
  readonly laddr: string;
  readonly lport: number;
  readonly raddr: string;
  readonly rport: number;
  readonly #rcvNxt: number;
  readonly #sndNxt: number;
  private readonly rcvWnd: number;
  private readonly win: number;
  readonly tsOk: boolean;
  #tsRecent: number;
  tsRecentStamp: number;
  readonly #tsOffset: number;
  lastOowAckAt: number | undefined;
  /** The TIME-WAIT timer (tw_timer); undefined once CLOSED. */
  deadline: number | undefined;
  /** Segments and events not yet polled; made on first use. */
  #queued: { out: Segment[]; events: ConnectionEvent[] } | undefined;

  constructor(i: TimeWaitInit) {
    this.host = i.host;
    this.laddr = i.local.addr;
    this.lport = i.local.port;
    this.raddr = i.remote.addr;
    this.rport = i.remote.port;
    this.#rcvNxt = i.rcvNxt | 0;
    this.#sndNxt = i.sndNxt | 0;
    this.rcvWnd = i.rcvWnd;
    this.win = i.win;
    this.tsOk = i.tsOk;
    this.#tsRecent = i.tsRecent | 0;
    this.tsRecentStamp = i.tsRecentStamp;
    this.#tsOffset = i.tsOffset | 0;
    this.lastOowAckAt = i.lastOowAckAt;
    this.deadline = i.deadline;
  }

  get config(): TcpConfig {
    return this.host.config;
  }

  /** The host's clock (tcp_time_stamp, jiffies): the minisocket keeps none of its own. */
  get now(): number {
    return this.host.now;
  }

  get state(): 'TIME-WAIT' | 'CLOSED' {
    return this.deadline === undefined ? 'CLOSED' : 'TIME-WAIT';
  }

  get rcvNxt(): Seq {
    return (this.#rcvNxt >>> 0) as Seq;
  }

  get sndNxt(): Seq {
    return (this.#sndNxt >>> 0) as Seq;
  }

  get tsRecent(): number {
    return this.#tsRecent >>> 0;
  }

  set tsRecent(v: number) {
    this.#tsRecent = v | 0;
  }

  get local(): Endpoint {
    return { addr: this.laddr, port: this.lport };
  }

  get remote(): Endpoint {
    return { addr: this.raddr, port: this.rport };
  }

  /** tcp_timewait_state_process. */
  handleSegment(seg: Segment, now: number): void {
    this.at(now);
    if (!isWellFormed(seg)) return;
    if (this.state === 'CLOSED') {
      // As a CLOSED Connection answers (RFC 9293 §3.10.7.1); the host frees us before this.
      const r = resetFor(seg);
      if (r) this.push(r);
      return;
    }
    timeWaitProcess(this, normalise(seg), TW_EFFECTS);
  }

  /** tw_timer_handler: the 60 s are over. */
  handleTimeout(now: number): void {
    this.at(now);
    if (this.deadline !== undefined && this.deadline <= this.now) closeTw(this, 'time-wait-timeout');
  }

  nextDeadline(): number | undefined {
    return this.deadline;
  }

  pollTransmit(): Segment | undefined {
    return this.#queued?.out.shift();
  }

  pollEvent(): ConnectionEvent | undefined {
    return this.#queued?.events.shift();
  }

  /** The answer Connection.status() gives in TIME-WAIT for what a minisocket keeps; no RTT or congestion state (ss -i shows none for TIME-WAIT either). */
  status(): ConnectionStatus {
    return {
      state: this.state,
      sndUna: this.sndNxt, sndNxt: this.sndNxt, rcvNxt: this.rcvNxt,
      sndWnd: 0, rcvWnd: this.rcvWnd,
      rtoMs: 0, srttMs: undefined,
      retransmits: 0, backoff: 0, probes: 0,
      mss: 0, sndMss: 0, advMss: 0,
      bytesReceived: 0, bytesAcked: 0,
      sendQueue: 0, recvQueue: 0, totalRetrans: 0,
    };
  }

  /** As Connection.timerView: `timer:(timewait,Ns,0)`. */
  timerView(now?: number): TimerView {
    const at = this.deadline;
    if (at === undefined) return { kind: 'off', remainingMs: 0, retransmits: 0 };
    return { kind: 'timewait', remainingMs: Math.max(0, at - (now ?? this.now)), retransmits: 0, next: 'time-wait', nextAt: at };
  }

  // ---- the socket calls: no file descriptor reaches a minisocket; answers as for a closed one.
  get orphaned(): boolean { return true; }
  get error(): Errno | undefined { return undefined; }
  get options(): SocketOptions { return NO_OPTIONS; }
  get timestampsOk(): boolean { return this.tsOk; }
  readableBytes(): number { return 0; }
  writableSpace(): number { return 0; }
  send(_data: Uint8Array, _now: number): number | SysError { return sysError('EPIPE'); }
  recv(_max: number, _now: number): Uint8Array | SysError { return new Uint8Array(0); }
  shutdown(_how: 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR', _now: number): 0 | SysError { return sysError('ENOTCONN'); }
  close(now: number): void { this.at(now); }
  abort(now: number): void { this.at(now); }
  setOption(_o: Partial<SocketOptions>, now: number): void { this.at(now); }

  /** The output of the TIME-WAIT rules (TimeWaitEffects). */
  push(seg: Segment): void {
    (this.#queued ??= { out: [], events: [] }).out.push(seg);
  }

  emitEvent(e: ConnectionEvent): void {
    (this.#queued ??= { out: [], events: [] }).events.push(e);
  }

  /** tcp_v4_timewait_ack → tcp_v4_send_ack: seq tw_snd_nxt, ack tw_rcv_nxt, the window, TS. */
  ack(): void {
    this.push({
      srcAddr: this.laddr, srcPort: this.lport,
      dstAddr: this.raddr, dstPort: this.rport,
      seq: this.sndNxt, ack: this.rcvNxt, flags: flags({ ack: true }),
      window: this.win,
      urgent: 0,
      options: this.tsOk ? timestampOptions(Math.floor(this.now) + this.#tsOffset, this.tsRecent) : NO_TCP_OPTIONS,
      payload: NO_PAYLOAD,
    });
  }

  /** Time only moves forward, as in Connection. */
  private at(now: number): void {
    if (Number.isFinite(now) && now > this.host.now) this.host.now = now;
  }
}

/** state-change.ts's setState for the minisocket: the 'state' event, then 'closed'. */
function closeTw(tw: TimeWaitSock, cause: TimeWaitCause): void {
  if (tw.state === 'CLOSED') return;
  tw.deadline = undefined;
  tw.emitEvent({ type: 'state', from: 'TIME-WAIT', to: 'CLOSED', cause, at: tw.now });
  tw.emitEvent({ type: 'closed' });
}

const TW_EFFECTS: TimeWaitEffects<TimeWaitSock> = {
  ack: (tw) => tw.ack(),
  restartTimer: (tw, at) => { tw.deadline = at; },
  newIncarnation: (tw, syn, isn) => tw.emitEvent({ type: 'new-incarnation', syn, isn }),
  close: closeTw,
};
