// READ THIS FIRST — epoll for the scripts' epoll_create/epoll_ctl/epoll_wait lines, as Linux's
// fs/eventpoll.c runs it over tcp_poll(). epoll is not TCP, so it lives here beside the runner, over
// what the host already shows (readiness, bytes received, the zerocopy error queue).
// Rules it keeps:
// - A registered socket is on the ready list after a wake-up whose key it listens to
//   (ep_poll_callback: `if (pollflags && !(pollflags & epi->event.events)) goto out`). The socket
//   wakes with EPOLLIN when data or a FIN is queued (sk_data_ready), EPOLLOUT when it becomes
//   writable again (sk_stream_write_space after tcp_poll set SOCK_NOSPACE), EPOLLERR on an error
//   or a zerocopy completion (sk_error_report), and with every key on a state change
//   (sk_state_change -> sock_def_wakeup). EPOLLERR and EPOLLHUP are always listened to (epoll_ctl).
// - EPOLL_CTL_ADD and EPOLL_CTL_MOD poll the socket at once and queue it if it is ready
//   (ep_insert, ep_modify).
// - epoll_wait reports, for each queued socket, tcp_poll's mask & its events (none: dropped); an
//   EPOLLONESHOT item is then disabled until EPOLL_CTL_MOD, an EPOLLET one leaves the list, any
//   other stays (level-triggered) (ep_send_events).
import { isSysError, type Errno, type SysError } from '../core/errno.js';
import type { SocketApi } from '../stack/api.js';

/** include/uapi/linux/eventpoll.h and poll.h. */
export const EPOLL_BITS: Readonly<Record<string, number>> = {
  EPOLLIN: 0x001, EPOLLPRI: 0x002, EPOLLOUT: 0x004, EPOLLERR: 0x008, EPOLLHUP: 0x010, EPOLLNVAL: 0x020,
  EPOLLRDNORM: 0x040, EPOLLRDBAND: 0x080, EPOLLWRNORM: 0x100, EPOLLWRBAND: 0x200, EPOLLMSG: 0x400,
  EPOLLRDHUP: 0x2000, EPOLLEXCLUSIVE: 2 ** 28, EPOLLWAKEUP: 2 ** 29, EPOLLONESHOT: 2 ** 30, EPOLLET: 2 ** 31,
};
const B = EPOLL_BITS;
/** EP_PRIVATE_BITS: the bits that are not events. */
const PRIVATE = B.EPOLLWAKEUP + B.EPOLLONESHOT + B.EPOLLET + B.EPOLLEXCLUSIVE;
const EP_MAX_EVENTS = Math.floor(0x7fffffff / 12);
/** The first fd number given to an epoll instance: one the host's fd table never reaches. */
const FIRST_EPOLL_FD = 1_000_000;

function has(mask: number, bit: number): boolean {
  return Math.floor(mask / bit) % 2 === 1;
}

/** `a & b` over the 32 bits (EPOLLET is bit 31: JavaScript's & would make it negative). */
function and(a: number, b: number): number {
  return ((a & b) >>> 0);
}

interface Look { rx: number; readable: boolean; writable: boolean; error: boolean; hup: boolean; state: string; completed: number }

interface Item { fd: number; events: number; data: number; ready: boolean; last: Look }

export interface EpollEvent { events: number; data: number }

/** Names of the bits set in `mask`, as a script writes them (`EPOLLIN|EPOLLOUT`, `0`). */
export function epollNames(mask: number): string {
  const names = Object.entries(B).filter(([, bit]) => has(mask, bit)).map(([n]) => n);
  return names.length > 0 ? names.join('|') : '0';
}

export class EpollTable {
  private readonly instances = new Map<number, Map<number, Item>>();
  private next = FIRST_EPOLL_FD;

  isEpoll(fd: number): boolean {
    return this.instances.has(fd);
  }

  create(): number {
    const fd = this.next++;
    this.instances.set(fd, new Map());
    return fd;
  }

  close(epfd: number): void {
    this.instances.delete(epfd);
  }

