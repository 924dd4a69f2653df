// SYN cookies (net/ipv4/syncookies.c): when a listener's SYN queue is full (tcp_syncookies=1) or
// always (=2), the SYN-ACK's sequence number encodes the connection instead of a request socket:
//   cookie = H0(4-tuple) + client_isn + (minute << 24) + ((H1(4-tuple, minute) + mssind) mod 2^24)
// (secure_tcp_syn_cookie). The final ACK carries cookie+1 back; check_tcp_syn_cookie() strips the
// layers, accepts a minute counter at most MAX_SYNCOOKIE_AGE-1 = 1 minute old, and returns mssind,
// an index into msstab. A cookie remembers only the MSS (of four values); without timestamps the
// rebuilt connection has no window scaling and no SACK (cookie_timestamp_decode()); with
// timestamps, window scale and SACK ride in the low bits of the SYN-ACK's TSval.
import type { Segment } from '../core/segment.js';
import { canonical } from './addr.js';
import { hash32 } from '../core/random.js';

/** msstab[] of syncookies.c (IPv4). */
export const MSS_TABLE = [536, 1300, 1440, 1460] as const;
const COOKIEBITS = 24;
const COOKIEMASK = (1 << COOKIEBITS) - 1;
/** TCP_SYNCOOKIE_PERIOD: the minute counter (tcp_cookie_time()). */
const PERIOD_MS = 60_000;
const MAX_SYNCOOKIE_AGE = 2;

export interface CookieTuple {
  saddr: string; sport: number; daddr: string; dport: number;
}

function h(secret: number, t: CookieTuple, count: number, c: number): number {
  return hash32(secret ^ Math.imul(c + 1, 0x27d4eb2d), `${t.saddr}|${t.sport}|${t.daddr}|${t.dport}|${count}`);
}

/** __cookie_v4_init_sequence: the ISN of the cookie SYN-ACK and the MSS it promises. */
export function cookieInit(secret: number, t: CookieTuple, clientIsn: number, peerMss: number, now: number): { isn: number; mss: number } {
  let mssind = MSS_TABLE.length - 1;
  for (; mssind > 0; mssind--) if (peerMss >= MSS_TABLE[mssind]) break;
  const count = Math.floor(now / PERIOD_MS) >>> 0;
  const isn = (h(secret, t, 0, 0) + clientIsn + ((count << COOKIEBITS) >>> 0) + ((h(secret, t, count, 1) + mssind) & COOKIEMASK)) >>> 0;
  return { isn, mss: MSS_TABLE[mssind] };
}

/**
 * __cookie_v4_check: given the ACK's ack-1 (the cookie) and seq-1 (the client's ISN), the MSS the
 * cookie encoded, or 0 when it is not a valid cookie (SyncookiesFailed).
 */
export function cookieCheck(secret: number, t: CookieTuple, cookie: number, clientIsn: number, now: number): number {
  const count = Math.floor(now / PERIOD_MS) >>> 0;
  const c = (cookie - h(secret, t, 0, 0) - clientIsn) >>> 0;
  const diff = (count - (c >>> COOKIEBITS)) & (0xffffffff >>> COOKIEBITS);
  if (diff >= MAX_SYNCOOKIE_AGE) return 0;
  const mssind = (c - h(secret, t, (count - diff) >>> 0, 1)) & COOKIEMASK;
  return mssind < MSS_TABLE.length ? MSS_TABLE[mssind] : 0;
}

/** The 4-tuple a cookie is keyed on, seen from the client (the segment's source). */
export function cookieTuple(seg: Segment): CookieTuple {
  return { saddr: canonical(seg.srcAddr), sport: seg.srcPort, daddr: canonical(seg.dstAddr), dport: seg.dstPort };
}

/** Does the segment carry a timestamp option? */
export function hasTimestamp(seg: Segment): boolean {
  for (const o of seg.options) if (o.kind === 'timestamp') return true;
  return false;
}

/** TSBITS of syncookies.c: the low 6 bits of a cookie SYN-ACK's TSval carry wscale (4) and SACK (1). */
const TSMASK = 0x3f;

/**
 * cookie_init_timestamp(): when the SYN had timestamps, the options a cookie cannot hold (window
 * scale, SACK) ride in the low bits of our TSval, never above the real clock.
 */
export function cookieTimestamp(synAck: Segment, syn: Segment): Segment {
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
export function cookieOptions(mss: number, ack: Segment): { mss: number; wscale?: number; sackOk: boolean; tsOk: boolean } {
  for (const o of ack.options) {
    if (o.kind !== 'timestamp') continue;
    const bits = o.ecr & TSMASK;
    const w = bits & 0xf;
    return { mss, ...(w !== 0xf ? { wscale: w } : {}), sackOk: (bits & 0x10) !== 0, tsOk: true };
  }
  return { mss, sackOk: false, tsOk: false };
}
