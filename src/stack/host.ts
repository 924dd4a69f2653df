// READ THIS FIRST — a simulated host: BSD socket calls over file descriptors, around the TCP
// connection engine (src/core/connection.ts). It implements `SocketApi` (api.ts).
//
// Rules this file keeps:
// - Sans-IO and deterministic: time arrives as `now`; ISNs, timestamp offsets, ephemeral-port
//   offsets and the SYN-cookie secret come from one seeded PRNG (random.ts).
// - Demultiplexing (__inet_lookup_skb): the established table first (request sockets, connections,
//   TIME-WAIT entries, keyed by 4-tuple), then listeners (an exact local address before a wildcard;
//   a SO_REUSEPORT group picks one listener by a hash of the 4-tuple); a segment that reaches no
//   socket is answered by the engine's `resetFor()` (tcp_v4_send_reset), an RST never.
// - Listen queues follow listen-queue.ts; SYN cookies syncookie.ts; ports ports.ts.
// - Every connection is "serviced" after any input: its segments are moved to the host's output,
//   its events applied here (state changes recorded and counted, the accept queue filled, the
//   TIME-WAIT and orphan limits enforced, closed connections freed), its next deadline re-armed.
// - Limits (Linux): tcp_max_tw_buckets counts TIME-WAIT entries and orphaned FIN-WAIT-2 sockets
//   whose timeout is at most 60 s (they become timewait minisockets, tcp_time_wait(sk,
//   TCP_FIN_WAIT2, tmo)); past it a connection entering TIME-WAIT is destroyed at once
//   (TCPTimeWaitOverflow). tcp_max_orphans counts orphaned full sockets; past it a close() resets
//   the connection (tcp_check_oom, TCPAbortOnMemory).
// - A connection in TIME-WAIT that no application holds is swapped for its minisocket
//   (Connection.toTimeWait, src/core/time-wait-sock.ts) as tcp_time_wait() does: same answers,
//   a fraction of the memory.
import type { TcpConfig } from '../core/config.js';
import { defaultConfig } from '../core/config.js';
import { ERRNO_NUMBER, sysError, type Errno, type SysError } from '../core/errno.js';
import { hash32, Rng } from '../core/random.js';
import type { Segment } from '../core/segment.js';
import { seq, seqAdd, type Seq } from '../core/seq.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type {
  AcceptResult, AddressFamily, Readiness, ShutdownHow, SockOptName, SockOptValue, SocketApi, SocketStatus, StateChange,
} from './api.js';
import { addrMatches, canonical, isLoopback, isV4, isWildcard, tupleKey } from './addr.js';
import { COUNTER_NAMES, zeroCounters, type CounterName, type Counters } from './counters.js';
import { DeadlineHeap } from './deadline-heap.js';
import { Connection, resetFor, type ConnectionEvent, type ConnectionParams, type TransmitFilter } from './engine.js';
import { FdTable } from './fd-table.js';
import { effectiveBacklog, onFinalAck, onSyn } from './listen-queue.js';
import { PortTable, type TupleCheck } from './ports.js';
import { applyProfile, type ProfileName } from './profiles.js';
import { Entry, Listener, Sock, type EntryClass } from './sockets.js';
import { cookieCheck, cookieInit } from './syncookie.js';
import { hostSnapshot, hostSockets } from './views.js';

export interface HostOptions {
  /** The host's addresses; the first of each family is the source for connect(). */
  addrs?: string[];
  config?: TcpConfig;
  profile?: ProfileName;
  seed?: number;
  hostname?: string;
  /** The process that owns every fd, as views attribute sockets. */
  process?: { pid: number; name: string };
  /** Keep state changes for drainStateChanges() (turn off for very large load runs). */
  recordStateChanges?: boolean;
  /** RLIMIT_NOFILE (`ulimit -n`): socket() and accept() fail with EMFILE beyond it. */
  maxFds?: number;
  /**
   * Hold an unowned TIME-WAIT connection as a minisocket (default true, as Linux). false keeps
   * the full Connection to the end: same behaviour, more memory (for comparison and tests).
   */
  timeWaitMinisockets?: boolean;
}

const TCP_TIMEWAIT_LEN_MS = 60_000;
/** net.core.wmem_max / rmem_max defaults, and SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on x86-64. */
const WMEM_MAX = 212_992;
const RMEM_MAX = 212_992;
const SOCK_MIN_SNDBUF = 4608;
const SOCK_MIN_RCVBUF = 2304;
const SYNCOOKIE_VALID_MS = 120_000;

export class Host implements SocketApi {
  readonly config: TcpConfig;
  readonly profile: ProfileName;
  readonly addrs: string[];
  readonly hostname: string;
  readonly process: { pid: number; name: string };
  now = 0;

  private readonly rng: Rng;
  private readonly secret: number;
  private readonly tsSecret: number;
  private readonly portSecret: number;
  private readonly fds = new FdTable<Sock>();
  private readonly conns = new Map<string, Entry>();
  /**
   * Per destination (local address, remote address, remote port): how many 4-tuples use a local
   * port inside the ephemeral range. When every port of the range is taken and none may be reused,
   * connect() fails at once instead of walking the whole range (same answer, O(1)).
   */
  private readonly dests = new Map<string, DestIndex>();
  private rangeKey = '';
  private readonly listeners = new Map<number, Listener[]>();
  private readonly ports: PortTable;
  private readonly heap = new DeadlineHeap<Entry>();
  private readonly out: Segment[] = [];
  private outHead = 0;
  private changes: StateChange[] = [];
  private readonly record: boolean;
  private readonly mib: Counters = zeroCounters();
  private readonly classCount: Record<EntryClass, number> = { request: 0, full: 0, orphan: 0, tw: 0, none: 0 };
  private nextInode = 10_000;
  private readonly maxFds: number;
  private inTimeout = false;
  private readonly minisockets: boolean;
  /** close() calls still sleeping under SO_LINGER {on, N > 0}: the closed fd → its connection (closeWaitUntil). */
  private readonly lingerWaits = new Map<number, Entry>();
  /** The local device (setTransmitFilter): undefined = every segment leaves. */
  private transmitFilter: TransmitFilter | undefined;
  /** Segments the local device dropped, for pollLocalDrop. */
  private readonly localDrops: Segment[] = [];