  /** epoll_ctl(epfd, op, fd, {events, data}). */
  ctl(host: SocketApi, epfd: number, op: string, fd: number, events: number, data: number): 0 | SysError {
    const items = this.instances.get(epfd);
    if (!items) return { errno: 'EBADF' as Errno };
    const look = this.look(host, fd);
    if (isSysError(look)) return look;
    const all = events + (has(events, B.EPOLLERR) ? 0 : B.EPOLLERR) + (has(events, B.EPOLLHUP) ? 0 : B.EPOLLHUP);
    const item = items.get(fd);
    if (op === 'EPOLL_CTL_DEL') {
      if (!item) return { errno: 'ENOENT' as Errno };
      items.delete(fd);
      return 0;
    }
    if (op === 'EPOLL_CTL_ADD') {
      if (item) return { errno: 'EEXIST' as Errno };
      items.set(fd, { fd, events: all, data, ready: and(pollMask(look), all) !== 0, last: look });
      return 0;
    }
    if (op === 'EPOLL_CTL_MOD') {
      if (!item) return { errno: 'ENOENT' as Errno };
      item.events = all;
      item.data = data;
      if (and(pollMask(look), all) !== 0) item.ready = true;
      item.last = look;
      return 0;
    }
    return { errno: 'EINVAL' as Errno };
  }

  /** epoll_wait: up to `max` events, taking items off the ready list as ep_send_events does. */
  wait(host: SocketApi, epfd: number, max: number): EpollEvent[] | SysError {
    const items = this.instances.get(epfd);
    if (!items) return { errno: 'EBADF' as Errno };
    // do_epoll_wait: maxevents must be in 1 .. EP_MAX_EVENTS (INT_MAX / sizeof(struct epoll_event)).
    if (max <= 0 || max > EP_MAX_EVENTS) return { errno: 'EINVAL' as Errno };
    this.observe(host);
    const out: EpollEvent[] = [];
    for (const item of items.values()) {
      if (out.length >= max) break;
      if (!item.ready) continue;
      item.ready = false;
      const look = this.look(host, item.fd);
      const revents = isSysError(look) ? 0 : and(pollMask(look), item.events);
      if (revents === 0) continue;
      out.push({ events: revents, data: item.data });
      // EPOLLONESHOT: nothing more until EPOLL_CTL_MOD; level-triggered: stays on the list.
      if (has(item.events, B.EPOLLONESHOT)) item.events = and(item.events, PRIVATE);
      else if (!has(item.events, B.EPOLLET)) item.ready = true;
    }
    return out;
  }

  /** After every input: the wake-ups each registered socket has had since it was last looked at. */
  observe(host: SocketApi): void {
    for (const items of this.instances.values()) {
      for (const item of items.values()) {
        const now = this.look(host, item.fd);
        if (isSysError(now)) continue;
        const was = item.last;
        item.last = now;
        let key = 0;
        let any = false;
        if (now.state !== was.state) any = true;
        if (now.rx > was.rx || (now.readable && !was.readable)) key |= B.EPOLLIN;
        if (now.writable && !was.writable) key |= B.EPOLLOUT;
        if ((now.error && !was.error) || now.completed > was.completed) key |= B.EPOLLERR;
        if (now.hup && !was.hup) key |= B.EPOLLHUP;
        // A disabled EPOLLONESHOT item has no events left and takes no wake-up.
        if (and(item.events, ~PRIVATE) === 0) continue;
        if (any || and(key, item.events) !== 0) item.ready = true;
      }
    }
  }

  private look(host: SocketApi, fd: number): Look | SysError {
    const r = host.readiness(fd);
    if (isSysError(r)) return r;
    const info = host.tcpInfo?.(fd);
    const st = host.status(fd);
    const zc = host.zerocopyStatus?.(fd);
    return {
      rx: info && !isSysError(info) ? info.tcpi_bytes_received ?? 0 : 0,
      readable: r.readable, writable: r.writable, error: r.error || (zc !== undefined && !isSysError(zc) && zc.queued), hup: r.hup,
      state: isSysError(st) ? '' : st.state,
      completed: zc && !isSysError(zc) ? zc.completed : 0,
    };
  }
}

/** tcp_poll's mask, in the bits the scripts name. */
function pollMask(look: Look): number {
  let m = 0;
  if (look.readable) m += B.EPOLLIN + B.EPOLLRDNORM;
  if (look.writable) m += B.EPOLLOUT + B.EPOLLWRNORM;
  if (look.error) m += B.EPOLLERR;
  if (look.hup) m += B.EPOLLHUP;
  return m;
}
