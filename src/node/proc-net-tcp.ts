// READ THIS FIRST — the byte-level parser of /proc/net/tcp and /proc/net/tcp6.
//
// Rules this file keeps:
// - It parses straight from the bytes the kernel wrote: no toString of the whole file, no split, no
//   regex per line. A host with 100,000+ sockets is the normal case, and this is the hot path of
//   `tcplens states` (bench/states.bench.ts compares it with `ss -tan | awk`).
// - The line format is the kernel's own (`get_tcp4_sock`, `get_timewait4_sock`, `get_openreq4` in
//   net/ipv4/tcp_ipv4.c; tcp6 the same with 32-hex-digit addresses, net/ipv6/tcp_ipv6.c):
//     "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu ..."
//      sl   local      remote     st tx_q  rx_q  tr tm->when retrnsmt uid timeout inode
//   Fields are space-separated with optional padding, so we walk tokens rather than fixed columns.
// - The file is read while the kernel walks a live hash table: a truncated last line, or a socket
//   that vanished between two reads, is normal and silent. Only a complete line that is not in the
//   format becomes a `ParseProblem` (with its 1-based line number), never an exception.
// - Addresses are printed as host-order 32-bit words: on little-endian hosts the bytes of each
//   word are reversed (FORMATS.md §2). Ports are already in host order.
// - Clock fields (tm->when) are USER_HZ ticks (`jiffies_delta_to_clock_t`), 100 per second on every
//   Linux architecture that matters; ss converts the same way (`tcp_show_line` in iproute2).
import { LINUX_STATE_CODES, type TcpState } from '../model/states.js';
import type { Family, ParseProblem, SocketRecord, SocketTimer } from '../model/snapshot.js';
import { formatIpv6 } from '../diagnose/parsers/address.js';

/** USER_HZ: the unit of tm->when. */
export const USER_HZ = 100;

/**
 * `tr` in /proc/net/tcp → the timer word ss prints (the `tmr_name[]` order of iproute2's ss,
 * net-tools' netstat). Codes Linux reports, not the engine's own timers (core/timers.ts TIMER_KINDS).
 */
export const PROC_TIMER_CODES: readonly SocketTimer['kind'][] = ['off', 'on', 'keepalive', 'timewait', 'probe'];

export interface ProcNetTcpOptions {
  /** Which file this is; tcp6 lines carry 32-hex-digit addresses. */
  family: Family;
  /** Name used in problems (`/proc/net/tcp`). */
  file: string;
  /** Byte order of the host that wrote the file (x86, arm64: little). */
  littleEndian?: boolean;
}

export interface ProcNetTcpResult {
  sockets: SocketRecord[];
  problems: ParseProblem[];
}

const SPACE = 0x20;
const NL = 0x0a;
const COLON = 0x3a;

/** Hex digit value of a byte, or -1. A table, because this runs ~60 times per line. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) { HEX[0x41 + i] = 10 + i; HEX[0x61 + i] = 10 + i; }

/** Cursor over one line; `bad` is set by any reader that finds something out of format. */
class Cursor {
  pos = 0;
  bad = '';
  constructor(readonly buf: Uint8Array, public end: number) {}

  skipSpaces(): void {
    while (this.pos < this.end && this.buf[this.pos] === SPACE) this.pos++;
  }

  /** Exactly `n` hex digits (an address word or a port). */
  hexFixed(n: number, what: string): number {
    const { buf } = this;
    if (this.pos + n > this.end) { this.bad ||= `${what}: line ends early`; return 0; }
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = HEX[buf[this.pos + i]];
      if (d < 0) { this.bad ||= `${what}: not a hex digit`; return 0; }
      v = v * 16 + d;
    }
    this.pos += n;
    return v;
  }

  /** A hex number of any length up to the next space or colon (tm->when is %08lX: up to 16 digits). */
  hexVar(what: string): number {
    this.skipSpaces();
    const { buf } = this;
    const start = this.pos;
    let v = 0;
    while (this.pos < this.end) {
      const d = HEX[buf[this.pos]];
      if (d < 0) break;
      v = v * 16 + d;
      this.pos++;
    }
    if (this.pos === start) this.bad ||= `${what}: expected a hex number`;
    return v;
  }

  /** A decimal number, optionally negative (timeout can print -1 on some kernels). */
  dec(what: string): number {
    this.skipSpaces();
    const { buf } = this;
    let neg = false;
    if (buf[this.pos] === 0x2d) { neg = true; this.pos++; }
    const start = this.pos;
    let v = 0;
    while (this.pos < this.end) {
      const c = buf[this.pos] - 0x30;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      this.pos++;
    }
    if (this.pos === start) this.bad ||= `${what}: expected a decimal number`;
    return neg ? -v : v;
  }

  expect(byte: number, what: string): void {
    if (this.buf[this.pos] === byte && this.pos < this.end) this.pos++;
    else this.bad ||= `${what}: expected '${String.fromCharCode(byte)}'`;
  }
}

