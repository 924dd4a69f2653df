// READ THIS FIRST — the segment text and the FIN (RFC 9293 §3.10.7.4 "seventh" and "eighth";
// Linux tcp_data_queue, tcp_data_queue_ofo, tcp_fin).
//
// Rules:
// - In-order data is appended to the receive queue; RCV.NXT moves past it (and past a FIN).
// - A segment wholly before RCV.NXT is a retransmission: drop it and ACK at once (quick-ACK).
// - A segment starting beyond the window is dropped and ACKed at once.
// - A segment starting before RCV.NXT and ending after it is trimmed at the front.
// - With a zero receive window in-order data is dropped, but a bare FIN is taken (Linux: a
//   FIN/ACK loop with a zero-window peer must end; tcp_rcv_zero_wnd_fin.pkt).
// - Out-of-order segments wait in `ofo`; each one is ACKed at once (a duplicate ACK).
// - Queued data is the arriving segment's payload itself (or a view of part of it), not a copy: a
//   payload is never changed once handed to the engine (segment.ts), and recv() copies out.
// - The FIN (tcp_fin): ESTABLISHED/SYN-RECEIVED → CLOSE-WAIT (and the ACK may now be delayed,
//   pingpong); FIN-WAIT-1 → CLOSING with an immediate ACK (simultaneous close); FIN-WAIT-2 →
//   TIME-WAIT with an immediate ACK; in CLOSE-WAIT, CLOSING, LAST-ACK a FIN is a retransmission.
import { EOF, READABLE } from './tcb.js';
import type { Tcb } from './tcb.js';
import type { Segment } from './segment.js';
import type { Seq } from './seq.js';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.js';
import { enterPingpong, enterQuickack, onDataReceived } from './ack-policy.js';
import { receiveWindow, growWindow, skbTruesize } from './window.js';
import { setState } from './state-change.js';
import { arm, cancel } from './timers.js';
import { dsackExtend, dsackSet, sackNewOfo, sackRemove } from './sack-blocks.js';

function outOfWindow(tcb: Tcb): void {
  enterQuickack(tcb);
  tcb.ackPending = true;
  tcb.ackNow = true;
}

export function dataQueue(tcb: Tcb, seg: Segment): void {
  const payload = seg.payload instanceof Uint8Array ? seg.payload : new Uint8Array(0);
  const len = payload.length;
  const fin = seg.flags.fin;
  if (len === 0 && !fin) return;
  const seq = seg.seq;
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  if (seq === tcb.rcvNxt) {
    const wnd = receiveWindow(tcb);
    if (wnd === 0 && !(len === 0 && fin)) return outOfWindow(tcb);
    // A segment larger than the window, accepted because the queue was empty (tcp_sequence),
    // is never ACKed at once on Linux 6.18: not the first one (tcp_rcv_neg_window.pkt,
    // tcp_rcv_toobig.pkt line 22: the delayed ACK at +40 ms) and not one larger than the whole
    // buffer (tcp_rcv_toobig.pkt line 32: MANIFEST.tsv measures `ack 80001 win 0` ~88 ms late,
    // the delayed ACK with ato doubled by the first delayed-ACK timeout).
    const oversize = len > wnd && !fin;
    // tcp_try_rmem_schedule: memory already over the buffer forces ICSK_ACK_NOW, and new data is
    // then dropped unless the queue is empty (a bare FIN still goes in).
    if (tcb.rmemAlloc + skbTruesize(len) > tcb.rcvBufSize && !(oversize && tcb.rcvQueue.length === 0)) {
      tcb.ackPending = true;
      tcb.ackNow = true;
      if (tcb.rcvQueue.length > 0 && len > 0) return;
    }
    const quick = tcb.quickAcks;
    queueAndOut(tcb, payload, fin, len);
    if (oversize) {
      // The first data buys no quick ACKs here (measured; Linux's quick-ACK count is cleared on
      // the way, as __tcp_select_window and tcp_clamp_window do when the buffer runs short).
      tcb.quickAcks = Math.min(tcb.quickAcks, quick);
      if (tcb.atoMs === 0 || tcb.quickAcks > 0) tcb.quickAcks = 0;
    }
    return;
  }
  if (seqLe(end, tcb.rcvNxt)) {
    // A retransmission of what we have: report it as a D-SACK (tcp_data_queue → tcp_dsack_set).
    dsackSet(tcb, seq, end);
    return outOfWindow(tcb);
  }
  if (!seqLt(seq, seqAdd(tcb.rcvNxt, receiveWindow(tcb)))) return outOfWindow(tcb);
  if (seqLt(seq, tcb.rcvNxt)) {
    if (receiveWindow(tcb) === 0) return outOfWindow(tcb);
    // "Partial packet, seq < rcv_next < end_seq": the old part is a D-SACK.
    dsackSet(tcb, seq, tcb.rcvNxt);
    queueAndOut(tcb, payload.subarray(seqDiff(tcb.rcvNxt, seq)), fin, len);
    return;
  }
  // Out of order: keep it (first copy wins) and send a duplicate ACK now.
  const held = tcb.ofo.find((o) => seqLe(o.seq, seq) && seqLe(end, seqAdd(o.seq, o.data.length + (o.fin ? 1 : 0))));
  if (held !== undefined) dsackSet(tcb, seq, end);
  if (tcb.sackOk) sackNewOfo(tcb, seq, end);
  if (!tcb.ofo.some((o) => o.seq === seq)) {
    const truesize = skbTruesize(len);
    tcb.ofo.push({ seq, data: payload, fin, truesize });
    tcb.rmemAlloc += truesize;
    tcb.ofo.sort((a, b) => seqDiff(a.seq, b.seq));
  }
  tcb.ofoLatest = seq;
  tcb.ackPending = true;
  tcb.ackNow = true;
}

