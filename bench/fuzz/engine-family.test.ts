// A short seeded slice of the engine family of `npm run fuzz` (engine-family.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEngineFuzz } from './engine-family.js';

test('engine fuzz, 50,000 seeded steps: nothing throws or loops, every change is a row, sequence invariants hold', () => {
  const s = runEngineFuzz({ steps: 50_000, seed: 20261207 });
  const shown = s.findings.map((f) => `${f.kind} at seed ${f.seed} step ${f.step}: ${f.detail}\n    ${f.recent.slice(-6).join('\n    ')}`).join('\n');
  assert.equal(s.escapes + s.invariants + s.loops, 0, shown);
  assert.equal(s.steps, 50_000);
  assert.ok(s.calls > 8_000 && s.honestSegments > 8_000 && s.hostileSegments > 6_000 && s.timers > 1_000, JSON.stringify({ ...s, rows: s.rows.size }));
  assert.ok(s.rows.size >= 25, `rows reached: ${[...s.rows].join(', ')}`);
});
