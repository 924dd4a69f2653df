// Listening sockets at the host: listen() (with inet_csk_listen_start()'s port re-check), accept()
// from the accept queue, and the listener's end (inet_csk_listen_stop). What a SYN or a final ACK
// does at a listener is passive-open.ts; the queue rules themselves are listen-queue.ts.
import { sysError, type SysError } from '../core/errno.js';
import { TFO } from '../core/fastopen.js';
import type { AcceptResult } from './api.js';
import { canonical, isV4, isWildcard } from './addr.js';
import { recordChange } from './changes.js';
import { freeEntry } from './established.js';
import type { HostState } from './host-state.js';
import { reclass } from './limits.js';
import { effectiveBacklog } from './listen-queue.js';
import { service } from './service.js';
import { bind, newSock, sockOf } from './socket-calls.js';
import { Listener, type Entry, type Sock } from './sockets.js';

export function listen(h: HostState, fd: number, backlog: number): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.entry) return sysError('EINVAL');
  if (!s.bound) {
    // inet_autobind(): an unbound listener gets an ephemeral port on the wildcard address.
    const r = bind(h, fd, s.family === 'ipv4' ? '0.0.0.0' : '::', 0);
    if (r !== 0) return r;
  }
  if (!s.listener) {
    // inet_csk_listen_start() re-checks the port: two listeners need SO_REUSEPORT on both.
    for (const o of h.ports.owners(s.port)) {
      if (o !== s && o.isListening() && !(s.reusePort && o.reusePort) && addrOverlapForListen(s.addr, o.addr)) return sysError('EADDRINUSE');
    }
    s.listener = new Listener(s);
    const list = h.listeners.get(s.port) ?? [];
    list.push(s.listener);
    h.listeners.set(s.port, list);
    recordChange(h, { at: h.now, fd, local: { addr: s.addr, port: s.port }, remote: { addr: '0.0.0.0', port: 0 }, from: 'CLOSED', to: 'LISTEN', cause: 'listen' });
  }
  // A second listen() only changes the backlog (Linux allows it).
  s.listener.backlog = effectiveBacklog(backlog, h.config);
  // inet_listen(): with TFO_SERVER_WO_SOCKOPT1 and TFO_SERVER_ENABLE every listener gets a Fast
  // Open queue as long as its backlog (fastopen_queue_tune), unless TCP_FASTOPEN set one.
  const tfo = h.config.tcp_fastopen;
  if ((tfo & TFO.SERVER_WO_SOCKOPT1) && (tfo & TFO.SERVER_ENABLE) && !s.listener.fastopenAtListen) {
    s.listener.fastopenAtListen = Math.min(Math.max(backlog, 0), h.config.somaxconn);
  }
  return 0;
}

export function accept(h: HostState, fd: number): AcceptResult | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  const l = s.listener;
  if (!l) return sysError('EINVAL');
  if (l.acceptQueue.length === 0) return sysError('EAGAIN');
  // EMFILE leaves the connection in the accept queue (the classic fd-leak cascade).
  if (h.fds.size + 3 >= h.maxFds) return sysError('EMFILE');
  const e = l.acceptQueue.shift() as Entry;
  let child = undefined as unknown as Sock;
  const cfd = h.fds.allocateWith((n) => (child = newSock(h, n, s.family)));
  child.addr = e.addr;
  child.port = e.port;
  child.reuseAddr = s.reuseAddr;
  child.reusePort = s.reusePort;
  Object.assign(child.opts, s.opts);
  // sk_clone_lock copies the listener's flags: SOCK_ZEROCOPY among them.
  const zc = s.raw.get('SO_ZEROCOPY');
  if (zc !== undefined) child.raw.set('SO_ZEROCOPY', zc);
  child.entry = e;
  child.connectState = 'connected';
  e.sock = child;
  e.listener = undefined;
  e.phase = 'owned';
  reclass(h, e);
  // A dual-stack (IPv6) listener reports an IPv4 peer as an IPv4-mapped address.
  const addr = s.family === 'ipv6' && isV4(e.raddr) && !e.raddr.includes(':') ? `::ffff:${e.raddr}` : e.raddr;
  return { fd: cfd, addr, port: e.rport };
}

/** inet_csk_listen_stop(): queued children are disconnected (RST), requests dropped. */
export function stopListener(h: HostState, s: Sock): void {
  const l = s.listener;
  if (!l) return;
  for (const e of l.acceptQueue) {
    if (e.freed) continue;
    e.phase = 'orphan';
    e.listener = undefined;
    e.conn.abort(h.now);
    service(h, e);
    if (!e.freed) freeEntry(h, e);
  }
  l.acceptQueue = [];
  for (const e of [...l.requests]) freeEntry(h, e);
  const list = h.listeners.get(s.port) ?? [];
  const rest = list.filter((x) => x !== l);
  if (rest.length > 0) h.listeners.set(s.port, rest);
  else h.listeners.delete(s.port);
  s.listener = undefined;
  recordChange(h, { at: h.now, fd: s.fd, local: { addr: s.addr, port: s.port }, remote: { addr: '0.0.0.0', port: 0 }, from: 'LISTEN', to: 'CLOSED', cause: 'listener-close' });
}

function addrOverlapForListen(a: string, b: string): boolean {
  return isWildcard(a) || isWildcard(b) || canonical(a) === canonical(b);
}