  constructor(opts: HostOptions = {}) {
    this.config = opts.config ?? defaultConfig();
    this.profile = opts.profile ?? 'linux';
    if (!opts.config) applyProfile(this.config, this.profile);
    this.addrs = opts.addrs && opts.addrs.length > 0 ? [...opts.addrs] : ['127.0.0.1', '::1'];
    this.hostname = opts.hostname ?? 'sim';
    this.process = opts.process ?? { pid: 1000, name: 'app' };
    this.record = opts.recordStateChanges ?? true;
    this.maxFds = opts.maxFds ?? 1_048_576;
    this.minisockets = opts.timeWaitMinisockets ?? true;
    this.rng = new Rng(opts.seed ?? 1);
    this.secret = this.rng.u32();
    this.tsSecret = this.rng.u32();
    this.portSecret = this.rng.u32();
    this.ports = new PortTable(this.rng);
  }

  // ---------------------------------------------------------------- BSD calls

  socket(family: AddressFamily, opts: { nonblock?: boolean } = {}): number | SysError {
    if (family !== 'AF_INET' && family !== 'AF_INET6') return sysError('EAFNOSUPPORT');
    if (this.fds.size + 3 >= this.maxFds) return sysError('EMFILE');
    return this.fds.allocateWith((fd) => {
      const s = new Sock(fd, family, this.nextInode++);
      s.nonblock = opts.nonblock ?? false;
      return s;
    });
  }

