// READ THIS FIRST — the ABORT call (RFC 9293 §3.10.5; Linux tcp_disconnect / tcp_abort).
// In SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT an RST|ACK (seq = SND.NXT)
// tells the peer; in the other states the TCB is simply deleted. Either way: CLOSED, no TIME-WAIT.
// The host also uses this to drop a connection it has no room for (tcp_max_tw_buckets, orphans).
import type { Tcb } from '../tcb.js';
import { sendActiveReset } from '../output.js';
import { setState } from '../state-change.js';
import { NEEDS_RESET } from './close.js';

export function abort(tcb: Tcb): void {
  if (tcb.state === 'CLOSED') return;
  if (NEEDS_RESET.has(tcb.state)) sendActiveReset(tcb);
  tcb.rcvQueue = [];
  tcb.rcvQueueTs = [];
  tcb.rmemAlloc = 0;
  tcb.rcvQueueLen = 0;
  tcb.sndBufLen = 0;
  setState(tcb, 'CLOSED', 'abort');
}
