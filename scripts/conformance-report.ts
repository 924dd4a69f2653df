// `npm run conformance`: runs every script of the lifecycle corpus (../shared/conformance) and of
// the whole upstream suite (../shared/upstream), both read in place and never copied, through the
// CLI's script loader, and writes CONFORMANCE.md at the repository root. The reports themselves are
// built by src/packetdrill/conformance-report.ts and upstream-report.ts; this file only reads the
// suites, measures the wall time and writes the result, outside the library's layers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFile } from '../src/cli/commands/packetdrill.js';
import { buildReport, parseManifest } from '../src/packetdrill/conformance-report.js';
import { parseUpstream, upstreamSection, versionsFor } from '../src/packetdrill/upstream-report.js';

/** The repository root: the first folder above this file with a package.json, not inside dist/. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The report over a corpus folder holding MANIFEST.tsv and the scripts it lists. */
export function conformanceReport(corpus: string): { markdown: string; summary: string } {
  const rows = parseManifest(readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8'));
  return buildReport(rows, (file, v) => runFile(path.join(corpus, file), v));
}

/** The whole upstream suite's section, over a folder holding UPSTREAM.tsv and the scripts it lists. */
export function upstreamReport(suite: string): ReturnType<typeof upstreamSection> {
  const rows = parseUpstream(readFileSync(path.join(suite, 'UPSTREAM.tsv'), 'utf8'));
  const start = performance.now();
  const versions = rows.map((r) => versionsFor(r.file, readFileSync(path.join(suite, r.file), 'utf8')));
  const outcomes = rows.map((r, i) => versions[i].map((v) => runFile(path.join(suite, r.file), v)));
  return upstreamSection({ rows, outcomes, versions, wallMs: performance.now() - start });
}

function main(): void {
  const root = packageRoot();
  const corpus = path.resolve(root, '../shared/conformance');
  if (!existsSync(path.join(corpus, 'MANIFEST.tsv'))) {
    process.stderr.write(`conformance: corpus not found at ${corpus} (expected ../shared/conformance beside the repository)\n`);
    process.exitCode = 2;
    return;
  }
  const { markdown, summary } = conformanceReport(corpus);
  const suite = path.resolve(root, '../shared/upstream');
  let text = markdown;
  let upstreamSummary = 'upstream suite not found at ' + suite;
  if (existsSync(path.join(suite, 'UPSTREAM.tsv'))) {
    const up = upstreamReport(suite);
    upstreamSummary = up.summary;
    text = markdown.replace('\n## Totals\n', `\nThe lifecycle corpus comes first; [the whole upstream suite](#the-whole-upstream-suite) follows (${up.passing} of its ${up.linuxPassing} Linux-passing scripts pass).\n\n## Totals\n`) + '\n' + up.markdown;
  }
  writeFileSync(path.join(root, 'CONFORMANCE.md'), text);
  process.stdout.write(`wrote CONFORMANCE.md: ${summary}; ${upstreamSummary}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
