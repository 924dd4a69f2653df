// The host's records: a socket behind an fd (`Sock`), a listener's queues (`Listener`) and one
// connection in the established table (`Entry`: a request socket, a queued or owned connection, an
// orphan, or a TIME-WAIT entry). Plain data; the host's modules (host.ts lists them) change them.
import type { TcpState } from '../model/states.js';
import type { AddressFamily, SockOptName, SockOptValue } from './api.js';
import type { Errno } from '../core/errno.js';
import type { BindOwner } from './ports.js';
import type { Connection, SocketOptions, TimeWaitSock } from './engine.js';
import type { ZerocopyState } from './zerocopy.js';

/** What an entry counts as in sockstat and against the host's limits. */
export type EntryClass = 'request' | 'full' | 'orphan' | 'tw' | 'none';

export class Listener {
  backlog = 0;
  /** Request sockets (SYN-RECEIVED) of this listener. */
  readonly requests = new Set<Entry>();
  /** Requests whose SYN-ACK timer has not fired yet (reqsk_queue_len_young). */
  young = 0;
  /** Completed connections waiting for accept(), oldest first. */
  acceptQueue: Entry[] = [];
  /** tcp_synq_overflow(): when a cookie was last sent (cookies are checked for 2 minutes after). */
  lastOverflowAt: number | undefined;
  /**
   * fastopenq.max_qlen set by listen() under TFO_SERVER_WO_SOCKOPT1 (inet_listen →
   * fastopen_queue_tune); TCP_FASTOPEN on the socket sets it too and wins.
   */
  fastopenAtListen = 0;
  /** Fast Open children still waiting for their final ACK (fastopenq.qlen). */
  readonly fastopenPending = new Set<Entry>();
  constructor(readonly sock: Sock) {}
}

export class Sock implements BindOwner {
  nonblock = false;
  addr = '';
  port = 0;
  /** In the port table as an explicit bind() owner (before connect, or as a listener). */
  bound = false;
  reuseAddr = false;
  reusePort = false;
  readonly opts: SocketOptions = {};
  #raw: Map<SockOptName, SockOptValue> | undefined;
  /** Options stored for getsockopt that the engine does not model (made on first use: most sockets set none). */
  get raw(): Map<SockOptName, SockOptValue> {
    return (this.#raw ??= new Map());
  }
  listener: Listener | undefined;
  entry: Entry | undefined;
  connectState: 'none' | 'connecting' | 'connected' = 'none';
  /** TCP_FASTOPEN_CONNECT (tp->fastopen_connect). */
  fastopenConnect = false;
  /** connect() under TCP_FASTOPEN_CONNECT with a cookie: no SYN until the first write (DEFER_CONNECT). */
  deferred: { addr: string; port: number } | undefined;
  /** SO_ERROR not tied to a connection. */
  error: Errno | undefined;
  /** The connection's error was already handed out (sock_error() clears it). */
  errorTaken = false;
  /** MSG_ZEROCOPY ids and completions (zerocopy.ts), once a zerocopy send was made. */
  zerocopy: ZerocopyState | undefined;
  readonly inode: number;
  constructor(readonly fd: number, readonly family: AddressFamily, inode: number) {
    this.inode = inode;
  }
  isListening(): boolean {
    return this.listener !== undefined;
  }
  isTimeWait(): boolean {
    return false;
  }
}

export class Entry implements BindOwner {
  /** Its place in the host's timer heap (deadline-heap.ts): -1 while no timer is armed. */
  heapIndex = -1;
  phase: 'request' | 'queued' | 'owned' | 'orphan' = 'owned';
  cls: EntryClass = 'none';
  sock: Sock | undefined;
  listener: Listener | undefined;
  freed = false;
  /** When the current state began (ms), for ages in views. */
  since: number;
  /** The state as last reported by the engine. */
  state: TcpState;
  reuseAddr = false;
  reusePort = false;
  /**
   * The last segment received carried a timestamp (so timestamps were negotiated): Linux's
   * tw_ts_recent_stamp != 0, which tcp_tw_reuse requires.
   */
  tsSeen = false;
  /** A request socket's SYN-ACK timeouts so far (req->num_timeout). */
  reqTimeouts = 0;
  constructor(
    /** The engine's connection; once in TIME-WAIT with no application holding it, its minisocket (limits.ts toMinisocket). */
    public conn: Connection | TimeWaitSock,
    /** Its key in the established table (established.ts connKey). */
    readonly key: number,
    readonly addr: string,
    readonly port: number,
    readonly raddr: string,
    readonly rport: number,
    now: number,
  ) {
    this.since = now;
    this.state = conn.state;
  }
  isListening(): boolean {
    return false;
  }
  isTimeWait(): boolean {
    return this.cls === 'tw';
  }
}