// Address strings repeat (every socket of a server shares its local address), so they are cached
// by their numeric value; a few hundred distinct peers cost a few hundred strings, not 100,000.
const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, string>();

function readV4(c: Cursor, littleEndian: boolean): string {
  const w = c.hexFixed(8, 'address');
  let s = v4Cache.get(w);
  if (s === undefined) {
    const b0 = Math.floor(w / 0x1000000) & 0xff, b1 = (w >>> 16) & 0xff, b2 = (w >>> 8) & 0xff, b3 = w & 0xff;
    s = littleEndian ? `${b3}.${b2}.${b1}.${b0}` : `${b0}.${b1}.${b2}.${b3}`;
    if (v4Cache.size > 65536) v4Cache.clear();
    v4Cache.set(w, s);
  }
  return s;
}

function readV6(c: Cursor, littleEndian: boolean): string {
  const start = c.pos;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) words.push(c.hexFixed(8, 'address'));
  if (c.bad) return '';
  let key = '';
  for (let i = start; i < start + 32; i++) key += String.fromCharCode(c.buf[i]);
  let s = v6Cache.get(key);
  if (s === undefined) {
    const bytes: number[] = [];
    for (const w of words) {
      const b = [(w >>> 24) & 0xff, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff];
      bytes.push(...(littleEndian ? b.reverse() : b));
    }
    s = formatIPv6(bytes);
    if (v6Cache.size > 65536) v6Cache.clear();
    v6Cache.set(key, s);
  }
  return s;
}

/** RFC 5952 text: lower case, longest run of zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`. */
export function formatIPv6(bytes: readonly number[]): string {
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i] * 256 + bytes[i + 1]);
  return formatIpv6(groups); // the pasted-text parsers' RFC 5952 compression: one spelling everywhere
}

/** True when the line holds the column header (`  sl  local_address ...`). */
function isHeader(buf: Uint8Array, start: number, end: number): boolean {
  let p = start;
  while (p < end && buf[p] === SPACE) p++;
  return buf[p] === 0x73 /* s */ && buf[p + 1] === 0x6c /* l */;
}

/**
 * Parses one whole /proc/net/tcp or tcp6 file. `buf` is what one read returned; the last line may be
 * cut short (the file was growing), and is then dropped without a problem.
 */
export function parseProcNetTcp(buf: Uint8Array, opts: ProcNetTcpOptions): ProcNetTcpResult {
  const littleEndian = opts.littleEndian ?? true;
  const v6 = opts.family === 'ipv6';
  const sockets: SocketRecord[] = [];
  const problems: ParseProblem[] = [];
  const len = buf.length;
  let lineNo = 0;
  for (let start = 0; start < len;) {
    let end = buf.indexOf(NL, start);
    const complete = end >= 0;
    if (!complete) end = len;
    lineNo++;
    if (end > start && !isHeader(buf, start, end) && !isBlank(buf, start, end)) {
      const rec = parseLine(new Cursor(buf, end), start, v6, littleEndian);
      if (typeof rec === 'string') {
        if (complete) problems.push({ file: opts.file, line: lineNo, message: rec, text: latin1(buf, start, end) });
      } else {
        sockets.push(rec);
      }
    }
    start = end + 1;
  }
  return { sockets, problems };
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] !== SPACE && buf[p] !== 0x0d) return false;
  return true;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let p = start; p < end && p < start + 200; p++) s += String.fromCharCode(buf[p]);
  return s.trimEnd();
}

