// READ THIS FIRST — the SEND call (RFC 9293 §3.10.2; Linux tcp_sendmsg_locked).
//
// Rules:
// - ESTABLISHED, CLOSE-WAIT: queue as much as the send buffer holds, mark the end of the write
//   for PSH, and transmit what the windows allow. Memory is charged per skb as Linux does and a
//   full buffer gives EAGAIN until an ACK frees half of it (send-memory.ts; the host blocks).
// - SYN-SENT, SYN-RECEIVED: the call waits for the handshake (sk_stream_wait_connect): EAGAIN.
// - After SHUT_WR or close, and in every closing state: EPIPE (a pending error wins: SO_ERROR is
//   reported once, then EPIPE).
// - CLOSED: the pending error (ECONNRESET, ETIMEDOUT, ...) once, then EPIPE.
import type { Tcb } from '../tcb.js';
import type { SysError } from '../errno.js';
import { sysError } from '../errno.js';
import { seqAdd, seqDiff, seqGe, seqGt } from '../seq.js';
import { notsentBelow, sizeGoal, sndBufStart, streamWriteable, syncSkbs, wmemQueued } from '../send-memory.js';
import { transmit } from '../output.js';
import { allocBytes } from '../byte-pool.js';

export function takeError(tcb: Tcb): SysError | undefined {
  const e = tcb.error;
  if (!e) return undefined;
  tcb.error = undefined;
  tcb.lastError = e;
  return sysError(e);
}

/** send()'s flags the engine acts on. */
export interface SendFlags {
  /** MSG_EOR: the write ends a record; its last skb takes no later bytes (tcp_sendmsg_locked sets TCP_SKB_CB(skb)->eor). */
  eor?: boolean;
  /**
   * MSG_MORE: more follows; the write marks no PSH and pushes with TCP_NAGLE_CORK, so a short
   * tail waits (tcp_push: `if (!(flags & MSG_MORE) || forced_push(tp)) tcp_mark_push(...)`).
   */
  more?: boolean;
}

export function send(tcb: Tcb, data: Uint8Array, sendFlags: SendFlags = {}): number | SysError {
  if (!(data instanceof Uint8Array)) return sysError('EFAULT');
  if (tcb.state === 'CLOSED') return takeError(tcb) ?? sysError('EPIPE');
  const err = takeError(tcb);
  if (err) return err;
  if (tcb.shutWr) return sysError('EPIPE');
  // tcp_sendmsg_locked(): a Fast Open child (tcp_passive_fastopen) writes in SYN-RECEIVED.
  const tfoChild = tcb.state === 'SYN-RECEIVED' && tcb.fastopenChild === true;
  if ((tcb.state === 'SYN-SENT' || tcb.state === 'SYN-RECEIVED') && !tfoChild) return sysError('EAGAIN');
  if (tcb.state === 'LISTEN') return sysError('ENOTCONN');
  if (tcb.state !== 'ESTABLISHED' && tcb.state !== 'CLOSE-WAIT' && !tfoChild) return sysError('EPIPE');
  if (data.length === 0) return 0;
  syncSkbs(tcb);
  // A writer asleep in sk_stream_wait_memory is woken only by sk_stream_write_space (send-memory.ts).
  if (tcb.sndNoSpace) return sysError('EAGAIN');
  let copied = 0;
  while (copied < data.length) {
    const goal = sizeGoal(tcb);
    const n = tcb.sndSkbs.length;
    const tailStart = n > 1 ? tcb.sndSkbs[n - 2] : tcb.sndUna;
    // Only the last skb, and only while none of it was sent and it ends no record, takes more
    // bytes (tcp_write_queue_tail, tcp_skb_can_collapse_to).
    const tailEor = n > 0 && (tcb.eorMarks?.includes(tcb.sndSkbs[n - 1]) ?? false);
    let room = n > 0 && !tailEor && seqGe(tailStart, tcb.sndSkbMark) ? goal - seqDiff(tcb.sndSkbs[n - 1], tailStart) : 0;
    const fresh = room <= 0;
    if (fresh) {
      // new_segment: a new skb only while sk_wmem_queued < sk_sndbuf and the unsent bytes are
      // under the low-water mark (sk_stream_memory_free -> tcp_stream_memory_free(sk, 0)).
      if (wmemQueued(tcb) >= tcb.sndBufSize || !notsentBelow(tcb, 0)) { tcb.sndNoSpace = true; break; }
      tcb.sndSkbs.push(seqAdd(sndBufStart(tcb), tcb.sndBufLen));
      room = goal;
    }
    const take = Math.min(room, data.length - copied);
    // The first bytes of a write that land in the previous write's unsent skb take its PSH away
    // (`if (!copied) TCP_SKB_CB(skb)->tcp_flags &= ~TCPHDR_PSH`): only this write's end pushes.
    if (copied === 0 && !fresh) {
      const tailEnd = tcb.sndSkbs[tcb.sndSkbs.length - 1];
      tcb.pushMarks = tcb.pushMarks.filter((m) => m !== tailEnd);
    }
    append(tcb, data.subarray(copied, copied + take));
    copied += take;
    tcb.sndSkbs[tcb.sndSkbs.length - 1] = seqAdd(sndBufStart(tcb), tcb.sndBufLen);
    // A full skb at the head of the unsent data goes out at once (tcp_push_one), and is cut there.
    if (take === room && copied < data.length) { transmit(tcb); syncSkbs(tcb); }
  }
  if (copied === 0) return sysError('EAGAIN');
  // A write cut short by a full buffer pushes what it queued without MSG_MORE (wait_for_space).
  const more = sendFlags.more === true && copied === data.length;
  if (!more) tcb.pushMarks.push(seqAdd(sndBufStart(tcb), tcb.sndBufLen));
  // The eor bit is set only once the whole message is copied (`if (!msg_data_left(msg))`).
  if (sendFlags.eor && copied === data.length) {
    tcb.eorMarks = (tcb.eorMarks ?? []).filter((m) => seqGt(m, tcb.sndUna));
    tcb.eorMarks.push(seqAdd(sndBufStart(tcb), tcb.sndBufLen));
  }
  transmit(tcb, false, more ? 'cork' : undefined);
  syncSkbs(tcb);
  return copied;
}

function append(tcb: Tcb, bytes: Uint8Array): void {
  const need = tcb.sndBufLen + bytes.length;
  if (tcb.sndBuf.length < need) {
    // Sent bytes are never rewritten (segments and the peer's receive queue are views of them),
    // so the buffer cannot wrap around: a stream of writes moves to a new one whenever it runs
    // out. Four times what is needed makes that rare (a byte written costs ~1.7 bytes of fresh
    // memory and copying, against ~3 with twice) while the buffer stays a few sndbufs at most.
    const grown = allocBytes(Math.max(need * 4, 256));
    grown.set(tcb.sndBuf.subarray(0, tcb.sndBufLen));
    tcb.sndBuf = grown;
  }
  tcb.sndBuf.set(bytes, tcb.sndBufLen);
  tcb.sndBufLen += bytes.length;
}

/** Bytes a write could add now, 0 unless poll would say EPOLLOUT (tcp_poll: __sk_stream_is_writeable). */
export function writableSpace(tcb: Tcb): number {
  if (tcb.state !== 'ESTABLISHED' && tcb.state !== 'CLOSE-WAIT' && !(tcb.state === 'SYN-RECEIVED' && tcb.fastopenChild === true)) return 0;
  syncSkbs(tcb);
  if (tcb.sndNoSpace || !streamWriteable(tcb)) return 0;
  return Math.max(0, tcb.sndBufSize - wmemQueued(tcb));
}
