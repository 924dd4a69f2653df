// Time in state from the dump's columns: state-ages.ts's following (the lower bound since the
// first scrape that saw a socket in its state), keyed by the kernel's socket cookie as a number.
// The cookie names a socket for its whole life in every state (TIME-WAIT and request minisockets
// included, which have no inode), and a Map keyed by small numbers costs a fraction of one keyed by
// text. Rows whose timer tells their age (TIME-WAIT, an orphaned FIN-WAIT-2) are not followed.
import type { PackedRead } from './packed-read.js';

const CODE_LISTEN = 10;
const CODE_CLOSED = 7;
const CODE_SYN_RECV = 3;
const CODE_NEW_SYN_RECV = 12;

interface Entry { code: number; since: number; scrape: number }

export class PackedAges {
  private byCookie = new Map<number, Entry>();
  private scrapes = 0;

  /**
   * Calls `visit(i, ms)` for every row with a known time in state: from its timer, or followed
   * (from the second scrape on); `at` is the read's end.
   */
  observe(read: PackedRead, at: number, visit: (i: number, ms: number) => void): void {
    const n = ++this.scrapes;
    const known = n > 1;
    const p = read.sockets;
    const map = this.byCookie;
    for (let i = 0; i < p.length; i++) {
      let code = p.stateCode(i);
      if (code === CODE_LISTEN || code === CODE_CLOSED || code === 0 || code > CODE_NEW_SYN_RECV) continue;
      const own = read.timerAgeMs(i);
      if (own >= 0) { visit(i, own); continue; }
      // A request socket is SYN-RECEIVED under either code (the dump reports TCP_NEW_SYN_RECV).
      if (code === CODE_NEW_SYN_RECV) code = CODE_SYN_RECV;
      const cookie = p.cookie(i);
      const e = map.get(cookie);
      if (e && e.code === code) {
        e.scrape = n;
        if (known) visit(i, Math.max(0, at - e.since));
      } else if (e) {
        e.code = code; e.since = at; e.scrape = n;
        if (known) visit(i, 0);
      } else {
        map.set(cookie, { code, since: at, scrape: n });
        if (known) visit(i, 0);
      }
    }
    // forEach: no [key, value] array per entry, as for…of over entries makes.
    map.forEach((e, cookie) => { if (e.scrape !== n) map.delete(cookie); });
  }

  /** Sockets being followed. */
  get size(): number { return this.byCookie.size; }
}
