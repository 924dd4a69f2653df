// tcplens states: the awk one-liner done right — RFC names, all tools' spellings, --by, --all, --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';
import { main } from '../src/cli/main.js';

const LINUX = path.join(ROOT, 'test/fixtures/formats/linux');

async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => '', env: { LANG: 'C' } });
  return { status, stdout, stderr };
}

const EXPECTED = { LISTEN: 5, 'SYN-SENT': 2, ESTABLISHED: 10, 'FIN-WAIT-2': 2, 'CLOSE-WAIT': 2, 'TIME-WAIT': 3 };

test('the same 24 sockets counted the same from ss, netstat (any locale), /proc/net/tcp and a folder', async () => {
  for (const f of ['ss-tan.txt', 'ss-tanpoei.txt', 'netstat-antp.txt', '../localized/netstat-antp-de.txt', '../localized/netstat-antp-pt_BR.txt']) {
    const r = await inProcess(['states', '--input', path.join(LINUX, f), '--json']);
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout), { states: EXPECTED, total: 24 }, f);
  }
  const dir = await inProcess(['states', '--input', LINUX, '--json']);
  assert.deepEqual(JSON.parse(dir.stdout).states, EXPECTED);
});

test('text: RFC names in RFC order, zeros omitted, TOTAL; --all shows all eleven', async () => {
  const r = await inProcess(['states', '--input', path.join(LINUX, 'netstat-antp.txt')]);
  assert.equal(r.stdout, 'STATE        COUNT\nLISTEN           5\nSYN-SENT         2\nESTABLISHED     10\nFIN-WAIT-2       2\nCLOSE-WAIT       2\nTIME-WAIT        3\nTOTAL           24\n');
  const a = await inProcess(['states', '--input', path.join(LINUX, 'netstat-antp.txt'), '--all']);
  assert.equal(a.stdout.trim().split('\n').length, 13);
  assert.match(a.stdout, /^CLOSING +0$/m);
});

test('--by process: owners with their pids, fd-less sockets under "-"', async () => {
  const r = await inProcess(['states', '--input', path.join(LINUX, 'ss-tanpoei.txt'), '--by', 'process', '--json']);
  const j = JSON.parse(r.stdout);
  assert.equal(j.by, 'process');
  const node = j.groups.find((g: { key: string }) => g.key === 'node/6559');
  assert.deepEqual({ pid: node.pid, process: node.process, total: node.total, cw: node.states['CLOSE-WAIT'] }, { pid: 6559, process: 'node', total: 18, cw: 2 });
  const none = j.groups.find((g: { key: string }) => g.key === '-');
  assert.equal(none.states['TIME-WAIT'], 3);
});

test('--by lport and --by raddr', async () => {
  const lp = JSON.parse((await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--by', 'lport', '--json'])).stdout);
  const p9000 = lp.groups.find((g: { port: number }) => g.port === 9000);
  assert.deepEqual(p9000.states, { LISTEN: 1, 'CLOSE-WAIT': 2 });
  const ra = await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--by', 'raddr']);
  assert.match(ra.stdout, /^REMOTE-ADDRESS +TOTAL +LISTEN/);
  assert.match(ra.stdout, /^127\.0\.0\.1 +\d+/m);
});

test('live on this host (the fast path) and --lang zh', () => {
  const r = runCli(['states', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(typeof JSON.parse(r.stdout).total, 'number');
  const z = runCli(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--lang', 'zh']);
  assert.match(z.stdout, /^状态 +数量$/m);
  assert.match(z.stdout, /^合计 +24$/m);
});

test('bad input → exit 2 with a message', async () => {
  for (const [args, re] of [
    [['states', '--by', 'color'], /--by takes process, pid, lport, rport, raddr, state \(comma-separated to combine\), got 'color'/],
    [['states', '--by', 'lport,colour'], /got 'colour'/],
    [['states', '--input', path.join(ROOT, 'test/fixtures/doctor/garbage.txt')], /no known format/],
    [['states', 'extra'], /filter at 'extra' \(column 1\): expected sport, dport, src, dst/],
    [['states', '--netns', 'no such ns'], /not a network namespace name/],
  ] as Array<[string[], RegExp]>) {
    const r = await inProcess(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});

test('--by process,lport: one row per combination; ephemeral local ports folded into the range unless --no-fold', async () => {
  const j = JSON.parse((await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--by', 'lport', '--json'])).stdout);
  const folded = j.groups.find((g: { key: string }) => g.key === '32768-60999');
  assert.deepEqual(folded.portRange, { lo: 32768, hi: 60999 });
  assert.equal(folded.total, 12);
  assert.ok(!j.groups.some((g: { port?: number }) => g.port === 41508));
  const nf = JSON.parse((await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--by', 'lport', '--no-fold', '--json'])).stdout);
  assert.ok(nf.groups.some((g: { port?: number }) => g.port === 41508));
  const both = await inProcess(['states', '--input', path.join(LINUX, 'ss-tanpoei.txt'), '--by', 'process,lport']);
  assert.match(both.stdout, /^PROCESS\/PID +LOCAL-PORT +TOTAL +LISTEN/);
  assert.match(both.stdout, /^node\/6559 +9000 +\d+/m);
  assert.match(both.stdout, /^- +32768-60999 +3 /m);
  const bj = JSON.parse((await inProcess(['states', '--input', path.join(LINUX, 'ss-tanpoei.txt'), '--by', 'process,lport', '--json'])).stdout);
  assert.deepEqual(bj.by, ['process', 'lport']);
  assert.ok(bj.groups.every((g: { keys: string[] }) => g.keys.length === 2));
});

test('--by rport,state and an ss filter after the command', async () => {
  const r = await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--by', 'rport,state', 'state', 'connected', 'dport', 'lt', ':10000']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^REMOTE-PORT +STATE +TOTAL/);
  assert.match(r.stdout, /^6000 +ESTABLISHED +2 /m);
  assert.match(r.stdout, /^9000 +FIN-WAIT-2 +2 /m);
  assert.doesNotMatch(r.stdout, /TIME-WAIT/);
  const c = JSON.parse((await inProcess(['states', '--input', path.join(LINUX, 'ss-tan.txt'), '--json', 'sport = :9000'])).stdout);
  assert.deepEqual(c.states, { LISTEN: 1, 'CLOSE-WAIT': 2 });
});
