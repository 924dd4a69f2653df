// MSG_ZEROCOPY completions (Documentation/networking/msg_zerocopy.rst; net/core/skbuff.c
// msg_zerocopy_realloc, __msg_zerocopy_callback, skb_zerocopy_notify_extend). A send() with
// MSG_ZEROCOPY on a socket with SO_ZEROCOPY set takes the socket's next notification id
// (sk_zckey); once every byte queued up to that send is acknowledged and freed, the id is reported
// on the socket's error queue as a sock_extended_err with ee_info..ee_data = the id range. A
// completion for the id right after the range at the tail of the queue extends that range instead
// of queueing another. recvmsg(MSG_ERRQUEUE) takes the oldest range, or fails with EAGAIN.
// ee_code is SO_EE_CODE_ZEROCOPY_COPIED: a simulated device copies, as packetdrill's tun does.
import { sysError, type SysError } from '../core/errno.js';
import type { HostState } from './host-state.js';
import { sockOf } from './socket-calls.js';
import type { Sock } from './sockets.js';

export interface ZerocopyCompletion { lo: number; hi: number; copied: boolean }

export interface ZerocopyState {
  /** sk_zckey: the next notification id. */
  next: number;
  /** Sends not yet completed: the id and the acknowledged byte count that completes it. */
  pending: Array<{ id: number; ackedAt: number }>;
  /** The error queue's zerocopy notifications, oldest first. */
  queue: ZerocopyCompletion[];
  /** Sends completed so far (each one an sk_error_report). */
  completed?: number;
}

function stateOf(s: Sock): ZerocopyState {
  s.zerocopy ??= { next: 0, pending: [], queue: [] };
  return s.zerocopy;
}

/** Bytes acknowledged and bytes queued on the socket's connection (0 without one). */
function byteCounts(s: Sock): { acked: number; queued: number } {
  const st = s.entry?.conn.status();
  if (!st) return { acked: 0, queued: 0 };
  return { acked: st.bytesAcked ?? 0, queued: 'sendQueue' in st ? Number(st.sendQueue) : 0 };
}

/**
 * After a successful send() of `bytes` > 0 with MSG_ZEROCOPY: the call's notification id, or
 * undefined when the socket has no SO_ZEROCOPY (the flag is then ignored, as Linux does).
 */
export function zerocopySent(h: HostState, fd: number, bytes: number): number | undefined | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (!s.raw.get('SO_ZEROCOPY') || bytes <= 0) return undefined;
  const z = stateOf(s);
  const { acked, queued } = byteCounts(s);
  const id = z.next++;
  z.pending.push({ id, ackedAt: acked + queued });
  return id;
}

/** Move every completed send to the error queue (__msg_zerocopy_callback). */
function settle(s: Sock): ZerocopyState {
  const z = stateOf(s);
  const { acked } = byteCounts(s);
  // A connection gone (reset, closed) frees its skbs: every pending send completes.
  const gone = !s.entry || s.entry.freed;
  while (z.pending.length > 0 && (gone || z.pending[0].ackedAt <= acked)) {
    const { id } = z.pending.shift() as { id: number };
    z.completed = (z.completed ?? 0) + 1;
    const tail = z.queue[z.queue.length - 1];
    if (tail && tail.hi + 1 === id) tail.hi = id;
    else z.queue.push({ lo: id, hi: id, copied: true });
  }
  return z;
}

/** recvmsg(MSG_ERRQUEUE): the oldest completion, after moving every completed send to the queue. */
export function readZerocopy(h: HostState, fd: number): ZerocopyCompletion | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  return settle(s).queue.shift() ?? sysError('EAGAIN');
}

/**
 * The error queue without reading it: whether it holds a notification (tcp_poll's EPOLLERR) and how
 * many sends have completed so far — each completion calls sk_error_report, a wake-up for epoll.
 */
export function zerocopyStatus(h: HostState, fd: number): { queued: boolean; completed: number } | SysError {
  const s = sockOf(h, fd);
  if (!s) return sysError('EBADF');
  if (!s.zerocopy) return { queued: false, completed: 0 };
  const z = settle(s);
  return { queued: z.queue.length > 0, completed: z.completed ?? 0 };
}
