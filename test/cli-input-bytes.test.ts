// Input that is no text, of any size, through the real CLI: refused at once with what it is
// (never sniffed as every format, never a hang); a folder skips such files with one summary line and
// follows no link out of itself; `capture` refuses a path it cannot create.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';

const SS = path.join(ROOT, 'test/fixtures/formats/linux/ss-tan.txt');

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-bytes-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('10 MB of random bytes is refused as binary data, from a file and from standard input', () => {
  withTmp((dir) => {
    const rnd = randomBytes(10 * 2 ** 20);
    writeFileSync(path.join(dir, 'rnd'), rnd);
    const f = runCli(['states', '--input', path.join(dir, 'rnd')]);
    assert.equal(f.status, 2);
    assert.match(f.stderr, /rnd: binary data/);
    const s = runCli(['doctor', '--input', '-'], { input: rnd as unknown as string });
    assert.equal(s.status, 2);
    assert.match(s.stderr, /binary data/);
  });
});

test('gzip data on standard input and a program are named, in English and Chinese; a damaged .gz says so', () => {
  withTmp((dir) => {
    const gz = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    const g = runCli(['doctor', '--input', '-'], { input: gz as unknown as string });
    assert.equal(g.status, 2);
    assert.match(g.stderr, /gzip data: tcplens reads \.tar\.gz captures directly/);
    writeFileSync(path.join(dir, 'cap.gz'), gz);
    const cut = runCli(['doctor', '--input', path.join(dir, 'cap.gz')]);
    assert.equal(cut.status, 2);
    assert.match(cut.stderr, /cap\.gz: cannot decompress: unexpected end of file/);
    const e = runCli(['states', '--input', process.execPath, '--lang', 'zh']);
    assert.equal(e.status, 2);
    assert.match(e.stderr, /ELF 可执行文件/);
  });
});

test('--input DIR skips binaries with one summary line and follows no link out of the folder', () => {
  withTmp((dir) => {
    const d = path.join(dir, 'cap');
    mkdirSync(d);
    copyFileSync(SS, path.join(d, 'ss.txt'));
    copyFileSync(process.execPath, path.join(d, 'node'));
    writeFileSync(path.join(d, 'junk'), randomBytes(4096));
    symlinkSync('..', path.join(d, 'up'));
    symlinkSync('/etc', path.join(d, 'etc'));
    symlinkSync('ss.txt', path.join(d, 'same.txt'));
    const r = runCli(['states', '--input', d]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^TOTAL +24$/m);
    assert.match(r.stderr, /2 file\(s\) are not text and were skipped: junk \(binary data\), node \(an ELF binary\)/);
    assert.match(r.stderr, /2 symbolic link\(s\) lead out of the folder and were not followed: etc, up/);
  });
});

test('capture refuses a path it cannot create at once, with exit status 2', () => {
  const r = runCli(['capture', '/proc/tcplens-cannot-be-here/x'], { timeoutMs: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot create \/proc\/tcplens-cannot-be-here\/x/);
});
