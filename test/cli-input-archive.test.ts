// A capture folder packed with `tar czf` is read as the folder itself: the same counts, sources and
// problems; a gzipped single output is read as that output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

test('tcplens capture, then tar czf: --input capture.tar.gz gives what --input DIR gives', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-archive-'));
  try {
    const cap = path.join(dir, 'capture');
    const c = runCli(['capture', cap], { timeoutMs: 120_000 });
    assert.equal(c.status, 0, c.stderr);
    const tgz = path.join(dir, 'capture.tar.gz');
    assert.equal(spawnSync('tar', ['czf', tgz, '-C', dir, 'capture']).status, 0);
    const fromDir = JSON.parse(runCli(['states', '--input', cap, '--json']).stdout) as { states: object; total: number };
    const fromTgz = runCli(['states', '--input', tgz, '--json']);
    assert.equal(fromTgz.status, 0, fromTgz.stderr);
    assert.deepEqual((JSON.parse(fromTgz.stdout) as { states: object }).states, fromDir.states);
    const doctor = runCli(['doctor', '--input', tgz]);
    assert.ok(doctor.status === 0 || doctor.status === 1, doctor.stderr);
    assert.match(doctor.stdout, /capture\.tar\.gz/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('one gzipped output (ss-tan.txt.gz) is read as that output', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-archive-'));
  try {
    const f = path.join(dir, 'ss-tan.txt');
    copyFileSync(path.join(ROOT, 'test/fixtures/formats/linux/ss-tan.txt'), f);
    assert.equal(spawnSync('gzip', [f]).status, 0);
    const r = runCli(['states', '--input', `${f}.gz`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^TOTAL +24$/m);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
