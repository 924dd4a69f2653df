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

test("ss's filter after the command: ls state close-wait sport = :9000, groups, parentheses", async () => {
  const r = await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), 'state', 'close-wait', 'sport', '=', ':9000']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').slice(1);
  assert.equal(rows.length, 2);
  assert.ok(rows.every((l) => /^CLOSE-WAIT +1 +0 +127\.0\.0\.1:9000 /.test(l)));
  const j = JSON.parse((await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), '--json', 'state connected ( dport = :6000 or sport = :6000 )'])).stdout) as { sockets: SocketRecord[] };
  assert.deepEqual(j.sockets.map((k) => `${k.state} ${k.localPort}>${k.remotePort}`),
    ['SYN-SENT 41524>6000', 'ESTABLISHED 6000>41508', 'ESTABLISHED 6000>41510', 'ESTABLISHED 41508>6000', 'ESTABLISHED 41510>6000']);
  const v6 = JSON.parse((await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), '--json', 'dst', '[::1]', 'and', 'not', 'sport', '=', ':8443'])).stdout) as { count: number };
  assert.equal(v6.count, 1);
});

test('--sport, --dport (also as :PORT), --state with an ss group, --sort and --top', async () => {
  const input = ['--input', path.join(LINUX, 'ss-tan.txt')];
  const sp = JSON.parse((await inProcess(['ls', ...input, '--sport', ':8080', '--json'])).stdout) as { sockets: SocketRecord[] };
  assert.deepEqual(sp.sockets.map((k) => k.localPort), [8080, 8080, 8080]);
  const dp = JSON.parse((await inProcess(['ls', ...input, '--dport', '7000', '--json'])).stdout) as { sockets: SocketRecord[] };
  assert.deepEqual(dp.sockets.map((k) => k.state), ['TIME-WAIT', 'TIME-WAIT', 'TIME-WAIT']);
  const bucket = JSON.parse((await inProcess(['ls', ...input, '--state', 'bucket', '--json'])).stdout) as { count: number };
  assert.equal(bucket.count, 3);
  const top = await inProcess(['ls', ...input, '--sort', 'recvq', '--top', '2']);
  const lines = top.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^ESTABLISHED +13 /);
  assert.match(lines[2], /^LISTEN +2 +1 /);
  assert.match(top.stderr, /24 matched; --top 2 shows the first 2/);
  const j = JSON.parse((await inProcess(['ls', ...input, '--sort', 'lport', '--top', '1', '--json'])).stdout) as { sockets: SocketRecord[]; matched: number };
  assert.deepEqual([j.sockets[0].localPort, j.matched], [6000, 24]);
});

test('a bad ss filter → exit 2 naming the token, with a caret under it (en and zh)', async () => {
  const r = await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), 'state', 'close-wait', 'sport', '=', ':80x0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /filter at ':80x0' \(column 26\): '80x0' is not a port/);
  assert.match(r.stderr, /\n {2}state close-wait sport = :80x0\n {27}\^{5}\n/);
  const z = await inProcess(['ls', '--input', path.join(LINUX, 'ss-tan.txt'), '--lang', 'zh', 'state', 'sleeping']);
  assert.equal(z.status, 2);
  assert.match(z.stderr, /过滤表达式在 'sleeping'（第 7 列）：'sleeping' 不是 TCP 状态/);
  for (const [args, re] of [
    [['ls', '--sort', 'color'], /--sort takes state, age, lport, rport, pid, recvq, sendq, got 'color'/],
    [['ls', '--top', 'x'], /--top needs a whole number/],
    [['ls', '--sport', '70000'], /--sport needs a whole number from 0 to 65535/],
  ] as Array<[string[], RegExp]>) {
    const e = await inProcess(args);
    assert.equal(e.status, 2, args.join(' '));
    assert.match(e.stderr, re);
  }
});

test('fd-less sockets get the owner inferred from the listener or the client, labelled inferred (text and JSON)', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const os = await import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tl-ls-'));
  const file = path.join(dir, 'ss.txt');
  writeFileSync(file, [
    'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
    'LISTEN     0      511    0.0.0.0:8080        0.0.0.0:*          users:(("nginx",pid=1200,fd=6))',
    'TIME-WAIT  0      0      10.0.0.5:8080       10.0.0.9:40000',
    'ESTAB      0      0      10.0.0.5:51000      10.1.2.3:5432      users:(("api",pid=77,fd=9))',
    'TIME-WAIT  0      0      10.0.0.5:51001      10.1.2.3:5432',
    'TIME-WAIT  0      0      10.0.0.5:51002      10.9.9.9:443',
  ].join('\n') + '\n');
  const r = await inProcess(['ls', '--input', file, 'state', 'time-wait']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TIME-WAIT .*10\.0\.0\.9:40000 +nginx\/1200 \(inferred\)/);
  assert.match(r.stdout, /TIME-WAIT .*10\.1\.2\.3:5432 +api\/77 \(inferred\)/);
  assert.match(r.stdout, /TIME-WAIT .*10\.9\.9\.9:443 +- /);
  const j = JSON.parse((await inProcess(['ls', '--input', file, '--json', 'state', 'time-wait'])).stdout) as { sockets: Array<SocketRecord & { inferredOwner?: { pid: number; via: string } }> };
  assert.deepEqual(j.sockets.map((k) => k.inferredOwner && [k.inferredOwner.pid, k.inferredOwner.via]), [[1200, 'listener'], [77, 'destination'], undefined]);
  assert.ok(j.sockets.every((k) => k.processes === undefined), 'the record itself keeps no owner');
  const z = await inProcess(['ls', '--input', file, '--lang', 'zh', 'sport', '=', ':8080', 'state', 'time-wait']);
  assert.match(z.stdout, /nginx\/1200（推断）/);
});
