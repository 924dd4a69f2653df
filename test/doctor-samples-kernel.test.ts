// `doctor --samples` on the real kernel: a server that never closes its side, with clients sending
// FIN while the doctor samples, so its CLOSE-WAIT grows from one sample to the next. The report
// must give the count in every sample, the growth rate, and the process's fd limit (set with
// ulimit -n) with the time to reach it at that rate — in JSON and in the text a person reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { SamplesReport } from '../src/diagnose/samples-report.js';
import type { DoctorReport } from '../src/diagnose/finding.js';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';

const skip = netnsSkipReason();

/** The CLI, asynchronously: the test keeps opening connections while the doctor samples. */
function cliAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const argv = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts'), ...args] : [path.join(ROOT, 'bin/tcplens.js'), ...args];
  return new Promise((resolve) => {
    const c = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, LANG: 'C', LC_ALL: '' } });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * One process in the namespace that opens a connection every `everyMs`, sends FIN and keeps its
 * fd (FIN-WAIT-2 here, CLOSE-WAIT at the 'hold' server), until it is stopped.
 */
function trickle(ns: TestNetns, port: number, everyMs: number): { stop: () => void } {
  const js = `const net = require('node:net'); const held = [];
setInterval(() => { const c = net.connect(${port}, '127.0.0.1', () => c.end()); c.on('error', () => {}); c.on('data', () => {}); held.push(c); }, ${everyMs});
setTimeout(() => process.exit(0), 170000);`;
  const c = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', js], { stdio: 'ignore' });
  return { stop: () => { c.kill('SIGKILL'); } };
}

test('CLOSE-WAIT growing while doctor --samples runs: counts per sample, the rate, the fd limit and when it is reached', { skip, timeout: 240_000 }, async () => {
  const ns = TestNetns.create();
  try {
    const srv = ns.start('server', { port: 8095, mode: 'hold' }, { lifetimeMs: 120_000, title: 'tl-leak', nofile: 4096 });
    await srv.waitFor('ready');
    await ns.start('client', { port: 8095, count: 20, mode: 'end' }, { lifetimeMs: 120_000 }).waitFor('done');
    await waitUntil('20 CLOSE-WAIT', async () => {
      const s = await readLiveSnapshot({ netns: ns.name, processes: false });
      return s.sockets.filter((k) => k.state === 'CLOSE-WAIT').length >= 20 ? true : undefined;
    });

    const t1 = trickle(ns, 8095, 250);
    const r = await cliAsync(['doctor', '--netns', ns.name, '--samples', '3', '--interval', '2', '--json']);
    t1.stop();
    assert.notEqual(r.status, 2, r.stderr);
    const report = JSON.parse(r.stdout) as DoctorReport & { samples?: SamplesReport };
    const f = report.findings.find((x) => x.id === 'close_wait_leak');
    assert.ok(f, `no close_wait_leak: ${report.findings.map((x) => x.id).join(', ')}`);
    const s = report.samples;
    assert.ok(s, 'a samples section');
    assert.equal(s.takenAt.length, 3);
    const series = s.findings.find((x) => x.id === 'close_wait_leak');
    assert.ok(series, JSON.stringify(s));
    assert.deepEqual(series.subject, { state: 'CLOSE-WAIT', pid: srv.pid, process: 'tl-leak' });
    const c = series.counts;
    assert.equal(c.length, 3);
    assert.ok(c[0] >= 20 && c[1] >= c[0] && c[2] > c[0], `growing: ${c.join(' → ')}`);
    const expected = (c[2] - c[0]) / (s.windowMs / 1000);
    assert.ok(Math.abs(series.ratePerSec - expected) < 0.01, `${series.ratePerSec} vs ${expected}`);
    assert.ok(series.limit, 'the fd limit of the process');
    assert.equal(series.limit.what, 'close-wait-fds');
    assert.equal(series.limit.limit, 4096, 'RLIMIT_NOFILE from /proc/PID/limits');
    assert.ok(series.limit.current >= c[2], 'its open fds include every CLOSE-WAIT socket');
    assert.ok(series.limit.ratePerSec > 0 && series.limit.secondsToLimit !== undefined && series.limit.secondsToLimit > 0);

    // The text says the same: the counts, the rate and the time to the limit.
    const t2 = trickle(ns, 8095, 250);
    const t = await cliAsync(['doctor', '--netns', ns.name, '--samples', '3', '--interval', '2', '--lang', 'en']);
    t2.stop();
    assert.notEqual(t.status, 2, t.stderr);
    assert.match(t.stdout, /Samples: 3 reads over \d+ s/);
    assert.match(t.stdout, new RegExp(`close_wait_leak — CLOSE-WAIT held by tl-leak \\(pid ${srv.pid}\\): \\d+ → \\d+ → \\d+, \\+[\\d.]+/(s|min)`));
    assert.match(t.stdout, /fds \d+ of 4096 \(RLIMIT_NOFILE\), \+[\d.]+\/(s|min): the limit in about .+ at this rate/);
  } finally {
    await ns.destroy();
  }
});
