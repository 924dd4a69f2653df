// The process entry point: run the CLI with this process's arguments and streams.
import { processIO } from './io.js';
import type * as CountOnly from './states-count.js';

/** Commands that read a host once into one heap of records, report, and exit. */
const ONE_SHOT = new Set(['doctor']);

// A reader that stops early (`tcplens ls | head`) closes the pipe: end quietly, as a tool killed by
// SIGPIPE would, instead of reporting the failed write.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw err;
});

// The doctor builds one big heap of socket records that lives until it exits. V8's young
// generation would grow to 32 MB (two 16 MB halves) only to copy those same objects into the old
// one: kept at its starting size, the doctor needs 25–40 MB less at its peak and copies less. Not
// `ls`: its output is a stream of short-lived text, which a small young generation would promote
// (150,000 pasted rows: 194 MB instead of 169). Only here, in the process's own entry: `main` run
// inside another program changes nothing.
if (ONE_SHOT.has(process.argv[2] ?? '')) (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');

// `tcplens states` as most people type it is answered by states-count.ts alone, before the command
// table is loaded. Named through a variable: the package bundle keeps it a file of its own
// (scripts/bundle-package.mjs) instead of splitting it among the CLI's shared chunks.
const COUNT_ONLY = './states-count.js';

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'states') {
    const { statesCountOnly } = await import(COUNT_ONLY) as typeof CountOnly;
    const code = await statesCountOnly(argv.slice(1), processIO);
    if (code !== undefined) return code;
  }
  const { main } = await import('./main.js');
  return main(argv);
}

run(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
