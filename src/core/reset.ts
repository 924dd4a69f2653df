// READ THIS FIRST — resets, both kinds.
//
// - `resetFor(seg)`: the answer to a segment that reaches no connection, or that a connection
//   refuses outright (RFC 9293 §3.10.7.1 and §3.5.2; Linux tcp_v4_send_reset / tcp_v6_send_reset):
//   never answer an RST; if the segment has ACK, send `R` with seq = SEG.ACK and no ACK flag;
//   otherwise `R.` with seq = 0 and ack = SEG.SEQ + SEG.LEN (SYN and FIN count). No options,
//   window 0.
// - `resetErrno(state)`: what the application sees when an acceptable RST arrives (Linux
//   tcp_reset): ECONNREFUSED in SYN-SENT, EPIPE in CLOSE-WAIT, ECONNRESET elsewhere.
import type { Segment } from './segment.js';
import { NO_FLAGS, NO_PAYLOAD, segmentLength } from './segment.js';
import { seq, seqAdd } from './seq.js';
import type { Errno } from './errno.js';
import type { TcpState } from '../model/states.js';

/** RFC 9293 §3.10.7.1: the RST answering a segment that reaches no connection (undefined for an RST). */
export function resetFor(s: Segment): Segment | undefined {
  if (!s || !s.flags || s.flags.rst) return undefined;
  const base = {
    srcAddr: s.dstAddr, srcPort: s.dstPort, dstAddr: s.srcAddr, dstPort: s.srcPort,
    window: 0, urgent: 0, options: [], payload: NO_PAYLOAD,
  };
  if (s.flags.ack) return { ...base, seq: s.ack, ack: seq(0), flags: { ...NO_FLAGS, rst: true } };
  return { ...base, seq: seq(0), ack: seqAdd(s.seq, segmentLength(s)), flags: { ...NO_FLAGS, rst: true, ack: true } };
}

export function resetErrno(state: TcpState): Errno | undefined {
  switch (state) {
    case 'SYN-SENT': return 'ECONNREFUSED';
    case 'CLOSE-WAIT': return 'EPIPE';
    case 'CLOSED': case 'TIME-WAIT': return undefined;
    default: return 'ECONNRESET';
  }
}
