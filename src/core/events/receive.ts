// READ THIS FIRST — the RECEIVE call (RFC 9293 §3.10.3; Linux tcp_recvmsg_locked, tcp_cleanup_rbuf).
//
// Rules:
// - Queued data first, whatever the state (data before end of stream, RFC 9293 §3.10.3).
// - Then, in Linux's order: end of stream after the peer's FIN; a pending error (once);
//   end of stream after SHUT_RD or once the connection is closed; EAGAIN while waiting.
// - Reading opens the window: when the window we could now offer is at least twice what the
//   peer was last told, a window update goes out at once; a pending delayed ACK that covers more
//   than a full segment goes too (tcp_cleanup_rbuf).
import type { Tcb } from '../tcb.js';
import type { SysError } from '../errno.js';
import { sysError } from '../errno.js';
import { takeError } from './send.js';
import { receiveWindow, selectableWindow } from '../window.js';
import { sendAck } from '../output.js';
import { seqDiff } from '../seq.js';
import { allocBytes } from '../byte-pool.js';

export function recv(tcb: Tcb, max: number): Uint8Array | SysError {
  if (!Number.isFinite(max) || max < 0) return sysError('EINVAL');
  if (tcb.rcvQueueLen > 0 && max > 0) {
    const n = Math.min(Math.floor(max), tcb.rcvQueueLen);
    // The queue holds the arriving payloads themselves (recv-data.ts): the reader gets a copy.
    const out = allocBytes(n);
    let off = 0;
    let done = 0; // whole skbs read: dropped from the queue at once below, not one shift each
    while (off < n) {
      const head = tcb.rcvQueue[done];
      const take = Math.min(head.length, n - off);
      out.set(head.subarray(0, take), off);
      off += take;
      if (take === head.length) {
        tcb.rmemAlloc -= tcb.rcvQueueTs[done] ?? 0;
        done++;
      } else {
        tcb.rcvQueue[done] = head.subarray(take);
      }
    }
    if (done > 0) {
      tcb.rcvQueue.splice(0, done);
      tcb.rcvQueueTs.splice(0, done);
    }
    tcb.rcvQueueLen -= n;
    cleanupRbuf(tcb);
    return out;
  }
  if (max === 0 && tcb.rcvQueueLen > 0) return new Uint8Array(0);
  if (tcb.finReceived) return new Uint8Array(0);
  const err = takeError(tcb);
  if (err) return err;
  if (tcb.shutRd) return new Uint8Array(0);
  if (tcb.state === 'CLOSED') return tcb.wasConnected || tcb.lastError ? new Uint8Array(0) : sysError('ENOTCONN');
  if (tcb.state === 'LISTEN') return sysError('ENOTCONN');
  return sysError('EAGAIN');
}

function cleanupRbuf(tcb: Tcb): void {
  const st = tcb.state;
  if (st === 'CLOSED' || st === 'TIME-WAIT' || st === 'SYN-SENT' || st === 'SYN-RECEIVED') return;
  // A delayed ACK covering more than a full segment goes now that the reader caught up.
  if (tcb.ackPending && seqDiff(tcb.rcvNxt, tcb.rcvWup) > tcb.rcvMss) {
    sendAck(tcb);
    return;
  }
  if (tcb.finReceived) return;
  const now = receiveWindow(tcb);
  if (2 * now <= tcb.windowClamp) {
    const next = selectableWindow(tcb);
    if (next > 0 && next >= 2 * now) sendAck(tcb);
  }
}

export function readableBytes(tcb: Tcb): number {
  return tcb.rcvQueueLen;
}
