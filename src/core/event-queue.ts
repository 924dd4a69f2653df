// The one event queue of every driver: a binary min-heap keyed by (time, insertion order). Two
// events due at the same virtual millisecond come out in the order they went in, so a run is
// reproducible to the segment (quinn's test Pair and smoltcp's harness rely on the same stable
// order). The lab's Network, the load wire and the engine's test pair queue their events here;
// the host's timer table (stack/deadline-heap.ts) keeps the same order in a heap of its own that
// moves an entry in place when it is re-armed.
import type { Millis } from './time.js';

interface Entry<T> { at: Millis; order: number; item: T }

export class EventQueue<T> {
  private heap: Entry<T>[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: Millis, item: T): void {
    const h = this.heap;
    h.push({ at, order: this.counter++, item });
    this.up(h.length - 1);
  }

  /** The time of the earliest event, or undefined when empty. */
  peekTime(): Millis | undefined {
    return this.heap.length > 0 ? this.heap[0].at : undefined;
  }

  /** The earliest event without taking it. */
  peek(): { at: Millis; item: T } | undefined {
    return this.heap[0];
  }

  pop(): { at: Millis; item: T } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Entry<T>;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Keep only the events `keep` accepts (their order is unchanged). */
  retain(keep: (item: T) => boolean): void {
    this.heap = this.heap.filter((e) => keep(e.item));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  // Sifting moves the one entry along its path and writes it once at the end (no swaps).
  private up(i: number): void {
    const h = this.heap;
    const e = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(h[r], h[l]) ? r : l;
      if (!before(h[m], e)) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = e;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
