// The conformance report over the real corpus: one row per MANIFEST script, totals, a diagnosis
// line for every failure, and the bar: at least 80% of the scripts that pass on Linux.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED } from './helpers/paths.js';
import { conformanceReport, upstreamReport } from '../scripts/conformance-report.js';

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

const UPSTREAM = path.join(SHARED, 'upstream');

test('whole upstream suite: every Linux-passing failure has a cause, passes do not fall, under 30 s of wall time', { skip: !existsSync(path.join(UPSTREAM, 'UPSTREAM.tsv')) }, () => {
  const up = upstreamReport(UPSTREAM);
  assert.equal(up.linuxPassing, 152);
  // The floor is today's count with every assertion evaluated; it only goes up.
  assert.ok(up.passing >= 49, up.summary);
  const m = /, ([\d.]+) s$/.exec(up.summary);
  assert.ok(m && Number(m[1]) < 30, up.summary);
  const causes = up.markdown.split('\n#### ').slice(1);
  const listed = causes.reduce((n, c) => n + c.split(/\n#/)[0].split('\n').filter((l) => l.startsWith('- `')).length, 0);
  assert.equal(listed, up.linuxPassing - up.passing);
  // Every script Linux fails stays listed with Linux's own first failure.
  for (const row of readFileSync(path.join(UPSTREAM, 'UPSTREAM.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [file, , linux] = row.split('\t');
    if (linux === 'fail') assert.ok(up.markdown.includes(`- \`${file}\` — Linux: `), file);
  }
});
