// READ THIS FIRST — the SEND call (RFC 9293 §3.10.2; Linux tcp_sendmsg_locked).
//
// Rules:
// - ESTABLISHED, CLOSE-WAIT: queue as much as the send buffer holds, mark the end of the write
//   for PSH, and transmit what the windows allow. A full buffer gives EAGAIN (the host blocks).
// - SYN-SENT, SYN-RECEIVED: the call waits for the handshake (sk_stream_wait_connect): EAGAIN.
// - After SHUT_WR or close, and in every closing state: EPIPE (a pending error wins: SO_ERROR is
//   reported once, then EPIPE).
// - CLOSED: the pending error (ECONNRESET, ETIMEDOUT, ...) once, then EPIPE.
import type { Tcb } from '../tcb.js';
import type { SysError } from '../errno.js';
import { sysError } from '../errno.js';
import { seqAdd } from '../seq.js';
import { transmit } from '../output.js';

export function takeError(tcb: Tcb): SysError | undefined {
  const e = tcb.error;
  if (!e) return undefined;
  tcb.error = undefined;
  tcb.lastError = e;
  return sysError(e);
}

export function send(tcb: Tcb, data: Uint8Array): number | SysError {
  if (!(data instanceof Uint8Array)) return sysError('EFAULT');
  if (tcb.state === 'CLOSED') return takeError(tcb) ?? sysError('EPIPE');
  const err = takeError(tcb);
  if (err) return err;
  if (tcb.shutWr) return sysError('EPIPE');
  if (tcb.state === 'SYN-SENT' || tcb.state === 'SYN-RECEIVED') return sysError('EAGAIN');
  if (tcb.state === 'LISTEN') return sysError('ENOTCONN');
  if (tcb.state !== 'ESTABLISHED' && tcb.state !== 'CLOSE-WAIT') return sysError('EPIPE');
  if (data.length === 0) return 0;
  const space = tcb.sndBufSize - tcb.sndBufLen;
  if (space <= 0) return sysError('EAGAIN');
  const n = Math.min(space, data.length);
  const need = tcb.sndBufLen + n;
  if (tcb.sndBuf.length < need) {
    const grown = new Uint8Array(Math.max(need, tcb.sndBuf.length * 2, 1024));
    grown.set(tcb.sndBuf.subarray(0, tcb.sndBufLen));
    tcb.sndBuf = grown;
  }
  tcb.sndBuf.set(data.subarray(0, n), tcb.sndBufLen);
  tcb.sndBufLen += n;
  tcb.pushMarks.push(seqAdd(tcb.sndUna, tcb.sndBufLen));
  transmit(tcb);
  return n;
}

export function writableSpace(tcb: Tcb): number {
  if (tcb.state !== 'ESTABLISHED' && tcb.state !== 'CLOSE-WAIT') return 0;
  return Math.max(0, tcb.sndBufSize - tcb.sndBufLen);
}
