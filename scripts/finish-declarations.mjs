// Runs after `tsc -p tsconfig.build.json` on the output folder (argument, default dist) so the
// declarations a user gets are the public API and nothing else:
// - `private` members leave the .d.ts files. tsc declares each by name (`private tcb;`); a class's
//   private names become one `#private;`, the marker tsc itself emits for ES private fields, which
//   keeps the class nominal (an object of the same shape is still not a `Host`).
// - Declaration files that no public entry point (src/public/*.ts) reaches, directly or through
//   the types they mention, are removed: the CLI's commands, each rule, each scenario and each
//   parser are implementation; their .js stays. This keeps the installed package small.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = path.resolve(process.argv[2] ?? 'dist');
const ENTRIES = ['src/public/index.d.ts', 'src/public/node.d.ts'].map((p) => path.join(out, p));

const PRIVATE = /^(\s*)private (?!constructor\()(?:static )?(?:readonly )?(?:get |set )?[\w$]+\??(?:\([^)]*\))?;\s*$/;

function stripPrivate(text) {
  const lines = [];
  let marked = false;
  for (const line of text.split('\n')) {
    // Each class gets one marker; a class with ES private fields already has tsc's own.
    if (/^\s*(?:export )?(?:declare )?(?:abstract )?class\b/.test(line)) marked = false;
    if (/^\s*#private;\s*$/.test(line)) marked = true;
    const m = PRIVATE.exec(line);
    if (!m) { lines.push(line); continue; }
    if (!marked) lines.push(`${m[1]}#private;`);
    marked = true;
  }
  return lines.join('\n');
}

function declarationFiles(dir, into = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) declarationFiles(p, into);
    else if (e.name.endsWith('.d.ts')) into.push(p);
  }
  return into;
}

/** Every .d.ts an entry reaches through `from './x.js'` and `import('./x.js')`. */
function reachable(entries) {
  const seen = new Set();
  const todo = entries.filter((e) => existsSync(e));
  while (todo.length > 0) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      const next = path.resolve(path.dirname(file), `${m[1]}.d.ts`);
      if (existsSync(next)) todo.push(next);
    }
  }
  return seen;
}

if (!ENTRIES.every((e) => existsSync(e))) {
  process.stderr.write(`finish-declarations: no public entry points under ${out}; run tsc first\n`);
  process.exit(1);
}
const keep = reachable(ENTRIES);
for (const file of declarationFiles(path.join(out, 'src'))) {
  if (!keep.has(file)) { rmSync(file); continue; }
  const text = readFileSync(file, 'utf8');
  const next = stripPrivate(text);
  if (next !== text) writeFileSync(file, next);
}
