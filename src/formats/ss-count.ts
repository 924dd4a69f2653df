// READ THIS FIRST — counting the rows of an `ss -tan` listing straight from its bytes.
//
// `tcplens states --input` on hundreds of MB of ss rows needs only the count per state. Most rows
// have one plain shape, `STATE recvq sendq a.b.c.d:port a.b.c.d:port [rest]` (or `*` for an address
// or port), and such a row is counted here from its bytes: no string, no regex, no record.
//
// Rules this file keeps:
// - A row is counted here only when the ss parser (ss.ts) would read it as a socket with the same
//   state and nothing to report: a known state word, queues of at most 15 digits, dotted quads
//   without leading zeros, ports 0..65535, and a rest without a figure the value check could refuse
//   (pid 0, an unlabelled pid 0 of iproute2 < 3.19, ten digits or more). Spaces and tabs only.
// - Anything else (`::1`, names, other white space, bytes outside printable ASCII in the rest) is
//   "not plain": the caller hands that line to the parser with its line number, so it is read or
//   reported exactly as in a whole read. Being conservative costs time, never correctness.
import { stateFromWord, type TcpState } from '../model/states.js';

const SP = 0x20;
const TAB = 0x09;
const DOT = 0x2e;
const COLON = 0x3a;
const STAR = 0x2a;
const ZERO = 0x30;
const EQUALS = 0x3d;
const COMMA = 0x2c;
const QUOTE = 0x22;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isSpace = (b: number): boolean => b === SP || b === TAB;

/** The state words of a listing (a handful, each seen millions of times), keyed by their bytes. */
export class StateWords {
  private readonly byHash = new Map<number, Array<{ bytes: Uint8Array; state: TcpState | undefined }>>();

  /** The state the word buf[start, end) names, or undefined (also for a word that is no state). */
  lookup(buf: Uint8Array, start: number, end: number): TcpState | undefined {
    let h = 0x811c9dc5;
    for (let p = start; p < end; p++) h = Math.imul(h ^ buf[p], 0x01000193);
    const list = this.byHash.get(h);
    if (list) {
      for (const e of list) if (sameBytes(e.bytes, buf, start, end)) return e.state;
    }
    let word = '';
    for (let p = start; p < end; p++) {
      const b = buf[p];
      // Printable ASCII only: a state word never holds anything else.
      if (b <= SP || b >= 0x7f) return undefined;
      word += String.fromCharCode(b);
    }
    const state = stateFromWord(word);
    // A copy: buf may be a Buffer (whose slice is a view) that is filled again with the next read.
    const entry = { bytes: Uint8Array.prototype.slice.call(buf, start, end), state };
    if (list) list.push(entry); else this.byHash.set(h, [entry]);
    return state;
  }
}

function sameBytes(a: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/** After at least one space or tab from p: the next position, or -1. */
function spaces(buf: Uint8Array, p: number, end: number): number {
  const s = p;
  while (p < end && isSpace(buf[p])) p++;
  return p > s ? p : -1;
}

/** 1..15 digits from p (a queue): the position after them, or -1. */
function queue(buf: Uint8Array, p: number, end: number): number {
  const s = p;
  while (p < end && isDigit(buf[p])) p++;
  return p > s && p - s <= 15 ? p : -1;
}

/** `*` or a dotted quad (0..255, no leading zero), `:`, then `*` or a port 0..65535: the position after, or -1. */
function endpoint(buf: Uint8Array, p: number, end: number): number {
  if (p < end && buf[p] === STAR) p++;
  else {
    for (let k = 0; k < 4; k++) {
      if (k > 0) { if (p >= end || buf[p] !== DOT) return -1; p++; }
      const s = p;
      let v = 0;
      while (p < end && p - s < 3 && isDigit(buf[p])) { v = v * 10 + buf[p] - ZERO; p++; }
      if (p === s || v > 255 || (p - s > 1 && buf[s] === ZERO)) return -1;
    }
  }
  if (p >= end || buf[p] !== COLON) return -1;
  p++;
  if (p < end && buf[p] === STAR) return p + 1;
  const s = p;
  let v = 0;
  while (p < end && p - s < 5 && isDigit(buf[p])) { v = v * 10 + buf[p] - ZERO; p++; }
  if (p === s || v > 65535 || (p - s > 1 && buf[s] === ZERO)) return -1;
  return p;
}

/**
 * True when the rest of a row holds nothing the value check could refuse: no `pid=0`, no unlabelled
 * pid 0 (`("nc",0,3)`), no run of ten digits or more; printable ASCII, spaces and tabs only.
 */
function plainRest(buf: Uint8Array, p: number, end: number): boolean {
  let run = 0;
  for (; p < end; p++) {
    const b = buf[p];
    if (b < SP ? b !== TAB : b >= 0x7f) return false;
    if (isDigit(b)) { if (++run >= 10) return false; continue; }
    run = 0;
    if (b === EQUALS || b === COMMA) {
      // `pid=0`, `pid=00` or `",0,`: a pid of zero.
      let q = p + 1;
      while (q < end && buf[q] === ZERO) q++;
      if (q > p + 1 && (q >= end || !isDigit(buf[q]))) {
        const pidLabel = p >= 3 && buf[p - 3] === 0x70 && buf[p - 2] === 0x69 && buf[p - 1] === 0x64; // `pid`
        if (b === COMMA ? buf[p - 1] === QUOTE : pidLabel) return false;
      }
    }
  }
  return true;
}

/** The state of a plain ss row in buf[start, end) (no newline, no CR), or undefined when it is not plain. */
export function plainSsRow(buf: Uint8Array, start: number, end: number, words: StateWords): TcpState | undefined {
  let p = start;
  while (p < end && !isSpace(buf[p])) p++;
  if (p === start) return undefined;
  const wordEnd = p;
  if ((p = spaces(buf, p, end)) < 0 || (p = queue(buf, p, end)) < 0) return undefined;
  if ((p = spaces(buf, p, end)) < 0 || (p = queue(buf, p, end)) < 0) return undefined;
  if ((p = spaces(buf, p, end)) < 0 || (p = endpoint(buf, p, end)) < 0) return undefined;
  if ((p = spaces(buf, p, end)) < 0 || (p = endpoint(buf, p, end)) < 0) return undefined;
  if (p < end) {
    if (!isSpace(buf[p]) || !plainRest(buf, p, end)) return undefined;
  }
  return words.lookup(buf, start, wordEnd);
}
