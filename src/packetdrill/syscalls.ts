// READ THIS FIRST — one script system-call line is one call on the socket layer (`SocketApi`).
// This table says, per call, which `SocketApi` method it is and how packetdrill's arguments
// (`...`, `[ptr]`, `NULL`, symbolic flags) become that method's arguments. Each handler returns
// what the call returned, or `wouldBlock` when a blocking socket would sleep: the runner then
// retries the same `attempt` after every later input until it stops blocking (packetdrill runs
// blocking calls on their own thread; RFC 9293 §3.10 leaves blocking to the interface).
import { errnoName, isSysError, type Errno, type SysError } from '../core/errno.js';
import type { SockOptName, SockOptValue, SocketApi } from '../stack/api.js';
import type { Expr, SyscallEvent } from './ast.js';
import { BIND_PORT, type Addresses } from './connection-map.js';
import { EPOLL_BITS, epollNames, type EpollTable } from './epoll.js';

export interface CallOutcome {
  /** The return value (a fd, a byte count, 0), or the failure. */
  value: number | SysError;
  /** An output the script states ([1100] in getsockopt, cmsg_data=...) that came back different. */
  mismatch?: OutputMismatch;
  /** A fd the call created, to map script fd → live fd. */
  newFd?: number;
}

/**
 * One attempt of a call; `wouldBlock` when a blocking socket must wait. `wakeAt` (ms), when
 * given, is a time at which a sleeping call must be retried even if nothing arrives (a
 * lingering close() gives up at its deadline, sk_stream_wait_close).
 */
export type Attempt = (() => CallOutcome | 'wouldBlock') & { wakeAt?: () => number | undefined };

export interface CallContext {
  host: SocketApi;
  addrs: Addresses;
  /** Script fd → live fd; a script fd no call produced maps to a fd no socket has (EBADF). */
  liveFd: (scriptFd: number) => number;
  /** The socket gets O_NONBLOCK / SOCK_NONBLOCK or not: tracked here, since SocketApi has no getter for blocking calls. */
  isNonBlocking: (liveFd: number) => boolean;
  /** The run's epoll instances (epoll.ts); absent, the epoll calls are unsupported. */
  epoll?: EpollTable;
  /** The runner's virtual time (ms): when a sleeping poll or epoll_wait gives up. Optional. */
  now?: () => number;
}

export class Unsupported extends Error {}

export interface OutputMismatch { what?: string; got: string; want: string }

const SOCKOPTS: readonly SockOptName[] = [
  'TCP_FASTOPEN_CONNECT', 'SO_REUSEADDR', 'SO_REUSEPORT', 'SO_KEEPALIVE', 'SO_LINGER', 'SO_RCVBUF', 'SO_SNDBUF', 'SO_ERROR',
  'TCP_NODELAY', 'TCP_MAXSEG', 'TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT', 'TCP_USER_TIMEOUT',
  'TCP_LINGER2', 'TCP_INQ', 'TCP_FASTOPEN', 'TCP_SYNCNT', 'TCP_DEFER_ACCEPT', 'TCP_QUICKACK', 'TCP_CORK',
  'SO_ZEROCOPY', 'SO_MARK',
  'IP_TOS', 'IP_MTU_DISCOVER', 'IP_FREEBIND', 'TCP_NOTSENT_LOWAT',
];

/** Symbolic option values the scripts write (include/uapi/linux/in.h). */
const OPTION_VALUES: Readonly<Record<string, number>> = { IP_PMTUDISC_DONT: 0, IP_PMTUDISC_WANT: 1, IP_PMTUDISC_DO: 2, IP_PMTUDISC_PROBE: 3 };

const O_NONBLOCK = 0o4000;
const O_RDWR = 2;

function num(e: Expr | undefined, what: string): number {
  if (e?.kind === 'number') return e.value;
  if (e?.kind === 'array' && e.items.length === 1) return num(e.items[0], what);
  throw new Unsupported(`${what} must be a number`);
}

function symbols(e: Expr | undefined): string[] {
  if (!e) return [];
  if (e.kind === 'symbol') return [e.name];
  if (e.kind === 'or') return e.terms.flatMap(symbols);
  return [];
}

/** The live fd an argument names. */
function fdArg(ctx: CallContext, e: Expr | undefined): number {
  return ctx.liveFd(num(e, 'the file descriptor'));
}

