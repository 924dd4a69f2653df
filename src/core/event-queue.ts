// The one event queue of every driver: a binary min-heap keyed by (time, insertion order). Two
// events due at the same virtual millisecond come out in the order they went in, so a run is
// reproducible to the segment (quinn's test Pair and smoltcp's harness rely on the same stable
// order). The lab's Network, the load wire, the host's timer table (stack/deadline-heap.ts) and
// the engine's test pair all queue their events here.
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

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
