// Unreadable input lines, the same in doctor, states and ls: named with
// their line numbers on stderr (human output) or in `problems` (--json); a listing whose header was
// recognised but of which no row could be read exits 2 instead of printing "TOTAL 0".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { main } from '../src/cli/main.js';

const LINUX = path.join(ROOT, 'test/fixtures/formats/linux');
const SS = readFileSync(path.join(LINUX, 'ss-tan.txt'), 'utf8');
const SS_HEADER = 'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n';
const COMMANDS = ['doctor', 'states', 'ls'] as const;

async function inProcess(args: string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => stdin, env: { LANG: 'C' } });
  return { status, stdout, stderr };
}

function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-problems-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

// 24 good rows (lines 2..25), then two that are not ss rows.
const CORRUPT = SS + 'garbage line here\nESTAB zz\n';

test('ss with two corrupt lines: every command reports lines 26 and 27 on stderr, and still counts the 24', async () => {
  for (const cmd of COMMANDS) {
    const r = await inProcess([cmd, '--input', '-'], CORRUPT);
    assert.ok(r.status === 0 || r.status === 1, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /2 input line\(s\) could not be read:\n {2}-:26: not a ss row.*\n {2}-:27: not a ss row/, cmd);
  }
  assert.match((await inProcess(['states', '--input', '-'], CORRUPT)).stdout, /^TOTAL +24$/m);
});

test('--json: the same lines in `problems`, stderr silent', async () => {
  for (const cmd of COMMANDS) {
    const r = await inProcess([cmd, '--input', '-', '--json'], CORRUPT);
    assert.equal(r.stderr, '', cmd);
    const j = JSON.parse(r.stdout) as { problems?: Array<{ file: string; line: number; text?: string }> };
    assert.deepEqual(j.problems?.map((p) => [p.file, p.line, p.text]), [['-', 26, 'garbage line here'], ['-', 27, 'ESTAB zz']], cmd);
  }
  // A clean input has no `problems` key at all (the documents stay as they were).
  assert.deepEqual(Object.keys(JSON.parse((await inProcess(['states', '--input', '-', '--json'], SS)).stdout)), ['states', 'total']);
});

test('--lang zh: the problems in Chinese', async () => {
  const r = await inProcess(['states', '--input', '-', '--lang', 'zh'], CORRUPT);
  assert.match(r.stderr, /2 行输入无法读取：\n {2}-:26: 不是 ss 的数据行/);
});

