// TCP Fast Open on the server side (RFC 7413), as net/ipv4/tcp_fastopen.c does it:
// - The cookie is SipHash-2-4 of the SYN's source and destination addresses (network order,
//   IPv4 or IPv6), keyed by the 128-bit `tcp_fastopen_key`, written little-endian
//   (__tcp_fastopen_cookie_gen_cipher). The sysctl's four hex words are each stored
//   little-endian and the key is read as two little-endian 64-bit halves (proc_tcp_fastopen_key,
//   tcp_fastopen_reset_cipher), so `a1a1a1a1-b2b2b2b2-...` gives k0 = 0xb2b2b2b2a1a1a1a1.
// - tcp_try_fastopen() decides, for a SYN at a listener, whether a child socket is created at
//   once (the SYN's data accepted, accept() returning before the handshake completes) and which
//   cookie, if any, the SYN-ACK carries.
// Pure: the key is configuration, the addresses come with the segment.

/** `net.ipv4.tcp_fastopen` bits (include/net/tcp.h TFO_*). */
export const TFO = {
  CLIENT_ENABLE: 0x1,
  SERVER_ENABLE: 0x2,
  CLIENT_NO_COOKIE: 0x4,
  SERVER_COOKIE_NOT_REQD: 0x200,
  SERVER_WO_SOCKOPT1: 0x400,
} as const;

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M64;

/** SipHash-2-4 (lib/siphash.c siphash()) of `bytes` under the key (k0, k1). */
export function siphash24(bytes: Uint8Array, k0: bigint, k1: bigint): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n, v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n, v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & M64; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M64; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M64; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M64; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const le = (off: number, len: number): bigint => {
    let m = 0n;
    for (let i = len - 1; i >= 0; i--) m = (m << 8n) | BigInt(bytes[off + i] ?? 0);
    return m;
  };
  const n = bytes.length;
  const whole = n - (n % 8);
  for (let off = 0; off < whole; off += 8) {
    const m = le(off, 8);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  const last = (BigInt(n & 0xff) << 56n) | le(whole, n - whole);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & M64;
}

/** A `tcp_fastopen_key` value as four 32-bit words. */
export type FastopenKey = readonly [number, number, number, number];

/** proc_tcp_fastopen_key's input form, `%x-%x-%x-%x`; undefined when malformed. */
export function parseFastopenKey(text: string): FastopenKey | undefined {
  const m = /^([0-9a-f]{1,8})-([0-9a-f]{1,8})-([0-9a-f]{1,8})-([0-9a-f]{1,8})$/i.exec(text.trim());
  if (!m) return undefined;
  return [parseInt(m[1] as string, 16), parseInt(m[2] as string, 16), parseInt(m[3] as string, 16), parseInt(m[4] as string, 16)];
}

/** __tcp_fastopen_cookie_gen_cipher(): the 8-byte cookie for a SYN from `saddr` to `daddr`. */
export function fastopenCookie(key: FastopenKey, saddr: Uint8Array, daddr: Uint8Array): Uint8Array {
  const k0 = (BigInt(key[1] >>> 0) << 32n) | BigInt(key[0] >>> 0);
  const k1 = (BigInt(key[3] >>> 0) << 32n) | BigInt(key[2] >>> 0);
  const input = new Uint8Array(saddr.length + daddr.length);
  input.set(saddr, 0);
  input.set(daddr, saddr.length);
  let h = siphash24(input, k0, k1);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(h & 0xffn);
    h >>= 8n;
  }
  return out;
}

export interface FastopenSyn {
  /** `net.ipv4.tcp_fastopen`. */
  sysctl: number;
  /** The listener's fastopenq.max_qlen (TCP_FASTOPEN, or the backlog under TFO_SERVER_WO_SOCKOPT1); 0: not a TFO listener. */
  maxQlen: number;
  /** Children created by TFO still waiting for their handshake's final ACK (fastopenq.qlen). */
  qlen: number;
  /** The SYN's Fast Open option: undefined when absent (foc.len = -1). */
  option?: { cookie: Uint8Array; exp: boolean };
  synData: boolean;
  /** The cookie this server makes for the SYN's addresses. */
  valid: Uint8Array;
}

export interface FastopenVerdict {
  /** Create the child now (tcp_fastopen_create_child). */
  child: boolean;
  /** The cookie option of the SYN-ACK, when it carries one. */
  synAckCookie?: { cookie: Uint8Array; exp: boolean };
  counters: string[];
}

function sameCookie(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** tcp_try_fastopen(): what a SYN at a listener gets. */
export function tryFastopen(s: FastopenSyn): FastopenVerdict {
  const counters: string[] = [];
  // tcp_parse_fastopen_option(): an odd length is ignored; a length outside 4..16 reads as a request.
  let foc = s.option;
  if (foc && (foc.cookie.length & 1)) foc = undefined;
  if (foc && foc.cookie.length !== 0 && (foc.cookie.length < 4 || foc.cookie.length > 16)) foc = { cookie: new Uint8Array(0), exp: foc.exp };
  if (foc && foc.cookie.length === 0) counters.push('TCPFastOpenCookieReqd');
  // tcp_fastopen_queue_check(): a listener without a queue length takes no Fast Open.
  if (!((s.sysctl & TFO.SERVER_ENABLE) && (s.synData || foc) && s.maxQlen > 0)) return { child: false, counters };
  if (s.qlen >= s.maxQlen) {
    counters.push('TCPFastOpenListenOverflow');
    return { child: false, counters };
  }
  // tcp_fastopen_no_cookie(): with TFO_SERVER_COOKIE_NOT_REQD any SYN with data or the option makes a child.
  if (s.sysctl & TFO.SERVER_COOKIE_NOT_REQD) return { child: true, counters: [...counters, 'TCPFastOpenPassive'] };
  const exp = foc?.exp ?? false;
  if (foc && foc.cookie.length > 0) {
    // tcp_fastopen_cookie_gen_check(): a valid cookie makes a child even without data
    // ("Data-less SYN with valid cookie is allowed to send data in SYN_RECV state").
    if (sameCookie(foc.cookie, s.valid)) return { child: true, counters: [...counters, 'TCPFastOpenPassive'] };
    counters.push('TCPFastOpenPassiveFail');
  }
  // A request or a wrong cookie: the SYN-ACK carries the valid cookie, in the option form the SYN used.
  if (foc) return { child: false, synAckCookie: { cookie: s.valid, exp }, counters };
  return { child: false, counters };
}
