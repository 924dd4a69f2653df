// The host's timer table: a binary min-heap of the armed items, each item knowing its place in it
// (an intrusive heap, as Linux's timers live inside the socket). So a host with 100,000
// connections need not scan them all to find the next timer, re-arming one moves it in place
// without allocating, and a disarmed item leaves at once (nothing stale is kept). The deadlines
// and arming numbers sit in typed arrays beside the items, so an item carries one small integer.
// Ties break by arming order — every push counts as a new arming — so firing order is stable
// across runs, as the shared event queue (core/event-queue.ts) orders its events.
import type { Millis } from '../core/time.js';

/** The field the heap keeps on each item: its place in the heap, -1 while it is not armed. */
export interface Armable { heapIndex: number }

export class DeadlineHeap<T extends Armable> {
  private items: T[] = [];
  private at = new Float64Array(64);
  private order = new Float64Array(64);
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  /** Arm `item` at `at` (re-arming moves it; it then ties after everything armed before). */
  push(item: T, at: Millis): void {
    let i = item.heapIndex;
    if (i < 0) {
      i = this.items.length;
      if (i === this.at.length) this.grow();
      this.items.push(item);
    }
    this.place(i, item, at, this.counter++);
    this.down(this.up(i));
  }

  /** Disarm. */
  invalidate(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    item.heapIndex = -1;
    const n = this.items.length - 1;
    const last = this.items.pop() as T;
    if (i === n) return;
    this.place(i, last, this.at[n], this.order[n]);
    this.down(this.up(i));
  }

  /** `item` takes the place of `old` (same deadline, same arming order); `old` is disarmed. */
  replace(old: T, item: T): void {
    const i = old.heapIndex;
    if (i < 0) return;
    old.heapIndex = -1;
    this.items[i] = item;
    item.heapIndex = i;
  }

  /** The earliest deadline. */
  peek(): Millis | undefined {
    return this.items.length > 0 ? this.at[0] : undefined;
  }

  /** Remove and return the earliest item due at or before `now` (it is disarmed until pushed again). */
  popDue(now: Millis): T | undefined {
    if (this.items.length === 0 || this.at[0] > now) return undefined;
    const top = this.items[0];
    this.invalidate(top);
    return top;
  }

  private place(i: number, item: T, at: number, order: number): void {
    this.items[i] = item;
    this.at[i] = at;
    this.order[i] = order;
    item.heapIndex = i;
  }

  private before(i: number, j: number): boolean {
    return this.at[i] < this.at[j] || (this.at[i] === this.at[j] && this.order[i] < this.order[j]);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i], at = this.at[i], order = this.order[i];
    this.place(i, this.items[j], this.at[j], this.order[j]);
    this.place(j, a, at, order);
  }

  /** Sift up from `i`; returns where the item ended. */
  private up(i: number): number {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const m = l + 1 < n && this.before(l + 1, l) ? l + 1 : l;
      if (!this.before(m, i)) return;
      this.swap(i, m);
      i = m;
    }
  }

  private grow(): void {
    const at = new Float64Array(this.at.length * 2);
    const order = new Float64Array(this.order.length * 2);
    at.set(this.at);
    order.set(this.order);
    this.at = at;
    this.order = order;
  }
}