  bind(fd: number, addr: string, port: number): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.bound || s.entry || s.listener) return sysError('EINVAL'); // already bound (inet_bind: inet_num != 0)
    if (!Number.isInteger(port) || port < 0 || port > 65535) return sysError('EINVAL');
    if (s.family === 'AF_INET' && !isV4(addr)) return sysError('EAFNOSUPPORT');
    if (!isWildcard(addr) && !this.isLocal(addr)) return sysError('EADDRNOTAVAIL');
    let p = port;
    if (p === 0) {
      const found = this.ports.findOpenPort(addr, s.reuseAddr, s.reusePort, this.config.ip_local_port_range);
      if (found === undefined) return sysError('EADDRINUSE');
      p = found;
    } else if (this.ports.bindConflict(addr, p, s.reuseAddr, s.reusePort)) {
      return sysError('EADDRINUSE');
    }
    s.addr = addr;
    s.port = p;
    s.bound = true;
    this.ports.add(s, true);
    return 0;
  }

  listen(fd: number, backlog: number): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.entry) return sysError('EINVAL');
    if (!s.bound) {
      // inet_autobind(): an unbound listener gets an ephemeral port on the wildcard address.
      const r = this.bind(fd, s.family === 'AF_INET' ? '0.0.0.0' : '::', 0);
      if (r !== 0) return r;
    }
    if (!s.listener) {
      // inet_csk_listen_start() re-checks the port: two listeners need SO_REUSEPORT on both.
      for (const o of this.ports.owners(s.port)) {
        if (o !== s && o.isListening() && !(s.reusePort && o.reusePort) && addrOverlapForListen(s.addr, o.addr)) return sysError('EADDRINUSE');
      }
      s.listener = new Listener(s);
      const list = this.listeners.get(s.port) ?? [];
      list.push(s.listener);
      this.listeners.set(s.port, list);
      this.recordChange({ at: this.now, fd, local: { addr: s.addr, port: s.port }, remote: { addr: '0.0.0.0', port: 0 }, from: 'CLOSED', to: 'LISTEN', reason: 'listen()' });
    }
    // A second listen() only changes the backlog (Linux allows it).
    s.listener.backlog = effectiveBacklog(backlog, this.config);
    return 0;
  }

  accept(fd: number): AcceptResult | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    const l = s.listener;
    if (!l) return sysError('EINVAL');
    if (l.acceptQueue.length === 0) return sysError('EAGAIN');
    // EMFILE leaves the connection in the accept queue (the classic fd-leak cascade).
    if (this.fds.size + 3 >= this.maxFds) return sysError('EMFILE');
    const e = l.acceptQueue.shift() as Entry;
    let child = undefined as unknown as Sock;
    const cfd = this.fds.allocateWith((n) => (child = new Sock(n, s.family, this.nextInode++)));
    child.addr = e.addr;
    child.port = e.port;
    child.reuseAddr = s.reuseAddr;
    child.reusePort = s.reusePort;
    Object.assign(child.opts, s.opts);
    child.entry = e;
    child.connectState = 'connected';
    e.sock = child;
    e.listener = undefined;
    e.phase = 'owned';
    this.reclass(e);
    const addr = s.family === 'AF_INET6' && isV4(e.raddr) && !e.raddr.includes(':') ? `::ffff:${e.raddr}` : e.raddr;
    return { fd: cfd, addr, port: e.rport };
  }

  connect(fd: number, addr: string, port: number): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.listener) return sysError('EISCONN');
    if (s.entry) return this.reconnect(s);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return sysError('ECONNREFUSED');
    if (s.family === 'AF_INET' && !isV4(addr)) return sysError('EAFNOSUPPORT');
    const laddr = s.bound && !isWildcard(s.addr) ? s.addr : this.sourceFor(addr);
    if (laddr === undefined) return sysError('ENETUNREACH');
    let lport: number;
    let reuse: Entry | undefined;
    if (s.bound) {
      // Bound before connect: only this port; the 4-tuple must be free (a TIME-WAIT with
      // timestamps may be taken whatever tcp_tw_reuse says: tcp_twsk_unique with twp == NULL).
      lport = s.port;
      const c = this.tupleCheck(laddr, lport, addr, port, true);
      if (c === 'busy') return sysError('EADDRNOTAVAIL');
      if (c === 'reuse-tw') reuse = this.conns.get(tupleKey(laddr, lport, addr, port));
    } else {
      this.syncRange();
      const dest = this.dests.get(destOf(laddr, addr, port));
      const half = this.scanSpan() >> 1;
      // A parity pass in which every port is taken toward this destination, with no TIME-WAIT
      // reuse possible, cannot succeed: skip it (same answer as walking it, without the walk).
      const hopeless = (parity: number): boolean => !!dest && !this.reuseAllowed(laddr, addr) && dest.parity[parity] >= half;
      const off = { lo: hash32(this.portSecret, `${canonical(laddr)}|${canonical(addr)}|${port}`), hi: hash32(this.portSecret ^ 0x5bd1e995, `${canonical(laddr)}|${canonical(addr)}|${port}`) };
      const r = this.ports.connectPort(this.config.ip_local_port_range, off, (p) => this.portCheck(dest, p), hopeless);
      if (!r) return sysError('EADDRNOTAVAIL');
      lport = r.port;
      if (r.reuseTw) reuse = this.conns.get(tupleKey(laddr, lport, addr, port));
    }
    let isn: Seq | undefined;
    if (reuse) {
      // __inet_check_established(): the TIME-WAIT entry is killed and counted; the new
      // connection starts beyond anything the old one sent: write_seq = tw_snd_nxt + 65535 + 2.
      const st = reuse.conn.status();
      isn = seqAdd(seq(st.sndNxt ?? 0), 65535 + 2);
      this.count('TcpExt:TWRecycled');
      this.free(reuse);
    }
    if (s.bound) {
      this.ports.remove(s);
      s.bound = false;
    }
    const params = this.params(laddr, lport, addr, port, s.opts, isn);
    const conn = Connection.connect(params, this.now);
    const e = new Entry(conn, tupleKey(laddr, lport, addr, port), laddr, lport, addr, port, this.now);
    e.reuseAddr = s.reuseAddr;
    e.reusePort = s.reusePort;
    e.sock = s;
    e.phase = 'owned';
    s.entry = e;
    s.addr = laddr;
    s.port = lport;
    s.connectState = 'connecting';
    this.addConn(e);
    this.ports.add(e, false);
    this.count('Tcp:ActiveOpens'); // tcp_connect()
    this.reclass(e);
    this.service(e);
    return sysError('EINPROGRESS');
  }

  send(fd: number, data: Uint8Array): number | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    const e = s.entry;
    if (!e) return sysError('EPIPE'); // a listener too: tcp_sendmsg_locked -> sk_stream_wait_connect (LISTEN is not SYN-SENT/SYN-RECV)
    const r = e.conn.send(data, this.now);
    this.service(e);
    return r;
  }

  recv(fd: number, max: number): Uint8Array | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    const e = s.entry;
    if (!e) return sysError('ENOTCONN');
    const r = e.conn.recv(max, this.now);
    this.service(e);
    return r;
  }

  shutdown(fd: number, how: ShutdownHow): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.listener) {
      // shutdown() on a listener: Linux disconnects it (tcp_disconnect), like a close of the queues.
      if (how !== 'SHUT_WR') this.stopListener(s);
      return 0;
    }
    const e = s.entry;
    if (!e) return sysError('ENOTCONN');
    const r = e.conn.shutdown(how, this.now);
    this.service(e);
    return r;
  }

  close(fd: number): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    this.fds.release(fd);
    this.lingerWaits.delete(fd);
    if (s.listener) this.stopListener(s);
    if (s.bound) {
      this.ports.remove(s);
      s.bound = false;
    }
    const e = s.entry;
    if (!e) return 0;
    s.entry = undefined;
    e.sock = undefined;
    if (e.freed) return 0;
    const st = e.conn.state;
    // tcp_close() counters the engine's close() does not keep (Documentation/networking/snmp_counter.rst):
    if (st !== 'CLOSED' && st !== 'TIME-WAIT' && st !== 'SYN-SENT') {
      const linger = s.opts.linger;
      if (e.conn.readableBytes() > 0) this.count('TcpExt:TCPAbortOnClose');
      else if (linger && linger.onoff && linger.seconds === 0) this.count('TcpExt:TCPAbortOnData');
      else if (st === 'FIN-WAIT-2' && (s.opts.linger2 ?? 0) < 0) this.count('TcpExt:TCPAbortOnLinger');
    }
    e.phase = 'orphan';
    e.conn.close(this.now);
    this.service(e);
    if (!e.freed && e.cls === 'orphan' && this.classCount.orphan > this.config.tcp_max_orphans) {
      // tcp_check_oom() → tcp_too_many_orphans(): reset the newest orphan.
      this.count('TcpExt:TCPAbortOnMemory');
      e.conn.abort(this.now);
      this.service(e);
    }
    if (this.lingerDeadlineOf(e) !== undefined) this.lingerWaits.set(fd, e);
    return 0;
  }

  closeWaitUntil(fd: number): number | undefined {
    const e = this.lingerWaits.get(fd);
    if (!e) return undefined;
    const at = this.lingerDeadlineOf(e);
    if (at === undefined) this.lingerWaits.delete(fd);
    return at;
  }

  /** sk_stream_wait_close(): the engine knows the deadline and whether the FIN is still unacknowledged. */
  private lingerDeadlineOf(e: Entry): number | undefined {
    return !e.freed && e.conn instanceof Connection ? e.conn.lingerDeadline(this.now) : undefined;
  }

  setsockopt(fd: number, name: SockOptName, value: SockOptValue): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    const num = typeof value === 'number' ? value : undefined;
    switch (name) {
      case 'SO_REUSEADDR': s.reuseAddr = !!num; break;
      case 'SO_REUSEPORT': s.reusePort = !!num; break;
      case 'SO_ERROR': return sysError('ENOPROTOOPT');
      default: {
        const patch = optionPatch(name, value);
        if (patch === 'invalid') return sysError('EINVAL');
        if (patch) Object.assign(s.opts, patch);
        if (patch && s.entry && !s.entry.freed) {
          s.entry.conn.setOption(patch, this.now);
          this.service(s.entry);
        }
      }
    }
    s.raw.set(name, value);
    return 0;
  }

  getsockopt(fd: number, name: SockOptName): SockOptValue | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (name === 'SO_ERROR') {
      const err = this.takeError(s);
      return err ? ERRNO_NUMBER[err] : 0;
    }
    if (name === 'TCP_INQ') return s.entry ? s.entry.conn.readableBytes() : 0;
    const v = s.raw.get(name);
    // sock_setsockopt(): the kernel doubles SO_SNDBUF/SO_RCVBUF for its bookkeeping overhead,
    // after capping at net.core.wmem_max/rmem_max, never below SOCK_MIN_SNDBUF/RCVBUF.
    if (name === 'SO_SNDBUF' && typeof v === 'number') return Math.max(Math.min(v, WMEM_MAX) * 2, SOCK_MIN_SNDBUF);
    if (name === 'SO_RCVBUF' && typeof v === 'number') return Math.max(Math.min(v, RMEM_MAX) * 2, SOCK_MIN_RCVBUF);
    if (v !== undefined) return v;
    switch (name) {
      case 'SO_LINGER': return { onoff: 0, linger: 0 };
      case 'SO_RCVBUF': return this.config.tcp_rmem[1];
      case 'SO_SNDBUF': return this.config.tcp_wmem[1];
      case 'TCP_KEEPIDLE': return this.config.tcp_keepalive_time;
      case 'TCP_KEEPINTVL': return this.config.tcp_keepalive_intvl;
      case 'TCP_KEEPCNT': return this.config.tcp_keepalive_probes;
      case 'TCP_SYNCNT': return this.config.tcp_syn_retries;
      case 'TCP_LINGER2': return this.config.tcp_fin_timeout;
      case 'TCP_MAXSEG': return s.entry ? (s.entry.conn.status().sndMss ?? 536) : 536;
      default: return 0;
    }
  }

  setNonBlocking(fd: number, on: boolean): 0 | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    s.nonblock = on;
    return 0;
  }

  isNonBlocking(fd: number): boolean {
    return this.sockOf(fd)?.nonblock ?? false;
  }

  bytesReadable(fd: number): number | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.listener) return sysError('EINVAL');
    return s.entry ? s.entry.conn.readableBytes() : 0;
  }

  readiness(fd: number): Readiness | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.listener) return { readable: s.listener.acceptQueue.length > 0, writable: false, error: false, hup: false };
    const e = s.entry;
    if (!e) return { readable: false, writable: false, error: !!s.error, hup: true };
    const c = e.conn;
    const st = c.state;
    const error = c.error !== undefined && !s.errorTaken;
    const closed = st === 'CLOSED';
    const connected = st !== 'SYN-SENT' && st !== 'SYN-RECEIVED';
    const st2 = c.status();
    const eof = st === 'CLOSE-WAIT' || st === 'LAST-ACK' || st === 'CLOSING' || st === 'TIME-WAIT' || closed;
    return {
      readable: c.readableBytes() > 0 || eof || error,
      writable: error || closed || (connected && (st === 'ESTABLISHED' || st === 'CLOSE-WAIT') && c.writableSpace() > 0),
      error,
      hup: closed || (st2.state === 'TIME-WAIT'),
    };
  }

  status(fd: number): SocketStatus | SysError {
    const s = this.sockOf(fd);
    if (!s) return sysError('EBADF');
    if (s.listener) return { state: 'LISTEN', local: { addr: s.addr, port: s.port } };
    if (!s.entry) return { state: 'CLOSED', ...(s.bound ? { local: { addr: s.addr, port: s.port } } : {}) };
    const e = s.entry;
    return { ...e.conn.status(), local: { addr: e.addr, port: e.port }, remote: { addr: e.raddr, port: e.rport } };
  }

  // ---------------------------------------------------------------- sans-IO plumbing

  advance(now: number): void {
    if (now > this.now) this.now = now;
  }

  handleSegment(seg: Segment, now: number): void {
    this.advance(now);
    this.count('Tcp:InSegs');
    const key = tupleKey(seg.dstAddr, seg.dstPort, seg.srcAddr, seg.srcPort);
    const e = this.conns.get(key);
    if (e) {
      e.tsSeen = hasTimestamp(seg);
      if (e.phase === 'request') this.requestInput(e, seg);
      else {
        const before = e.conn.state;
        e.conn.handleSegment(seg, this.now);
        // tcp_rcv_state_process(): data for an orphan that can no longer read is reset (TCPAbortOnData).
        if (e.phase === 'orphan' && seg.payload.length > 0 && before !== 'CLOSED' && e.conn.state === 'CLOSED' && !seg.flags.rst) this.count('TcpExt:TCPAbortOnData');
        this.service(e);
      }
      return;
    }
    const l = this.lookupListener(seg);
    if (l) {
      this.listenerInput(l, seg, undefined);
      return;
    }
    this.replyReset(seg);
  }

  handleTimeout(now: number): void {
    this.advance(now);
    this.inTimeout = true;
    try {
      for (let e = this.heap.popDue(this.now); e; e = this.heap.popDue(this.now)) {
        if (e.freed) continue;
        if (e.phase === 'request' && this.requestExpires(e)) {
          this.free(e); // inet_csk_reqsk_queue_drop_and_put(): silently, no RST
          continue;
        }
        e.conn.handleTimeout(this.now);
        this.service(e);
      }
    } finally {
      this.inTimeout = false;
    }
  }

  pollTransmit(): Segment | undefined {
    if (this.outHead >= this.out.length) {
      if (this.out.length > 0) {
        this.out.length = 0;
        this.outHead = 0;
      }
      return undefined;
    }
    const s = this.out[this.outHead];
    (this.out as Array<Segment | undefined>)[this.outHead] = undefined;
    this.outHead++;
    return s;
  }

  nextDeadline(): number | undefined {
    return this.heap.peek();
  }

  /**
   * The local device (a qdisc): asked for every segment the host sends; false = dropped before
   * the wire. Connections are told (Connection.setTransmitFilter), so their data is not counted
   * as sent and is retried as Linux retries after tcp_transmit_skb fails. undefined = no drops.
   */
  setTransmitFilter(filter: TransmitFilter | undefined): void {
    this.transmitFilter = filter;
    for (const e of this.conns.values()) {
      if (e.conn instanceof Connection) {
        e.conn.setTransmitFilter(filter);
        this.service(e);
      }
    }
  }

  /** The next segment the local device dropped, oldest first (a trace shows them as lost). */
  pollLocalDrop(): Segment | undefined {
    return this.localDrops.shift();
  }

  drainStateChanges(): StateChange[] {
    const c = this.changes;
    this.changes = [];
    return c;
  }

  // ---------------------------------------------------------------- views

  sockets(): SocketRecord[] {
    return hostSockets(this.viewInput());
  }

  snapshot(): HostSnapshot {
    return hostSnapshot(this.viewInput());
  }

  counters(): Record<string, number> {
    const c: Record<string, number> = {};
    for (const n of COUNTER_NAMES) c[n] = this.mib[n];
    c['Tcp:CurrEstab'] = this.currEstab();
    return c;
  }

  /** /proc/net/sockstat's TCP line. */
  sockstat(): { inuse: number; orphan: number; tw: number; alloc: number } {
    let listeners = 0;
    for (const l of this.listeners.values()) listeners += l.length;
    let fdOnly = 0;
    for (const s of this.fds.values()) if (!s.entry && !s.listener) fdOnly++;
    const inuse = listeners + this.classCount.full + this.classCount.orphan;
    return { inuse, orphan: this.classCount.orphan, tw: this.classCount.tw, alloc: inuse + fdOnly };
  }

  /** Per-listener queue lengths (for load samples): SYN queue, accept queue, backlog. */
  queues(): Array<{ addr: string; port: number; synQueue: number; acceptQueue: number; backlog: number }> {
    const r: Array<{ addr: string; port: number; synQueue: number; acceptQueue: number; backlog: number }> = [];
    for (const list of this.listeners.values()) {
      for (const l of list) r.push({ addr: l.sock.addr, port: l.sock.port, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length, backlog: l.backlog });
    }
    return r;
  }

  /** How many connections are in each state now (request sockets as SYN-RECEIVED; listeners as LISTEN). */
  stateCounts(): Partial<Record<TcpState, number>> {
    const r: Partial<Record<TcpState, number>> = {};
    for (const list of this.listeners.values()) r.LISTEN = (r.LISTEN ?? 0) + list.length;
    for (const e of this.conns.values()) r[e.state] = (r[e.state] ?? 0) + 1;
    return r;
  }

  // ---------------------------------------------------------------- internals

  private sockOf(fd: number): Sock | undefined {
    return Number.isInteger(fd) ? this.fds.get(fd) : undefined;
  }

  private isLocal(addr: string): boolean {
    const a = canonical(addr);
    if (isLoopback(a)) return true;
    return this.addrs.some((x) => canonical(x) === a);
  }

  /** Source address selection (a stand-in for the routing lookup in ip_route_connect). */
  private sourceFor(dst: string): string | undefined {
    const mapped = dst.toLowerCase().startsWith('::ffff:') && isV4(dst);
    let src: string | undefined;
    if (isLoopback(dst)) src = isV4(dst) ? '127.0.0.1' : '::1';
    else if (this.isLocal(dst)) src = canonical(dst);
    else src = this.addrs.find((a) => isV4(a) === isV4(dst) && !isLoopback(a)) ?? this.addrs.find((a) => isV4(a) === isV4(dst));
    if (src === undefined) return undefined;
    return mapped ? `::ffff:${src}` : src;
  }

  /** __inet_check_established() for one candidate 4-tuple, with tcp_twsk_unique()'s rules. */
  private tupleCheck(laddr: string, lport: number, raddr: string, rport: number, boundBefore: boolean): TupleCheck {
    return this.entryCheck(this.conns.get(tupleKey(laddr, lport, raddr, rport)), boundBefore);
  }

  private portCheck(dest: DestIndex | undefined, port: number): TupleCheck {
    return dest ? this.entryCheck(dest.ports.get(port), false) : 'free';
  }

  private entryCheck(e: Entry | undefined, boundBefore: boolean): TupleCheck {
    if (!e) return 'free';
    if (e.state !== 'TIME-WAIT') return 'busy'; // a FIN-WAIT-2 minisocket is never reused
    if (!e.tsSeen) return 'busy'; // tw_ts_recent_stamp == 0: no PAWS, not safe
    if (boundBefore) return 'reuse-tw';
    if (!this.reuseAllowed(e.addr, e.raddr)) return 'busy';
    // time_after32(now, tw_entry_stamp + tcp_tw_reuse_delay)
    return this.now > e.since + this.config.tcp_tw_reuse_delay ? 'reuse-tw' : 'busy';
  }

  private params(laddr: string, lport: number, raddr: string, rport: number, options: ConnectionParams['options'], isn?: Seq): ConnectionParams {
    // secure_tcp_seq(): a keyed hash of the 4-tuple plus a 64 ns clock (RFC 6528).
    const h = hash32(this.secret, `${canonical(laddr)}|${lport}|${canonical(raddr)}|${rport}`);
    const clock = Math.floor(this.now * 15_625) % 4_294_967_296;
    // secure_tcp_ts_off(): one timestamp offset per address pair (tcp_timestamps=1), none for 2.
    const tsOffset = this.config.tcp_timestamps === 1 ? hash32(this.tsSecret, `${canonical(laddr)}|${canonical(raddr)}`) : 0;
    return {
      config: this.config,
      local: { addr: laddr, port: lport },
      remote: { addr: raddr, port: rport },
      isn: isn ?? seq(h + clock),
      tsOffset,
      options: { ...options },
      ...(this.transmitFilter ? { transmitFilter: this.transmitFilter } : {}),
    };
  }

  private lookupListener(seg: Segment): Listener | undefined {
    const list = this.listeners.get(seg.dstPort);
    if (!list) return undefined;
    const exact: Listener[] = [];
    const wild: Listener[] = [];
    for (const l of list) {
      if (!addrMatches(l.sock.addr, seg.dstAddr)) continue;
      if (isWildcard(l.sock.addr)) wild.push(l);
      else exact.push(l);
    }
    const pool = exact.length > 0 ? exact : wild;
    if (pool.length === 0) return undefined;
    if (pool.length === 1) return pool[0];
    // reuseport_select_sock(): a hash of the 4-tuple picks the group member.
    const h = hash32(this.portSecret, `${seg.srcAddr}|${seg.srcPort}|${seg.dstAddr}|${seg.dstPort}`);
    return pool[h % pool.length];
  }

  /** A segment for a listener (tcp_rcv_state_process, case TCP_LISTEN). */
  private listenerInput(l: Listener, seg: Segment, isn: Seq | undefined): void {
    const f = seg.flags;
    if (f.rst) return; // RSTs to a listener are ignored
    if (f.ack && !f.syn) {
      if (this.cookieAck(l, seg)) return;
      this.replyReset(seg);
      return;
    }
    if (f.ack) {
      this.replyReset(seg); // "if (th->ack) return 1": a SYN-ACK to a listener is reset
      return;
    }
    if (!f.syn || f.fin) return; // discard
    const counts = { backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length };
    const v = onSyn(counts, this.config, isn !== undefined);
    for (const c of v.counters) this.count(c);
    if (v.action === 'drop') return;
    const laddr = seg.dstAddr, raddr = seg.srcAddr;
    const opts = { ...l.sock.opts };
    if (v.action === 'cookie') {
      // cookie_v4_init_sequence(): no request socket is kept; the SYN-ACK carries the state.
      l.lastOverflowAt = this.now;
      const mssOpt = seg.options.find((o) => o.kind === 'mss');
      const peerMss = mssOpt && mssOpt.kind === 'mss' ? mssOpt.value : 536;
      const c = cookieInit(this.secret, cookieTuple(seg), seg.seq, peerMss, this.now);
      const conn = Connection.accept(this.params(laddr, seg.dstPort, raddr, seg.srcPort, opts, seq(c.isn)), seg, this.now);
      for (let s = conn.pollTransmit(); s; s = conn.pollTransmit()) {
        if (s.flags.syn) this.emit(cookieTimestamp(s, seg));
      }
      return;
    }
    const conn = Connection.accept(this.params(laddr, seg.dstPort, raddr, seg.srcPort, opts, isn), seg, this.now);
    const e = new Entry(conn, tupleKey(laddr, seg.dstPort, raddr, seg.srcPort), laddr, seg.dstPort, raddr, seg.srcPort, this.now);
    e.phase = 'request';
    e.listener = l;
    e.reuseAddr = l.sock.reuseAddr;
    e.reusePort = l.sock.reusePort;
    l.requests.add(e);
    l.young++;
    this.addConn(e);
    this.ports.add(e, true);
    this.reclass(e);
    this.service(e);
  }

  /** cookie_v4_check(): an ACK to a listener that may complete a cookie handshake. */
  private cookieAck(l: Listener, seg: Segment): boolean {
    if (!this.config.tcp_syncookies) return false;
    if (l.lastOverflowAt === undefined || this.now > l.lastOverflowAt + SYNCOOKIE_VALID_MS) return false; // tcp_synq_no_recent_overflow
    const mss = cookieCheck(this.secret, cookieTuple(seg), (seg.ack - 1) >>> 0, (seg.seq - 1) >>> 0, this.now);
    if (!mss) {
      this.count('TcpExt:SyncookiesFailed');
      return false;
    }
    this.count('TcpExt:SyncookiesRecv');
    const v = onFinalAck({ backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length }, this.config);
    for (const c of v.counters) this.count(c);
    if (v.action === 'drop') return true;
    if (v.action === 'reset') {
      this.replyReset(seg);
      return true;
    }
    const laddr = seg.dstAddr, raddr = seg.srcAddr;
    const isn = seq((seg.ack - 1) >>> 0);
    const conn = Connection.fromCookie(this.params(laddr, seg.dstPort, raddr, seg.srcPort, { ...l.sock.opts }, isn), seg, cookieOptions(mss, seg), this.now);
    const e = new Entry(conn, tupleKey(laddr, seg.dstPort, raddr, seg.srcPort), laddr, seg.dstPort, raddr, seg.srcPort, this.now);
    e.reuseAddr = l.sock.reuseAddr;
    e.reusePort = l.sock.reusePort;
    e.phase = 'queued';
    e.listener = l;
    l.acceptQueue.push(e);
    this.count('Tcp:PassiveOpens');
    this.addConn(e);
    this.ports.add(e, true);
    this.reclass(e);
    this.service(e);
    return true;
  }

  /** tcp_check_req(): a segment for a request socket. */
  private requestInput(e: Entry, seg: Segment): void {
    const l = e.listener as Listener;
    const f = seg.flags;
    if (f.ack && !f.syn && !f.rst && (seg.ack >>> 0) === ((e.conn.status().sndNxt ?? -1) >>> 0)) {
      const v = onFinalAck({ backlog: l.backlog, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length }, this.config);
      for (const c of v.counters) this.count(c);
      if (v.action === 'drop') return; // inet_rsk(req)->acked = 1; the SYN-ACK timer goes on
      if (v.action === 'reset') {
        this.replyReset(seg);
        this.free(e);
        return;
      }
    }
    e.conn.handleSegment(seg, this.now);
    if ((f.rst || f.syn) && e.conn.state === 'CLOSED') {
      // "if (flg & (TCP_FLAG_RST|TCP_FLAG_SYN)) { TCP_INC_STATS(ATTEMPTFAILS); goto embryonic_reset; }"
      this.count('Tcp:AttemptFails');
      if (f.rst) this.count('TcpExt:EmbryonicRsts');
    }
    this.service(e);
  }

  /**
   * reqsk_timer_handler(): a request's SYN-ACK timer fired. When the SYN queue is more than half
   * full, requests that already timed out lose retries: tcp_synack_retries drops (to 2 at least)
   * while the young requests (never timed out) are fewer than the queue length / 2, / 4, ... So a
   * queue filled by a flood turns over in 7 s instead of 63 s. True when this request expires now.
   */
  private requestExpires(e: Entry): boolean {
    const l = e.listener as Listener;
    let max = e.conn.options.synCnt ?? this.config.tcp_synack_retries;
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

  private stopListener(s: Sock): void {
    const l = s.listener;
    if (!l) return;
    // inet_csk_listen_stop(): queued children are disconnected (RST), requests dropped.
    for (const e of l.acceptQueue) {
      if (e.freed) continue;
      e.phase = 'orphan';
      e.listener = undefined;
      e.conn.abort(this.now);
      this.service(e);
      if (!e.freed) this.free(e);
    }
    l.acceptQueue = [];
    for (const e of [...l.requests]) this.free(e);
    const list = this.listeners.get(s.port) ?? [];
    const rest = list.filter((x) => x !== l);
    if (rest.length > 0) this.listeners.set(s.port, rest);
    else this.listeners.delete(s.port);
    s.listener = undefined;
    this.recordChange({ at: this.now, fd: s.fd, local: { addr: s.addr, port: s.port }, remote: { addr: '0.0.0.0', port: 0 }, from: 'LISTEN', to: 'CLOSED', reason: 'close() of the listener' });
  }

  private reconnect(s: Sock): 0 | SysError {
    const e = s.entry as Entry;
    const st = e.conn.state;
    if (s.connectState === 'connected') return sysError('EISCONN');
    if (st === 'SYN-SENT' || st === 'SYN-RECEIVED') return sysError('EALREADY');
    if (st === 'CLOSED') {
      const err = this.takeError(s);
      return sysError(err ?? 'ENOTCONN'); // Linux: ECONNABORTED when no error is recorded
    }
    s.connectState = 'connected';
    return 0;
  }

  private takeError(s: Sock): Errno | undefined {
    if (s.error) {
      const e = s.error;
      s.error = undefined;
      return e;
    }
    const e = s.entry;
    if (e && e.conn.error !== undefined && !s.errorTaken) {
      s.errorTaken = true;
      return e.conn.error;
    }
    return undefined;
  }

  private replyReset(seg: Segment): void {
    const r = resetFor(seg);
    if (r) this.emit(r);
  }

  private emit(seg: Segment): void {
    // Segments the host builds itself (RSTs, cookie SYN-ACKs, TIME-WAIT ACKs) meet the device here.
    if (this.transmitFilter && !this.transmitFilter(seg)) {
      this.localDrops.push(seg);
      return;
    }
    this.count('Tcp:OutSegs');
    if (seg.flags.rst) this.count('Tcp:OutRsts');
    this.out.push(seg);
  }

  private count(n: CounterName, by = 1): void {
    this.mib[n] += by;
  }

  private currEstab(): number {
    let n = 0;
    for (const e of this.conns.values()) if (e.state === 'ESTABLISHED' || e.state === 'CLOSE-WAIT') n++;
    return n;
  }

  private recordChange(c: StateChange): void {
    if (this.record) this.changes.push(c);
  }

  /** Move a connection's output to the host, apply its events, re-arm its deadline. */
  private service(e: Entry): void {
    const c = e.conn;
    for (let s = c.pollTransmit(); s; s = c.pollTransmit()) this.emit(s);
    if (c instanceof Connection) for (let s = c.pollLocalDrop(); s; s = c.pollLocalDrop()) this.localDrops.push(s);
    for (let ev = c.pollEvent(); ev; ev = c.pollEvent()) {
      this.onEvent(e, ev);
    }
    if (e.freed) return;
    let d = c.nextDeadline();
    if (this.minisockets && e.sock === undefined && e.phase === 'orphan' && c instanceof Connection && c.state === 'TIME-WAIT') {
      // tcp_time_wait(): no application holds it any more, so only TIME-WAIT's rules remain —
      // the full connection gives way to its minisocket (time-wait-sock.ts) in the 4-tuple table.
      const tw = c.toTimeWait();
      if (tw) {
        e.conn = tw;
        d = tw.nextDeadline();
      }
    }
    if (d === undefined) this.heap.invalidate(e);
    else this.heap.push(e, d);
  }

  private onEvent(e: Entry, ev: ConnectionEvent): void {
    switch (ev.type) {
      case 'state': {
        if (e.freed) return;
        this.recordChange({ at: ev.at, fd: e.sock?.fd, local: { addr: e.addr, port: e.port }, remote: { addr: e.raddr, port: e.rport }, from: ev.from, to: ev.to, reason: ev.reason });
        const wasTw = e.cls === 'tw';
        e.state = ev.to;
        e.since = ev.at;
        if (ev.to === 'CLOSED') {
          if (ev.from === 'ESTABLISHED' || ev.from === 'CLOSE-WAIT') this.count('Tcp:EstabResets');
          if ((ev.from === 'SYN-SENT' || ev.from === 'SYN-RECEIVED') && e.phase !== 'request') this.count('Tcp:AttemptFails');
          // tcp_rcv_state_process(): an orphan whose FIN is acknowledged while TCP_LINGER2 < 0 is
          // destroyed at once (TCPAbortOnLinger) instead of waiting in FIN-WAIT-2.
          if (e.phase === 'orphan' && ev.from === 'FIN-WAIT-1' && !this.inTimeout && (e.conn.options.linger2 ?? 0) < 0) this.count('TcpExt:TCPAbortOnLinger');
          if (this.inTimeout) {
            if (wasTw) this.count('TcpExt:TW'); // tw_timer_handler → LINUX_MIB_TIMEWAITED
            else if (ev.from !== 'SYN-RECEIVED' || e.phase !== 'request') this.count('TcpExt:TCPAbortOnTimeout');
          }
        }
        if (e.phase === 'request' && ev.from === 'SYN-RECEIVED' && ev.to !== 'CLOSED') {
          // The child is born (tcp_create_openreq_child) and queued for accept().
          const l = e.listener as Listener;
          l.requests.delete(e);
          if (e.reqTimeouts === 0) l.young--;
          l.acceptQueue.push(e);
          e.phase = 'queued';
          this.count('Tcp:PassiveOpens');
        }
        this.reclass(e);
        if (!wasTw && e.cls === 'tw' && this.classCount.tw > this.config.tcp_max_tw_buckets) {
          // inet_twsk_alloc() failed: tcp_time_wait() destroys the socket instead (tcp_done).
          this.count('TcpExt:TCPTimeWaitOverflow');
          this.free(e);
        }
        return;
      }
      case 'new-incarnation': {
        // tcp_timewait_state_process() → TCP_TW_SYN: the TIME-WAIT entry goes, the SYN is
        // looked up again as if it were new, with the ISN the engine chose.
        const syn = ev.syn;
        this.free(e);
        const l = this.lookupListener(syn);
        if (l) this.listenerInput(l, syn, ev.isn);
        else this.replyReset(syn);
        return;
      }
      case 'closed':
        if (!e.freed) this.free(e);
        return;
      default:
        return;
    }
  }

  /** Which limit an entry counts against now (sockstat's inuse/orphan/tw). */
  private classify(e: Entry): EntryClass {
    if (e.freed) return 'none';
    if (e.phase === 'request') return 'request';
    if (e.state === 'TIME-WAIT') return 'tw';
    if (e.phase === 'orphan') {
      if (e.state === 'CLOSED') return 'none';
      if (e.state === 'FIN-WAIT-2' && this.finTimeMs(e) <= TCP_TIMEWAIT_LEN_MS) return 'tw';
      return 'orphan';
    }
    return 'full';
  }

  /** tcp_fin_time(): TCP_LINGER2 if set, else tcp_fin_timeout, never below the RTO-based floor. */
  private finTimeMs(e: Entry): number {
    const l2 = e.conn.options.linger2;
    const s = l2 !== undefined && l2 > 0 ? l2 : this.config.tcp_fin_timeout;
    return s * 1000;
  }

  private reclass(e: Entry): void {
    const to = this.classify(e);
    if (to === e.cls) return;
    this.classCount[e.cls]--;
    this.classCount[to]++;
    e.cls = to;
  }

  private addConn(e: Entry): void {
    this.conns.set(e.key, e);
    this.syncRange();
    this.indexDest(e, +1);
  }

  private delConn(e: Entry): void {
    this.conns.delete(e.key);
    this.syncRange();
    this.indexDest(e, -1);
  }

  private indexDest(e: Entry, by: 1 | -1): void {
    const k = destOf(e.addr, e.raddr, e.rport);
    let d = this.dests.get(k);
    if (!d) {
      if (by < 0) return;
      d = { ports: new Map(), parity: [0, 0] };
      this.dests.set(k, d);
    }
    if (by > 0) d.ports.set(e.port, e);
    else d.ports.delete(e.port);
    if (this.inRange(e.port)) d.parity[(e.port - this.config.ip_local_port_range[0]) & 1] += by;
    if (d.ports.size === 0) this.dests.delete(k);
  }

  /** The ports __inet_hash_connect walks: [low, low + remaining), remaining made even. */
  private scanSpan(): number {
    const [lo, hi] = this.config.ip_local_port_range;
    let r = hi + 1 - lo;
    if (r > 1) r &= ~1;
    return r;
  }

  private inRange(port: number): boolean {
    const lo = this.config.ip_local_port_range[0];
    return port >= lo && port < lo + this.scanSpan();
  }

  /** Rebuild the per-destination parity counts if ip_local_port_range changed since they were made. */
  private syncRange(): void {
    const k = this.config.ip_local_port_range.join('-');
    if (k === this.rangeKey) return;
    this.rangeKey = k;
    const lo = this.config.ip_local_port_range[0];
    for (const d of this.dests.values()) {
      d.parity = [0, 0];
      for (const p of d.ports.keys()) if (this.inRange(p)) d.parity[(p - lo) & 1]++;
    }
  }

  /** Can tcp_tw_reuse take any TIME-WAIT entry toward this destination at all? */
  private reuseAllowed(laddr: string, raddr: string): boolean {
    const r = this.config.tcp_tw_reuse;
    if (r === 1) return true;
    return r === 2 && (isLoopback(laddr) || isLoopback(raddr));
  }

  /** Remove a connection from every table (inet_csk_destroy_sock / inet_twsk_kill). */
  private free(e: Entry): void {
    if (e.freed) return;
    e.freed = true;
    this.reclass(e);
    if (this.conns.get(e.key) === e) this.delConn(e);
    this.ports.remove(e);
    this.heap.invalidate(e);
    if (e.listener && e.phase === 'request') {
      e.listener.requests.delete(e);
      if (e.reqTimeouts === 0) e.listener.young--;
    }
  }

  private viewInput(): Parameters<typeof hostSockets>[0] {
    return {
      now: this.now,
      config: this.config,
      profile: this.profile,
      hostname: this.hostname,
      process: this.process,
      listeners: [...this.listeners.values()].flat(),
      entries: this.conns.values(),
      counters: this.counters(),
      sockstat: this.sockstat(),
    };
  }
}

