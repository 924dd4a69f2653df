// Demultiplexing (__inet_lookup_skb, tcp_v4_rcv): which socket an arriving segment is for. The
// established table first (request sockets, connections, TIME-WAIT entries, keyed by 4-tuple),
// then listeners (an exact local address before a wildcard; a SO_REUSEPORT group picks one
// listener by a hash of the 4-tuple); a segment that reaches no socket is answered by the
// engine's `resetFor()` (tcp_v4_send_reset), an RST never.
import type { Segment } from '../core/segment.js';
import { addrMatches, isWildcard } from './addr.js';
import { lookupConn } from './established.js';
import { count } from './counters.js';
import type { HostState } from './host-state.js';
import { listenerInput, requestInput } from './passive-open.js';
import { hash32 } from '../core/random.js';
import { service } from './service.js';
import type { Listener } from './sockets.js';
import { hasTimestamp } from './syncookie.js';
import { replyReset } from './transmit.js';

/** TCPOPT_MD5SIG (include/net/tcp.h). */
const TCPOPT_MD5SIG = 19;

/** One segment arrives at the host (time already advanced). */
export function deliver(h: HostState, seg: Segment): void {
  count(h, 'Tcp:InSegs');
  const e = lookupConn(h, seg.dstAddr, seg.dstPort, seg.srcAddr, seg.srcPort);
  // tcp_inbound_hash: a socket with no TCP-MD5 key drops a segment that carries the MD5 option
  // (RFC 2385, kind 19; TCPMD5Unexpected). The host sets no keys, so any socket drops it; a
  // segment that reaches no socket is answered as usual.
  if (hasMd5Option(seg) && (e || lookupListener(h, seg))) {
    count(h, 'TcpExt:TCPMD5Unexpected');
    return;
  }
  if (e) {
    e.tsSeen = hasTimestamp(seg);
    if (e.phase === 'request') requestInput(h, e, seg);
    else {
      e.conn.handleSegment(seg, h.now);
      service(h, e);
    }
    return;
  }
  const l = lookupListener(h, seg);
  if (l) {
    listenerInput(h, l, seg, undefined);
    return;
  }
  replyReset(h, seg);
}

function hasMd5Option(seg: Segment): boolean {
  for (const o of seg.options) if (o.kind === 'unknown' && o.code === TCPOPT_MD5SIG) return true;
  return false;
}

/** __inet_lookup_listener(): the listener a segment with no established entry reaches, if any. */
export function lookupListener(h: HostState, seg: Segment): Listener | undefined {
  const list = h.listeners.get(seg.dstPort);
  if (!list) return undefined;
  // One listener on the port (the common case): it is the pool, exact or wildcard.
  if (list.length === 1) return addrMatches(list[0].sock.addr, seg.dstAddr) ? list[0] : undefined;
  const exact: Listener[] = [];
  const wild: Listener[] = [];
  for (const l of list) {
    if (!addrMatches(l.sock.addr, seg.dstAddr)) continue;
    if (isWildcard(l.sock.addr)) wild.push(l);
    else exact.push(l);
  }
  const pool = exact.length > 0 ? exact : wild;
  if (pool.length === 0) return undefined;
  if (pool.length === 1) return pool[0];
  // reuseport_select_sock(): a hash of the 4-tuple picks the group member.
  const hash = hash32(h.portSecret, `${seg.srcAddr}|${seg.srcPort}|${seg.dstAddr}|${seg.dstPort}`);
  return pool[hash % pool.length];
}
