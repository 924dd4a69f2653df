// A binary min-heap of (deadline, item) with lazy deletion: a host with 100,000 connections must
// not scan them all to find the next timer. Each push carries the item's version; an entry whose
// item has been re-armed or freed since (version changed) is skipped when it reaches the top.
// Ties break by push order, so firing order is stable across runs.

export interface Versioned { ver: number }

interface Node<T> { at: number; seq: number; item: T; ver: number }

export class DeadlineHeap<T extends Versioned> {
  private readonly a: Node<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.a.length;
  }

  /** Arm `item` at `at`: bumps its version so earlier pushes of it become stale. */
  push(item: T, at: number): void {
    item.ver++;
    this.a.push({ at, seq: this.seq++, item, ver: item.ver });
    this.up(this.a.length - 1);
    if (this.a.length > this.compactAt) this.compact();
  }

  /** Threshold for dropping stale entries in one pass (they would otherwise hold freed items). */
  private compactAt = 1024;

  private compact(): void {
    const live = this.a.filter((n) => n.ver === n.item.ver);
    this.a.length = 0;
    for (const n of live) this.a.push(n);
    for (let i = (this.a.length >> 1) - 1; i >= 0; i--) this.down(i);
    this.compactAt = Math.max(1024, this.a.length * 2);
  }

  /** Disarm: any pushed entry of `item` becomes stale. */
  invalidate(item: T): void {
    item.ver++;
  }

  /** The earliest live deadline. */
  peek(): number | undefined {
    this.dropStale();
    return this.a.length > 0 ? this.a[0].at : undefined;
  }

  /** Remove and return the earliest live item due at or before `now`. */
  popDue(now: number): T | undefined {
    this.dropStale();
    if (this.a.length === 0 || this.a[0].at > now) return undefined;
    const top = this.pop();
    top.item.ver++; // consumed: the item is disarmed until pushed again
    return top.item;
  }

  private dropStale(): void {
    while (this.a.length > 0 && this.a[0].ver !== this.a[0].item.ver) this.pop();
  }

  private pop(): Node<T> {
    const top = this.a[0];
    const last = this.a.pop() as Node<T>;
    if (this.a.length > 0) {
      this.a[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(i: number, j: number): boolean {
    const x = this.a[i], y = this.a[j];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [this.a[i], this.a[p]] = [this.a[p], this.a[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.a.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      [this.a[i], this.a[m]] = [this.a[m], this.a[i]];
      i = m;
    }
  }
}
