// The CLI starts, lists its commands, and refuses an unknown one with exit status 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/run-cli.js';

test('tcplens --help lists the commands', () => {
  const r = runCli(['--help']);
  assert.equal(r.status, 0);
  for (const c of ['doctor', 'states', 'sim', 'packetdrill']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('an unknown command exits 2 with a message, not a stack trace', () => {
  const r = runCli(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});
