// READ THIS FIRST — a simulated host: BSD socket calls over file descriptors, around the TCP
// connection engine (src/core/connection.ts). `Host` implements `SocketApi` (api.ts) and is only
// its public face: it holds one plain record (host-state.ts) and hands every call to the module
// for that concern, as src/core/connection.ts does for a connection.
//
// Read in this order:
//   host-state.ts    every table the host keeps (fds, 4-tuples, listeners, ports, timers, output)
//   sockets.ts       the records in them: Sock (an fd), Listener (two queues), Entry (one 4-tuple)
//   socket-calls.ts  socket(), bind(), send(), recv(), readiness, STATUS, SO_ERROR
//   sockopts.ts      setsockopt() / getsockopt()
//   connect.ts       connect(): source address, local port, TIME-WAIT reuse
//   fastopen-connect.ts  Fast Open's client: sendto(MSG_FASTOPEN), TCP_FASTOPEN_CONNECT, the cookie cache
//   listen.ts        listen(), accept(), a listener's close
//   passive-open.ts  a SYN or final ACK at a listener, request sockets, SYN cookies' use
//   close.ts         shutdown(), close(), orphans, SO_LINGER's sleeping close
//   demux.ts         segment delivery: the established table, then listeners, else an RST
//   service.ts       after every input: a connection's output, events and deadline
//   limits.ts        TIME-WAIT table and orphans: classes, tcp_max_tw_buckets, tcp_max_orphans, minisockets
//   time-wait-entry.ts  a TIME-WAIT entry: the minisocket itself in every table (one record)
//   deadlines.ts     advance(), handleTimeout(), nextDeadline()
//   transmit.ts      the output queue and the local device (transmit filter)
//   changes.ts, counters.ts, views.ts   the state-change log, MIB counters, ss/snapshot views
//   established.ts, dest-index.ts, conn-params.ts   the 4-tuple table, its per-destination index, a new connection's ISN
//   ports.ts, listen-queue.ts, syncookie.ts   bind buckets and port choice, queue verdicts, cookies (pure rules)
//
// Rules the modules keep:
// - Sans-IO and deterministic: time arrives as `now`; ISNs, timestamp offsets, ephemeral-port
//   offsets and the SYN-cookie secret come from one seeded PRNG (random.ts), drawn in a fixed order.
// - The record is the only state: each module is functions of (HostState, ...) and keeps nothing
//   of its own between calls.
// - Every connection is "serviced" (service.ts) after any input that reached it: its segments are
//   moved to the host's output, its events applied (state changes recorded and counted, the accept
//   queue filled, the limits enforced, closed connections freed), its next deadline re-armed.
// - An entry leaves the tables only through freeEntry() (established.ts), and changes class only
//   through reclass() (limits.ts), so sockstat and the limits always count what the tables hold.
// - Linux names: each function says which kernel function it follows; counters are incremented at
//   the points Linux increments them (counters.ts).
import type { TcpConfig } from '../core/config.js';
import type { SysError } from '../core/errno.js';
import type { Segment } from '../core/segment.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type {
  AcceptResult, AddressFamily, Readiness, SendFlags, ShutdownHow, SockOptName, SockOptValue, SocketApi, SocketStatus, StateChange,
} from './api.js';
import { drainStateChanges } from './changes.js';
import { close, closeWaitUntil, disconnect, shutdown } from './close.js';
import { connect } from './connect.js';
import { counterValues } from './counters.js';
import { isDeferred, sendFastopen, type FastopenSendOptions } from './fastopen-connect.js';
import { advance, handleTimeout, nextDeadline } from './deadlines.js';
import { deliver } from './demux.js';
import type { TransmitFilter } from './engine.js';
import { createHostState, type HostOptions, type HostState } from './host-state.js';
import { accept, listen } from './listen.js';
import type { ProfileName } from './profiles.js';
import * as calls from './socket-calls.js';
import { getsockopt, setsockopt } from './sockopts.js';
import { pollLocalDrop, pollTransmit, setTransmitFilter } from './transmit.js';
import { readZerocopy, zerocopySent, zerocopyStatus, type ZerocopyCompletion } from './zerocopy.js';
import { hostSnapshot, hostSockets, listenerQueues, sockstat, stateCounts, type ListenerQueues, type Sockstat } from './views.js';

export type { HostOptions };

let stateOfHost: (host: Host) => HostState;

/** The record behind a host, for the stack's own tests (the package does not export it). */
export function hostState(host: Host): HostState {
  return stateOfHost(host);
}

export class Host implements SocketApi {
  readonly config: TcpConfig;
  readonly profile: ProfileName;
  readonly addrs: string[];
  readonly hostname: string;
  readonly process: { pid: number; name: string };
  /** Everything the host keeps; the modules named above change it. */
  readonly #h: HostState;

  static {
    stateOfHost = (host) => host.#h;
  }

  constructor(opts: HostOptions = {}) {
    const h = createHostState(opts);
    this.#h = h;
    this.config = h.config;
    this.profile = h.profile;
    this.addrs = h.addrs;
    this.hostname = h.hostname;
    this.process = h.process;
  }

