// Time at the host: `now` only moves forward; every entry with a timer sits in one deadline heap
// (deadline-heap.ts, re-armed by service.ts after each input), and handleTimeout() fires what is
// due in deadline order — a request socket's SYN-ACK timer through reqsk_timer_handler's rules
// (passive-open.ts), everything else through the engine.
import { freeEntry } from './established.js';
import type { HostState } from './host-state.js';
import { requestExpires } from './passive-open.js';
import { service } from './service.js';

export function advance(h: HostState, now: number): void {
  if (now > h.now) h.now = now;
}

export function handleTimeout(h: HostState, now: number): void {
  advance(h, now);
  for (let e = h.heap.popDue(h.now); e; e = h.heap.popDue(h.now)) {
    if (e.freed) continue;
    if (e.phase === 'request' && requestExpires(h, e)) {
      freeEntry(h, e); // inet_csk_reqsk_queue_drop_and_put(): silently, no RST
      continue;
    }
    e.conn.handleTimeout(h.now);
    service(h, e);
  }
}

export function nextDeadline(h: HostState): number | undefined {
  return h.heap.peek();
}
