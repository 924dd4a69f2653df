// Runs the real CLI as a child process: the compiled bin under `npm test`, the sources under tsx
// while developing. Returns status, stdout and stderr; never throws on a non-zero exit.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './paths.js';

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): CliResult {
  const argv = FROM_SOURCE
    ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts'), ...args]
    : [path.join(ROOT, 'bin/tcplens.js'), ...args];
  const o: SpawnSyncOptions = {
    encoding: 'utf8', input: opts.input, cwd: opts.cwd ?? ROOT,
    env: { ...process.env, LANG: 'C', LC_ALL: '', ...opts.env }, timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  };
  const r = spawnSync(process.execPath, argv, o);
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
