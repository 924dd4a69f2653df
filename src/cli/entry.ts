// The process entry point: run the CLI with this process's arguments and streams.
import { main } from './main.js';

/** Commands that read a host once, print, and exit. */
const ONE_SHOT = new Set(['doctor', 'ls', 'capture']);

// A reader that stops early (`tcplens ls | head`) closes the pipe: end quietly, as a tool killed by
// SIGPIPE would, instead of reporting the failed write.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw err;
});

// The one-shot readers build one big heap of socket records that lives until they exit. V8's young
// generation would grow to 32 MB (two 16 MB halves) only to copy those same objects into the old
// one: kept at its starting size, a 200,000-socket doctor needs ~30 MB less at its peak and copies
// less. Only here, in the process's own entry: `main` run inside another program changes nothing.
if (ONE_SHOT.has(process.argv[2] ?? '')) (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
