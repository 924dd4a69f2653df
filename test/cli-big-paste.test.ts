// Big pastes through the real CLI: a listing of 150,000 sockets (more than a JavaScript call takes
// arguments, and more than the listings that once overflowed the stack) listed as text and JSON,
// from `ss -tan` and from /proc/net/tcp. The output goes to a file, as `tcplens ls > out` would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { procNetTcp, ssTan } from './helpers/big-paste.js';

const N = 150_000;
let dir = '';


function cli(args: string[], out: string): { status: number | null; stderr: string; stdout: string } {
  const bin = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
  const r = spawnSync('sh', ['-c', '"$0" "$@" > "$OUT"', process.execPath, ...bin, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: '', OUT: out }, timeout: 240_000 });
  return { status: r.status, stderr: r.stderr, stdout: readFileSync(out, 'utf8') };
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tcplens-big-'));
  writeFileSync(path.join(dir, 'ss.txt'), ssTan(N));
  writeFileSync(path.join(dir, 'tcp'), procNetTcp(N));
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

test(`ls of ${N.toLocaleString('en-US')} pasted ss -tan rows: every row listed, no stack overflow`, () => {
  const r = cli(['ls', '--input', path.join(dir, 'ss.txt')], path.join(dir, 'out.txt'));
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, N + 1);
  assert.match(lines[1], /^ESTABLISHED +0 +0 +10\.0\.0\.0:1024 +10\.200\.0\.1:5000 +- +- +-$/);
  assert.match(lines[N], /^TIME-WAIT /);
});

test(`ls --json of ${N.toLocaleString('en-US')} pasted ss -tan rows: one JSON document with every socket`, () => {
  const r = cli(['ls', '--json', '--input', path.join(dir, 'ss.txt')], path.join(dir, 'out.json'));
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { count: number; sockets: Array<{ state: string; localAddress: string }> };
  assert.equal(doc.count, N);
  assert.equal(doc.sockets.length, N);
  assert.equal(doc.sockets.filter((s) => s.state === 'TIME-WAIT').length, N / 2);
  assert.equal(doc.sockets[0].localAddress, '10.0.0.0');
});

test(`ls --json, states and doctor of ${N.toLocaleString('en-US')} pasted /proc/net/tcp rows`, () => {
  const input = path.join(dir, 'tcp');
  const ls = cli(['ls', '--json', '--input', input], path.join(dir, 'proc.json'));
  assert.equal(ls.status, 0, ls.stderr);
  assert.equal((JSON.parse(ls.stdout) as { count: number }).count, N);
  const st = cli(['states', '--json', '--input', input], path.join(dir, 'states.json'));
  assert.equal(st.status, 0, st.stderr);
  assert.deepEqual((JSON.parse(st.stdout) as { states: Record<string, number> }).states, { ESTABLISHED: N / 2, 'TIME-WAIT': N / 2 });
  const doc = cli(['doctor', '--input', input], path.join(dir, 'doctor.txt'));
  assert.ok(doc.status === 0 || doc.status === 1, doc.stderr);
  assert.match(doc.stdout, /150000 sockets|150,000/);
});
