// The process entry point: run the CLI with this process's arguments and streams.
import { main } from './main.js';

// A reader that stops early (`tcplens ls | head`) closes the pipe: end quietly, as a tool killed by
// SIGPIPE would, instead of reporting the failed write.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
