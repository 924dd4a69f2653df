// A short seeded run of `npm run fuzz`: 2,000 mutated real samples through every parser, the
// detector and snapshotFromText. No exception escapes; nothing takes ten times its budget (the
// timing is loose here because the suite runs many tests at once; `npm run fuzz` holds the budget
// itself); what the parsers read holds the invariants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './harness.js';
import { loadSamples } from './samples.js';

test('fuzz, 2,000 seeded inputs: no escape, nothing super-linear, invariants hold', () => {
  const samples = loadSamples();
  assert.ok(samples.length >= 50, `samples: ${samples.length}`);
  const s = runFuzz({ inputs: 2_000, seed: 20261207, samples, skipHardCases: true });
  const shown = (kind: string): string => s.findings.filter((f) => f.kind === kind)
    .map((f) => `${f.kind} in ${f.step} (${f.sample}, ${f.mutation}): ${f.detail}`).join('\n');
  assert.equal(s.escapes, 0, shown('escape'));
  assert.ok(s.slowestMsPer100kB < 1_000, `${s.slowestMsPer100kB} ms per 100 kB\n${shown('slow')}`);
  const broken = s.findings.filter((f) => f.kind === 'invariant');
  assert.deepEqual(broken.map((f) => `${f.step} (${f.sample}, ${f.mutation}): ${f.detail}`), []);
  assert.equal(s.invariants, 0);
  assert.equal(s.inputs, 2_000);
  assert.ok(Object.keys(s.perFamily).length >= 12, `families: ${Object.keys(s.perFamily).join(', ')}`);
});
