// setsockopt() and getsockopt(): options the engine models go to the connection as a patch of its
// SocketOptions (and are kept on the socket for the children a listener accepts); the rest are
// stored for getsockopt. Buffer sizes follow sock_setsockopt()'s caps and doubling.
import { sysError, type SysError } from '../core/errno.js';
import type { SockOptName, SockOptValue } from './api.js';
import type { ConnectionParams } from './engine.js';
import { ERRNO_NUMBER } from '../core/errno.js';
import type { HostState } from './host-state.js';
import { service } from './service.js';
import { sockOf, takeError } from './socket-calls.js';
import { setFastopenConnect } from './fastopen-connect.js';

/** net.core.wmem_max / rmem_max defaults, and SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on x86-64. */
const WMEM_MAX = 212_992;
const RMEM_MAX = 212_992;
const SOCK_MIN_SNDBUF = 4608;
const SOCK_MIN_RCVBUF = 2304;

export function setsockopt(h: HostState, fd: number, name: SockOptName, value: SockOptValue): 0 | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  const num = typeof value === 'number' ? value : undefined;
  switch (name) {
    case 'SO_REUSEADDR': s.reuseAddr = !!num; break;
    case 'SO_REUSEPORT': s.reusePort = !!num; break;
    case 'SO_ERROR': return sysError('ENOPROTOOPT');
    case 'TCP_FASTOPEN_CONNECT': {
      const err = setFastopenConnect(h, s, num ?? -1);
      if (err) return err;
      break;
    }
    default: {
      const patch = optionPatch(name, value);
      if (patch === 'invalid') return sysError('EINVAL');
      if (patch) Object.assign(s.opts, patch);
      if (patch && s.entry && !s.entry.freed) {
        s.entry.conn.setOption(patch, h.now);
        service(h, s.entry);
      }
    }
  }
  s.raw.set(name, value);
  return 0;
}

export function getsockopt(h: HostState, fd: number, name: SockOptName): SockOptValue | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (name === 'SO_ERROR') {
    const err = takeError(s);
    return err ? ERRNO_NUMBER[err] : 0;
  }
  if (name === 'TCP_INQ') return s.entry ? s.entry.conn.readableBytes() : 0;
  if (name === 'TCP_FASTOPEN_CONNECT') return s.fastopenConnect ? 1 : 0;
  const v = s.raw.get(name);
  // sock_setsockopt(): the kernel doubles SO_SNDBUF/SO_RCVBUF for its bookkeeping overhead,
  // after capping at net.core.wmem_max/rmem_max, never below SOCK_MIN_SNDBUF/RCVBUF.
  if (name === 'SO_SNDBUF' && typeof v === 'number') return Math.max(Math.min(v, WMEM_MAX) * 2, SOCK_MIN_SNDBUF);
  if (name === 'SO_RCVBUF' && typeof v === 'number') return Math.max(Math.min(v, RMEM_MAX) * 2, SOCK_MIN_RCVBUF);
  if (v !== undefined) return v;
  switch (name) {
    case 'SO_LINGER': return { onoff: 0, linger: 0 };
    case 'SO_RCVBUF': return h.config.tcp_rmem[1];
    case 'SO_SNDBUF': return h.config.tcp_wmem[1];
    case 'TCP_KEEPIDLE': return h.config.tcp_keepalive_time;
    case 'TCP_KEEPINTVL': return h.config.tcp_keepalive_intvl;
    case 'TCP_KEEPCNT': return h.config.tcp_keepalive_probes;
    case 'TCP_SYNCNT': return h.config.tcp_syn_retries;
    case 'TCP_LINGER2': return h.config.tcp_fin_timeout;
    case 'TCP_MAXSEG': return s.entry ? (s.entry.conn.status().sndMss ?? 536) : 536;
    default: return 0;
  }
}

/** setsockopt(name, value) → the engine's SocketOptions patch; undefined for options it ignores. */
function optionPatch(name: SockOptName, value: SockOptValue): Partial<ConnectionParams['options']> | undefined | 'invalid' {
  if (name === 'SO_LINGER') {
    if (typeof value !== 'object') return 'invalid';
    return { linger: { onoff: !!value.onoff, seconds: value.linger } };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'invalid';
  switch (name) {
    case 'SO_KEEPALIVE': return { keepalive: !!value };
    case 'SO_RCVBUF': return value < 0 ? 'invalid' : { rcvbuf: Math.max(Math.min(value, RMEM_MAX), SOCK_MIN_RCVBUF / 2) };
    case 'SO_SNDBUF': return value < 0 ? 'invalid' : { sndbuf: Math.max(Math.min(value, WMEM_MAX), SOCK_MIN_SNDBUF / 2) };
    case 'TCP_NODELAY': return { nodelay: !!value };
    case 'TCP_CORK': return { cork: !!value };
    case 'TCP_NOTSENT_LOWAT': return value < 0 ? 'invalid' : { notsentLowat: value };
    case 'TCP_MAXSEG': return { maxseg: value };
    case 'TCP_KEEPIDLE': return value < 1 ? 'invalid' : { keepidle: value };
    case 'TCP_KEEPINTVL': return value < 1 ? 'invalid' : { keepintvl: value };
    case 'TCP_KEEPCNT': return value < 1 ? 'invalid' : { keepcnt: value };
    case 'TCP_USER_TIMEOUT': return value < 0 ? 'invalid' : { userTimeoutMs: value };
    case 'TCP_LINGER2': return { linger2: value };
    case 'TCP_SYNCNT': return value < 1 || value > 255 ? 'invalid' : { synCnt: value };
    default: return undefined;
  }
}
