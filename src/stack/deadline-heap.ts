// The host's timer table: a binary min-heap of the items themselves, each keeping its deadline and
// its place in the heap (an intrusive heap, as Linux's timers live inside the socket). So a host
// with 100,000 connections need not scan them all to find the next timer, re-arming one moves it
// in place without allocating, and a disarmed item leaves at once (nothing stale is kept).
// Ties break by arming order — every push counts as a new arming — so firing order is stable
// across runs, as the shared event queue (core/event-queue.ts) orders its events.
import type { Millis } from '../core/time.js';

/** The fields the heap keeps on each item; `heapIndex` is -1 while the item is not armed. */
export interface Armable { heapIndex: number; heapAt: Millis; heapOrder: number }

export class DeadlineHeap<T extends Armable> {
  private readonly heap: T[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Arm `item` at `at` (re-arming moves it; it then ties after everything armed before). */
  push(item: T, at: Millis): void {
    item.heapAt = at;
    item.heapOrder = this.counter++;
    if (item.heapIndex < 0) {
      item.heapIndex = this.heap.length;
      this.heap.push(item);
      this.up(item.heapIndex);
    } else {
      this.up(item.heapIndex);
      this.down(item.heapIndex);
    }
  }

  /** Disarm. */
  invalidate(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    item.heapIndex = -1;
    const last = this.heap.pop() as T;
    if (last === item) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(last.heapIndex);
  }

  /** The earliest deadline. */
  peek(): Millis | undefined {
    return this.heap.length > 0 ? this.heap[0].heapAt : undefined;
  }

  /** Remove and return the earliest item due at or before `now` (it is disarmed until pushed again). */
  popDue(now: Millis): T | undefined {
    const top = this.heap[0];
    if (top === undefined || top.heapAt > now) return undefined;
    this.invalidate(top);
    return top;
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, h[p])) break;
      h[i] = h[p];
      h[i].heapIndex = i;
      i = p;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(h[r], h[l]) ? r : l;
      if (!before(h[m], item)) break;
      h[i] = h[m];
      h[i].heapIndex = i;
      i = m;
    }
    h[i] = item;
    item.heapIndex = i;
  }
}

function before(a: Armable, b: Armable): boolean {
  return a.heapAt < b.heapAt || (a.heapAt === b.heapAt && a.heapOrder < b.heapOrder);
}
