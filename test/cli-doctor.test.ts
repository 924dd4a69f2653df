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
  assert.match(r.stdout, /^WARNING {2}close_wait_leak$/m);
  assert.match(r.stdout, /40 CLOSE-WAIT sockets held by java \(pid 4711\) on local port 8080 \(server side\)/);
  assert.match(r.stdout, /evidence: 40 CLOSE-WAIT · process java \(pid 4711\) · side server · local port 8080 · peers 192\.168\.0\.1 ×10/);
  assert.match(r.stdout, /withUnread=40 withoutUnread=0/);
  assert.match(r.stdout, /never read the socket to the end/);
  assert.match(r.stdout, /Not a fix: lowering tcp_keepalive_time/);
  assert.match(r.stdout, /No sysctl values/);
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
  assert.doesNotMatch(r.stdout, /^(WARNING|CRITICAL) /m);
  assert.match(r.stdout, /No problems found/);
  assert.match(r.stdout, /INFO {2}time_wait_pressure\n {2}150 TIME-WAIT on listening port 443, left by nginx \(pid 1200, inferred from the listener\)/);
  assert.match(r.stdout, /2 h 11 min 15 s/);
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
  assert.match(r.stdout, /^警告 {2}close_wait_leak$/m);
  assert.match(r.stdout, /40 个 CLOSE-WAIT 套接字，属于/);
  assert.match(r.stdout, /怎么办/);
  const z = runCli(['doctor', '--input', path.join(FX, 'healthy')], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.match(z.stdout, /未发现问题/);
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
    [['doctor', '--frobnicate'], /Unknown option '--frobnicate'/],
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
  assert.match(all.stdout, /CRITICAL {2}accept_queue_overflow\n {2}Accept queue of 127\.0\.0\.1:6000 full: 2 connections waiting for accept\(\) \(limit 1\) in python3 \(pid 6592\)/);
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
