// Where things are, whether a test runs from source (tsx) or from dist/ (npm test).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + from);
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** ../shared beside the repository: the packetdrill conformance corpus. */
export const SHARED = path.resolve(ROOT, '../shared');
/** True when running the TypeScript sources under tsx rather than the compiled dist/. */
export const FROM_SOURCE = fileURLToPath(import.meta.url).endsWith('.ts');
/** The tcplens CLI as a user runs it: node and its entry (the TypeScript entry under tsx); append the arguments. */
export const CLI_ARGV: readonly string[] = FROM_SOURCE
  ? [process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')]
  : [process.execPath, path.join(ROOT, 'bin/tcplens.js')];