function blocking<T>(ctx: CallContext, fd: number, r: T | SysError, done: (v: T) => CallOutcome): CallOutcome | 'wouldBlock' {
  if (isSysError(r) && r.errno === 'EAGAIN' && !ctx.isNonBlocking(fd)) return 'wouldBlock';
  return isSysError(r) ? { value: r } : done(r);
}

function bufLength(call: SyscallEvent, bufIdx: number, lenIdx: number, ctx: CallContext, fd: number): number | SysError {
  const buf = call.args[bufIdx];
  const len = num(call.args[lenIdx], 'the length');
  // A negative length is a huge size_t: ksys_write/ksys_read look the fd up first (EBADF), then
  // vfs_write/vfs_read refuse the range (access_ok -> EFAULT). It never reaches TCP.
  if (len < 0) {
    const st = ctx.host.status(fd);
    return { errno: (isSysError(st) && st.errno === 'EBADF' ? 'EBADF' : 'EFAULT') as Errno };
  }
  return buf?.kind === 'null' && len > 0 ? { errno: 'EFAULT' as Errno } : len;
}

type Handler = (call: SyscallEvent, ctx: CallContext) => Attempt;

/**
 * The most one host.send() is handed at once: more than any send buffer the engine accepts holds
 * (SO_SNDBUF is capped at 2 × INT_MAX only through tcp_wmem, and no script comes near).
 */
const MAX_PIECE = 1 << 26;

/** The flags a send names that the runner acts on; any other flag is refused, not ignored. */
const SEND_FLAGS = ['MSG_ZEROCOPY', 'MSG_DONTWAIT', 'MSG_NOSIGNAL', 'MSG_FASTOPEN', 'MSG_EOR', 'MSG_MORE'];

/** include/linux/socket.h MSG_* values, for flags a script writes as a number (0x20000000). */
const MSG_BITS: ReadonlyArray<[string, number]> = [
  ['MSG_DONTWAIT', 0x40], ['MSG_EOR', 0x80], ['MSG_NOSIGNAL', 0x4000], ['MSG_MORE', 0x8000], ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000],
];

/** A send's flags by name, whether written as names or as a number (unknown bits named in hex). */
function sendFlags(e: Expr | undefined): string[] {
  const named = symbols(e);
  const n = e?.kind === 'number' ? e.value : undefined;
  if (n === undefined) return named;
  let rest = n;
  for (const [name, bit] of MSG_BITS) {
    if (rest & bit) { named.push(name); rest &= ~bit; }
  }
  if (rest !== 0) named.push(`0x${(rest >>> 0).toString(16)}`);
  return named;
}

/** A sendto() line with MSG_FASTOPEN: it connects, as connect() does (the runner tracks it so). */
export function isFastopenSend(call: SyscallEvent): boolean {
  return call.name === 'sendto' && sendFlags(call.args[3]).includes('MSG_FASTOPEN');
}

function sendCall(bufIdx: number, lenIdx: number, flagsIdx?: number): Handler {
  return (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    const len = bufLength(call, bufIdx, lenIdx, ctx, fd);
    const flags = flagsIdx === undefined ? [] : sendFlags(call.args[flagsIdx]);
    const other = flags.find((f) => !SEND_FLAGS.includes(f));
    if (other) throw new Unsupported(`${call.name}() flag ${other} is not supported`);
    const fastopen = flags.includes('MSG_FASTOPEN');
    // MSG_DONTWAIT is read only on the Fast Open path, where it decides whether the call sleeps.
    if ((flags.includes('MSG_DONTWAIT') && !fastopen) || flags.includes('MSG_NOSIGNAL')) throw new Unsupported(`${call.name}() flags MSG_DONTWAIT/MSG_NOSIGNAL are not supported`);
    const zerocopy = flags.includes('MSG_ZEROCOPY');
    const sendOpts = { eor: flags.includes('MSG_EOR'), more: flags.includes('MSG_MORE') };
    if (zerocopy && !ctx.host.zerocopySent) throw new Unsupported('MSG_ZEROCOPY on a host without zerocopy completions');
    let sent = 0;
    const done = (r: CallOutcome): CallOutcome => {
      // MSG_ZEROCOPY: the call takes its completion id once it queued bytes (msg_zerocopy_realloc).
      if (zerocopy && typeof r.value === 'number' && r.value > 0) ctx.host.zerocopySent?.(fd, r.value);
      return r;
    };
    const fo = fastopenSend(call, ctx, fd, fastopen, flags.includes('MSG_DONTWAIT'));
    const attempt = (): CallOutcome | 'wouldBlock' => {
      if (isSysError(len)) return { value: len };
      const f = fo(len);
      if (f === 'wouldBlock' || typeof f === 'object') return f;
      if (f !== undefined) sent = f;
      // A zero-length write still reaches the socket (sock_write_iter has no shortcut for it, unlike
      // sock_read_iter): a bad fd is EBADF, an unconnected socket EPIPE (tcp_sendmsg_locked ->
      // sk_stream_wait_connect), a connected one 0.
      if (len === 0) return blocking(ctx, fd, ctx.host.send(fd, new Uint8Array(0)), (n) => ({ value: n }));
      // A blocking write returns once every byte is queued (tcp_sendmsg waits for sndbuf space).
      // The bytes are handed over in pieces no larger than the send buffer can take, so a count
      // up to MAX_RW_COUNT never needs a buffer of that size here.
      while (sent < len) {
        const piece = Math.min(len - sent, MAX_PIECE);
        const r = ctx.host.send(fd, new Uint8Array(piece), piece === len - sent ? sendOpts : {});
        if (isSysError(r)) {
          if (r.errno === 'EAGAIN' && !ctx.isNonBlocking(fd)) return 'wouldBlock';
          return sent > 0 ? { value: sent } : { value: r };
        }
        sent += r;
        if (ctx.isNonBlocking(fd) && r < piece) break;
      }
      return { value: sent };
    };
    return () => {
      const r = attempt();
      return r === 'wouldBlock' ? r : done(r);
    };
  };
}