function queueAndOut(tcb: Tcb, data: Uint8Array, fin: boolean, wireLen: number): void {
  if (data.length > 0) {
    const truesize = skbTruesize(wireLen);
    tcb.rcvQueue.push(data);
    tcb.rcvQueueTs.push(truesize);
    tcb.rmemAlloc += truesize;
    tcb.rcvQueueLen += data.length;
    tcb.rcvNxt = seqAdd(tcb.rcvNxt, data.length);
    tcb.bytesReceived += data.length;
    onDataReceived(tcb, wireLen, truesize);
    if (data.length >= 128) growWindow(tcb);
    tcb.events.push(READABLE);
  }
  if (fin) {
    receiveFin(tcb);
    return;
  }
  drainOfo(tcb);
  if (tcb.sackBlocks.length > 0) sackRemove(tcb);
}

function drainOfo(tcb: Tcb): void {
  const dsackHigh = tcb.rcvNxt;
  while (tcb.ofo.length > 0) {
    const o = tcb.ofo[0];
    const oEnd: Seq = seqAdd(o.seq, o.data.length);
    if (seqGt(o.seq, tcb.rcvNxt)) break;
    // tcp_ofo_queue: held data the in-order segment already brought is a duplicate.
    if (seqLt(o.seq, dsackHigh)) dsackExtend(tcb, o.seq, seqLt(oEnd, dsackHigh) ? oEnd : dsackHigh);
    tcb.ofo.shift();
    tcb.rmemAlloc -= o.truesize;
    if (seqLe(oEnd, tcb.rcvNxt) && !(o.fin && oEnd === tcb.rcvNxt)) continue;
    const part = o.data.subarray(Math.max(0, seqDiff(tcb.rcvNxt, o.seq)));
    if (part.length > 0) {
      tcb.rcvQueue.push(part);
      tcb.rcvQueueTs.push(o.truesize);
      tcb.rmemAlloc += o.truesize;
      tcb.rcvQueueLen += part.length;
      tcb.rcvNxt = seqAdd(tcb.rcvNxt, part.length);
      tcb.bytesReceived += part.length;
      tcb.events.push(READABLE);
    }
    tcb.ackNow = true;
    tcb.ackPending = true;
    if (o.fin) {
      receiveFin(tcb);
      return;
    }
  }
}

/** tcp_fin. */
export function receiveFin(tcb: Tcb): void {
  tcb.rcvNxt = seqAdd(tcb.rcvNxt, 1);
  tcb.finReceived = true;
  tcb.ackPending = true;
  for (const o of tcb.ofo) tcb.rmemAlloc -= o.truesize;
  tcb.ofo = [];
  // tcp_fin → tcp_sack_reset: no SACK blocks and no pending D-SACK after the FIN
  // (tcp_close_no_rst.pkt: the old data riding with the FIN is ACKed without a D-SACK).
  tcb.sackBlocks = [];
  tcb.dsack = undefined;
  tcb.events.push(EOF, READABLE);
  switch (tcb.state) {
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
      setState(tcb, 'CLOSE-WAIT', 'fin-received');
      enterPingpong(tcb);
      break;
    case 'FIN-WAIT-1':
      tcb.ackNow = true;
      setState(tcb, 'CLOSING', 'simultaneous-close');
      break;
    case 'FIN-WAIT-2':
      tcb.ackNow = true;
      enterTimeWait(tcb, 'fin-received');
      break;
    default:
      break;
  }
}

/** tcp_time_wait(TCP_TIME_WAIT): 60 s (TCP_TIMEWAIT_LEN), nothing else pending. */
export function enterTimeWait(tcb: Tcb, cause: 'fin-received' | 'fin-acked'): void {
  setState(tcb, 'TIME-WAIT', cause);
  for (const k of ['retransmit', 'loss-probe', 'persist', 'keepalive', 'fin-wait-2'] as const) cancel(tcb.timers, k);
  arm(tcb.timers, 'time-wait', tcb.now + tcb.config.time_wait_ms);
}
