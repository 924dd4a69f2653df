// The established table (Linux's ehash): every non-listening entry by its 4-tuple — request
// sockets, connections, orphans and TIME-WAIT entries. Entries come in here and leave through
// freeEntry(), which also takes them out of every other table.
import { indexDest, syncRange } from './dest-index.js';
import type { HostState } from './host-state.js';
import { reclass } from './limits.js';
import type { Entry } from './sockets.js';

export function addConn(h: HostState, e: Entry): void {
  syncRange(h);
  h.conns.set(e.key, e);
  indexDest(h, e, +1);
}

function delConn(h: HostState, e: Entry): void {
  syncRange(h);
  h.conns.delete(e.key);
  indexDest(h, e, -1);
}

/** Remove a connection from every table (inet_csk_destroy_sock / inet_twsk_kill). */
export function freeEntry(h: HostState, e: Entry): void {
  if (e.freed) return;
  e.freed = true;
  reclass(h, e);
  if (h.conns.get(e.key) === e) delConn(h, e);
  h.ports.remove(e);
  h.heap.invalidate(e);
  if (e.listener && e.phase === 'request') {
    e.listener.requests.delete(e);
    if (e.reqTimeouts === 0) e.listener.young--;
  }
}
