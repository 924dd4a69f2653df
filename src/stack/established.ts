// The established table (Linux's ehash): every non-listening entry by its 4-tuple — request
// sockets, connections, orphans and TIME-WAIT entries. Entries come in here and leave through
// freeEntry(), which also takes them out of every other table.
//
// The key is a number, not text: the address pair's number (handed out on first use, in
// `pairs`) above the two ports. A lookup per arriving segment then builds no string, and an
// entry's key costs nothing beyond its slot.
import { canonical } from './addr.js';
import { indexDest, syncRange } from './dest-index.js';
import type { HostState } from './host-state.js';
import { reclass } from './limits.js';
import type { Entry } from './sockets.js';

/** The established table's key for a 4-tuple (local side first); numbers the address pair on first use. */
export function connKey(h: HostState, laddr: string, lport: number, raddr: string, rport: number): number {
  const la = canonical(laddr), ra = canonical(raddr);
  let byRemote = h.pairs.get(la);
  if (!byRemote) {
    byRemote = new Map();
    h.pairs.set(la, byRemote);
  }
  let id = byRemote.get(ra);
  if (id === undefined) {
    id = h.pairCount++;
    byRemote.set(ra, id);
  }
  return portsKey(id, lport, rport);
}

/** __inet_lookup_established(): the entry for a 4-tuple (local side first), if any. */
export function lookupConn(h: HostState, laddr: string, lport: number, raddr: string, rport: number): Entry | undefined {
  const id = h.pairs.get(canonical(laddr))?.get(canonical(raddr));
  return id === undefined ? undefined : h.conns.get(portsKey(id, lport, rport));
}

/** Both 16-bit ports in one signed 32-bit integer, under the pair's number: unique per 4-tuple. */
function portsKey(pair: number, lport: number, rport: number): number {
  return pair * 2 ** 32 + ((lport << 16) | rport);
}

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
