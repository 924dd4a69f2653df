// Owners for sockets that have none of their own. TIME-WAIT and orphaned FIN-WAIT-2 minisockets,
// orphans in LAST-ACK or FIN-WAIT-1 and request sockets in SYN-RECEIVED hold no file, so no
// process lists them (ss -p shows nothing, inode 0). Who made them can still be inferred:
// - server side (the local port is listening): the process listening on that port;
// - client side: the process holding the most other sockets to the same remote ip:port.
// Either is a likely owner, never a certain one, and is always labelled `inferred`. A TIME-WAIT
// entry is *left by* a process that has closed it; it never "belongs" to one.
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { Text } from '../i18n/lang.js';
import { destinationOwner, listenerOwner, listeningPorts, ownerOf, type Owner } from './facts.js';
import { tx } from './words.js';

export interface InferredOwner extends Owner {
  /** `listener`: the process listening on the local port; `destination`: the client with other connections to the same ip:port. */
  via: 'listener' | 'destination';
}

interface Cache { ports: Set<number>; byKey: Map<string, InferredOwner | null> }
// One answer per listening port and per destination: a listing of 10^5 TIME-WAIT stays O(n).
const CACHE = new WeakMap<HostSnapshot, Cache>();

/** The likely owner of a socket without one, or undefined when it has its own or none can be told. */
export function inferOwner(s: HostSnapshot, k: SocketRecord): InferredOwner | undefined {
  if (k.state === 'LISTEN' || k.processes?.length || ownerOf(s, k)) return undefined;
  let c = CACHE.get(s);
  if (!c) { c = { ports: listeningPorts(s), byKey: new Map() }; CACHE.set(s, c); }
  const server = c.ports.has(k.localPort);
  const key = server ? `L${k.localPort}` : `D${k.remoteAddress}|${k.remotePort}`;
  let hit = c.byKey.get(key);
  if (hit === undefined) {
    const o = server ? listenerOwner(s, k.localPort) : destinationOwner(s, k.remoteAddress, k.remotePort);
    hit = o ? { ...o, via: server ? 'listener' : 'destination' } : null;
    c.byKey.set(key, hit);
  }
  return hit ?? undefined;
}

/** "nginx (pid 1200, inferred from the listener)". */
export function inferredOwnerText(o: Owner, via: InferredOwner['via']): Text {
  // A pid-only paste (Windows netstat -ano) names no process: say the pid, never "? (pid N)".
  const who = o.name === undefined ? tx(`pid ${o.pid}`, `pid ${o.pid}`) : tx(`${o.name} (pid ${o.pid}`, `${o.name}（pid ${o.pid}`);
  const open = o.name === undefined ? tx(' (', '（') : tx(', ', '，');
  return via === 'listener'
    ? tx(`${who.en}${open.en}inferred from the listener)`, `${who.zh}${open.zh}据监听者推断）`)
    : tx(`${who.en}${open.en}inferred from its other connections there)`, `${who.zh}${open.zh}据它连向同一目的地址的其他连接推断）`);
}
