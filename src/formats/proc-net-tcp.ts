// READ THIS FIRST — the one parser of /proc/net/tcp and /proc/net/tcp6, for a live read and a paste alike.
//
// Rules this file keeps:
// - It parses straight from bytes: no toString of the whole file, no split, no regex per line. A
//   host with 100,000+ sockets is the normal case, and this is the hot path of `tcplens states`
//   (bench/states.bench.ts compares it with `ss -tan | awk`). Pasted text is encoded to bytes once
//   and goes through the very same code, so a live read and a capture of it give the same records.
// - The line format is the kernel's own (net/ipv4/tcp_ipv4.c; tcp6 the same with 32-hex-digit
//   addresses, net/ipv6/tcp_ipv6.c):
//     "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu ..."
//      sl   local      remote     st tx_q  rx_q  tr tm->when retrnsmt uid timeout inode
//   Three functions print it, and the columns mean different things in each:
//     get_tcp4_sock       a full socket: retrnsmt = icsk_retransmits, uid = the socket's owner,
//                         timeout = icsk_probes_out, inode = its file
//     get_timewait4_sock  a timewait minisocket (TIME-WAIT, or an orphaned FIN-WAIT-2): tr = 3 and
//                         constant zeros for tx/rx queue, retrnsmt, uid, timeout and inode
//     get_openreq4        a request socket (SYN-RECV): tr = 1, retrnsmt = its SYN-ACK retransmits
//                         (num_timeout), uid = the listener's owner, inode 0
//   Fields are space-separated with optional padding, so we walk tokens rather than fixed columns;
//   the address width (8 or 32 hex digits) tells IPv4 from IPv6 on each line, so a paste of both
//   files in one is read too.
// - The file is read while the kernel walks a live hash table: a truncated last line of a live read
//   is normal and silent; in a paste it is reported as cut off. Only a complete line that is not
//   in the format becomes a `ParseProblem` (with its 1-based line number), never an exception.
// - Addresses are printed as host-order 32-bit words: on little-endian hosts the bytes of each
//   word are reversed (the kernel prints each __be32 with %08X). Ports are already in host order. An IPv4-mapped address
//   (a dual-stack socket's IPv4 peer) is the IPv4 address it carries (model/address.ts).
// - Clock fields (tm->when) are USER_HZ ticks (`jiffies_delta_to_clock_t`), 100 per second on every
//   Linux architecture that matters; ss converts the same way (`tcp_show_line` in iproute2).
import { LINUX_STATE_CODES, type TcpState } from '../model/states.js';
import { socketId, type Family, type ParseProblem, type SocketRecord } from '../model/snapshot.js';
import { addressFromV6Bytes } from '../model/address.js';
import { timerKindOfCode } from '../model/timers.js';
import type { Text } from '../i18n/lang.js';
import { msg } from './messages.js';
import { repairText } from './text.js';
import { outOfRange } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

/** USER_HZ: the unit of tm->when. */
export const USER_HZ = 100;

export interface ProcNetTcpOptions {
  /** Name used in problems (`/proc/net/tcp`). */
  file: string;
  /** Byte order of the host that wrote the file (x86, arm64: little). */
  littleEndian?: boolean;
  /**
   * A last line with no newline: `drop` it silently (a live read, where the table grew while we
   * read) or `report` it as cut off (a paste). Default `drop`.
   */
  cutLastLine?: 'drop' | 'report';
}

export interface ProcNetTcpResult {
  sockets: SocketRecord[];
  problems: ParseProblem[];
}

const SPACE = 0x20;
const NL = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/** Hex digit value of a byte, or -1. A table, because this runs ~60 times per line. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) { HEX[0x41 + i] = 10 + i; HEX[0x61 + i] = 10 + i; }

/** Why a field could not be read (turned into a message only for the rare bad line). */
type Fault = 'end' | 'hex' | 'hexnum' | 'dec' | 'colon';

const FAULT_TEXT: Readonly<Record<Fault, Text>> = {
  end: { en: 'line ends early', zh: '行提前结束' },
  hex: { en: 'not a hex digit', zh: '不是十六进制数字' },
  hexnum: { en: 'expected a hex number', zh: '应为十六进制数' },
  dec: { en: 'expected a decimal number', zh: '应为十进制数' },
  colon: { en: "expected ':'", zh: "应为 ':'" },
};

/** Cursor over one line; `what`/`fault` are set by the first reader that finds something out of format. */
class Cursor {
  pos = 0;
  what = '';
  fault: Fault | undefined;
  constructor(readonly buf: Uint8Array, public end: number) {}

  fail(what: string, fault: Fault): void {
    if (this.fault === undefined) { this.what = what; this.fault = fault; }
  }

  skipSpaces(): void {
    while (this.pos < this.end && this.buf[this.pos] === SPACE) this.pos++;
  }

