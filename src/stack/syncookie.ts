// SYN cookies (net/ipv4/syncookies.c): when a listener's SYN queue is full (tcp_syncookies=1) or
// always (=2), the SYN-ACK's sequence number encodes the connection instead of a request socket:
//   cookie = H0(4-tuple) + client_isn + (minute << 24) + ((H1(4-tuple, minute) + mssind) mod 2^24)
// (secure_tcp_syn_cookie). The final ACK carries cookie+1 back; check_tcp_syn_cookie() strips the
// layers, accepts a minute counter at most MAX_SYNCOOKIE_AGE-1 = 1 minute old, and returns mssind,
// an index into msstab. A cookie remembers only the MSS (of four values); without timestamps the
// rebuilt connection has no window scaling and no SACK (cookie_timestamp_decode()).
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
