// READ THIS FIRST — TCP Fast Open on the client side (RFC 7413 §4.1), as Linux 6.x does it
// (net/ipv4/tcp_fastopen.c, tcp_output.c tcp_send_syn_data, tcp_input.c tcp_rcv_fastopen_synack).
//
// Rules:
// - The client keeps, per destination, what the last handshake taught it (struct
//   tcp_fastopen_metrics in the tcp_metrics entry): the peer's MSS, the cookie it handed out, and
//   whether to try the experimental option (kind 254, magic 0xF989) next. The host owns the table;
//   these functions only read and rewrite one entry.
// - tcp_fastopen_cookie_check(): a SYN may carry data when a cookie is cached, or without any
//   cookie under TFO_CLIENT_NO_COOKIE (0x4); otherwise the SYN asks for a cookie (an empty option)
//   and the data waits for the handshake.
// - tcp_send_syn_data(): the SYN carries at most the path MSS (capped by the cached MSS and
//   TCP_MAXSEG) less MAX_TCP_OPTION_SPACE (40) bytes, so a 1460-byte MSS gives 1420 bytes.
// - tcp_rcv_fastopen_synack(): an unsolicited cookie is ignored; a requested one is cached with
//   the SYN-ACK's MSS; a SYN-ACK that does not acknowledge all of the SYN's data makes the client
//   send it again at once (TCPFastOpenActiveFail), one that does counts TCPFastOpenActive.
// Pure: the table, the sysctl and the data arrive as arguments.
import { TFO } from './fastopen.js';

/** struct tcp_fastopen_metrics: what the client remembers about one destination. */
export interface FastopenMetrics {
  /** The MSS of the peer's last SYN-ACK (0: none seen). */
  mss: number;
  /** The cookie the peer last gave (undefined: none). */
  cookie: Uint8Array | undefined;
  /** That cookie came in the experimental option. */
  exp: boolean;
  /** 1: ask for a cookie with the experimental option next time; 2: back to RFC 7413's. */
  tryExp: number;
  /** SYNs with data lost in a row (syn_loss). */
  synLoss: number;
}

/**
 * tp->fastopen_req->cookie: the Fast Open option our SYN carries. `cookie` undefined is Linux's
 * len -1 (no option at all); an empty cookie is a request.
 */
export interface FastopenOption { cookie: Uint8Array | undefined; exp: boolean }

/** MAX_TCP_OPTION_SPACE: the option room tcp_send_syn_data keeps free of data. */
export const MAX_TCP_OPTION_SPACE = 40;

export interface CookieCheck {
  /** The SYN may carry data. */
  ok: boolean;
  option: FastopenOption;
  /** The MSS to size the SYN's data with: the cached one, else `mss` as given. */
  mss: number;
}

/**
 * tcp_fastopen_cookie_check() with tcp_fastopen_cache_get(): may a SYN to this destination carry
 * data, and with which option. `noCookie` is TCP_FASTOPEN_NO_COOKIE on the socket.
 * tcp_fastopen_active_should_disable() never disables here: its blackhole timer counts only
 * while tcp_fastopen_blackhole_timeout_sec is set, and it is 0 by default since Linux 5.14.
 */
export function cookieCheck(sysctl: number, m: FastopenMetrics | undefined, mss: number, noCookie = false): CookieCheck {
  let cookie: Uint8Array | undefined = new Uint8Array(0);
  let exp = false;
  if (m) {
    if (m.mss) mss = m.mss;
    if (m.cookie) { cookie = m.cookie; exp = m.exp; }
    if (!m.cookie && m.tryExp === 1) exp = true;
  }
  // tcp_fastopen_no_cookie(): data without any option.
  if ((sysctl & TFO.CLIENT_NO_COOKIE) || noCookie) return { ok: true, option: { cookie: undefined, exp: false }, mss };
  if (cookie.length > 0) return { ok: true, option: { cookie, exp }, mss };
  return { ok: false, option: { cookie, exp }, mss };
}

