// shutdown() and close() at the host: the fd goes, the connection becomes an orphan the engine
// takes through FIN-WAIT or LAST-ACK alone; the close counters tcp_close() keeps beside the
// engine's own; tcp_max_orphans (limits.ts); and SO_LINGER {on, N > 0}'s sleeping close().
import { sysError, type SysError } from '../core/errno.js';
import type { ShutdownHow } from './api.js';
import { Connection } from './engine.js';
import type { HostState } from './host-state.js';
import { tooManyOrphans } from './limits.js';
import { stopListener } from './listen.js';
import { service } from './service.js';
import { sockOf } from './socket-calls.js';
import type { Entry } from './sockets.js';

export function shutdown(h: HostState, fd: number, how: ShutdownHow): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) {
    // shutdown() on a listener: Linux disconnects it (tcp_disconnect), like a close of the queues.
    if (how !== 'SHUT_WR') stopListener(h, s);
    return 0;
  }
  const e = s.entry;
  if (!e) return sysError('ENOTCONN');
  const r = e.conn.shutdown(how, h.now);
  service(h, e);
  return r;
}

export function close(h: HostState, fd: number): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  h.fds.release(fd);
  h.lingerWaits.delete(fd);
  if (s.listener) stopListener(h, s);
  if (s.bound) {
    h.ports.remove(s);
    s.bound = false;
  }
  const e = s.entry;
  if (!e) return 0;
  s.entry = undefined;
  e.sock = undefined;
  if (e.freed) return 0;
  e.phase = 'orphan';
  e.conn.close(h.now);
  service(h, e);
  if (tooManyOrphans(h, e)) {
    // tcp_check_oom(): reset the newest orphan.
    e.conn.abort(h.now);
    service(h, e);
  }
  if (lingerDeadlineOf(h, e) !== undefined) h.lingerWaits.set(fd, e);
  return 0;
}

/**
 * connect(fd, AF_UNSPEC) (__inet_stream_connect → tcp_disconnect): the connection is aborted, with
 * an RST where tcp_need_reset() says so (SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT), and
 * the socket is unconnected again: a later connect() starts a new connection on it.
 */
export function disconnect(h: HostState, fd: number): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  s.deferred = undefined;
  s.connectState = 'none';
  const e = s.entry;
  if (!e) return 0;
  s.entry = undefined;
  e.sock = undefined;
  if (e.freed) return 0;
  e.conn.abort(h.now);
  service(h, e);
  return 0;
}

/** While a close() under SO_LINGER {on, N > 0} would still sleep: when it gives up (api.ts). */
export function closeWaitUntil(h: HostState, fd: number): number | undefined {
  const e = h.lingerWaits.get(fd);
  if (!e) return undefined;
  const at = lingerDeadlineOf(h, e);
  if (at === undefined) h.lingerWaits.delete(fd);
  return at;
}

/** sk_stream_wait_close(): the engine knows the deadline and whether the FIN is still unacknowledged. */
function lingerDeadlineOf(h: HostState, e: Entry): number | undefined {
  return !e.freed && e.conn instanceof Connection ? e.conn.lingerDeadline(h.now) : undefined;
}
