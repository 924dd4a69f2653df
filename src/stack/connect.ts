// connect(): the active open at the host. Source address selection (a stand-in for the routing
// lookup), the local port — the bound one, or one chosen by __inet_hash_connect() (ports.ts) with
// the established table's answer for each candidate 4-tuple (dest-index.ts makes that O(1)) — and
// the reuse of a TIME-WAIT 4-tuple under tcp_tw_reuse's rules (tcp_twsk_unique).
import { sysError, type SysError } from '../core/errno.js';
import { seq, seqAdd, type Seq } from '../core/seq.js';
import { canonical, isLoopback, isV4, isWildcard } from './addr.js';
import { connParams } from './conn-params.js';
import { count } from './counters.js';
import { destOf, reuseAllowed, scanSpan, syncRange } from './dest-index.js';
import { Connection } from './engine.js';
import { addConn, connKey, freeEntry, lookupConn } from './established.js';
import type { HostState } from './host-state.js';
import { reclass } from './limits.js';
import type { TupleCheck } from './ports.js';
import { hash32 } from '../core/random.js';
import { service } from './service.js';
import { isLocal, sockOf, takeError } from './socket-calls.js';
import { Entry, type Sock } from './sockets.js';
import type { ActiveFastopen } from '../core/events/open.js';
import { deferOrRequest } from './fastopen-connect.js';

/**
 * `fastopen`, from sendto(MSG_FASTOPEN) (fastopen-connect.ts): what the SYN carries, decided once
 * the source address is known.
 */
export function connect(h: HostState, fd: number, addr: string, port: number, fastopen?: (laddr: string) => ActiveFastopen): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) return sysError('EISCONN');
  if (s.entry) return reconnect(s);
  // __inet_stream_connect(): SS_CONNECTING with DEFER_CONNECT, outside sendmsg, is EISCONN.
  if (s.deferred) return sysError('EISCONN');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return sysError('ECONNREFUSED');
  if (s.family === 'ipv4' && !isV4(addr)) return sysError('EAFNOSUPPORT');
  const laddr = s.bound && !isWildcard(s.addr) ? s.addr : sourceFor(h, addr);
  if (laddr === undefined) return sysError('ENETUNREACH');
  let fo = fastopen?.(laddr);
  if (!fo && s.fastopenConnect) {
    // tcp_v4_connect → tcp_fastopen_defer_connect(): with a cookie, nothing is sent yet.
    const d = deferOrRequest(h, s, laddr, addr, port);
    if (d === 'defer') return 0;
    fo = d;
  }
  let lport: number;
  let reuse: Entry | undefined;
  if (s.bound) {
    // Bound before connect: only this port; the 4-tuple must be free (a TIME-WAIT with
    // timestamps may be taken whatever tcp_tw_reuse says: tcp_twsk_unique with twp == NULL).
    lport = s.port;
    const c = entryCheck(h, lookupConn(h, laddr, lport, addr, port), true);
    if (c === 'busy') return sysError('EADDRNOTAVAIL');
    if (c === 'reuse-tw') reuse = lookupConn(h, laddr, lport, addr, port);
  } else {
    syncRange(h);
    const dest = h.dests.get(destOf(laddr, addr, port));
    const half = scanSpan(h) >> 1;
    // A parity pass in which every port is taken toward this destination, with no TIME-WAIT
    // reuse possible, cannot succeed: skip it (same answer as walking it, without the walk).
    const hopeless = (parity: number): boolean => !!dest && !reuseAllowed(h, laddr, addr) && dest.parity[parity] >= half;
    const off = { lo: hash32(h.portSecret, `${canonical(laddr)}|${canonical(addr)}|${port}`), hi: hash32(h.portSecret ^ 0x5bd1e995, `${canonical(laddr)}|${canonical(addr)}|${port}`) };
    const r = h.ports.connectPort(h.config.ip_local_port_range, off, (p) => entryCheck(h, lookupConn(h, laddr, p, addr, port), false), hopeless);
    if (!r) return sysError('EADDRNOTAVAIL');
    lport = r.port;
    if (r.reuseTw) reuse = lookupConn(h, laddr, lport, addr, port);
  }
  let isn: Seq | undefined;
  if (reuse) {
    // __inet_check_established(): the TIME-WAIT entry is killed and counted; the new
    // connection starts beyond anything the old one sent: write_seq = tw_snd_nxt + 65535 + 2.
    const st = reuse.conn.status();
    isn = seqAdd(seq(st.sndNxt ?? 0), 65535 + 2);
    count(h, 'TcpExt:TWRecycled');
    freeEntry(h, reuse);
  }
  if (s.bound) {
    h.ports.remove(s);
    s.bound = false;
  }
  const conn = Connection.connect(connParams(h, laddr, lport, addr, port, s.opts, isn), h.now, fo);
  const e = new Entry(conn, connKey(h, laddr, lport, addr, port), laddr, lport, addr, port, h.now);
  e.reuseAddr = s.reuseAddr;
  e.reusePort = s.reusePort;
  e.sock = s;
  e.phase = 'owned';
  s.entry = e;
  s.addr = laddr;
  s.port = lport;
  s.connectState = 'connecting';
  addConn(h, e);
  h.ports.add(e, false);
  count(h, 'Tcp:ActiveOpens'); // tcp_connect()
  reclass(h, e);
  service(h, e);
  return sysError('EINPROGRESS');
}

/** connect() again on a socket with a connection: EALREADY while it opens, 0 once, then EISCONN. */
function reconnect(s: Sock): 0 | SysError {
  const e = s.entry as Entry;
  const st = e.conn.state;
  if (s.connectState === 'connected') return sysError('EISCONN');
  if (st === 'SYN-SENT' || st === 'SYN-RECEIVED') return sysError('EALREADY');
  if (st === 'CLOSED') {
    const err = takeError(s);
    return sysError(err ?? 'ENOTCONN'); // Linux: ECONNABORTED when no error is recorded
  }
  s.connectState = 'connected';
  return 0;
}

/** Source address selection (a stand-in for the routing lookup in ip_route_connect). */
function sourceFor(h: HostState, dst: string): string | undefined {
  const mapped = dst.toLowerCase().startsWith('::ffff:') && isV4(dst);
  let src: string | undefined;
  if (isLoopback(dst)) src = isV4(dst) ? '127.0.0.1' : '::1';
  else if (isLocal(h, dst)) src = canonical(dst);
  else src = h.addrs.find((a) => isV4(a) === isV4(dst) && !isLoopback(a)) ?? h.addrs.find((a) => isV4(a) === isV4(dst));
  if (src === undefined) return undefined;
  return mapped ? `::ffff:${src}` : src;
}

/** __inet_check_established() for one candidate 4-tuple, with tcp_twsk_unique()'s rules. */
function entryCheck(h: HostState, e: Entry | undefined, boundBefore: boolean): TupleCheck {
  if (!e) return 'free';
  if (e.state !== 'TIME-WAIT') return 'busy'; // a FIN-WAIT-2 minisocket is never reused
  if (!e.tsSeen) return 'busy'; // tw_ts_recent_stamp == 0: no PAWS, not safe
  if (boundBefore) return 'reuse-tw';
  if (!reuseAllowed(h, e.addr, e.raddr)) return 'busy';
  // time_after32(now, tw_entry_stamp + tcp_tw_reuse_delay)
  return h.now > e.since + h.config.tcp_tw_reuse_delay ? 'reuse-tw' : 'busy';
}
