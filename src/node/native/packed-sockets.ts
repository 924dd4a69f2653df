// READ THIS FIRST — a namespace's TCP sockets as columns: the addon's packed records, read in place.
//
// `ss -tan` on a server with 200,000 sockets prints 200,000 lines; a Prometheus scrape or a `watch`
// refresh needs counts per state, per port, per process and per destination, and the few sockets
// that are in trouble. Building one JavaScript object per socket for that costs more CPU than the
// kernel's whole netlink dump (about 1 µs a socket, then the garbage collector's time to copy them),
// so the counting paths read the records where the addon left them: one ArrayBuffer of fixed-size
// records (layout in sock-diag.c), through typed-array views, by row number.
//
// Rules this file keeps:
// - No copy and no object per row: every accessor reads one field of row `i`. `record(i)` builds
//   the SocketRecord a row stands for, for the rows a caller really keeps (the doctor's evidence,
//   `ls`); `records()` is every row, the same array sock-diag.ts's decodeRecords has always made.
// - The field meanings are sock-diag.c's and sock-diag.ts's: a listener's rqueue/wqueue are its
//   accept queue and limit; the timer expiry is in ms; the idle times exist only where the record's
//   info flag says tcp_info came with it; TIME-WAIT minisockets report no uid (0 here).
// - Rows whose state code /proc would never show (`state(i)` undefined) are kept as rows: counting
//   callers skip them by code, `records()` leaves them out as decodeRecords did.
// - Address text is cached by value (a server's sockets share their local address); an IPv4 row's
//   address is also a 32-bit key (`localV4`/`remoteV4`) for grouping without text.
import type { TcpState } from '../../model/states.js';
import { LINUX_STATE_CODES } from '../../model/states.js';
import type { SocketRecord } from '../../model/snapshot.js';
import { addressFromV6Bytes, formatIpv4 } from '../../model/address.js';
import { timerKindOfCode } from '../../model/timers.js';

/** Bytes per packed record (sock-diag.c's RECORD_SIZE); an addon built for another layout is not used. */
export const RECORD_SIZE = 88;
/** Record flag (byte 84): the idle times came from INET_DIAG_INFO. */
const HAS_INFO = 1;
/** idiag_timer 3: the TIME-WAIT timer (inet_twsk_diag_fill). */
const TIMER_TIMEWAIT = 3;
/** TCP_TIMEWAIT_LEN (include/net/tcp.h): a TIME-WAIT minisocket lives exactly this long. */
const TIME_WAIT_MS = 60_000;

// Address strings repeat (a server's every socket shares its local address): cached by value.
type Addr = { address: string; family: 'ipv4' | 'ipv6' };
const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, Addr>();

function v4Text(bytes: Uint8Array, off: number, word: number): string {
  let s = v4Cache.get(word);
  if (s === undefined) {
    s = formatIpv4(bytes, off);
    if (v4Cache.size > 65536) v4Cache.clear();
    v4Cache.set(word, s);
  }
  return s;
}

/** IPv6 text, or the IPv4 address an IPv4-mapped one carries (as the /proc parser reads it). */
function v6Addr(bytes: Uint8Array, off: number, words: Uint32Array, w: number): Addr {
  const key = `${words[w]},${words[w + 1]},${words[w + 2]},${words[w + 3]}`;
  let a = v6Cache.get(key);
  if (a === undefined) {
    a = addressFromV6Bytes(bytes, off);
    if (v6Cache.size > 65536) v6Cache.clear();
    v6Cache.set(key, a);
  }
  return a;
}

// The id's characters, filled in place: `cookie:` then 16 hex digits. Concatenating the pieces
// would leave each id a tree of three strings (a cons string); fromCharCode makes one flat string,
// about half the memory per socket on a big host.
const ID_CODES: number[] = Array.from('cookie:0000000000000000', (c) => c.charCodeAt(0));
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** `cookie:` and the 64-bit cookie in 16 hex digits (`ss -e` prints the same number after `sk:`). */
export function cookieId(hi: number, lo: number): string {
  for (let i = 0; i < 8; i++) {
    ID_CODES[7 + i] = HEX[(hi >>> (28 - 4 * i)) & 15];
    ID_CODES[15 + i] = HEX[(lo >>> (28 - 4 * i)) & 15];
  }
  return String.fromCharCode.apply(null, ID_CODES);
}

