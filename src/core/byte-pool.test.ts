import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocBytes, copyBytes } from './byte-pool.js';

test('pieces from the pool start zeroed and never overlap', () => {
  const pieces = Array.from({ length: 100 }, (_, i) => allocBytes(1 + ((i * 37) % 700)));
  for (const p of pieces) assert.ok(p.every((b) => b === 0));
  pieces.forEach((p, i) => p.fill(i + 1));
  pieces.forEach((p, i) => assert.ok(p.every((b) => b === i + 1), `piece ${i} kept its bytes`));
});

test('a large piece gets a buffer of its own; a copy is equal and separate', () => {
  const big = allocBytes(100_000);
  assert.equal(big.byteOffset, 0);
  assert.equal(big.buffer.byteLength, 100_000);
  const src = new Uint8Array([1, 2, 3]);
  const c = copyBytes(src);
  assert.deepEqual([...c], [1, 2, 3]);
  src[0] = 9;
  assert.equal(c[0], 1);
});