/** One socket line, or the reason it is not one. */
function parseLine(c: Cursor, start: number, v6: boolean, littleEndian: boolean): SocketRecord | string {
  c.pos = start;
  c.dec('sl');
  c.expect(COLON, 'sl');
  c.skipSpaces();
  const localAddress = v6 ? readV6(c, littleEndian) : readV4(c, littleEndian);
  c.expect(COLON, 'local address');
  const localPort = c.hexFixed(4, 'local port');
  c.skipSpaces();
  const remoteAddress = v6 ? readV6(c, littleEndian) : readV4(c, littleEndian);
  c.expect(COLON, 'remote address');
  const remotePort = c.hexFixed(4, 'remote port');
  const code = c.hexVar('st');
  const txQueue = c.hexVar('tx_queue');
  c.expect(COLON, 'tx_queue:rx_queue');
  const rxQueue = c.hexVar('rx_queue');
  const tr = c.hexVar('tr');
  c.expect(COLON, 'tr:tm->when');
  const when = c.hexVar('tm->when');
  const retrnsmt = c.hexVar('retrnsmt');
  const uid = c.dec('uid');
  const probes = c.dec('timeout');
  const inode = c.dec('inode');
  if (c.bad) return c.bad;
  const state: TcpState | undefined = LINUX_STATE_CODES[code];
  if (state === undefined) return `st: unknown state code ${code.toString(16).toUpperCase()}`;
  const kind = PROC_TIMER_CODES[tr];
  if (kind === undefined) return `tr: unknown timer code ${tr}`;

  const rec: SocketRecord = {
    state, family: v6 ? 'ipv6' : 'ipv4', localAddress, localPort, remoteAddress, remotePort,
    recvQ: rxQueue, inode,
    // ss's third timer number: retransmissions for the retransmit timer, unanswered probes for
    // keepalive and zero-window probes (inet_diag's idiag_retrans; icsk_probes_out is "timeout").
    timer: { kind, remainingMs: when * (1000 / USER_HZ), retransmits: kind === 'keepalive' || kind === 'probe' ? probes : retrnsmt },
  };
  // A timewait minisocket (TIME-WAIT, or an orphaned FIN-WAIT-2 turned into one) has no owner:
  // get_timewait4_sock prints a constant 0 for uid, which is not root, so it stays unknown.
  if (kind !== 'timewait') rec.uid = uid;
  // LISTEN: rx_queue is the accept-queue length; tx_queue is always 0, not the backlog limit (only
  // inet_diag reports that), so the limit stays unknown rather than a false 0.
  if (state !== 'LISTEN') rec.sendQ = txQueue;
  return rec;
}

/**
 * The `tcplens states` fast path: counts sockets per state without building records. Reads only
 * the `st` column, found by its fixed offset after `sl:` (addresses have fixed widths).
 */
export function countProcNetTcpStates(buf: Uint8Array, family: Family, counts: Partial<Record<TcpState, number>> = {}): Partial<Record<TcpState, number>> {
  const byCode = new Float64Array(256);
  tallyStateCodes(buf, buf.length, family, byCode);
  return addStateCodes(byCode, counts);
}

/** Adds a per-code tally (`tallyStateCodes`) to per-state counts. */
export function addStateCodes(byCode: Float64Array, counts: Partial<Record<TcpState, number>>): Partial<Record<TcpState, number>> {
  for (let code = 0; code < 256; code++) {
    if (byCode[code] === 0) continue;
    const s = LINUX_STATE_CODES[code];
    if (s !== undefined) counts[s] = (counts[s] ?? 0) + byCode[code];
  }
  return counts;
}

/**
 * Tallies the `st` code of every complete line in buf[0, len) into `byCode`; returns where the
 * first incomplete line starts (== len when the buffer ends on a newline), so a caller reading in
 * chunks can keep the tail for the next read.
 */
export function tallyStateCodes(buf: Uint8Array, len: number, family: Family, byCode: Float64Array): number {
  // From the colon of "sl:": colon, space, local (8|32 hex ':' 4 hex), space, remote, space, st.
  const addrLen = family === 'ipv6' ? 37 : 13;
  const stOffset = 2 + addrLen + 1 + addrLen + 1;
  let start = 0;
  while (start < len) {
    let colon = -1;
    let p = start;
    // The sl field is at most ~8 bytes; a header or junk line has no colon there.
    for (; p < len && p < start + 12; p++) {
      const b = buf[p];
      if (b === COLON) { colon = p; break; }
      if (b === NL) break;
    }
    let nl: number;
    if (colon >= 0 && colon + stOffset + 2 < len) {
      const q = colon + stOffset;
      nl = buf.indexOf(NL, q + 2);
      if (nl < 0 || nl >= len) break; // incomplete line: the caller's next read completes it
      const h = HEX[buf[q]], l = HEX[buf[q + 1]];
      if (h >= 0 && l >= 0 && buf[q + 2] === SPACE) byCode[h * 16 + l]++;
    } else {
      nl = buf.indexOf(NL, p);
      if (nl < 0 || nl >= len) break;
    }
    start = nl + 1;
  }
  return start;
}
