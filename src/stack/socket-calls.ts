// Sockets and fds: socket(), bind(), send() and recv(), and the calls that only read or flag a
// socket (O_NONBLOCK, FIONREAD, poll()'s readiness, STATUS, SO_ERROR). The fd table hands out the lowest free number
// from 3 (fd-table.ts); every socket gets an inode, as /proc/net/tcp shows it.
import { sendFastopen } from './fastopen-connect.js';
import { sysError, type Errno, type SysError } from '../core/errno.js';
import type { AddressFamily, Readiness, SendFlags, SocketStatus } from './api.js';
import { canonical, isLoopback, isV4, isWildcard } from './addr.js';
import type { HostState } from './host-state.js';
import { service } from './service.js';
import { Sock } from './sockets.js';
import { Connection, LINUX_STATE_NUMBER } from './engine.js';

export function sockOf(h: HostState, fd: number): Sock | undefined {
  return Number.isInteger(fd) ? h.fds.get(fd) : undefined;
}

/** A socket record for a new fd, with the next inode. */
export function newSock(h: HostState, fd: number, family: AddressFamily): Sock {
  return new Sock(fd, family, h.nextInode++);
}

/** Is `addr` one of the host's addresses (or loopback)? */
export function isLocal(h: HostState, addr: string): boolean {
  const a = canonical(addr);
  if (isLoopback(a)) return true;
  return h.addrs.some((x) => canonical(x) === a);
}

export function socket(h: HostState, family: AddressFamily, opts: { nonblock?: boolean }): number | SysError {
  if (family !== 'ipv4' && family !== 'ipv6') return sysError('EAFNOSUPPORT');
  if (h.fds.size + 3 >= h.maxFds) return sysError('EMFILE');
  return h.fds.allocateWith((fd) => {
    const s = newSock(h, fd, family);
    s.nonblock = opts.nonblock ?? false;
    return s;
  });
}

/** inet_bind(): the bind rules themselves are the port table's (ports.ts). */
export function bind(h: HostState, fd: number, addr: string, port: number): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.bound || s.entry || s.listener) return sysError('EINVAL'); // already bound (inet_bind: inet_num != 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return sysError('EINVAL');
  if (s.family === 'ipv4' && !isV4(addr)) return sysError('EAFNOSUPPORT');
  if (!isWildcard(addr) && !isLocal(h, addr)) return sysError('EADDRNOTAVAIL');
  let p = port;
  if (p === 0) {
    const found = h.ports.findOpenPort(addr, s.reuseAddr, s.reusePort, h.config.ip_local_port_range);
    if (found === undefined) return sysError('EADDRINUSE');
    p = found;
  } else if (h.ports.bindConflict(addr, p, s.reuseAddr, s.reusePort)) {
    return sysError('EADDRINUSE');
  }
  s.addr = addr;
  s.port = p;
  s.bound = true;
  h.ports.add(s, true);
  return 0;
}

export function send(h: HostState, fd: number, data: Uint8Array, flags?: SendFlags): number | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  // A write on a socket whose connect() TCP_FASTOPEN_CONNECT deferred sends SYN+data (tcp_sendmsg_locked).
  if (s.deferred) return sendFastopen(h, fd, data, {});
  const e = s.entry;
  if (!e) return sysError('EPIPE'); // a listener too: tcp_sendmsg_locked -> sk_stream_wait_connect (LISTEN is not SYN-SENT/SYN-RECV)
  const r = e.conn.send(data, h.now, flags);
  service(h, e);
  return r;
}

export function recv(h: HostState, fd: number, max: number): Uint8Array | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  const e = s.entry;
  // A deferred Fast Open connect is SYN-SENT to Linux: a read waits for data (EAGAIN).
  if (!e) return sysError(s.deferred ? 'EAGAIN' : 'ENOTCONN');
  const r = e.conn.recv(max, h.now);
  service(h, e);
  return r;
}

export function setNonBlocking(h: HostState, fd: number, on: boolean): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  s.nonblock = on;
  return 0;
}

export function bytesReadable(h: HostState, fd: number): number | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) return sysError('EINVAL');
  return s.entry ? s.entry.conn.readableBytes() : 0;
}

/** tcp_poll(): what poll() would report for the fd. */
export function readiness(h: HostState, fd: number): Readiness | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) return { readable: s.listener.acceptQueue.length > 0, writable: false, error: false, hup: false };
  const e = s.entry;
  // tcp_poll(): "Active TCP fastopen socket with defer_connect. Return EPOLLOUT so application can call write()".
  if (!e && s.deferred) return { readable: false, writable: true, error: false, hup: false };
  if (!e) return { readable: false, writable: false, error: !!s.error, hup: true };
  const c = e.conn;
  const st = c.state;
  const error = c.error !== undefined && !s.errorTaken;
  const closed = st === 'CLOSED';
  const connected = st !== 'SYN-SENT' && st !== 'SYN-RECEIVED';
  const st2 = c.status();
  const eof = st === 'CLOSE-WAIT' || st === 'LAST-ACK' || st === 'CLOSING' || st === 'TIME-WAIT' || closed;
  return {
    readable: c.readableBytes() > 0 || eof || error,
    writable: error || closed || (connected && (st === 'ESTABLISHED' || st === 'CLOSE-WAIT') && c.writableSpace() > 0),
    error,
    hup: closed || (st2.state === 'TIME-WAIT'),
  };
}

export function status(h: HostState, fd: number): SocketStatus | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) return { state: 'LISTEN', local: { addr: s.addr, port: s.port } };
  if (!s.entry) return { state: 'CLOSED', ...(s.bound ? { local: { addr: s.addr, port: s.port } } : {}) };
  const e = s.entry;
  // The engine's answer is a fresh object: add the addresses to it (a spread copies every field).
  return Object.assign(e.conn.status(), { local: { addr: e.addr, port: e.port }, remote: { addr: e.raddr, port: e.rport } });
}

/**
 * getsockopt(TCP_INFO) (tcp_get_info): a listener or an unconnected socket gives its state only;
 * a connection gives every field the engine keeps (core/tcp-info.ts).
 */
export function tcpInfo(h: HostState, fd: number): Record<string, number> | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (s.listener) return { tcpi_state: LINUX_STATE_NUMBER.LISTEN };
  const c = s.entry?.conn;
  if (!c) return { tcpi_state: LINUX_STATE_NUMBER.CLOSED };
  return c instanceof Connection ? c.tcpInfo(h.now) : { tcpi_state: LINUX_STATE_NUMBER[c.state] };
}

/** sock_error(): the pending error, handed out once (the socket's own first, then the connection's). */
export function takeError(s: Sock): Errno | undefined {
  if (s.error) {
    const e = s.error;
    s.error = undefined;
    return e;
  }
  const e = s.entry;
  if (e && e.conn.error !== undefined && !s.errorTaken) {
    s.errorTaken = true;
    return e.conn.error;
  }
  return undefined;
}
