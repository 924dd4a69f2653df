#!/usr/bin/env node
// The installed CLI: a thin launcher over the compiled entry point (npm ci builds dist/ in "prepare").
import '../dist/src/cli/entry.js';
