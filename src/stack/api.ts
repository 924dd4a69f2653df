// READ THIS FIRST — the contract of a simulated host: BSD-socket-like calls over file descriptors,
// plus the sans-IO plumbing (segments in, segments out, time). The packetdrill runner, the lab and
// the benchmarks code against this interface only; `Host` (host.ts) implements it.
//
// Rules:
// - Calls never block and never throw for a socket-level failure: they return a `SysError`
//   ({ errno }) where Linux would return -1. Blocking is the caller's concern: call, and on
//   EAGAIN / EINPROGRESS wait until `readiness(fd)` changes (after segments or timeouts), then call again.
// - Time is an argument (`now`, milliseconds, may be fractional). The host reads no clock.
// - After any input (a call, a segment, a timeout) drain `pollTransmit()` until undefined, then ask
//   `nextDeadline()` and call `handleTimeout(now)` no later than that.
import type { Errno, SysError } from '../core/errno.js';
import type { Segment } from '../core/segment.js';
import type { Millis } from '../core/time.js';
import type { TcpConfig } from '../core/config.js';
import type { CauseId } from '../core/transitions.js';
import type { TcpState } from '../model/states.js';
import type { Family, HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { SendFlags } from '../core/events/send.js';
export type { SendFlags };

export type { Errno, SysError };

/**
 * A socket's address family, named as every other type names it: 'ipv4' is AF_INET; 'ipv6' is
 * AF_INET6, dual stack (it also takes IPv4 peers as ::ffff:a.b.c.d, as without IPV6_V6ONLY).
 */
export type AddressFamily = Family;
export type ShutdownHow = 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR';

/** Socket options by their C names. Values: numbers; SO_LINGER takes { onoff, linger }. */
export type SockOptName =
  | 'SO_REUSEADDR' | 'SO_REUSEPORT' | 'SO_KEEPALIVE' | 'SO_LINGER' | 'SO_RCVBUF' | 'SO_SNDBUF' | 'SO_ERROR'
  | 'TCP_NODELAY' | 'TCP_MAXSEG' | 'TCP_KEEPIDLE' | 'TCP_KEEPINTVL' | 'TCP_KEEPCNT' | 'TCP_USER_TIMEOUT'
  | 'TCP_LINGER2' | 'TCP_INQ' | 'TCP_FASTOPEN' | 'TCP_SYNCNT' | 'TCP_DEFER_ACCEPT' | 'TCP_QUICKACK' | 'TCP_CORK'
  /** Fast Open's client: connect() returns at once and the first write sends SYN+data. */
  | 'TCP_FASTOPEN_CONNECT'
  /** Stored only: SO_ZEROCOPY enables MSG_ZEROCOPY completions (zerocopySent); SO_MARK routes, which a simulated host does not. */
  | 'SO_ZEROCOPY' | 'SO_MARK'
  /** Stored only: IP_TOS, IP_MTU_DISCOVER and IP_FREEBIND change nothing a simulated path shows. TCP_NOTSENT_LOWAT is modelled. */
  | 'IP_TOS' | 'IP_MTU_DISCOVER' | 'IP_FREEBIND' | 'TCP_NOTSENT_LOWAT';
export type SockOptValue = number | { onoff: number; linger: number };

export interface Readiness {
  readable: boolean; // data, EOF, a pending connection on a listener, or an error
  writable: boolean;
  error: boolean; // SO_ERROR is set
  hup: boolean;
}

export interface AcceptResult { fd: number; addr: string; port: number }

/** One state change of one connection, for timelines and sequence diagrams. */
export interface StateChange {
  at: Millis;
  /** The fd while the application holds one; undefined for an orphan or a request socket. */
  fd?: number;
  local: { addr: string; port: number };
  remote: { addr: string; port: number };
  from: TcpState;
  to: TcpState;
  /** Why: an id of core's transition table ('syn-ack-received', 'fin-wait-2-timeout', ...); CAUSE_WORDS has its words. */
  cause: CauseId;
}

export interface SocketApi {
  // ---- BSD calls (one packetdrill syscall line is one call) ----
  socket(family: AddressFamily, opts?: { nonblock?: boolean }): number | SysError;
  bind(fd: number, addr: string, port: number): 0 | SysError;
  listen(fd: number, backlog: number): 0 | SysError;
  accept(fd: number): AcceptResult | SysError;
  connect(fd: number, addr: string, port: number): 0 | SysError;
  /** Bytes queued (may be fewer than given), or EAGAIN when the send buffer is full, EPIPE after shutdown/close of the write side. */
  /** `flags`: MSG_EOR as `{ eor: true }` (the other send flags are the caller's: blocking, zerocopy). */
  send(fd: number, data: Uint8Array, flags?: SendFlags): number | SysError;
  /** Up to `max` bytes; an empty array means end of stream; EAGAIN when nothing is there yet. */
  recv(fd: number, max: number): Uint8Array | SysError;
  shutdown(fd: number, how: ShutdownHow): 0 | SysError;
  close(fd: number): 0 | SysError;
  /**
   * Right after `close(fd)` returned 0: while a blocking close() would still sleep — SO_LINGER
   * {on, N > 0} and our FIN not yet ACKed (inet_release → __tcp_close → sk_stream_wait_close) —
   * the time (ms) at which it gives up; undefined once it may return (FIN ACKed, connection
   * ended, deadline reached, or no linger). Linux sleeps even on an O_NONBLOCK socket and returns
   * 0 either way; on timeout no RST is sent and the orphan goes on. The wait is not a host
   * deadline: a caller that blocks wakes itself at the returned time. Optional (additive).
   */
  closeWaitUntil?(fd: number): Millis | undefined;
  setsockopt(fd: number, name: SockOptName, value: SockOptValue): 0 | SysError;
  getsockopt(fd: number, name: SockOptName): SockOptValue | SysError;
  setNonBlocking(fd: number, on: boolean): 0 | SysError;
  isNonBlocking(fd: number): boolean;
  /** SIOCINQ / FIONREAD: bytes readable now. */
  bytesReadable(fd: number): number | SysError;
  readiness(fd: number): Readiness | SysError;
  /**
   * getsockopt(TCP_INFO) as packetdrill hands it to python: `tcpi_*` fields by name, only those
   * the engine keeps (core/tcp-info.ts). Optional (additive).
   */
  tcpInfo?(fd: number): Record<string, number> | SysError;
  /**
   * After a send() with MSG_ZEROCOPY returned `bytes`: its completion id, or undefined when the
   * socket has no SO_ZEROCOPY. Optional (additive), with readZerocopy.
   */
  zerocopySent?(fd: number, bytes: number): number | undefined | SysError;
  /** recvmsg(MSG_ERRQUEUE) for MSG_ZEROCOPY completions: the oldest id range, or EAGAIN. */
  readZerocopy?(fd: number): { lo: number; hi: number; copied: boolean } | SysError;
  /**
   * connect(fd, AF_UNSPEC) (tcp_disconnect): abort the connection (RST where Linux sends one) and
   * leave the socket unconnected, ready for another connect(). Optional (additive).
   */
  disconnect?(fd: number): 0 | SysError;
  /**
   * sendto(..., MSG_FASTOPEN), and any write on a socket whose connect() TCP_FASTOPEN_CONNECT
   * deferred (tcp_sendmsg_fastopen): connect with the data in the SYN. Returns the bytes the SYN
   * took, EINPROGRESS when it took none, or the error (EALREADY, EISCONN, EOPNOTSUPP). `wait`:
   * the caller will sleep until the handshake ends and then write the rest (a blocking socket).
   * Optional (additive), with fastopenDeferred.
   */
  sendFastopen?(fd: number, data: Uint8Array, opts: { to?: { addr: string; port: number }; unspec?: boolean; wait?: boolean }): number | SysError;
  /** connect() under TCP_FASTOPEN_CONNECT returned 0 and sent nothing: the next write is a Fast Open. */
  fastopenDeferred?(fd: number): boolean;
  /** `ip tcp_metrics flush all`: forget every destination's Fast Open cookie and MSS. Optional (additive). */
  flushTcpMetrics?(): void;
  /** The error queue unread: a notification waits (EPOLLERR), and how many sends completed so far. */
  zerocopyStatus?(fd: number): { queued: boolean; completed: number } | SysError;
  /** The STATUS call: the connection's state and the core's counters. */
  status(fd: number): SocketStatus | SysError;

  // ---- sans-IO plumbing ----
  /** The time now; every call above acts at the time of the last advance. */
  advance(now: Millis): void;
  handleSegment(seg: Segment, now: Millis): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): Segment | undefined;
  nextDeadline(): Millis | undefined;
  /**
   * Optional: the local device, asked for each segment as it leaves; false = dropped before the
   * wire (a full qdisc), and the TCP is told, as Linux's tcp_transmit_skb is. undefined = no drops.
   */
  setTransmitFilter?(filter: ((seg: Segment) => boolean) | undefined): void;
  /** Optional: the next segment the local device dropped (for a trace), oldest first. */
  pollLocalDrop?(): Segment | undefined;
  /** State changes since the last call, oldest first. */
  drainStateChanges(): StateChange[];

  // ---- views ----
  readonly config: TcpConfig;
  /** Every socket as `ss -tan` / /proc/net/tcp would list it (states, queues, timers). */
  sockets(): SocketRecord[];
  /** The host as the doctor reads it: sockets, sysctls, counters, sockstat. */
  snapshot(): HostSnapshot;
  /** Linux's MIB counters by their /proc/net/netstat names: `TcpExt:ListenOverflows`, ... */
  counters(): Record<string, number>;
}

export interface SocketStatus {
  state: TcpState;
  local?: { addr: string; port: number };
  remote?: { addr: string; port: number };
  sndUna?: number; sndNxt?: number; rcvNxt?: number;
  sndWnd?: number; rcvWnd?: number;
  rtoMs?: number; srttMs?: number;
  retransmits?: number; backoff?: number; probes?: number;
  mss?: number; sndMss?: number; advMss?: number;
  bytesReceived?: number; bytesAcked?: number;
  error?: Errno;
}