/**
 * tcp_send_syn_data(): bytes of a `size`-byte write the SYN takes. The MSS is the cached one,
 * bounded by the path (`pathMss`, __tcp_mtu_to_mss) and TCP_MAXSEG (tcp_mss_clamp).
 */
export function synDataSpace(size: number, cachedMss: number, pathMss: number, userMss: number | undefined): number {
  const clamp = userMss && userMss > 0 ? Math.min(userMss, cachedMss) : cachedMss;
  const space = Math.min(pathMss, clamp) - MAX_TCP_OPTION_SPACE;
  return Math.max(0, Math.min(space, size));
}

/** What tcp_rcv_fastopen_synack() learnt from a SYN-ACK, for the cache (tcp_fastopen_cache_set). */
export interface SynAckLesson {
  mss: number;
  /** The SYN-ACK's cookie when it counts (a requested one, of a valid length). */
  cookie: { cookie: Uint8Array; exp: boolean } | undefined;
  synLost: boolean;
  tryExp: number;
}

export interface SynAckInput {
  /** tp->syn_fastopen: our SYN carried the option. */
  synFastopen: boolean;
  /** tp->syn_fastopen_exp: in its experimental form. */
  synFastopenExp: boolean;
  /** tp->syn_data: our SYN carried data. */
  synData: boolean;
  /** Some of the SYN's data is still unacknowledged after this SYN-ACK. */
  dataLeft: boolean;
  /** tp->total_retrans: the SYN was sent again. */
  retransmitted: boolean;
  /** The SYN-ACK's MSS (0 when it had none). */
  mss: number;
  /** The SYN-ACK's Fast Open option as tcp_parse_fastopen_option read it (undefined: none or ignored). */
  option: { cookie: Uint8Array; exp: boolean } | undefined;
}

/**
 * tcp_parse_fastopen_option(): a cookie is kept only with a length from 4 to 16 bytes and even
 * (TCP_FASTOPEN_COOKIE_MIN/MAX); anything else reads as no cookie (len -1).
 */
export function validCookie(o: { cookie: Uint8Array; exp: boolean } | undefined): { cookie: Uint8Array; exp: boolean } | undefined {
  if (!o) return undefined;
  const n = o.cookie.length;
  return n >= 4 && n <= 16 && (n & 1) === 0 ? o : undefined;
}

/** tcp_rcv_fastopen_synack(): what the cache learns, and whether the SYN's data must go again. */
export function fastopenSynAck(s: SynAckInput): { lesson: SynAckLesson; resend: boolean; counter?: 'TCPFastOpenActive' | 'TCPFastOpenActiveFail' } {
  let cookie = validCookie(s.option);
  let synLost = false;
  let tryExp = 0;
  if (!s.synFastopen) {
    cookie = undefined; // "Ignore an unsolicited cookie"
  } else if (s.retransmitted) {
    // "SYN timed out and the SYN-ACK neither has a cookie nor acknowledges data."
    synLost = cookie === undefined && s.dataLeft;
  } else if (cookie === undefined && !s.synData) {
    // "We requested a cookie but didn't get it": try the other option form next time.
    tryExp = s.synFastopenExp ? 2 : 1;
  }
  const lesson = { mss: s.mss, cookie, synLost, tryExp };
  if (s.dataLeft) return { lesson, resend: true, counter: 'TCPFastOpenActiveFail' };
  return { lesson, resend: false, counter: s.synData ? 'TCPFastOpenActive' : undefined };
}

/** tcp_fastopen_cache_set(): the destination's entry after a SYN-ACK. */
export function cacheSet(m: FastopenMetrics | undefined, l: SynAckLesson): FastopenMetrics {
  const next: FastopenMetrics = m ? { ...m } : { mss: 0, cookie: undefined, exp: false, tryExp: 0, synLoss: 0 };
  if (l.mss) next.mss = l.mss;
  if (l.cookie) {
    next.cookie = l.cookie.cookie;
    next.exp = l.cookie.exp;
  } else if (l.tryExp > next.tryExp && !next.cookie && !next.exp) {
    next.tryExp = l.tryExp;
  }
  next.synLoss = l.synLost ? next.synLoss + 1 : 0;
  return next;
}
