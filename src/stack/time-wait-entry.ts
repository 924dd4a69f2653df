// READ THIS FIRST — a TIME-WAIT entry as Linux keeps one: the minisocket is itself the entry in
// the host's tables. struct inet_timewait_sock is what the established hash (tw_node), the bind
// bucket (tw_bind_node) and the timer (tw_timer) point at; there is no separate socket behind it.
// So here: `TimeWaitEntry` is the engine's minisocket (src/core/time-wait-sock.ts) with the few
// fields the host's tables need, and it takes the place of the connection's `Entry` in every table
// when the connection becomes a minisocket (limits.ts toMinisocket). A host holding 100,000
// TIME-WAIT entries then holds 100,000 records, not 200,000.
//
// Rules:
// - It answers to everything the host asks of an `Entry` (sockets.ts), so the host's modules take
//   either without asking which: `conn` is the record itself, the local address and port are the
//   minisocket's, and what only a live socket has (an fd, a listener, a request's SYN-ACK
//   timeouts) reads as absent. Those are never written for a TIME-WAIT entry: no fd reaches it and
//   no listener queue holds it.
// - Its state is the minisocket's own (TIME-WAIT until its timer or a segment closes it); the host
//   writing the state it was told leaves it as it is.
import type { TcpState } from '../model/states.js';
import { TimeWaitSock, type TimeWaitInit } from './engine.js';
import type { Entry, EntryClass } from './sockets.js';

// The entry's yes/no fields, as bits of one small integer: four fields cost 32 bytes a record.
const FREED = 1;
const REUSE_ADDR = 2;
const REUSE_PORT = 4;
const TS_SEEN = 8;

export class TimeWaitEntry extends TimeWaitSock {
  /** Its place in the host's timer heap (deadline-heap.ts); the heap sets it. */
  heapIndex = -1;
  cls: EntryClass;
  /** When TIME-WAIT began (ms), for ages in views and tcp_tw_reuse's delay. */
  since: number;
  /** Its key in the established table (established.ts connKey). */
  readonly key: number;
  #bits: number;

  /** The minisocket made from `init`, taking over the table fields of `e`, the entry it replaces. */
  constructor(init: TimeWaitInit, e: Entry) {
    super(init);
    this.cls = e.cls;
    this.since = e.since;
    this.key = e.key;
    this.#bits = (e.reuseAddr ? REUSE_ADDR : 0) | (e.reusePort ? REUSE_PORT : 0) | (e.tsSeen ? TS_SEEN : 0);
  }

  /** Out of every table (established.ts freeEntry). */
  get freed(): boolean {
    return (this.#bits & FREED) !== 0;
  }

  set freed(on: boolean) {
    this.#bits = on ? this.#bits | FREED : this.#bits & ~FREED;
  }

  /** The socket's SO_REUSEADDR, still seen by bind() (tw->tw_reuse). */
  get reuseAddr(): boolean {
    return (this.#bits & REUSE_ADDR) !== 0;
  }

  /** The socket's SO_REUSEPORT (tw->tw_reuseport). */
  get reusePort(): boolean {
    return (this.#bits & REUSE_PORT) !== 0;
  }

  /** The last segment received carried a timestamp (tw_ts_recent_stamp != 0, for tcp_tw_reuse). */
  get tsSeen(): boolean {
    return (this.#bits & TS_SEEN) !== 0;
  }

  set tsSeen(on: boolean) {
    this.#bits = on ? this.#bits | TS_SEEN : this.#bits & ~TS_SEEN;
  }

  get conn(): this {
    return this;
  }

  get addr(): string {
    return this.laddr;
  }

  get port(): number {
    return this.lport;
  }

  get phase(): 'orphan' {
    return 'orphan';
  }

  get sock(): undefined {
    return undefined;
  }

  get listener(): undefined {
    return undefined;
  }

  get reqTimeouts(): number {
    return 0;
  }

  override get state(): 'TIME-WAIT' | 'CLOSED' {
    return super.state;
  }

  override set state(_reported: TcpState) {
    // The minisocket's own state is the truth; what the host was told is the same.
  }

  isListening(): boolean {
    return false;
  }

  isTimeWait(): boolean {
    return this.cls === 'tw';
  }
}
