// Servicing a connection: after any input that reached it (a call, a segment, a timeout), its
// segments move to the host's output, its events are applied to the host's tables, and its next
// deadline is re-armed. The one place where what a connection did becomes what the host knows.
//
// A state change is, in this order: recorded (changes.ts), written on the entry, counted
// (counters.ts countStateChange), a born child queued for accept() (passive-open.ts), re-classed
// against the limits (limits.ts) and — past tcp_max_tw_buckets — destroyed.
import { learnFastopen } from './fastopen-connect.js';
import { recordChange } from './changes.js';
import { count, countStateChange } from './counters.js';
import { Connection, type ConnectionEvent } from './engine.js';
import { freeEntry } from './established.js';
import type { HostState } from './host-state.js';
import { lookupListener } from './demux.js';
import { reclass, timeWaitOverflow, toMinisocket } from './limits.js';
import { childBorn, listenerInput } from './passive-open.js';
import type { Entry } from './sockets.js';
import { emit, replyReset } from './transmit.js';

/** Move a connection's output to the host, apply its events, re-arm its deadline. */
export function service(h: HostState, e: Entry): void {
  const c = e.conn;
  for (let s = c.pollTransmit(); s; s = c.pollTransmit()) emit(h, s);
  if (c instanceof Connection) for (let s = c.pollLocalDrop(); s; s = c.pollLocalDrop()) h.localDrops.push(s);
  for (let ev = c.pollEvent(); ev; ev = c.pollEvent()) {
    onEvent(h, e, ev);
  }
  if (e.freed) return;
  const held = toMinisocket(h, e) ?? e; // a TIME-WAIT entry may take the entry's place here
  const d = held.conn.nextDeadline();
  if (d === undefined) h.heap.invalidate(held);
  else h.heap.push(held, d);
}

function onEvent(h: HostState, e: Entry, ev: ConnectionEvent): void {
  switch (ev.type) {
    case 'state': {
      if (e.freed) return;
      recordChange(h, { at: ev.at, fd: e.sock?.fd, local: { addr: e.addr, port: e.port }, remote: { addr: e.raddr, port: e.rport }, from: ev.from, to: ev.to, cause: ev.cause });
      const wasTw = e.cls === 'tw';
      e.state = ev.to;
      e.since = ev.at;
      countStateChange(h, e, ev.from, ev.to, ev.cause, wasTw);
      if (e.phase === 'request' && ev.from === 'SYN-RECEIVED' && ev.to !== 'CLOSED') childBorn(h, e);
      reclass(h, e);
      if (timeWaitOverflow(h, e, wasTw)) freeEntry(h, e);
      return;
    }
    case 'new-incarnation': {
      // tcp_timewait_state_process() → TCP_TW_SYN: the TIME-WAIT entry goes, the SYN is
      // looked up again as if it were new, with the ISN the engine chose.
      const syn = ev.syn;
      freeEntry(h, e);
      const l = lookupListener(h, syn);
      if (l) listenerInput(h, l, syn, ev.isn);
      else replyReset(h, syn);
      return;
    }
    case 'closed':
      if (!e.freed) freeEntry(h, e);
      return;
    case 'mib':
      count(h, `TcpExt:${ev.counter}`);
      return;
    case 'fastopen-learnt':
      learnFastopen(h, e, ev.lesson);
      return;
    default:
      return;
  }
}
