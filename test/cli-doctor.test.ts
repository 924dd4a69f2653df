// tcplens doctor end to end on pasted fixtures: a file, stdin, a folder, garbage, --json, --lang zh.
// The real-kernel scenarios are in doctor-kernel-states.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';
import { main } from '../src/cli/main.js';
import type { DoctorReport } from '../src/diagnose/finding.js';

const FX = path.join(ROOT, 'test/fixtures/doctor');
const FORMATS = path.join(ROOT, 'test/fixtures/formats');
const noStack = (s: string): void => assert.doesNotMatch(s, /\bat .*\.(ts|js):\d+/);

async function inProcess(args: string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => stdin, env: { LANG: 'C' } });
  return { status, stdout, stderr };
}

test('--input FILE (ss -tanp): the CLOSE-WAIT leak is named with process, port, peers and why; exit 1', () => {
  const r = runCli(['doctor', '--input', path.join(FX, 'close-wait-java.ss-tanp.txt')]);
  assert.equal(r.status, 1, r.stderr);
  noStack(r.stderr);
  // The summary row first (who, where, how many, how long), then the detail block.
  // (a row longer than the width continues under its facts column)
  assert.match(r.stdout.replace(/\n {20,}/g, ' '), /^ {2}WARNING {2}close_wait_leak {2}java \(pid 4711\) · port 8080 · 40 CLOSE-WAIT · age unknown$/m);
  assert.match(r.stdout, /^\[1\/1\] WARNING {2}close_wait_leak ─+$/m);
  assert.match(r.stdout.replace(/\n +/g, ' '), /40 CLOSE-WAIT sockets held by java \(pid 4711\) on local port 8080 \(server side\)/);
  // Evidence in words, not the JSON's keys.
  const flat = r.stdout.replace(/\n {2,}/g, ' ');
  assert.match(flat, /evidence +40 CLOSE-WAIT · owner java \(pid 4711\) · server side · local port 8080 · peers 192\.168\.0\.1 ×10/);
  assert.match(flat, /40 with unread data \(Recv-Q ≥ 1: never read to EOF\)/);
  assert.doesNotMatch(r.stdout, /withUnread|withoutUnread/);
  assert.match(flat, /never read the socket to the end/);
  assert.match(flat, /Not a fix: lowering tcp_keepalive_time/);
  assert.match(flat, /No sysctl values/);
});

test('--input - reads standard input; --json has the stable shape', () => {
  const r = runCli(['doctor', '--input', '-', '--json'], { input: readFileSync(path.join(FX, 'close-wait-java.ss-tanp.txt'), 'utf8') });
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as DoctorReport;
  assert.deepEqual(Object.keys(j), ['findings', 'summary', 'source']);
  const f = j.findings[0];
  assert.deepEqual(Object.keys(f).slice(0, 6), ['id', 'severity', 'summary', 'evidence', 'explanation', 'fixes']);
  assert.equal(f.id, 'close_wait_leak');
  assert.equal(f.severity, 'warning');
  assert.deepEqual({ state: f.evidence.state, count: f.evidence.count, pid: f.evidence.pid, process: f.evidence.process, localPort: f.evidence.localPort },
    { state: 'CLOSE-WAIT', count: 40, pid: 4711, process: 'java', localPort: 8080 });
  assert.equal(f.evidence.peers?.length, 4);
  assert.ok(f.fixes.every((x) => typeof x.text === 'string'));
  assert.equal(Object.keys(j.summary.states).length, 11);
  assert.equal(j.summary.states['CLOSE-WAIT'], 40);
  assert.equal(j.summary.worst, 'warning');
  assert.deepEqual(j.source.origins, ['-']);
});

