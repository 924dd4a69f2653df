// What leaves the host: the output queue every connection's segments and the host's own (RSTs,
// cookie SYN-ACKs) pass through, and the local device (a qdisc) that may drop them first.
import type { Segment } from '../core/segment.js';
import { count } from './counters.js';
import { Connection, resetFor, type TransmitFilter } from './engine.js';
import type { HostState } from './host-state.js';
import { service } from './service.js';

/** One segment leaves: the device may drop it (kept for pollLocalDrop), else it is counted and queued. */
export function emit(h: HostState, seg: Segment): void {
  // Segments the host builds itself (RSTs, cookie SYN-ACKs, TIME-WAIT ACKs) meet the device here.
  if (h.transmitFilter && !h.transmitFilter(seg)) {
    h.localDrops.push(seg);
    return;
  }
  count(h, 'Tcp:OutSegs');
  if (seg.flags.rst) count(h, 'Tcp:OutRsts');
  h.out.push(seg);
}

/** tcp_v4_send_reset(): the RST for a segment no socket takes (none for an RST). */
export function replyReset(h: HostState, seg: Segment): void {
  const r = resetFor(seg);
  if (r) emit(h, r);
}

export function pollTransmit(h: HostState): Segment | undefined {
  if (h.outHead >= h.out.length) {
    if (h.out.length > 0) {
      h.out.length = 0;
      h.outHead = 0;
    }
    return undefined;
  }
  const s = h.out[h.outHead];
  (h.out as Array<Segment | undefined>)[h.outHead] = undefined;
  h.outHead++;
  return s;
}

/** Install the local device and tell every full connection, which resends what it could not send. */
export function setTransmitFilter(h: HostState, filter: TransmitFilter | undefined): void {
  h.transmitFilter = filter;
  for (const e of h.conns.values()) {
    if (e.conn instanceof Connection) {
      e.conn.setTransmitFilter(filter);
      service(h, e);
    }
  }
}

export function pollLocalDrop(h: HostState): Segment | undefined {
  return h.localDrops.shift();
}
