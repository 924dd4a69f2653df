import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdTable } from './fd-table.js';
import { DeadlineHeap } from './deadline-heap.js';

test('fds start at 3 and the lowest free number is reused first', () => {
  const t = new FdTable<string>();
  assert.equal(t.allocate('a'), 3);
  assert.equal(t.allocate('b'), 4);
  assert.equal(t.allocate('c'), 5);
  t.release(5);
  t.release(3);
  assert.equal(t.allocate('d'), 3);
  assert.equal(t.allocate('e'), 5);
  assert.equal(t.allocate('f'), 6);
  assert.equal(t.release(42), false);
});

test('deadline heap: earliest first, ties in push order, re-armed items fire once at their new time', () => {
  const h = new DeadlineHeap<{ heapIndex: number; name: string }>();
  const item = (name: string): { heapIndex: number; name: string } => ({ heapIndex: -1, name });
  const a = item('a'), b = item('b'), c = item('c');
  h.push(a, 10);
  h.push(b, 5);
  h.push(c, 5);
  h.push(a, 20); // re-armed: it no longer fires at 10
  assert.equal(h.peek(), 5);
  assert.equal(h.popDue(5)?.name, 'b');
  assert.equal(h.popDue(5)?.name, 'c');
  assert.equal(h.popDue(15), undefined);
  assert.equal(h.peek(), 20);
  h.invalidate(a);
  assert.equal(h.peek(), undefined);
});

test('deadline heap: any mix of arming, re-arming and disarming fires as a sorted list of live deadlines would', () => {
  type It = { heapIndex: number; id: number };
  const h = new DeadlineHeap<It>();
  const items: It[] = Array.from({ length: 200 }, (_, id) => ({ heapIndex: -1, id }));
  const model = new Map<number, { at: number; order: number }>();
  let order = 0;
  let x = 7;
  const next = (n: number): number => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
  for (let step = 0; step < 5000; step++) {
    const it = items[next(items.length)];
    const op = next(4);
    if (op < 2) { const at = next(50); h.push(it, at); model.set(it.id, { at, order: order++ }); }
    else if (op === 2) { h.invalidate(it); model.delete(it.id); }
    else {
      const now = next(50);
      const due = [...model].filter(([, v]) => v.at <= now).sort((a, b) => a[1].at - b[1].at || a[1].order - b[1].order);
      const want = due.length > 0 ? due[0][0] : undefined;
      assert.equal(h.popDue(now)?.id, want);
      if (want !== undefined) model.delete(want);
    }
    assert.equal(h.size, model.size);
  }
});