  /** Exactly `n` hex digits (an address word or a port). */
  hexFixed(n: number, what: string): number {
    const { buf } = this;
    if (this.pos + n > this.end) { this.fail(what, 'end'); return 0; }
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = HEX[buf[this.pos + i]];
      if (d < 0) { this.fail(what, 'hex'); return 0; }
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
    if (this.pos === start) this.fail(what, 'hexnum');
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
    if (this.pos === start) this.fail(what, 'dec');
    return neg ? -v : v;
  }

  colon(what: string): void {
    if (this.buf[this.pos] === COLON && this.pos < this.end) this.pos++;
    else this.fail(what, 'colon');
  }
}

// Address strings repeat (every socket of a server shares its local address), so they are cached
// by their numeric value; a few hundred distinct peers cost a few hundred strings, not 100,000.
type Addr = { address: string; family: Family };
const v4Cache = [new Map<number, Addr>(), new Map<number, Addr>()]; // [big-endian, little-endian]
const v6Cache = [new Map<string, Addr>(), new Map<string, Addr>()];

function readV4(c: Cursor, littleEndian: boolean): Addr {
  const w = c.hexFixed(8, 'address');
  const cache = v4Cache[littleEndian ? 1 : 0];
  let a = cache.get(w);
  if (a === undefined) {
    const b0 = Math.floor(w / 0x1000000) & 0xff, b1 = (w >>> 16) & 0xff, b2 = (w >>> 8) & 0xff, b3 = w & 0xff;
    a = { address: littleEndian ? `${b3}.${b2}.${b1}.${b0}` : `${b0}.${b1}.${b2}.${b3}`, family: 'ipv4' };
    if (cache.size > 65536) cache.clear();
    cache.set(w, a);
  }
  return a;
}

function readV6(c: Cursor, littleEndian: boolean): Addr {
  const start = c.pos;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) words.push(c.hexFixed(8, 'address'));
  if (c.fault !== undefined) return { address: '', family: 'ipv6' };
  let key = '';
  for (let i = start; i < start + 32; i++) key += String.fromCharCode(c.buf[i]);
  const cache = v6Cache[littleEndian ? 1 : 0];
  let a = cache.get(key);
  if (a === undefined) {
    const bytes: number[] = [];
    for (const w of words) {
      const b = [(w >>> 24) & 0xff, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff];
      bytes.push(...(littleEndian ? b.reverse() : b));
    }
    a = addressFromV6Bytes(bytes);
    if (cache.size > 65536) cache.clear();
    cache.set(key, a);
  }
  return a;
}

/** True when the line holds the column header (`  sl  local_address ...`). */
function isHeader(buf: Uint8Array, start: number, end: number): boolean {
  let p = start;
  while (p < end && buf[p] === SPACE) p++;
  return buf[p] === 0x73 /* s */ && buf[p + 1] === 0x6c /* l */;
}

const encoder = new TextEncoder();

/**
 * Parses one whole /proc/net/tcp or tcp6 file, or a paste of either or both. `input` is what one
 * read returned (bytes), or pasted text.
 */
export function parseProcNetTcp(input: Uint8Array | string, opts: ProcNetTcpOptions): ProcNetTcpResult {
  const buf = typeof input === 'string' ? encoder.encode(input) : input;
  const littleEndian = opts.littleEndian ?? true;
  const reportCut = opts.cutLastLine === 'report';
  const sockets: SocketRecord[] = [];
  const problems: ParseProblem[] = [];
  const len = buf.length;
  let lineNo = 0;
  for (let start = 0; start < len;) {
    let end = buf.indexOf(NL, start);
    const complete = end >= 0;
    if (!complete) end = len;
    lineNo++;
    let stop = end;
    while (stop > start && buf[stop - 1] === CR) stop--;
    if (stop > start && !isHeader(buf, start, stop) && !isBlank(buf, start, stop)) {
      const rec = parseLine(new Cursor(buf, stop), start, littleEndian);
      if (!('state' in rec)) {
        if (complete || reportCut) {
          const why = complete ? rec : msg.cutOff(rec);
          problems.push({ file: opts.file, line: lineNo, message: why.en, zh: why.zh, text: lineText(buf, start, stop) });
        }
      } else {
        sockets.push(rec);
      }
    }
    start = end + 1;
  }
  return { sockets, problems };
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] !== SPACE && buf[p] !== CR && buf[p] !== 0x09) return false;
  return true;
}

const decoder = new TextDecoder();

function lineText(buf: Uint8Array, start: number, end: number): string {
  const s = decoder.decode(buf.subarray(start, Math.min(end, start + 200))).trimEnd();
  return end - start > 200 ? s + '…' : s;
}