test('--input DIR (a healthy capture: ss -tanpo, sysctl, /proc/net/netstat, snmp) → no warning, exit 0', () => {
  const r = runCli(['doctor', '--input', path.join(FX, 'healthy')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /^ *(WARNING|CRITICAL) /m);
  assert.match(r.stdout, /^Verdict: healthy — nothing at warning or above/m);
  assert.match(r.stdout.replace(/\n {20,}/g, ' '), /^ {2}INFO {2}time_wait_pressure +listener nginx \(pid 1200\) · port 443 · 150 TIME-WAIT · up to 59 s$/m);
  // The keepalive defaults every stock host has: one line, no detail block without -v.
  const ka = r.stdout.split('\n').filter((l) => /keepalive|2 h 11 min 15 s/.test(l));
  assert.deepEqual(ka, ['  INFO  keepalive_defaults     A dead peer is noticed after 2 h 11 min 15 s']);
  const v = runCli(['doctor', '--input', path.join(FX, 'healthy'), '-v']);
  assert.match(v.stdout.replace(/\n +/g, ' '), /150 TIME-WAIT on listening port 443, left by nginx \(pid 1200, inferred from the listener\)/);
  assert.match(v.stdout, /\[3\/3\] INFO {2}keepalive_defaults/);
  const brief = runCli(['doctor', '--input', path.join(FX, 'healthy'), '--brief']);
  assert.match(brief.stdout, /^Verdict: healthy/m);
  assert.equal(brief.stdout.split('\n').filter((l) => /^ {2}(INFO|WARNING|CRITICAL) /.test(l)).length, 3, brief.stdout);
  assert.doesNotMatch(brief.stdout, /─|what to do|What the input could not show/);
});

test('layout: wrapped to the terminal width, colour only when asked (or a terminal without NO_COLOR)', async () => {
  const file = path.join(FX, 'close-wait-java.ss-tanp.txt');
  const run = async (args: string[], tty?: { columns?: number }, env: Record<string, string> = {}) => {
    let stdout = '';
    await main(['doctor', '--input', file, ...args], { stdout: (x) => { stdout += x; }, stderr: () => {}, readStdin: async () => '', env: { LANG: 'C', ...env }, ...(tty ? { stdoutTTY: tty } : {}) });
    return stdout;
  };
  // Every line fits, except one word longer than a line (a long path), which is never cut.
  const wide = (s: string) => Math.max(...s.split('\n').map((l) => l.replace(/\u001b\[[0-9;]*m/g, '')).filter((l) => !/^\s*\S+$/.test(l)).map((l) => [...l].length));
  assert.ok(wide(await run([])) <= 80);
  assert.ok(wide(await run([], { columns: 60 })) <= 60);
  assert.ok(wide(await run([], { columns: 120 })) > 80);
  assert.doesNotMatch(await run([]), /\u001b\[/);
  assert.match(await run([], { columns: 100 }), /\u001b\[1;33mWARNING/);
  assert.doesNotMatch(await run([], { columns: 100 }, { NO_COLOR: '1' }), /\u001b\[/);
  assert.match(await run(['--color=always']), /\u001b\[1;33mWARNING/);
  assert.doesNotMatch(await run(['--color', 'never'], { columns: 100 }), /\u001b\[/);
  const bad = runCli(['doctor', '--input', file, '--color=sometimes']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--color must be auto, always or never/);
});

test('--input DIR (netstat -antp + sysctl): port exhaustion toward one database is critical, names the likely client', async () => {
  const r = await inProcess(['doctor', '--input', path.join(FX, 'port-exhaustion'), '--json']);
  assert.equal(r.status, 1);
  const j = JSON.parse(r.stdout) as DoctorReport;
  const f = j.findings[0];
  assert.equal(f.id, 'time_wait_pressure');
  assert.equal(f.severity, 'critical');
  assert.equal(f.evidence.destination, '10.0.0.9:5432');
  assert.equal(f.evidence.process, 'php-fpm');
  assert.equal(f.evidence.attribution, 'destination');
  assert.equal(f.evidence.figures?.portRangeSize, 1000);
  assert.ok(j.findings.some((x) => x.id === 'dangerous_sysctl' && /tcp_tw_recycle = 1/.test(x.summary)));
  assert.ok(j.findings.some((x) => x.id === 'dangerous_sysctl' && /tcp_fin_timeout = 30/.test(x.summary)));
});

test('--lang zh (and a zh locale) prints Chinese', () => {
  const r = runCli(['doctor', '--input', path.join(FX, 'close-wait-java.ss-tanp.txt'), '--lang', 'zh']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^ {2}警告 {2}close_wait_leak {2}java（pid 4711） · 端口 8080 · 40 CLOSE-WAIT · 时长未知$/m);
  assert.match(r.stdout.replace(/\n +/g, ''), /java（pid 4711）在本地 8080 端口上持有 40 个 CLOSE-WAIT 套接字（服务端）/);
  assert.match(r.stdout, /怎么办/);
  const z = runCli(['doctor', '--input', path.join(FX, 'healthy')], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.match(z.stdout, /^结论：健康——没有警告或更严重的发现/m);
});

test('garbage → exit 2 naming the file and the formats it is not; no stack trace', () => {
  const r = runCli(['doctor', '--input', path.join(FX, 'garbage.txt')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /garbage\.txt: no known format \(looked like neither ss/);
  assert.equal(r.stdout, '');
  noStack(r.stderr);
});

test('bad input of other kinds → exit 2 with a clear message', async () => {
  const cases: Array<[string[], RegExp, string?]> = [
    [['doctor', '--input', '/nonexistent/x.txt'], /no such file or directory: \/nonexistent\/x\.txt/],
    [['doctor', '--input', '-'], /empty input/, ''],
    [['doctor', '--input', path.join(FX, 'garbage.txt'), '--netns', 'x'], /use only one of --input, --netns/],
    [['doctor', '--netns', '../etc'], /not a network namespace name/],
    [['doctor', '--lang', 'fr'], /--lang must be en or zh/],
    [['doctor', '--frobnicate'], /^tcplens doctor: unknown option '--frobnicate' \(tcplens doctor --help lists the options\)$/m],
    [['doctor', 'somefile.txt'], /unexpected argument 'somefile\.txt' \(to read a file use --input/],
  ];
  for (const [args, re, stdin] of cases) {
    const r = await inProcess(args, stdin);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, re, args.join(' '));
    noStack(r.stderr);
  }
});

test('every captured format fixture diagnoses without error (exit 0 or 1)', async () => {
  const files: string[] = [];
  for (const dir of ['linux', 'windows', 'bsd', 'powershell', 'localized']) {
    for (const f of readdirSync(path.join(FORMATS, dir))) {
      const p = path.join(FORMATS, dir, f);
      if (statSync(p).isFile()) files.push(p);
    }
  }
  assert.ok(files.length > 20);
  for (const p of files) {
    const r = await inProcess(['doctor', '--input', p, '--json']);
    assert.ok(r.status === 0 || r.status === 1, `${p}: ${r.status} ${r.stderr}`);
    const j = JSON.parse(r.stdout) as DoctorReport;
    assert.ok(Array.isArray(j.findings), p);
  }
  const all = await inProcess(['doctor', '--input', path.join(FORMATS, 'linux')]);
  assert.equal(all.status, 1); // python3 on :6000 never accepts (backlog 1, Recv-Q 2)
  assert.match(all.stdout.replace(/\n +/g, ' '), /CRITICAL {2}accept_queue_overflow ─+ Accept queue of 127\.0\.0\.1:6000 full: 2 connections waiting for accept\(\) \(limit 1\) in python3 \(pid 6592\)/);
});

test('--rules lists every rule with its thresholds', async () => {
  const r = await inProcess(['doctor', '--rules']);
  assert.equal(r.status, 0);
  for (const id of ['close_wait_leak', 'time_wait_pressure', 'fin_wait2_orphans', 'syn_flood', 'accept_queue_overflow', 'idle_established', 'keepalive_defaults', 'dangerous_sysctl']) {
    assert.match(r.stdout, new RegExp(`^${id}$`, 'm'));
  }
});

test('this host, live (default input) → exit 0 or 1 with a report', () => {
  const r = runCli(['doctor', '--json']);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const j = JSON.parse(r.stdout) as DoctorReport;
  assert.deepEqual(j.source.kinds, ['proc']);
});

test('--samples N --interval S on the live host: history noted; bad values → exit 2', async () => {
  const r = runCli(['doctor', '--samples', '2', '--interval', '0.2', '--json']);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const j = JSON.parse(r.stdout) as DoctorReport;
  assert.ok(j.summary.notes.some((n) => /Sampled 2 times/.test(n)));
  for (const [args, re] of [
    [['doctor', '--samples', '0'], /--samples needs a whole number from 1 to 100/],
    [['doctor', '--samples', '3', '--interval', 'soon'], /--interval needs seconds/],
    [['doctor', '--interval', '5'], /--interval only makes sense with --samples/],
    [['doctor', '--samples', '2', '--input', path.join(FX, 'healthy')], /--samples needs a live source/],
  ] as Array<[string[], RegExp]>) {
    const x = await inProcess(args);
    assert.equal(x.status, 2, args.join(' '));
    assert.match(x.stderr, re);
  }
});
