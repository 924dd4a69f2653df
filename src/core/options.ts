// READ THIS FIRST — TCP options as Linux writes and reads them.
//
// Rules this file keeps (net/ipv4/tcp_output.c tcp_options_write, tcp_syn_options,
// tcp_synack_options; tcp_input.c tcp_parse_options):
// - Wire order is MSS; then timestamps, written `sackOK,TS` when SACK is also offered or
//   `nop,nop,TS` when not; then `nop,nop,sackOK` when SACK is offered without timestamps; then
//   `nop,wscale`. So a SYN is `mss,sackOK,TS,nop,wscale` with timestamps and
//   `mss,nop,nop,sackOK,nop,wscale` without.
// - A SYN-ACK carries only what the peer's SYN offered (RFC 7323 §1.3, RFC 2018 §2).
// - A segment after the handshake carries `nop,nop,TS` when timestamps were negotiated, and
//   nothing else (SACK blocks are optional here and not sent).
// - Parsing never throws: a malformed option is ignored, values are clamped to their ranges.
import type { TcpOption } from './segment.js';
import type { Seq } from './seq.js';
import { seq } from './seq.js';

export interface ReceivedOptions {
  mss?: number;
  wscale?: number;
  sackOk: boolean;
  ts?: { val: number; ecr: number };
  /** SACK blocks [left, right) as sent (RFC 2018 §3); validated against the send window later. */
  sack?: Array<[Seq, Seq]>;
  /** The Fast Open option (kind 34, or 254 with magic 0xF989 when `exp`), cookie possibly empty. */
  fastopen?: { cookie: Uint8Array; exp: boolean };
}

/** RFC 7323 §2.3: a shift above 14 is treated as 14 (Linux logs and clamps it). */
export const MAX_WSCALE = 14;

export function parseOptions(opts: readonly TcpOption[] | undefined): ReceivedOptions {
  const r: ReceivedOptions = { sackOk: false };
  if (!Array.isArray(opts)) return r;
  for (const o of opts) {
    if (!o || typeof o !== 'object') continue;
    switch (o.kind) {
      case 'mss':
        if (Number.isFinite(o.value) && o.value > 0) r.mss = Math.min(Math.floor(o.value), 0xffff);
        break;
      case 'wscale':
        if (Number.isFinite(o.shift) && o.shift >= 0) r.wscale = Math.min(Math.floor(o.shift), MAX_WSCALE);
        break;
      case 'sackOK':
        r.sackOk = true;
        break;
      case 'timestamp':
        // The option itself when its values are already 32-bit (every segment a host sends): no copy.
        if (o.val === o.val >>> 0 && o.ecr === o.ecr >>> 0) r.ts = o;
        else if (Number.isFinite(o.val) && Number.isFinite(o.ecr)) r.ts = { val: o.val >>> 0, ecr: o.ecr >>> 0 };
        break;
      case 'sack':
        if (Array.isArray(o.blocks)) {
          const blocks: unknown[] = o.blocks;
          r.sack = blocks
            .filter((b): b is [number, number] => Array.isArray(b) && Number.isFinite(b[0]) && Number.isFinite(b[1]))
            .slice(0, 4)
            .map(([a, b]) => [seq(a), seq(b)] as [Seq, Seq]);
        }
        break;
      case 'fastopen':
        if (o.cookie instanceof Uint8Array) r.fastopen = { cookie: o.cookie, exp: o.exp === true };
        break;
      default:
        break;
    }
  }
  return r;
}

export interface SynOptionSet {
  mss: number;
  sack: boolean;
  ts?: { val: number; ecr: number };
  wscale?: number;
  /** tcp_synack_options(): a Fast Open cookie, after the rest (`FO c,nop,nop` for 8 bytes; FOEXP needs no padding). */
  fastopen?: { cookie: Uint8Array; exp: boolean };
}

/** tcp_options_write's layout for a SYN or SYN-ACK. */
export function synOptions(s: SynOptionSet): TcpOption[] {
  const out: TcpOption[] = [{ kind: 'mss', value: s.mss }];
  if (s.ts) {
    if (s.sack) out.push({ kind: 'sackOK' });
    else out.push({ kind: 'nop' }, { kind: 'nop' });
    out.push({ kind: 'timestamp', val: s.ts.val >>> 0, ecr: s.ts.ecr >>> 0 });
  } else if (s.sack) {
    out.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOK' });
  }
  if (s.wscale !== undefined) out.push({ kind: 'nop' }, { kind: 'wscale', shift: s.wscale });
  if (s.fastopen) {
    const f = s.fastopen;
    out.push(f.exp ? { kind: 'fastopen', cookie: f.cookie, exp: true } : { kind: 'fastopen', cookie: f.cookie });
    const len = (f.exp ? 4 : 2) + f.cookie.length;
    for (let pad = (4 - (len % 4)) % 4; pad > 0; pad--) out.push({ kind: 'nop' });
  }
  return out;
}

/** One `nop` for every segment after the SYNs to share: options are never changed once built. */
const NOP: TcpOption = Object.freeze({ kind: 'nop' });

/** Options of every segment after the SYNs: only the aligned timestamp. */
export function dataOptions(ts: { val: number; ecr: number } | undefined): TcpOption[] {
  return ts ? timestampOptions(ts.val, ts.ecr) : NO_OPTIONS;
}

/** `nop,nop,TS val ecr`: the options of a segment after the SYNs when timestamps were negotiated. */
export function timestampOptions(val: number, ecr: number): TcpOption[] {
  return [NOP, NOP, { kind: 'timestamp', val: val >>> 0, ecr: ecr >>> 0 }];
}

/** The options of a segment without any: one shared, frozen empty list. */
export const NO_OPTIONS: TcpOption[] = Object.freeze([]) as unknown as TcpOption[];

/** TCPOLEN_TSTAMP_ALIGNED: what timestamps take from each segment's payload room. */
export const TS_ALIGNED_LEN = 12;
/** TCP_MSS_DEFAULT (RFC 9293 §3.7.1): the MSS assumed when the peer sends none. */
export const MSS_DEFAULT = 536;
