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
  const h = new DeadlineHeap<{ ver: number; name: string }>();
  const a = { ver: 0, name: 'a' }, b = { ver: 0, name: 'b' }, c = { ver: 0, name: 'c' };
  h.push(a, 10);
  h.push(b, 5);
  h.push(c, 5);
  h.push(a, 20); // re-armed: the entry at 10 is stale
  assert.equal(h.peek(), 5);
  assert.equal(h.popDue(5)?.name, 'b');
  assert.equal(h.popDue(5)?.name, 'c');
  assert.equal(h.popDue(15), undefined);
  assert.equal(h.peek(), 20);
  h.invalidate(a);
  assert.equal(h.peek(), undefined);
});