function addrOverlapForListen(a: string, b: string): boolean {
  return isWildcard(a) || isWildcard(b) || canonical(a) === canonical(b);
}

/** The established table seen from one destination: local port → entry, and ports taken per parity. */
interface DestIndex { ports: Map<number, Entry>; parity: [number, number] }

function destOf(laddr: string, raddr: string, rport: number): string {
  return `${canonical(laddr)}|${canonical(raddr)}|${rport}`;
}

function hasTimestamp(seg: Segment): boolean {
  for (const o of seg.options) if (o.kind === 'timestamp') return true;
  return false;
}

/** TSBITS of syncookies.c: the low 6 bits of a cookie SYN-ACK's TSval carry wscale (4) and SACK (1). */
const TSMASK = 0x3f;

/**
 * cookie_init_timestamp(): when the SYN had timestamps, the options a cookie cannot hold (window
 * scale, SACK) ride in the low bits of our TSval, never above the real clock.
 */
function cookieTimestamp(synAck: Segment, syn: Segment): Segment {
  if (!hasTimestamp(syn)) return synAck;
  let wscale = 0xf;
  let sack = false;
  for (const o of syn.options) {
    if (o.kind === 'wscale') wscale = Math.min(o.shift, 14);
    if (o.kind === 'sackOK') sack = true;
  }
  const bits = wscale | (sack ? 0x10 : 0);
  return {
    ...synAck,
    options: synAck.options.map((o) => {
      if (o.kind !== 'timestamp') return o;
      let v = ((o.val & ~TSMASK) | bits) >>> 0;
      if (v > o.val) v = (v - (TSMASK + 1)) >>> 0;
      return { ...o, val: v };
    }),
  };
}

