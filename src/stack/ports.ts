// READ THIS FIRST — local ports: the bind table and the ephemeral-port allocator.
//
// Rules this file keeps (Linux 6.x, net/ipv4/inet_hashtables.c and inet_connection_sock.c):
// - A port has one bind bucket holding every socket that uses it locally (listeners, accepted and
//   connected sockets, TIME-WAIT entries). A bucket made by bind()/listen() is "explicit"
//   (tb->fastreuse >= 0); one made by connect()'s autobind is not (fastreuse = -1).
// - bind(): a conflict is any other owner on the port whose address overlaps, unless both set
//   SO_REUSEADDR and the other is not listening, or both set SO_REUSEPORT
//   (inet_bind_conflict() with relax = true). TIME-WAIT owners keep the reuse flags of their socket.
// - connect() on an unbound socket (__inet_hash_connect): start at an offset drawn from a hash of
//   the destination plus a perturbation table, walk the range in steps of 2 (one parity, then the
//   other), skip explicit buckets, and take the first port whose 4-tuple toward this destination is
//   free in the established table — or held by a TIME-WAIT entry that tcp_tw_reuse may take. So a
//   client runs out of ports per destination ip:port: EADDRNOTAVAIL when every port toward it is
//   taken, TIME-WAIT included.
// - bind(port 0) (inet_csk_find_open_port): the first port with no conflict, odd offsets first.
import { addrOverlap } from './addr.js';
import type { Rng } from '../core/random.js';

export interface BindOwner {
  addr: string;
  port: number;
  reuseAddr: boolean;
  reusePort: boolean;
  isListening(): boolean;
  isTimeWait(): boolean;
}

/**
 * One port's bind bucket, once it has more than one owner or was made by bind(). Most ports have
 * one owner that connect() put there (a client's connection or TIME-WAIT entry): the table then
 * holds that owner itself, no bucket (a client with 100,000 ports in TIME-WAIT keeps 100,000
 * records, not 200,000); a bucket's owners are a set only once a second one comes.
 */
class Bucket {
  constructor(public explicit: boolean, public owners: BindOwner | Set<BindOwner>) {}
}

const NO_OWNERS: ReadonlySet<BindOwner> = new Set();

/** What the established table says about one candidate port toward the destination. */
export type TupleCheck = 'free' | 'busy' | 'reuse-tw';

/** Linux's INET_TABLE_PERTURB_SIZE (1 << 16 since 5.17 "tcp: increase source port perturb table to 2^16"). */
const PERTURB_SIZE = 1 << 16;

export class PortTable {
  /** Each port's bucket, or its one connect()-made owner. */
  private readonly buckets = new Map<number, Bucket | BindOwner>();
  private readonly perturb = new Map<number, number>();

  constructor(private readonly rng: Rng) {}

  add(owner: BindOwner, explicit: boolean): void {
    const found = this.buckets.get(owner.port);
    if (!found) {
      this.buckets.set(owner.port, explicit ? new Bucket(true, owner) : owner);
      return;
    }
    if (found === owner && !explicit) return;
    const b = found instanceof Bucket ? found : new Bucket(false, found);
    if (b !== found) this.buckets.set(owner.port, b);
    if (explicit) b.explicit = true;
    if (b.owners instanceof Set) b.owners.add(owner);
    else if (b.owners !== owner) b.owners = new Set([b.owners, owner]);
  }

  remove(owner: BindOwner): void {
    const b = this.buckets.get(owner.port);
    if (!(b instanceof Bucket)) {
      if (b === owner) this.buckets.delete(owner.port);
      return;
    }
    if (b.owners instanceof Set) {
      b.owners.delete(owner);
      if (b.owners.size === 0) this.buckets.delete(owner.port); // inet_bind_bucket_destroy
    } else if (b.owners === owner) {
      this.buckets.delete(owner.port);
    }
  }

