// TCP Fast Open at the host, client side: the per-destination cache (tcp_metrics' fastopen
// entry), TCP_FASTOPEN_CONNECT's deferred connect, and sendto(MSG_FASTOPEN) (tcp_sendmsg_fastopen
// with __inet_stream_connect's answers). The rules of what a SYN carries are core's
// (core/fastopen-client.ts); this module decides which socket and destination they apply to.
//
// - TCP_FASTOPEN_CONNECT (do_tcp_setsockopt): EOPNOTSUPP unless net.ipv4.tcp_fastopen has
//   TFO_CLIENT_ENABLE, EINVAL outside 0..1 or once the socket left CLOSED.
// - connect() with it (tcp_fastopen_defer_connect): with a usable cookie (or in cookie-less mode)
//   connect() returns 0 at once and sends nothing; the first write sends SYN+data. Without one the
//   SYN asks for a cookie and connect() goes on as usual (EINPROGRESS).
// - sendto(MSG_FASTOPEN) or a write on a deferred socket: connect with the data in the SYN.
//   It returns the bytes the SYN took, or EINPROGRESS when it took none; a blocking caller then
//   sleeps until the handshake ends and writes the rest (the runner does the sleeping).
//   Errors as __inet_stream_connect gives them: EALREADY while a connect is under way, EISCONN
//   once connect() reported the connection, EOPNOTSUPP without TFO_CLIENT_ENABLE or for AF_UNSPEC.
import { sysError, type SysError } from '../core/errno.js';
import { TFO } from '../core/fastopen.js';
import { cacheSet, cookieCheck, synDataSpace, type SynAckLesson } from '../core/fastopen-client.js';
import type { ActiveFastopen } from '../core/events/open.js';
import { canonical } from './addr.js';
import { connect } from './connect.js';
import type { HostState } from './host-state.js';
import { sockOf } from './socket-calls.js';
import type { Entry, Sock } from './sockets.js';

/** The MSS of the host's path (__tcp_mtu_to_mss of a 1500-byte MTU: packetdrill's tun device). */
const PATH_MSS = 1460;

/** tcp_metrics is keyed by the address pair. */
function cacheKey(laddr: string, raddr: string): string {
  return `${canonical(laddr)}|${canonical(raddr)}`;
}

/** tcp_fastopen_cache_set() for the connection behind `e` (service.ts passes the engine's lesson). */
export function learnFastopen(h: HostState, e: Entry, lesson: SynAckLesson): void {
  const k = cacheKey(e.addr, e.raddr);
  h.tfoCache.set(k, cacheSet(h.tfoCache.get(k), lesson));
}

/** setsockopt(TCP_FASTOPEN_CONNECT): undefined when it was taken, else the error. */
export function setFastopenConnect(h: HostState, s: Sock, value: number): SysError | undefined {
  if (value < 0 || value > 1) return sysError('EINVAL');
  if (!(h.config.tcp_fastopen & TFO.CLIENT_ENABLE)) return sysError('EOPNOTSUPP');
  if (s.entry || s.deferred || s.listener) return sysError('EINVAL');
  s.fastopenConnect = value === 1;
  return undefined;
}

/**
 * What a Fast Open connect from `laddr` puts in its SYN (tcp_fastopen_cookie_check, then
 * tcp_send_syn_data): the data when a cookie allows it, else an empty option asking for one.
 * `wait`: the caller sleeps until the handshake ends (sk_write_pending when data is left over).
 */
function synPlan(h: HostState, s: Sock, laddr: string, raddr: string, data: Uint8Array, wait: boolean): ActiveFastopen {
  const chk = cookieCheck(h.config.tcp_fastopen, h.tfoCache.get(cacheKey(laddr, raddr)), PATH_MSS);
  if (!chk.ok) {
    // tcp_send_syn_data's fallback: "Send a regular SYN with Fast Open cookie request option".
    return { option: { cookie: new Uint8Array(0), exp: chk.option.exp }, data: new Uint8Array(0), writePending: wait && data.length > 0 };
  }
  const n = synDataSpace(data.length, chk.mss, PATH_MSS, s.opts.maxseg);
  return { option: chk.option, data: data.subarray(0, n), writePending: wait && n < data.length };
}

/**
 * connect() on a socket with TCP_FASTOPEN_CONNECT (tcp_fastopen_defer_connect): 'defer' when a
 * cookie lets the first write carry data (the socket is then "connected" with nothing sent),
 * else the cookie request the SYN carries.
 */
export function deferOrRequest(h: HostState, s: Sock, laddr: string, raddr: string, rport: number): 'defer' | ActiveFastopen {
  const chk = cookieCheck(h.config.tcp_fastopen, h.tfoCache.get(cacheKey(laddr, raddr)), PATH_MSS);
  if (chk.ok) {
    s.deferred = { addr: raddr, port: rport };
    return 'defer';
  }
  return { option: { cookie: new Uint8Array(0), exp: chk.option.exp }, data: new Uint8Array(0) };
}

export interface FastopenSendOptions {
  /** The destination was AF_UNSPEC. */
  unspec?: boolean;
  /** The destination when the socket has none yet (sendto's address). */
  to?: { addr: string; port: number };
  /** The caller sleeps until the handshake ends (a blocking socket, no MSG_DONTWAIT). */
  wait?: boolean;
}

/** tcp_sendmsg_fastopen(): the bytes the SYN took, EINPROGRESS when none, or the error. */
export function sendFastopen(h: HostState, fd: number, data: Uint8Array, o: FastopenSendOptions): number | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (!(h.config.tcp_fastopen & TFO.CLIENT_ENABLE) || o.unspec) return sysError('EOPNOTSUPP');
  let to = o.to;
  if (s.deferred) {
    to = s.deferred;
    s.deferred = undefined;
  } else if (s.entry) {
    // __inet_stream_connect(): SS_CONNECTED gives EISCONN, SS_CONNECTING EALREADY.
    return sysError(s.connectState === 'connected' ? 'EISCONN' : 'EALREADY');
  } else if (s.listener) {
    return sysError('EISCONN');
  }
  if (!to) return sysError('EINVAL'); // inet_stream_connect without an address
  let taken = 0;
  const r = connect(h, fd, to.addr, to.port, (laddr) => {
    const plan = synPlan(h, s, laddr, to.addr, data, o.wait === true);
    taken = plan.data.length;
    return plan;
  });
  if (r !== 0 && r.errno !== 'EINPROGRESS') return r;
  return taken > 0 ? taken : sysError('EINPROGRESS');
}

/** A socket whose connect() TCP_FASTOPEN_CONNECT deferred: its next write sends SYN+data. */
export function isDeferred(h: HostState, fd: number): boolean {
  return sockOf(h, fd)?.deferred !== undefined;
}
