// tcplens ls: an ss-like listing with process, queues, timers and ages; --state/--port/--pid filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';
import { main } from '../src/cli/main.js';
import type { SocketRecord } from '../src/model/snapshot.js';

const LINUX = path.join(ROOT, 'test/fixtures/formats/linux');

async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => '', env: { LANG: 'C' } });
  return { status, stdout, stderr };
}

test('--state in any spelling, comma-separated: CLOSE-WAIT with owners, TIME-WAIT with timer and age', () => {
  const r = runCli(['ls', '--input', LINUX, '--state', 'close_wait,time-wait']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port +Process +Timer +Age$/);
  assert.equal(lines.length, 6);
  assert.match(lines[1], /^CLOSE-WAIT +1 +0 +127\.0\.0\.1:9000 +127\.0\.0\.1:48406 +node\/6559 +- +-$/);
  assert.match(lines[3], /^TIME-WAIT +0 +0 +127\.0\.0\.1:50408 +127\.0\.0\.1:7000 +- +timewait,60s,0 +0\.5 s$/);
});

test('--port matches local or remote port; --pid the owner; --json gives records', async () => {
  const p = JSON.parse((await inProcess(['ls', '--input', path.join(LINUX, 'ss-tanpoei.txt'), '--port', '6000', '--json'])).stdout) as { sockets: SocketRecord[]; count: number };
  assert.equal(p.count, 6);
  assert.ok(p.sockets.every((k) => k.localPort === 6000 || k.remotePort === 6000));
  assert.equal(p.sockets[0].state, 'LISTEN');
  const byPid = JSON.parse((await inProcess(['ls', '--input', path.join(LINUX, 'ss-tanpoei.txt'), '--pid', '6592', '--json'])).stdout) as { sockets: SocketRecord[] };
  assert.deepEqual(byPid.sockets.map((k) => [k.state, k.localPort]), [['LISTEN', 6000]]);
  const both = JSON.parse((await inProcess(['ls', '--input', path.join(LINUX, 'netstat-antp.txt'), '--state', 'ESTAB', '--state', 'syn_sent', '--json'])).stdout) as { count: number };
  assert.equal(both.count, 12);
});

test('--lang zh headers; no match prints only the header', async () => {
  const z = await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), '--lang', 'zh', '--state', 'LAST_ACK']);
  assert.equal(z.status, 0);
  assert.match(z.stdout, /^状态 +Recv-Q +Send-Q +本地地址:端口/);
  assert.equal(z.stdout.trim().split('\n').length, 1);
});

test('bad filters → exit 2 with a message', async () => {
  for (const [args, re] of [
    [['ls', '--state', 'SLEEPING'], /--state: 'SLEEPING' is not a TCP state/],
    [['ls', '--port', '70000'], /--port needs a whole number from 0 to 65535, got '70000'/],
    [['ls', '--port', 'http'], /--port needs a whole number/],
    [['ls', '--pid=-3'], /--pid needs a whole number/],
    [['ls', '--pid', '-3'], /--pid needs a value, got '-3' \(a value that starts with - is written --pid=-3\)/],
  ] as Array<[string[], RegExp]>) {
    const r = await inProcess(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});

test('a listing of 150,000 sockets prints every row (no argument-count limit on a column width)', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-ls-big-'));
  try {
    const rows = ['State Recv-Q Send-Q Local Address:Port Peer Address:Port'];
    for (let i = 0; i < 150_000; i++) rows.push(`ESTAB 0 0 10.0.${i >> 16}.${(i >> 8) & 255}:${1024 + (i & 255)} 10.1.0.1:443`);
    const file = path.join(dir, 'ss.txt');
    writeFileSync(file, rows.join('\n') + '\n');
    const r = runCli(['ls', '--input', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, 150_001);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