  /** `owner` takes the place of `old` in its bucket (a connection's TIME-WAIT entry takes its bind bucket slot). */
  replace(old: BindOwner, owner: BindOwner): void {
    const b = this.buckets.get(old.port);
    if (!(b instanceof Bucket)) {
      if (b === old) this.buckets.set(old.port, owner);
      return;
    }
    if (b.owners instanceof Set) {
      if (b.owners.delete(old)) b.owners.add(owner);
    } else if (b.owners === old) {
      b.owners = owner;
    }
  }

  owners(port: number): ReadonlySet<BindOwner> {
    const b = this.buckets.get(port);
    const o = b instanceof Bucket ? b.owners : b;
    return o === undefined ? NO_OWNERS : o instanceof Set ? o : new Set([o]);
  }

  /** inet_bind_conflict() for bind() (relax = true, reuseport_ok = true); one effective uid. */
  bindConflict(addr: string, port: number, reuseAddr: boolean, reusePort: boolean): boolean {
    const b = this.buckets.get(port);
    if (!b) return false;
    const owners = b instanceof Bucket ? b.owners : b;
    for (const o of owners instanceof Set ? owners : [owners]) {
      if (!addrOverlap(addr, o.addr)) continue;
      if (reuseAddr && o.reuseAddr && !o.isListening()) continue; // both SO_REUSEADDR, other not listening
      if (reusePort && o.reusePort) continue; // SO_REUSEPORT group (same uid)
      return true;
    }
    return false;
  }

  /** bind(addr, 0): inet_csk_find_open_port(), which prefers the parity connect() does not. */
  findOpenPort(addr: string, reuseAddr: boolean, reusePort: boolean, range: readonly [number, number]): number | undefined {
    const [low, hi] = range;
    const high = hi + 1;
    let remaining = high - low;
    if (remaining <= 0) return undefined;
    if (remaining > 1) remaining &= ~1;
    let offset = this.rng.below(remaining) | 1;
    for (let pass = 0; pass < 2; pass++) {
      let port = low + offset;
      for (let i = 0; i < remaining; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        if (!this.bindConflict(addr, port, reuseAddr, reusePort)) return port;
      }
      offset--;
      if (remaining <= 1) break;
    }
    return undefined;
  }

  /**
   * __inet_hash_connect(): choose a local port toward one destination. `portOffset` is
   * secure_ipv4_port_ephemeral(saddr, daddr, dport) (two 32-bit halves here); `check` looks the
   * 4-tuple up in the established table. Returns the port and whether a TIME-WAIT entry is to be
   * reused, or undefined for EADDRNOTAVAIL.
   */
  connectPort(
    range: readonly [number, number],
    portOffset: { lo: number; hi: number },
    check: (port: number) => TupleCheck,
    /** Optional shortcut: true when every port of this parity (relative to low) is known busy. */
    hopeless: (parity: number) => boolean = () => false,
  ): { port: number; reuseTw: boolean } | undefined {
    const [low, hi] = range;
    const high = hi + 1;
    let remaining = high - low;
    if (remaining <= 0) return undefined;
    if (remaining > 1) remaining &= ~1;
    const index = portOffset.lo & (PERTURB_SIZE - 1);
    let perturb = this.perturb.get(index);
    if (perturb === undefined) {
      perturb = this.rng.u32(); // get_random_sleepable_once(table_perturb, ...)
      this.perturb.set(index, perturb);
    }
    let offset = ((perturb + portOffset.hi) >>> 0) % remaining;
    offset &= ~1; // first pass: ports of low's parity
    for (;;) {
      let port = low + offset;
      const skip = hopeless(offset & 1);
      for (let i = 0; i < remaining && !skip; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        const b = this.buckets.get(port);
        if (b instanceof Bucket && b.explicit) continue; // a port someone bind()s is not shared with connect()
        const c = b ? check(port) : 'free';
        if (c === 'busy') continue;
        // "add a little bit of randomness to the next source port that will be chosen"
        const step = Math.max(i, this.rng.below(8) * 2);
        this.perturb.set(index, (perturb + step + 2) >>> 0);
        return { port, reuseTw: c === 'reuse-tw' };
      }
      offset++;
      if ((offset & 1) && remaining > 1) continue; // other_parity_scan
      return undefined;
    }
  }
}