/**
 * The timer of every socket with none running (most ESTABLISHED and LISTEN sockets): one shared
 * object instead of one per socket. Records are read, never changed in place, by every consumer.
 */
const TIMER_OFF: SocketRecord['timer'] = { kind: 'off', remainingMs: 0, retransmits: 0 };

/** A dump's records as columns, row by row; see the rules at the top of this file. */
export class PackedSockets {
  /** Rows, including any whose state code /proc would not show. */
  readonly length: number;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly w16: number;
  private readonly w32: number;

  constructor(readonly buffer: ArrayBuffer, readonly recordSize = RECORD_SIZE) {
    const n = Math.floor(buffer.byteLength / recordSize);
    this.length = n;
    this.u8 = new Uint8Array(buffer, 0, n * recordSize);
    this.u16 = new Uint16Array(buffer, 0, (n * recordSize) / 2);
    this.u32 = new Uint32Array(buffer, 0, (n * recordSize) / 4);
    this.w16 = recordSize / 2;
    this.w32 = recordSize / 4;
  }

  /** The kernel's state code (idiag_state: 1 ESTABLISHED … 10 LISTEN, 12 NEW_SYN_RECV). */
  stateCode(i: number): number { return this.u8[i * this.recordSize]; }
  /** The state as tcplens names it; undefined for a code /proc never shows. */
  state(i: number): TcpState | undefined { return LINUX_STATE_CODES[this.u8[i * this.recordSize]]; }
  /** An AF_INET6 socket (possibly with IPv4-mapped addresses). */
  isV6(i: number): boolean { return this.u8[i * this.recordSize + 1] === 6; }
  /** idiag_timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME-WAIT, 4 zero-window probe. */
  timerCode(i: number): number { return this.u8[i * this.recordSize + 2]; }
  localPort(i: number): number { return this.u16[i * this.w16 + 2]; }
  remotePort(i: number): number { return this.u16[i * this.w16 + 3]; }
  /** Recv-Q; a listener's accept queue. */
  recvQ(i: number): number { return this.u32[i * this.w32 + 2]; }
  /** Send-Q; a listener's accept-queue limit. */
  sendQ(i: number): number { return this.u32[i * this.w32 + 3]; }
  /** ms until the timer fires. */
  timerMs(i: number): number { return this.u32[i * this.w32 + 4]; }
  retransmits(i: number): number { return this.u32[i * this.w32 + 5]; }
  uid(i: number): number { return this.u32[i * this.w32 + 6]; }
  /** 0 for TIME-WAIT and orphaned minisockets and request sockets: no file, no owner. */
  inode(i: number): number { return this.u32[i * this.w32 + 7]; }
  /** The socket cookie as a number (the kernel counts cookies up from 1: exact below 2^53). */
  cookie(i: number): number { const w = i * this.w32; return this.u32[w + 17] * 0x1_0000_0000 + this.u32[w + 16]; }
  /** tcp_info came with this row (full sockets when asked): the idle times below are real. */
  hasInfo(i: number): boolean { return (this.u8[i * this.recordSize + 84] & HAS_INFO) !== 0; }
  /** ms since data was last sent / received / an ACK received (tcp_info; only with `hasInfo`). */
  lastSentMs(i: number): number { return this.u32[i * this.w32 + 18]; }
  lastRecvMs(i: number): number { return this.u32[i * this.w32 + 19]; }
  lastAckMs(i: number): number { return this.u32[i * this.w32 + 20]; }
  /** An AF_INET row's addresses as 32-bit words (network byte order in memory): grouping keys. */
  localV4(i: number): number { return this.u32[i * this.w32 + 8]; }
  remoteV4(i: number): number { return this.u32[i * this.w32 + 12]; }

  private addr(i: number, at: number): Addr | string {
    const o8 = i * this.recordSize + at;
    return this.isV6(i) ? v6Addr(this.u8, o8, this.u32, o8 / 4) : v4Text(this.u8, o8, this.u32[o8 / 4]);
  }
  /** The local address as text (IPv4-mapped IPv6 as IPv4, as the /proc parser reads it). */
  localAddress(i: number): string { const a = this.addr(i, 32); return typeof a === 'string' ? a : a.address; }
  remoteAddress(i: number): string { const a = this.addr(i, 48); return typeof a === 'string' ? a : a.address; }

