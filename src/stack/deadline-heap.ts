// The host's timer table: the shared event queue (core/event-queue.ts) with lazy deletion, so a
// host with 100,000 connections need not scan them all to find the next timer. Each push carries
// the item's version; an entry whose item has been re-armed or freed since (version changed) is
// skipped when it reaches the top. Ties break by push order, so firing order is stable across runs.
import { EventQueue } from '../core/event-queue.js';
import type { Millis } from '../core/time.js';

export interface Versioned { ver: number }

interface Armed<T> { item: T; ver: number }

export class DeadlineHeap<T extends Versioned> {
  private readonly q = new EventQueue<Armed<T>>();

  get size(): number {
    return this.q.size;
  }

  /** Arm `item` at `at`: bumps its version so earlier pushes of it become stale. */
  push(item: T, at: Millis): void {
    item.ver++;
    this.q.push(at, { item, ver: item.ver });
    if (this.q.size > this.compactAt) this.compact();
  }

  /** Threshold for dropping stale entries in one pass (they would otherwise hold freed items). */
  private compactAt = 1024;

  private compact(): void {
    this.q.retain(live);
    this.compactAt = Math.max(1024, this.q.size * 2);
  }

  /** Disarm: any pushed entry of `item` becomes stale. */
  invalidate(item: T): void {
    item.ver++;
  }

  /** The earliest live deadline. */
  peek(): Millis | undefined {
    this.dropStale();
    return this.q.peekTime();
  }

  /** Remove and return the earliest live item due at or before `now`. */
  popDue(now: Millis): T | undefined {
    this.dropStale();
    const top = this.q.peek();
    if (top === undefined || top.at > now) return undefined;
    this.q.pop();
    top.item.item.ver++; // consumed: the item is disarmed until pushed again
    return top.item.item;
  }

  private dropStale(): void {
    for (let top = this.q.peek(); top !== undefined && !live(top.item); top = this.q.peek()) this.q.pop();
  }
}

function live<T extends Versioned>(a: Armed<T>): boolean {
  return a.ver === a.item.ver;
}