/**
 * The Fast Open part of a write (tcp_sendmsg_fastopen): on sendto(MSG_FASTOPEN), or any write on
 * a socket whose connect() TCP_FASTOPEN_CONNECT deferred, the first attempt connects with the
 * data in the SYN. A non-blocking call (O_NONBLOCK or MSG_DONTWAIT) returns then: the bytes the
 * SYN took, else EINPROGRESS. A blocking one sleeps in inet_wait_for_connect until the handshake
 * ends, fails with the socket's error if it failed, and otherwise writes the rest as any write.
 * Returns, once, the bytes already sent for the ordinary write to continue from (undefined after
 * that), or the call's outcome.
 */
function fastopenSend(call: SyscallEvent, ctx: CallContext, fd: number, flag: boolean, dontwait: boolean): (len: number) => number | undefined | CallOutcome | 'wouldBlock' {
  let started = false;
  let waiting = false;
  let settled = false;
  let copied = 0;
  return (len) => {
    if (settled) return undefined;
    if (!started) {
      started = true;
      if (!flag && !ctx.host.fastopenDeferred?.(fd)) { settled = true; return 0; }
      if (!ctx.host.sendFastopen) throw new Unsupported('MSG_FASTOPEN on a host without Fast Open');
      const nonblock = dontwait || ctx.isNonBlocking(fd);
      const unspec = symbols(call.args[4]).includes('AF_UNSPEC');
      const r = ctx.host.sendFastopen(fd, new Uint8Array(len), { to: { addr: ctx.addrs.remoteApp, port: BIND_PORT }, unspec, wait: !nonblock });
      if (isSysError(r) && r.errno !== 'EINPROGRESS') return { value: r };
      copied = isSysError(r) ? 0 : r;
      if (nonblock) return { value: copied > 0 ? copied : r };
      waiting = true;
    }
    if (waiting) {
      const st = ctx.host.status(fd);
      if (!isSysError(st) && (st.state === 'SYN-SENT' || st.state === 'SYN-RECEIVED')) return 'wouldBlock';
      waiting = false;
      // __inet_stream_connect's sock_error: the handshake failed (RST, timeout).
      if (isSysError(st) || st.state === 'CLOSED') {
        const err = ctx.host.getsockopt(fd, 'SO_ERROR');
        if (typeof err === 'number' && err !== 0) return { value: { errno: (errnoName(err) ?? String(err)) as Errno } };
      }
    }
    settled = true;
    return copied;
  };
}

function recvCall(bufIdx: number, lenIdx: number): Handler {
  return (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    const len = bufLength(call, bufIdx, lenIdx, ctx, fd);
    return () => {
      if (isSysError(len)) return { value: len };
      return blocking(ctx, fd, ctx.host.recv(fd, len), (data) => ({ value: data.length }));
    };
  };
}