  /**
   * Row `i` as the SocketRecord the /proc parser would make; undefined for a state code /proc never
   * shows. One object literal per record shape (minisocket, full socket, full socket with tcp_info),
   * fields in the order JSON prints them: V8 then keeps every field inside the object. With
   * `withAge`, a TIME-WAIT row carries its age too (TCP_TIMEWAIT_LEN, 60 s, minus the time left, as
   * live-snapshot.ts gives every live record): in the literal, rather than added later, a property
   * added to an object after it was made takes a separate store of its own.
   */
  record(i: number, withAge = false): SocketRecord | undefined {
    const o8 = i * this.recordSize, o16 = i * this.w16, o32 = i * this.w32;
    const u8 = this.u8, u32 = this.u32;
    const state = LINUX_STATE_CODES[u8[o8]];
    if (state === undefined) return undefined;
    let localAddress: string, remoteAddress: string, family: 'ipv4' | 'ipv6';
    if (u8[o8 + 1] === 6) {
      const l = v6Addr(u8, o8 + 32, u32, o32 + 8), r = v6Addr(u8, o8 + 48, u32, o32 + 12);
      localAddress = l.address; remoteAddress = r.address;
      // A dual-stack socket with an IPv4 peer is IPv4 to us, as in parseProcNetTcp.
      family = l.family === 'ipv6' || r.family === 'ipv6' ? 'ipv6' : 'ipv4';
    } else {
      localAddress = v4Text(u8, o8 + 32, u32[o32 + 8]);
      remoteAddress = v4Text(u8, o8 + 48, u32[o32 + 12]);
      family = 'ipv4';
    }
    // The kernel's socket cookie (idiag_cookie): the socket's identity for its whole life.
    const id = cookieId(u32[o32 + 17], u32[o32 + 16]);
    // idiag_retrans is icsk_retransmits for the retransmit timer and icsk_probes_out for
    // keepalive and zero-window probes (inet_sk_diag_fill): the same split parseProcNetTcp makes.
    const code = u8[o8 + 2];
    const kind = timerKindOfCode(code) ?? 'off';
    const remainingMs = u32[o32 + 4], retransmits = u32[o32 + 5];
    const timer = kind === 'off' && remainingMs === 0 && retransmits === 0 ? TIMER_OFF : { kind, remainingMs, retransmits };
    // LISTEN: Recv-Q the accept queue, Send-Q its limit (`ss -ltn`); else bytes unsent or unacked.
    const recvQ = u32[o32 + 2], sendQ = u32[o32 + 3], inode = u32[o32 + 7];
    const localPort = this.u16[o16 + 2], remotePort = this.u16[o16 + 3];
    if (code === TIMER_TIMEWAIT) {
      // Minisockets report uid 0 (inet_twsk_diag_fill), left unknown.
      if (withAge && state === 'TIME-WAIT') {
        return { id, state, family, localAddress, localPort, remoteAddress, remotePort, recvQ, inode, timer, sendQ, ageMs: Math.max(0, TIME_WAIT_MS - remainingMs) };
      }
      return { id, state, family, localAddress, localPort, remoteAddress, remotePort, recvQ, inode, timer, sendQ };
    }
    if ((u8[o8 + 84] & HAS_INFO) !== 0 && state !== 'LISTEN') {
      // tcp_info of a listener carries no idle times (tcp_get_info returns before them).
      const extra = { lastsnd: u32[o32 + 18], lastrcv: u32[o32 + 19], lastack: u32[o32 + 20] };
      return { id, state, family, localAddress, localPort, remoteAddress, remotePort, recvQ, inode, timer, uid: u32[o32 + 6], sendQ, extra };
    }
    return { id, state, family, localAddress, localPort, remoteAddress, remotePort, recvQ, inode, timer, uid: u32[o32 + 6], sendQ };
  }

  /** Every row /proc would show, as SocketRecords, in dump order (`withAge`: as `record`). */
  records(withAge = false): SocketRecord[] {
    const out: SocketRecord[] = [];
    for (let i = 0; i < this.length; i++) {
      const r = this.record(i, withAge);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
}

/** The kernel's idiag_states mask for these states (TCP_NEW_SYN_RECV with SYN-RECEIVED). */
export function statesMask(states: Iterable<TcpState>): number {
  let mask = 0;
  for (const [code, s] of Object.entries(LINUX_STATE_CODES)) {
    for (const want of states) if (s === want) mask |= 1 << Number(code);
  }
  return mask;
}
