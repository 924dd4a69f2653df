import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thousands } from './evidence-words.js';

test('thousands writes numbers as toLocaleString(en-US) does', () => {
  for (const v of [0, 7, 999, 1000, 12_345, 123_456, 1_234_567, 200_000, -1, -1234, -999_999, 2 ** 53, 0.5, 1234.5678, -1234.5, NaN, Infinity, 1e21, 1e22]) {
    assert.equal(thousands(v), v.toLocaleString('en-US'), String(v));
  }
});
