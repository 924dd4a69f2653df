#!/usr/bin/env node
// The installed CLI: a thin launcher over the compiled entry point (`npm run build` makes dist/).
import '../dist/src/cli/entry.js';
