// `npm run conformance`: runs every script of the conformance corpus (../shared/conformance, read
// in place, never copied) through the CLI's script loader and writes CONFORMANCE.md at the
// repository root. The report itself is built by src/packetdrill/conformance-report.ts; this file
// only reads the corpus and writes the result, outside the library's layers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFile } from '../src/cli/commands/packetdrill.js';
import { buildReport, parseManifest } from '../src/packetdrill/conformance-report.js';

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

function main(): void {
  const root = packageRoot();
  const corpus = path.resolve(root, '../shared/conformance');
  if (!existsSync(path.join(corpus, 'MANIFEST.tsv'))) {
    process.stderr.write(`conformance: corpus not found at ${corpus} (expected ../shared/conformance beside the repository)\n`);
    process.exitCode = 2;
    return;
  }
  const { markdown, summary } = conformanceReport(corpus);
  writeFileSync(path.join(root, 'CONFORMANCE.md'), markdown);
  process.stdout.write(`wrote CONFORMANCE.md: ${summary}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
