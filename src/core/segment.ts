// A TCP segment as the engine sees it: header fields and options already decoded, addresses as
// text ("192.0.2.1", "fd3d:fa7b:d17d::1"). The engine never parses or builds wire bytes; an adapter
// that needs bytes (a pcap writer, a TUN bridge) converts at the edge.
import type { Seq } from './seq.js';

export interface TcpFlags {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
  /** AE, the accurate-ECN bit (RFC 9768, reserved bit 8): packetdrill's `A`. */
  ae?: boolean;
}

/** The IP header's ECN field (RFC 3168 §5): Not-ECT, ECT(0), ECT(1), CE. */
export type EcnCodepoint = 'noecn' | 'ect0' | 'ect1' | 'ce';

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackOK' }
  | { kind: 'sack'; blocks: Array<[Seq, Seq]> }
  | { kind: 'timestamp'; val: number; ecr: number }
  /** TCP Fast Open (RFC 7413): kind 34, or `exp` the experimental kind 254 with magic 0xF989 that older stacks send. */
  | { kind: 'fastopen'; cookie: Uint8Array; exp?: boolean }
  | { kind: 'unknown'; code: number; data: Uint8Array };

export interface Segment {
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  seq: Seq;
  ack: Seq;
  flags: TcpFlags;
  /** The raw 16-bit window field, before any window scaling. */
  window: number;
  urgent: number;
  options: TcpOption[];
  /**
   * The data. Never changed once the segment is handed on: a receiver queues these bytes as they
   * are (as a sender's segments are views of its send buffer), so whoever wants other bytes makes
   * another array.
   */
  payload: Uint8Array;
  /** The IP packet's ECN codepoint; undefined is Not-ECT. */
  ecn?: EcnCodepoint;
}

/** The payload of every segment without data: one shared empty array (a typed array costs to make). */
export const NO_PAYLOAD: Uint8Array = new Uint8Array(0);

export const NO_FLAGS: Readonly<TcpFlags> = Object.freeze({
  syn: false, ack: false, fin: false, rst: false, psh: false, urg: false, ece: false, cwr: false,
});

/** Flags from packetdrill's letters: `S.` is SYN+ACK, `FP.` FIN+PSH+ACK, `-` none. */
export function flagsFromLetters(letters: string): TcpFlags {
  const f = { ...NO_FLAGS };
  for (const c of letters) {
    switch (c) {
      case 'S': f.syn = true; break;
      case 'F': f.fin = true; break;
      case 'R': f.rst = true; break;
      case 'P': f.psh = true; break;
      case '.': f.ack = true; break;
      case 'U': f.urg = true; break;
      case 'E': f.ece = true; break;
      case 'W': f.cwr = true; break;
      case 'A': f.ae = true; break;
      case '-': break;
      default: throw new RangeError(`unknown TCP flag letter '${c}'`);
    }
  }
  return f;
}

/** The inverse, in packetdrill's (and tcpdump's) order: `S`, `F`, `R`, `P`, `U`, `E`, `W`, `A`, then `.` for ACK. */
export function flagsToLetters(f: TcpFlags): string {
  let s = '';
  if (f.syn) s += 'S';
  if (f.fin) s += 'F';
  if (f.rst) s += 'R';
  if (f.psh) s += 'P';
  if (f.urg) s += 'U';
  if (f.ece) s += 'E';
  if (f.cwr) s += 'W';
  if (f.ae) s += 'A';
  if (f.ack) s += '.';
  return s === '' ? '-' : s;
}

export function segmentLength(s: Segment): number {
  return s.payload.length + (s.flags.syn ? 1 : 0) + (s.flags.fin ? 1 : 0);
}

export function isIPv6(addr: string): boolean {
  return addr.includes(':');
}
