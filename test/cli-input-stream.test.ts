// Standard input and files are read as streams of any size (no 64 MB limit), and a FIFO without a
// writer ends with a message instead of blocking for ever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

const SS = readFileSync(path.join(ROOT, 'test/fixtures/formats/linux/ss-tan.txt'), 'utf8');
const CLI = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];

test('more than 64 MB of ss rows on standard input are all counted', async () => {
  const rows = SS.split('\n').slice(1).filter(Boolean).join('\n') + '\n';
  const child = spawn(process.execPath, [...CLI, 'states', '--input', '-', '--json'], { env: { ...process.env, LANG: 'C' } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  const chunk = Buffer.from(rows.repeat(2000));
  let copies = 0;
  child.stdin.write(SS.split('\n')[0] + '\n');
  while (copies * chunk.length < 70 * 2 ** 20) {
    copies++;
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  assert.equal(await done, 0);
  const json = JSON.parse(out) as { total: number };
  assert.equal(json.total, 24 * 2000 * copies);
});

test('--input on a FIFO with no writer ends with a message (exit 2), not a hang', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-fifo-'));
  try {
    const fifo = path.join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = runCli(['states', '--input', fifo], { timeoutMs: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is a FIFO and nothing was written to it within 10 s \(no writer\?\)/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--input <(ss output): a pipe is read to its end', () => {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" ${CLI.map((a) => `"${a}"`).join(' ')} states --input <(cat "${path.join(ROOT, 'test/fixtures/formats/linux/ss-tan.txt')}")`], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^TOTAL +24$/m);
});
