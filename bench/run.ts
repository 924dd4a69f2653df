// `npm run bench`: runs every benchmark in bench/*.bench.ts (or only those named on the command
// line) and prints its table. Each compares tcplens with what a user would otherwise use, in the
// same run, and reports ratios; results are recorded in BENCHMARKS.md.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? '.bench.ts' : '.bench.js';
// Names select benchmarks; options (`--soak`, `--minutes 5`) are for the benchmarks themselves.
const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--minutes');
const files = readdirSync(here).filter((f) => f.endsWith(ext)).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)));

for (const f of files) {
  process.stdout.write(`\n## ${f.slice(0, -ext.length)}\n\n`);
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { run: () => Promise<void> };
  await mod.run();
}
