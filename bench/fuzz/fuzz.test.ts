// A short seeded run of `npm run fuzz`: 2,000 mutated real samples through every parser, the
// detector and snapshotFromText, with no escape, no slow input and no broken invariant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './harness.js';
import { loadSamples } from './samples.js';

test('fuzz, 2,000 seeded inputs: no escape, no slow input, invariants hold', () => {
  const samples = loadSamples();
  assert.ok(samples.length >= 50, `samples: ${samples.length}`);
  const s = runFuzz({ inputs: 2_000, seed: 20261207, samples });
  const found = s.findings.map((f) => `${f.kind} in ${f.step} (${f.sample}, ${f.mutation}): ${f.detail}`).join('\n');
  assert.equal(s.escapes + s.slow + s.invariants, 0, found);
  assert.equal(s.inputs, 2_000);
  assert.ok(Object.keys(s.perFamily).length >= 12, `families: ${Object.keys(s.perFamily).join(', ')}`);
});
