// The conformance report over the real corpus: one row per MANIFEST script, totals, a diagnosis
// line for every failure, and the bar: at least 80% of the scripts that pass on Linux.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED } from './helpers/paths.js';
import { conformanceReport } from '../scripts/conformance-report.js';

const CORPUS = path.join(SHARED, 'conformance');

test('CONFORMANCE report: every script, totals, each failure explained, >= 80% of the Linux-passing scripts', { skip: !existsSync(path.join(CORPUS, 'MANIFEST.tsv')) }, () => {
  const { markdown, summary } = conformanceReport(CORPUS);
  const manifest = readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  for (const row of manifest) assert.ok(markdown.includes(`| \`${row.split('\t')[0]}\` |`), row.split('\t')[0]);
  const failures = markdown.split('\n### ').slice(1);
  for (const f of failures) assert.match(f, /- what the engine lacks: /);
  const m = /linux-passing (\d+)\/(\d+)/.exec(summary);
  assert.ok(m, summary);
  assert.ok(Number(m[1]) / Number(m[2]) >= 0.8, summary);
});
