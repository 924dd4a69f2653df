// The CLI starts, lists its commands, and refuses an unknown one with exit status 2.
import { after, test } from 'node:test';
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

test('a reader that stops early (| head) ends the CLI quietly: no stack trace, exit 0', async () => {
  const { spawn } = await import('node:child_process');
  const path = await import('node:path');
  const { ROOT } = await import('./helpers/paths.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-epipe-'));
  const rows = ['State Recv-Q Send-Q Local Address:Port Peer Address:Port'];
  for (let i = 0; i < 20_000; i++) rows.push(`ESTAB 0 0 10.0.${i >> 8}.1:${1024 + (i & 255)} 10.1.0.1:443`);
  writeFileSync(path.join(dir, 'ss.txt'), rows.join('\n') + '\n');
  // About 1.5 MB of listing: far more than a pipe holds, so the CLI is still writing when the reader goes.
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/tcplens.js'), 'ls', '--input', path.join(dir, 'ss.txt')], { stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => rmSync(dir, { recursive: true, force: true }));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
