// A short seeded slice of the capture-reader family of `npm run fuzz` (pcap-family.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCaptureFuzz } from './pcap-family.js';

test('capture fuzz, 400 seeded inputs: only located CaptureErrors, whole and chunked readings agree, invariants hold', () => {
  const s = runCaptureFuzz({ inputs: 400, seed: 20261207 });
  const shown = s.findings.map((f) => `${f.kind} (${f.sample}, ${f.mutation}): ${f.detail}`).join('\n');
  assert.equal(s.escapes + s.invariants, 0, shown);
  assert.equal(s.inputs, 400);
  assert.ok(s.located > 50, `located errors: ${s.located}`);
});