const HANDLERS: Record<string, Handler> = {
  socket: (call, ctx) => () => {
    const type = symbols(call.args[1]);
    const r = ctx.host.socket(ctx.addrs.family, { nonblock: type.includes('SOCK_NONBLOCK') });
    return isSysError(r) ? { value: r } : { value: r, newFd: r };
  },
  bind: (call, ctx) => () => ({ value: ctx.host.bind(fdArg(ctx, call.args[0]), ctx.addrs.localApp, BIND_PORT) }),
  listen: (call, ctx) => () => ({ value: ctx.host.listen(fdArg(ctx, call.args[0]), num(call.args[1], 'the backlog')) }),
  accept: (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    return () => blocking(ctx, fd, ctx.host.accept(fd), (a) => ({ value: a.fd, newFd: a.fd }));
  },
  connect: (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    if (symbols(call.args[1]).includes('AF_UNSPEC')) {
      // connect(fd, AF_UNSPEC, ...) dissolves the connection (tcp_disconnect).
      const disconnect = ctx.host.disconnect?.bind(ctx.host);
      if (!disconnect) throw new Unsupported('connect(AF_UNSPEC) on a host without disconnect');
      return () => ({ value: disconnect(fd) });
    }
    let started = false;
    return () => {
      if (!started) {
        started = true;
        const r = ctx.host.connect(fd, ctx.addrs.remoteApp, BIND_PORT);
        if (!isSysError(r) || r.errno !== 'EINPROGRESS' || ctx.isNonBlocking(fd)) return { value: r };
      }
      // A blocking connect sleeps until the handshake ends (inet_wait_for_connect), then reports SO_ERROR.
      const ready = ctx.host.readiness(fd);
      if (isSysError(ready)) return { value: ready };
      if (!ready.writable && !ready.error && !ready.hup) return 'wouldBlock';
      const err = ctx.host.getsockopt(fd, 'SO_ERROR');
      if (typeof err === 'number' && err !== 0) return { value: { errno: (errnoName(err) ?? String(err)) as Errno } };
      return { value: 0 };
    };
  },
  write: sendCall(1, 2),
  send: sendCall(1, 2, 3),
  sendto: sendCall(1, 2, 3),
  read: recvCall(1, 2),
  recv: recvCall(1, 2),
  recvfrom: recvCall(1, 2),
  recvmsg: (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    const msg = call.args[1];
    if (msg?.kind !== 'struct') throw new Unsupported('recvmsg needs a struct msghdr literal');
    if (symbols(call.args[2]).includes('MSG_ERRQUEUE')) return errQueue(call, msg, ctx, fd);
    const iov = msg.fields.find((f) => f.name === 'msg_iov')?.value;
    const first = iov?.kind === 'array' ? iov.items[0] : undefined;
    const len = first?.kind === 'struct' ? num(first.fields[1]?.value, 'the iov length') : num(undefined, 'msg_iov');
    const control = msg.fields.find((f) => f.name === 'msg_control')?.value;
    const cmsg = control?.kind === 'array' && control.items[0]?.kind === 'struct' ? control.items[0] : undefined;
    const wantInq = cmsg?.fields.find((f) => f.name === 'cmsg_data')?.value;
    return () => blocking(ctx, fd, ctx.host.recv(fd, len), (data) => {
      if (wantInq === undefined) return { value: data.length };
      // TCP_CM_INQ (tcp_inq_hint): bytes still queued, or 1 when none are and the peer has closed.
      let inq = ctx.host.bytesReadable(fd);
      if (inq === 0) {
        const st = ctx.host.status(fd);
        if (!isSysError(st) && ['CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'TIME-WAIT', 'CLOSED'].includes(st.state)) inq = 1;
      }
      const want = num(wantInq, 'cmsg_data');
      return { value: data.length, mismatch: inq === want ? undefined : { what: 'TCP_CM_INQ cmsg_data', got: isSysError(inq) ? inq.errno : String(inq), want: String(want) } };
    });
  },
  close: (call, ctx) => {
    const fd = fdArg(ctx, call.args[0]);
    // SO_LINGER {on, N > 0}: close() sleeps until our FIN is ACKed or N seconds pass, even on an
    // O_NONBLOCK socket (inet_release passes sk_lingertime to __tcp_close → sk_stream_wait_close),
    // and returns 0 either way. The fd is gone at once; only the caller sleeps.
    if (ctx.epoll?.isEpoll(fd)) return () => { ctx.epoll?.close(fd); return { value: 0 }; };
    const wakeAt = (): number | undefined => ctx.host.closeWaitUntil?.(fd);
    let closed = false;
    const attempt = (): CallOutcome | 'wouldBlock' => {
      if (!closed) {
        closed = true;
        const r = ctx.host.close(fd);
        if (isSysError(r)) return { value: r };
      }
      return wakeAt() === undefined ? { value: 0 } : 'wouldBlock';
    };
    return Object.assign(attempt, { wakeAt });
  },
  shutdown: (call, ctx) => () => {
    const how = symbols(call.args[1])[0];
    if (how !== 'SHUT_RD' && how !== 'SHUT_WR' && how !== 'SHUT_RDWR') throw new Unsupported('shutdown needs SHUT_RD, SHUT_WR or SHUT_RDWR');
    return { value: ctx.host.shutdown(fdArg(ctx, call.args[0]), how) };
  },
  setsockopt: (call, ctx) => () => {
    const name = sockopt(call.args[2]);
    const v = call.args[3];
    let value: SockOptValue;
    if (v?.kind === 'struct') {
      const field = (n: string): number => num(v.fields.find((f) => f.name === n)?.value, n);
      value = { onoff: field('onoff'), linger: field('linger') };
    } else {
      const sym = v?.kind === 'array' && v.items.length === 1 && v.items[0].kind === 'symbol' ? OPTION_VALUES[v.items[0].name] : undefined;
      value = sym ?? num(v, 'the option value');
    }
    return { value: ctx.host.setsockopt(fdArg(ctx, call.args[0]), name, value) };
  },
  getsockopt: (call, ctx) => () => {
    const name = sockopt(call.args[2]);
    const r = ctx.host.getsockopt(fdArg(ctx, call.args[0]), name);
    if (isSysError(r)) return { value: r };
    const lenBad = optlenMismatch(name, call.args[4]);
    if (lenBad) return { value: 0, mismatch: lenBad };
    const want = call.args[3];
    if (want?.kind !== 'array' || want.items[0]?.kind === 'ellipsis') return { value: 0 };
    const got = typeof r === 'number' ? r : r.onoff;
    const exp = num(want, 'the expected option value');
    const show = (n: number): string => (name === 'SO_ERROR' && n !== 0 ? `${n} (${errnoName(n) ?? n})` : String(n));
    return { value: 0, mismatch: got === exp ? undefined : { what: name, got: show(got), want: show(exp) } };
  },
  fcntl: (call, ctx) => () => {
    const fd = fdArg(ctx, call.args[0]);
    const cmd = symbols(call.args[1])[0];
    // do_fcntl runs only on an open file: a bad fd is EBADF whatever the command (fdget_raw).
    const st = ctx.host.status(fd);
    if (isSysError(st) && st.errno === 'EBADF' && !ctx.epoll?.isEpoll(fd)) return { value: st };
    if (cmd === 'F_GETFL') return { value: O_RDWR | (ctx.host.isNonBlocking(fd) ? O_NONBLOCK : 0) };
    if (cmd === 'F_SETFL') {
      const flags = symbols(call.args[2]);
      const n = call.args[2]?.kind === 'number' ? call.args[2].value : 0;
      return { value: ctx.host.setNonBlocking(fd, flags.includes('O_NONBLOCK') || (n & O_NONBLOCK) !== 0) };
    }
    throw new Unsupported(`fcntl ${cmd ?? '?'} is not supported (F_GETFL, F_SETFL are)`);
  },
  poll: pollCall,
  ioctl: (call, ctx) => () => {
    const cmd = symbols(call.args[1])[0];
    if (cmd !== 'SIOCINQ' && cmd !== 'FIONREAD') throw new Unsupported(`ioctl ${cmd ?? '?'} is not supported (SIOCINQ, FIONREAD are)`);
    const r = ctx.host.bytesReadable(fdArg(ctx, call.args[0]));
    if (isSysError(r)) return { value: r };
    const exp = num(call.args[2], 'the expected byte count');
    return { value: 0, mismatch: r === exp ? undefined : { what: cmd, got: String(r), want: String(exp) } };
  },
};

Object.assign(HANDLERS, {
  epoll_create: epollCreate,
  epoll_create1: epollCreate,
  epoll_ctl: (call: SyscallEvent, ctx: CallContext): Attempt => () => {
    const ep = epollOf(ctx);
    const ev = call.args[3];
    const field = (n: string): Expr | undefined => (ev?.kind === 'struct' ? ev.fields.find((f) => f.name === n)?.value : undefined);
    const op = symbols(call.args[1])[0] ?? '';
    const events = ev?.kind === 'struct' ? epollMask(field('events')) : 0;
    const data = ev?.kind === 'struct' ? num(field('fd') ?? field('ptr') ?? field('u32') ?? field('u64'), 'epoll_event data') : 0;
    return { value: ep.ctl(ctx.host, fdArg(ctx, call.args[0]), op, fdArg(ctx, call.args[2]), events, data) };
  },
  epoll_wait: (call: SyscallEvent, ctx: CallContext): Attempt => {
    const ep = epollOf(ctx);
    const epfd = fdArg(ctx, call.args[0]);
    const max = num(call.args[2], 'maxevents');
    const timeout = num(call.args[3], 'the timeout');
    const start = ctx.now?.() ?? 0;
    const want = call.args[1];
    const wantList = want?.kind === 'array' ? want.items : want ? [want] : [];
    const wakeAt = (): number | undefined => (timeout > 0 ? start + timeout : undefined);
    const attempt = (): CallOutcome | 'wouldBlock' => {
      const r = ep.wait(ctx.host, epfd, max);
      if (isSysError(r)) return { value: r };
      // A timeout of 0 returns at once; otherwise sleep until an event or the timeout (ep_poll).
      if (r.length === 0 && timeout !== 0 && (timeout < 0 || (ctx.now?.() ?? 0) < start + timeout)) return 'wouldBlock';
      for (let i = 0; i < r.length && i < wantList.length; i++) {
        const w = wantList[i];
        if (w.kind !== 'struct') continue;
        const f = (n: string): Expr | undefined => w.fields.find((x) => x.name === n)?.value;
        const wantEvents = epollMask(f('events'));
        if (wantEvents !== r[i].events) return { value: r.length, mismatch: { what: 'epoll_event events', got: epollNames(r[i].events), want: epollNames(wantEvents) } };
        const d = f('fd') ?? f('ptr') ?? f('u32') ?? f('u64');
        if (d?.kind === 'number' && d.value !== r[i].data) return { value: r.length, mismatch: { what: 'epoll_event data', got: String(r[i].data), want: String(d.value) } };
      }
      return { value: r.length };
    };
    return Object.assign(attempt, { wakeAt });
  },
} satisfies Record<string, Handler>);

Object.assign(HANDLERS, {
  // sendmsg: the bytes of every iovec, as one write (tcp_sendmsg_locked walks msg_iter whole).
  sendmsg: (call: SyscallEvent, ctx: CallContext): Attempt => {
    const msg = call.args[1];
    if (msg?.kind !== 'struct') throw new Unsupported('sendmsg needs a struct msghdr literal');
    const iov = msg.fields.find((f) => f.name === 'msg_iov')?.value;
    if (iov?.kind !== 'array') throw new Unsupported('sendmsg needs msg_iov=[{..., len}, ...]');
    let total = 0;
    for (const v of iov.items) {
      if (v.kind !== 'struct') throw new Unsupported('each msg_iov entry must be {..., len}');
      total += num(v.fields[1]?.value, 'the iov length');
    }
    const flat: SyscallEvent = { ...call, args: [call.args[0], { kind: 'ellipsis' }, { kind: 'number', value: total }, call.args[2] ?? { kind: 'number', value: 0 }] };
    return sendCall(1, 2, 3)(flat, ctx);
  },
} satisfies Record<string, Handler>);

function epollOf(ctx: CallContext): EpollTable {
  if (!ctx.epoll) throw new Unsupported('epoll on a runner without epoll');
  return ctx.epoll;
}

function epollCreate(_call: SyscallEvent, ctx: CallContext): Attempt {
  return () => {
    const fd = epollOf(ctx).create();
    return { value: fd, newFd: fd };
  };
}

/** `EPOLLIN|EPOLLET`, a number, or `0`. */
function epollMask(e: Expr | undefined): number {
  if (e === undefined) return 0;
  if (e.kind === 'number') return e.value >>> 0;
  let m = 0;
  const terms = e.kind === 'or' ? e.terms : [e];
  for (const t of terms) {
    if (t.kind === 'number') { m += t.value; continue; }
    const bit = t.kind === 'symbol' ? EPOLL_BITS[t.name] : undefined;
    if (bit === undefined) throw new Unsupported(`epoll event ${t.kind === 'symbol' ? t.name : '?'} is not known`);
    m += bit;
  }
  return m;
}

/** include/uapi/asm-generic/poll.h. */
const POLL_BITS: Readonly<Record<string, number>> = {
  POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20, POLLRDNORM: 0x40, POLLWRNORM: 0x100, POLLRDHUP: 0x2000,
};

function pollBits(e: Expr | undefined): number {
  if (e?.kind === 'number') return e.value;
  return symbols(e).reduce((m, n) => {
    const b = POLL_BITS[n];
    if (b === undefined) throw new Unsupported(`poll event ${n} is not supported`);
    return m | b;
  }, 0);
}

const pollText = (m: number): string => Object.entries(POLL_BITS).filter(([, b]) => m & b).map(([n]) => n).join('|') || '0';

/**
 * poll([{fd, events, revents}], n, timeout): tcp_poll()'s mask for each fd, as the socket's
 * readiness gives it (POLLRDHUP once the peer's FIN or a reset ended reading); POLLERR and
 * POLLHUP are reported whatever `events` asks. A blocking poll sleeps until one fd reports
 * something or `timeout` ms pass (0 then). Each stated `revents` is compared.
 */
function pollCall(call: SyscallEvent, ctx: CallContext): Attempt {
  const list = call.args[0];
  if (list?.kind !== 'array') throw new Unsupported('poll needs a [{fd=..., events=..., revents=...}] list');
  const entries = list.items.map((it) => {
    if (it.kind !== 'struct') throw new Unsupported('poll needs {fd=..., events=..., revents=...} entries');
    const f = (n: string): Expr | undefined => it.fields.find((x) => x.name === n)?.value;
    return { fd: ctx.liveFd(num(f('fd'), 'fd')), events: pollBits(f('events')), revents: f('revents') === undefined ? undefined : pollBits(f('revents')) };
  });
  const timeout = num(call.args[2], 'the timeout');
  let deadline: number | undefined;
  const mask = (fd: number): number => {
    const r = ctx.host.readiness(fd);
    if (isSysError(r)) return POLL_BITS.POLLNVAL;
    const st = ctx.host.status(fd);
    // RCV_SHUTDOWN: the peer's FIN arrived, or the connection is gone (SHUTDOWN_MASK).
    const rdhup = r.hup || (!isSysError(st) && ['CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'TIME-WAIT'].includes(st.state));
    return (r.readable ? POLL_BITS.POLLIN | POLL_BITS.POLLRDNORM : 0) | (r.writable ? POLL_BITS.POLLOUT | POLL_BITS.POLLWRNORM : 0) |
      (r.error ? POLL_BITS.POLLERR : 0) | (r.hup ? POLL_BITS.POLLHUP : 0) | (rdhup ? POLL_BITS.POLLRDHUP : 0);
  };
  const attempt = (): CallOutcome | 'wouldBlock' => {
    const now = ctx.now?.() ?? 0;
    deadline ??= timeout < 0 ? undefined : now + timeout;
    const got = entries.map((e) => mask(e.fd) & (e.events | POLL_BITS.POLLERR | POLL_BITS.POLLHUP | POLL_BITS.POLLNVAL));
    const ready = got.filter((m) => m !== 0).length;
    if (ready === 0 && (deadline === undefined || now < deadline)) return 'wouldBlock';
    for (let i = 0; i < entries.length; i++) {
      const want = entries[i].revents;
      // packetdrill compares only the bits it reads back: the script's revents against the kernel's.
      const seen = got[i] & ~(POLL_BITS.POLLRDNORM | POLL_BITS.POLLWRNORM);
      if (want !== undefined && seen !== (want & ~(POLL_BITS.POLLRDNORM | POLL_BITS.POLLWRNORM))) {
        return { value: ready, mismatch: { what: 'poll revents', got: pollText(seen), want: pollText(want) } };
      }
    }
    return { value: ready };
  };
  return Object.assign(attempt, { wakeAt: () => deadline });
}

/** SO_EE_ORIGIN_ZEROCOPY and SO_EE_CODE_ZEROCOPY_COPIED (include/uapi/linux/errqueue.h). */
const EE_NAMES: Readonly<Record<string, number>> = { SO_EE_ORIGIN_ZEROCOPY: 5, SO_EE_CODE_ZEROCOPY_COPIED: 1 };

/**
 * recvmsg(..., MSG_ERRQUEUE): a MSG_ZEROCOPY completion, compared field by field with the
 * script's cmsg_data {ee_errno, ee_origin, ee_type, ee_code, ee_info, ee_data}. Never blocks:
 * an empty error queue is EAGAIN (sock_recv_errqueue).
 */
function errQueue(call: SyscallEvent, msg: Expr & { kind: 'struct' }, ctx: CallContext, fd: number): Attempt {
  if (!ctx.host.readZerocopy) throw new Unsupported('MSG_ERRQUEUE on a host without an error queue');
  const control = msg.fields.find((f) => f.name === 'msg_control')?.value;
  const cmsg = control?.kind === 'array' && control.items[0]?.kind === 'struct' ? control.items[0] : undefined;
  const data = cmsg?.fields.find((f) => f.name === 'cmsg_data')?.value;
  const want = new Map<string, number>();
  if (data?.kind === 'struct') {
    for (const f of data.fields) {
      if (!f.name) continue;
      const v = f.value.kind === 'number' ? f.value.value : f.value.kind === 'symbol' ? EE_NAMES[f.value.name] : undefined;
      if (v === undefined) throw new Unsupported(`cmsg_data ${f.name}: only numbers, SO_EE_ORIGIN_ZEROCOPY and SO_EE_CODE_ZEROCOPY_COPIED are read`);
      want.set(f.name, v);
    }
  }
  return () => {
    const r = ctx.host.readZerocopy?.(fd);
    if (r === undefined || isSysError(r)) return { value: r ?? { errno: 'EAGAIN' as Errno } };
    const got: Record<string, number> = { ee_errno: 0, ee_origin: EE_NAMES.SO_EE_ORIGIN_ZEROCOPY, ee_type: 0, ee_code: r.copied ? EE_NAMES.SO_EE_CODE_ZEROCOPY_COPIED : 0, ee_info: r.lo, ee_data: r.hi };
    for (const [k, v] of want) {
      if (got[k] !== v) return { value: 0, mismatch: { what: `MSG_ERRQUEUE cmsg_data ${k}`, got: String(got[k]), want: String(v) } };
    }
    return { value: 0 };
  };
}

/**
 * getsockopt's `[optlen]` is an expected output too. packetdrill (run_system_call.c
 * syscall_getsockopt) passes the script's optlen in, and fails on "Bad getsockopt optlen" when the
 * kernel writes back another one; the kernel writes min(optlen, size of the option)
 * (sock_getsockopt, do_tcp_getsockopt). A bracketed number is then read as an int, so packetdrill
 * accepts it only with optlen 4 ("Unsupported getsockopt optlen" otherwise).
 */
function optlenMismatch(name: SockOptName, e: Expr | undefined): OutputMismatch | undefined {
  if (e === undefined || e.kind === 'ellipsis' || (e.kind === 'array' && e.items[0]?.kind === 'ellipsis')) return undefined;
  const want = num(e, 'the getsockopt length');
  const size = name === 'SO_LINGER' ? 8 : 4;
  const got = Math.min(want, size);
  if (want < 0) return { what: `${name} optlen`, got: '-1 EINVAL', want: String(want) };
  if (got !== want) return { what: `${name} optlen`, got: String(got), want: String(want) };
  if (want !== size) return { what: `${name} optlen`, got: String(got), want: `${size} (packetdrill reads a [value] only with optlen ${size})` };
  return undefined;
}

function sockopt(e: Expr | undefined): SockOptName {
  const name = symbols(e)[0];
  if (name === undefined || !(SOCKOPTS as readonly string[]).includes(name)) throw new Unsupported(`socket option ${name ?? '?'} is not supported`);
  return name as SockOptName;
}

/** The attempt function for a call line; throws `Unsupported` for a call or argument we cannot make. */
export function prepareCall(call: SyscallEvent, ctx: CallContext): Attempt {
  const h = HANDLERS[call.name];
  if (!h) throw new Unsupported(`system call ${call.name}() is not supported`);
  return h(call, ctx);
}

/** `= 4`, `= -1 EPIPE`: compare what happened with what the line says. */
export function checkResult(call: SyscallEvent, got: CallOutcome): OutputMismatch | undefined {
  const want = call.result.kind === 'number' ? call.result.value : undefined;
  if (want === undefined) return undefined;
  const gotText = isSysError(got.value) ? `-1 ${got.value.errno}` : String(got.value);
  const wantText = want === -1 && call.errno ? `-1 ${call.errno}` : String(want);
  if (isSysError(got.value)) {
    if (want !== -1 || (call.errno !== undefined && call.errno !== got.value.errno)) return { got: gotText, want: wantText };
  } else if (got.newFd !== undefined) {
    // A new fd: packetdrill maps the script's number to the live one instead of comparing them.
    if (want < 0) return { got: gotText, want: wantText };
  } else if (got.value !== want) return { got: gotText, want: wantText };
  return got.mismatch;
}