  /** The time of the last input (ms). */
  get now(): number {
    return this.#h.now;
  }

  // ---------------------------------------------------------------- BSD calls

  socket(family: AddressFamily, opts: { nonblock?: boolean } = {}): number | SysError {
    return calls.socket(this.#h, family, opts);
  }

  bind(fd: number, addr: string, port: number): 0 | SysError {
    return calls.bind(this.#h, fd, addr, port);
  }

  listen(fd: number, backlog: number): 0 | SysError {
    return listen(this.#h, fd, backlog);
  }

  accept(fd: number): AcceptResult | SysError {
    return accept(this.#h, fd);
  }

  connect(fd: number, addr: string, port: number): 0 | SysError {
    return connect(this.#h, fd, addr, port);
  }

  send(fd: number, data: Uint8Array, flags?: SendFlags): number | SysError {
    return calls.send(this.#h, fd, data, flags);
  }

  disconnect(fd: number): 0 | SysError {
    return disconnect(this.#h, fd);
  }

  sendFastopen(fd: number, data: Uint8Array, opts: FastopenSendOptions): number | SysError {
    return sendFastopen(this.#h, fd, data, opts);
  }

  fastopenDeferred(fd: number): boolean {
    return isDeferred(this.#h, fd);
  }

  flushTcpMetrics(): void {
    this.#h.tfoCache.clear();
  }

  recv(fd: number, max: number): Uint8Array | SysError {
    return calls.recv(this.#h, fd, max);
  }

  shutdown(fd: number, how: ShutdownHow): 0 | SysError {
    return shutdown(this.#h, fd, how);
  }

  close(fd: number): 0 | SysError {
    return close(this.#h, fd);
  }

  closeWaitUntil(fd: number): number | undefined {
    return closeWaitUntil(this.#h, fd);
  }

  setsockopt(fd: number, name: SockOptName, value: SockOptValue): 0 | SysError {
    return setsockopt(this.#h, fd, name, value);
  }

  getsockopt(fd: number, name: SockOptName): SockOptValue | SysError {
    return getsockopt(this.#h, fd, name);
  }

  setNonBlocking(fd: number, on: boolean): 0 | SysError {
    return calls.setNonBlocking(this.#h, fd, on);
  }

  isNonBlocking(fd: number): boolean {
    return calls.sockOf(this.#h, fd)?.nonblock ?? false;
  }

  bytesReadable(fd: number): number | SysError {
    return calls.bytesReadable(this.#h, fd);
  }

  readiness(fd: number): Readiness | SysError {
    return calls.readiness(this.#h, fd);
  }

  zerocopySent(fd: number, bytes: number): number | undefined | SysError {
    return zerocopySent(this.#h, fd, bytes);
  }

  readZerocopy(fd: number): ZerocopyCompletion | SysError {
    return readZerocopy(this.#h, fd);
  }

  zerocopyStatus(fd: number): { queued: boolean; completed: number } | SysError {
    return zerocopyStatus(this.#h, fd);
  }

  tcpInfo(fd: number): Record<string, number> | SysError {
    return calls.tcpInfo(this.#h, fd);
  }

  status(fd: number): SocketStatus | SysError {
    return calls.status(this.#h, fd);
  }

  // ---------------------------------------------------------------- sans-IO plumbing

  advance(now: number): void {
    advance(this.#h, now);
  }

  handleSegment(seg: Segment, now: number): void {
    advance(this.#h, now);
    deliver(this.#h, seg);
  }

  handleTimeout(now: number): void {
    handleTimeout(this.#h, now);
  }

  pollTransmit(): Segment | undefined {
    return pollTransmit(this.#h);
  }

  nextDeadline(): number | undefined {
    return nextDeadline(this.#h);
  }

  /**
   * The local device (a qdisc): asked for every segment the host sends; false = dropped before
   * the wire. Connections are told (Connection.setTransmitFilter), so their data is not counted
   * as sent and is retried as Linux retries after tcp_transmit_skb fails. undefined = no drops.
   */
  setTransmitFilter(filter: TransmitFilter | undefined): void {
    setTransmitFilter(this.#h, filter);
  }

  /** The next segment the local device dropped, oldest first (a trace shows them as lost). */
  pollLocalDrop(): Segment | undefined {
    return pollLocalDrop(this.#h);
  }

  drainStateChanges(): StateChange[] {
    return drainStateChanges(this.#h);
  }

  // ---------------------------------------------------------------- views

  sockets(): SocketRecord[] {
    return hostSockets(this.#h);
  }

  snapshot(): HostSnapshot {
    return hostSnapshot(this.#h);
  }

  counters(): Record<string, number> {
    return counterValues(this.#h);
  }

  /** /proc/net/sockstat's TCP line. */
  sockstat(): Sockstat {
    return sockstat(this.#h);
  }

  /** Per-listener queue lengths (for load samples): SYN queue, accept queue, backlog. */
  queues(): ListenerQueues[] {
    return listenerQueues(this.#h);
  }

  /** How many connections are in each state now (request sockets as SYN-RECEIVED; listeners as LISTEN). */
  stateCounts(): Partial<Record<TcpState, number>> {
    return stateCounts(this.#h);
  }
}