test('an ss header and one 20 MB garbage line: exit 2 naming the file and line 2, for all three commands', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'ss.txt');
    writeFileSync(f, SS_HEADER + 'x'.repeat(20 * 1024 * 1024) + '\n');
    for (const cmd of COMMANDS) {
      for (const json of [[], ['--json']]) {
        const r = await inProcess([cmd, '--input', f, ...json]);
        assert.equal(r.status, 2, `${cmd} ${json.join('')}: ${r.stdout.slice(0, 200)}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, new RegExp(`^tcplens ${cmd}: .*ss\\.txt: looks like ss output but no row could be read \\(1 unreadable line\\(s\\); the first, line 2: `));
        assert.ok(r.stderr.length < 2000, 'the 20 MB line is not echoed');
      }
    }
    const zh = await inProcess(['ls', '--input', f, '--lang', 'zh']);
    assert.match(zh.stderr, /看起来是 ss 的输出，但没有一行能读取/);
  });
});

test('a header with no rows at all is an empty host, not an error', async () => {
  const r = await inProcess(['states', '--input', '-', '--json'], SS_HEADER);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { states: {}, total: 0 });
});

test('states and ls need a socket listing; doctor reads sysctls alone', async () => {
  const sysctl = readFileSync(path.join(LINUX, 'sysctl-tcp.txt'), 'utf8');
  for (const cmd of ['states', 'ls']) {
    const r = await inProcess([cmd, '--input', '-'], sysctl);
    assert.equal(r.status, 2, cmd);
    assert.match(r.stderr, /the input lists no sockets \(recognised: sysctl\)/);
  }
  const d = await inProcess(['doctor', '--input', '-', '--json'], sysctl);
  assert.ok(d.status === 0 || d.status === 1, d.stderr);
});

test('a folder: one unreadable file among readable ones is reported, not fatal', async () => {
  await withTmp(async (dir) => {
    copyFileSync(path.join(LINUX, 'ss-tanpoei.txt'), path.join(dir, 'ss.txt'));
    mkdirSync(path.join(dir, 'more'));
    writeFileSync(path.join(dir, 'more', 'netstat.txt'), 'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\ntcp nonsense\n');
    const r = await inProcess(['states', '--input', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /more\/netstat\.txt:1: .*no known format/);
  });
});

test('a folder passes .json files to the parsers: PowerShell ConvertTo-Json and the capture manifest; tcplens\' own --json is skipped', async () => {
  await withTmp(async (dir) => {
    copyFileSync(path.join(ROOT, 'test/fixtures/formats/powershell/convertto-json-ps51.json.txt'), path.join(dir, 'conns.json'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ tool: 'tcplens capture', formatVersion: 1, host: 'winbox', takenAt: '2026-11-21T09:00:00.000Z' }));
    const alone = await inProcess(['states', '--input', path.join(dir, 'conns.json'), '--json']);
    // tcplens doctor --json saved in the folder: not an input, not a problem.
    writeFileSync(path.join(dir, 'report.json'), (await inProcess(['doctor', '--input', path.join(dir, 'conns.json'), '--json'])).stdout);
    const r = await inProcess(['doctor', '--input', dir, '--json']);
    const j = JSON.parse(r.stdout) as { source: { origins: string[]; hostname?: string; takenAt: number }; summary: { unreadLines: number; total: number } };
    assert.equal(j.summary.unreadLines, 0, r.stdout);
    assert.equal(j.summary.total, JSON.parse(alone.stdout).total);
    assert.ok(j.summary.total > 0);
    assert.ok(j.source.origins.some((o) => o.endsWith('conns.json')));
    assert.ok(j.source.origins.some((o) => o.endsWith('manifest.json')));
    assert.ok(!j.source.origins.some((o) => o.endsWith('report.json')));
    assert.equal(j.source.hostname, 'winbox');
    assert.equal(j.source.takenAt, Date.parse('2026-11-21T09:00:00.000Z'));
  });
});

test('doctor on a netstat -antp paste with 300 FIN_WAIT2 and PID "-": not "orphaned=300" but "orphaned or owned by another user", with the caveat', async () => {
  const rows = ['Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      812/sshd',
    ...Array.from({ length: 300 }, (_, i) => `tcp        0      0 10.0.0.5:${40000 + i}        10.0.0.9:8080           FIN_WAIT2   -`)];
  const paste = rows.join('\n') + '\n';
  // -v: the info finding's details, not only its summary row; lines unwrapped before matching.
  const r = await inProcess(['doctor', '-v', '--input', '-'], paste);
  const text = r.stdout.replace(/\n {2,}(?=[^ -])/g, ' ');
  assert.doesNotMatch(text, /orphaned=300/);
  assert.doesNotMatch(text, /300 orphaned FIN-WAIT-2/);
  assert.match(text, /300 FIN-WAIT-2 toward 10\.0\.0\.9 with no owner in the source: orphaned or owned by another user — attribution partial/);
  assert.match(text, /300 without an owner in the input/);
  assert.match(r.stdout, /What the input could not show:\n(?:.*\n)*? {2}- Attribution is partial/);
  const zh = await inProcess(['doctor', '-v', '--input', '-', '--lang', 'zh'], paste);
  assert.match(zh.stdout.replace(/\n {2,}/g, ''), /可能是孤儿，也可能属于其他用户——进程归属不完整/);
});

test('--input a device: a clear error at once, never a hang (/dev/zero)', async () => {
  for (const cmd of COMMANDS) {
    const r = await inProcess([cmd, '--input', '/dev/zero']);
    assert.equal(r.status, 2, cmd);
    assert.match(r.stderr, /\/dev\/zero is not a regular file/);
  }
});

test('the same paste (FIN_WAIT2 with PID "-"): states --by process and ls --pid say attribution is partial, like doctor', async () => {
  const paste = ['Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      812/sshd',
    ...Array.from({ length: 12 }, (_, i) => `tcp        0      0 10.0.0.5:${40000 + i}        10.0.0.9:8080           FIN_WAIT2   -`)].join('\n') + '\n';
  const st = await inProcess(['states', '--input', '-', '--by', 'process'], paste);
  assert.match(st.stderr, /note: process attribution is partial \(run as root, or paste ss -tanp taken as root\)/);
  const ls = await inProcess(['ls', '--input', '-', '--pid', '812'], paste);
  assert.match(ls.stderr, /note: process attribution is partial, --pid may miss sockets/);
});

test('--input - fed from /dev/zero: exit 2 with a message from its first 64 kB (NUL bytes are no text), no hang', () => {
  const fd = openSync('/dev/zero', 'r');
  try {
    const argv = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
    const r = spawnSync(process.execPath, [...argv, 'states', '--input', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C' } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--input: -: binary data \(100% NUL bytes in the first 64 kB\)/);
  } finally { closeSync(fd); }
});

test('--proc-root that is missing or not laid out like /proc: exit 2 for all three (states\' fast path too), naming --proc-root', async () => {
  await withTmp(async (dir) => {
    for (const cmd of COMMANDS) {
      const gone = await inProcess([cmd, '--proc-root', path.join(dir, 'nope')]);
      assert.equal(gone.status, 2, cmd);
      assert.match(gone.stderr, /--proc-root: no such file or directory: /);
      const empty = await inProcess([cmd, '--proc-root', dir]);
      assert.equal(empty.status, 2, cmd);
      assert.match(empty.stderr, /--proc-root: .* is not laid out like \/proc \(no net\/tcp or net\/tcp6\)/);
    }
  });
});