/** cookie_timestamp_decode(): what the rebuilt connection knows about the peer's SYN. */
function cookieOptions(mss: number, ack: Segment): { mss: number; wscale?: number; sackOk: boolean; tsOk: boolean } {
  for (const o of ack.options) {
    if (o.kind !== 'timestamp') continue;
    const bits = o.ecr & TSMASK;
    const w = bits & 0xf;
    return { mss, ...(w !== 0xf ? { wscale: w } : {}), sackOk: (bits & 0x10) !== 0, tsOk: true };
  }
  return { mss, sackOk: false, tsOk: false };
}

function cookieTuple(seg: Segment): { saddr: string; sport: number; daddr: string; dport: number } {
  return { saddr: canonical(seg.srcAddr), sport: seg.srcPort, daddr: canonical(seg.dstAddr), dport: seg.dstPort };
}

/** setsockopt(name, value) → the engine's SocketOptions patch; undefined for options it ignores. */
function optionPatch(name: SockOptName, value: SockOptValue): Partial<ConnectionParams['options']> | undefined | 'invalid' {
  if (name === 'SO_LINGER') {
    if (typeof value !== 'object') return 'invalid';
    return { linger: { onoff: !!value.onoff, seconds: value.linger } };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'invalid';
  switch (name) {
    case 'SO_KEEPALIVE': return { keepalive: !!value };
    case 'SO_RCVBUF': return value < 0 ? 'invalid' : { rcvbuf: Math.max(Math.min(value, RMEM_MAX), SOCK_MIN_RCVBUF / 2) };
    case 'SO_SNDBUF': return value < 0 ? 'invalid' : { sndbuf: Math.max(Math.min(value, WMEM_MAX), SOCK_MIN_SNDBUF / 2) };
    case 'TCP_NODELAY': return { nodelay: !!value };
    case 'TCP_MAXSEG': return { maxseg: value };
    case 'TCP_KEEPIDLE': return value < 1 ? 'invalid' : { keepidle: value };
    case 'TCP_KEEPINTVL': return value < 1 ? 'invalid' : { keepintvl: value };
    case 'TCP_KEEPCNT': return value < 1 ? 'invalid' : { keepcnt: value };
    case 'TCP_USER_TIMEOUT': return value < 0 ? 'invalid' : { userTimeoutMs: value };
    case 'TCP_LINGER2': return { linger2: value };
    case 'TCP_SYNCNT': return value < 1 || value > 255 ? 'invalid' : { synCnt: value };
    default: return undefined;
  }
}
