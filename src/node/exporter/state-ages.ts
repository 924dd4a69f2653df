// How long each socket has been in its state, followed from one scrape to the next by the
// exporter: Linux keeps no entry time for most states, so what can be known is a lower bound, the
// time since the first scrape that saw the socket in its state (the interval reasoning of
// diagnose/ages.ts, reduced to what the metrics need).
//
// Rules it keeps:
// - A socket is followed by its identity: its inode where it has one (a number: the socket's file,
//   unique while it lives, and a map keyed by numbers costs a fraction of one keyed by the cookie's
//   text), else `trackingKey` (the sock_diag cookie, else the 4-tuple), in one entry that lives as long as the socket stays in one state: a host with 200,000
//   sockets allocates nothing per scrape for the ones it already follows (a scrape must cost about
//   what the read costs; diagnose/ages.ts's AgeTracker copies every record, which at that size
//   doubled the scrape).
// - At the first scrape nothing is known (every socket was there for an unknown time); from the
//   second on, a socket first seen at this scrape is 0 (it appeared since the previous one) and one
//   seen before is at least (now − the end of the scrape that first saw it in this state).
// - A socket that changes state starts again; one gone is forgotten at the end of the scrape.
import type { SocketRecord } from '../../model/snapshot.js';
import type { TcpState } from '../../model/states.js';
import { trackingKey } from '../../diagnose/ages.js';

interface Entry { state: TcpState; since: number; scrape: number }

export class StateAges {
  private byInode = new Map<number, Entry>();
  private byKey = new Map<string, Entry>();
  private scrapes = 0;

  /**
   * Follows `sockets` read at `at` (the read's end); calls `visit` with each one's lower bound in ms
   * where one is known (never at the first scrape).
   */
  observe(sockets: Iterable<SocketRecord>, at: number, visit: (k: SocketRecord, ms: number) => void): void {
    const n = ++this.scrapes;
    const known = n > 1;
    for (const k of sockets) {
      const inode = k.inode ?? 0;
      const key = inode > 0 ? '' : trackingKey(k);
      const e = inode > 0 ? this.byInode.get(inode) : this.byKey.get(key);
      if (e && e.state === k.state) {
        e.scrape = n;
        if (known) visit(k, Math.max(0, at - e.since));
      } else if (e) {
        e.state = k.state; e.since = at; e.scrape = n;
        if (known) visit(k, 0);
      } else {
        const fresh = { state: k.state, since: at, scrape: n };
        if (inode > 0) this.byInode.set(inode, fresh); else this.byKey.set(key, fresh);
        if (known) visit(k, 0);
      }
    }
    for (const [inode, e] of this.byInode) if (e.scrape !== n) this.byInode.delete(inode);
    for (const [key, e] of this.byKey) if (e.scrape !== n) this.byKey.delete(key);
  }

  /** Sockets being followed. */
  get size(): number { return this.byInode.size + this.byKey.size; }
}