/** One socket line, or the reason it is not one. */
function parseLine(c: Cursor, start: number, littleEndian: boolean): SocketRecord | Text {
  c.pos = start;
  c.dec('sl');
  c.colon('sl');
  c.skipSpaces();
  // 8 hex digits then ':' is IPv4; 32 is IPv6.
  const v6 = c.buf[c.pos + 8] !== COLON && c.buf[c.pos + 32] === COLON;
  const local = v6 ? readV6(c, littleEndian) : readV4(c, littleEndian);
  c.colon('local address');
  const localPort = c.hexFixed(4, 'local port');
  c.skipSpaces();
  const remote = v6 ? readV6(c, littleEndian) : readV4(c, littleEndian);
  c.colon('remote address');
  const remotePort = c.hexFixed(4, 'remote port');
  const code = c.hexVar('st');
  const txQueue = c.hexVar('tx_queue');
  c.colon('tx_queue:rx_queue');
  const rxQueue = c.hexVar('rx_queue');
  const tr = c.hexVar('tr');
  c.colon('tr:tm->when');
  const when = c.hexVar('tm->when');
  const retrnsmt = c.hexVar('retrnsmt');
  const uid = c.dec('uid');
  const probes = c.dec('timeout');
  const inode = c.dec('inode');
  if (c.fault !== undefined) {
    const f = FAULT_TEXT[c.fault];
    return { en: `${c.what}: ${f.en}`, zh: `${c.what}：${f.zh}` };
  }
  // uid is %5u of a 32-bit id, inode %lu; the hex fields are at most 16 digits. Anything else (a
  // negative uid, 20 digits) is no kernel's: the line is an error, never a socket.
  if (!(uid >= 0 && uid <= 0xffff_ffff)) return outOfRange('uid', String(uid), '0 to 4294967295');
  if (!(inode >= 0 && Number.isSafeInteger(inode))) return outOfRange('inode', String(inode), '0 or more');
  if (!(Number.isSafeInteger(when) && Number.isSafeInteger(txQueue) && Number.isSafeInteger(rxQueue) && Number.isSafeInteger(retrnsmt) && probes >= -1 && Number.isSafeInteger(probes))) {
    return { en: 'a figure larger than any the kernel prints', zh: '数值大于内核会输出的任何值' };
  }
  const state: TcpState | undefined = LINUX_STATE_CODES[code];
  if (state === undefined) return msg.unknownStateCode(code.toString(16).toUpperCase());
  const kind = timerKindOfCode(tr);
  if (kind === undefined) return msg.unknownTimerCode(tr);

  // A dual-stack socket with an IPv4 peer prints both ends IPv4-mapped: the socket is IPv4 to us,
  // as it is to ss's and netstat's readers (model/address.ts).
  const family: Family = v6 && (local.family === 'ipv6' || remote.family === 'ipv6') ? 'ipv6' : 'ipv4';
  const rec: SocketRecord = {
    id: '', // below, once the record is complete (model/snapshot.ts socketId)
    state, family, localAddress: local.address, localPort, remoteAddress: remote.address, remotePort,
    recvQ: rxQueue, inode,
    // ss's third timer number, inet_diag's idiag_retrans (inet_sk_diag_fill): retransmissions for
    // the retransmit timer, unanswered probes (the timeout column) for keepalive and zero-window
    // probes. A timewait minisocket prints 0 in both.
    timer: { kind, remainingMs: when * (1000 / USER_HZ), retransmits: kind === 'keepalive' || kind === 'persist' ? probes : retrnsmt },
  };
  // A timewait minisocket (TIME-WAIT, or an orphaned FIN-WAIT-2 turned into one) has no owner:
  // get_timewait4_sock prints a constant 0 for uid, which is not root, so it stays unknown.
  if (kind !== 'timewait') rec.uid = uid;
  // LISTEN: rx_queue is the accept-queue length; tx_queue is always 0, not the backlog limit (only
  // inet_diag reports that), so the limit stays unknown rather than a false 0.
  if (state !== 'LISTEN') rec.sendQ = txQueue;
  rec.id = socketId(rec);
  return rec;
}

const HEADER = /^\s*sl\s+local_address\s+rem(ote)?_address\s+st\s/;
const ROW = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):[0-9A-Fa-f]{4}\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):[0-9A-Fa-f]{4}\s+[0-9A-Fa-f]{2}\s+[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8}\s/;

/** Pasted /proc/net/tcp or tcp6 text: the same parser as the live read. */
export function parseProcNetTcpText(file: string, raw: string): ParsedPart {
  const r = parseProcNetTcp(repairText(raw), { file, cutLastLine: 'report' });
  return {
    format: 'proc-net-tcp', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'proc-net-tcp' },
    sockets: r.sockets, problems: r.problems,
  };
}

export const procNetTcpParser: FormatParser = {
  id: 'proc-net-tcp',
  description: 'raw /proc/net/tcp or /proc/net/tcp6 text',
  example: 'cat /proc/net/tcp',
  sniff(lines) {
    if (lines.some((l) => HEADER.test(l))) return 0.98;
    const rows = lines.filter((l) => ROW.test(l)).length;
    return rows > 0 && rows >= lines.length * 0.8 ? 0.8 : 0;
  },
  parse: parseProcNetTcpText,
};

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
