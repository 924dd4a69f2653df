// `tcplens serve` through the real CLI: the URL it prints, the token it requires beyond loopback,
// and its usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { startServe } from './helpers/serve.js';

function listingFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-serve-'));
  const file = path.join(dir, 'ss.txt');
  writeFileSync(file, 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:8080 0.0.0.0:*\nCLOSE-WAIT 1 0 10.0.0.5:8080 10.0.0.9:40000\n');
  return file;
}

test('on loopback by default: a free port, no token', async () => {
  const s = await startServe(['--input', listingFile()]);
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${s.origin}/api/sockets?state=CLOSE-WAIT`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { total: number }).total, 1);
  } finally { await s.stop(); }
});

test('beyond loopback it generates a token, prints it in the URL, and answers 401 without it', async () => {
  const s = await startServe(['--listen', '0.0.0.0:0', '--input', listingFile()]);
  try {
    const u = new URL(s.url);
    const token = u.searchParams.get('token') ?? '';
    assert.ok(token.length >= 20, s.url);
    for (let i = 0; i < 100 && !/token/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(s.stderr(), /token/);
    const port = u.port;
    for (const p of ['/', '/app.js', '/api/sockets', '/api/events']) {
      const r = await fetch(`http://127.0.0.1:${port}${p}`);
      assert.equal(r.status, 401, p);
      await r.arrayBuffer();
    }
    const ok = await fetch(`http://127.0.0.1:${port}/api/sockets?token=${token}`);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  } finally { await s.stop(); }
});

test('usage errors exit 2 with one line', () => {
  for (const args of [['--listen', 'nonsense'], ['--listen', '127.0.0.1:70000'], ['--interval', '0'], ['--input', '-'], ['--netns', 'a/b'], ['extra']]) {
    const r = runCli(['serve', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^tcplens serve: /);
  }
  const h = runCli(['serve', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--listen HOST:PORT/);
});
