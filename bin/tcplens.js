#!/usr/bin/env node
// The installed CLI: a thin launcher over the compiled entry point (npm ci builds dist/ in "prepare").
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`tcplens: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
