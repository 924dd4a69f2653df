#!/usr/bin/env node
// The installed CLI: a thin launcher over the bundled entry point (`npm run build` makes dist/).
import '../dist/lib/cli.js';
