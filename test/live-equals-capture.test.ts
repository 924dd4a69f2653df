// Live is at least as good as a capture: the same namespace read live (tcplens run inside it, as on
// the host itself) and captured (`tcplens capture DIR --netns NAME`, then `doctor --input DIR`) must give the same
// verdict. The accept queue is the case where they used to differ: only netlink reports a
// listener's backlog limit (/proc prints 0 for it), and a capture has it from `ss -tanpoei`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import type { DoctorReport, Finding } from '../src/diagnose/finding.js';
import { nativeAvailable } from '../src/node/native/sock-diag.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';
import { spawnSync } from 'node:child_process';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';

const skip = netnsSkipReason() ?? (nativeAvailable() ? undefined : 'the native addon is not built: /proc has no backlog limit');

/** The CLI run inside the namespace (`ip netns exec`): its own namespace, read through netlink. */
function inside(ns: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cli = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...cli, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000, env: { ...process.env, LANG: 'C', LC_ALL: '' } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function acceptFinding(args: string[], ns?: string): Finding {
  const r = ns !== undefined ? inside(ns, ['doctor', ...args, '--json']) : runCli(['doctor', ...args, '--json'], { timeoutMs: 60_000 });
  assert.notEqual(r.status, 2, r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  const f = report.findings.find((x) => x.id === 'accept_queue_overflow' && x.evidence.localPort === 8091);
  assert.ok(f, `no accept_queue_overflow on 8091: ${report.findings.map((x) => `${x.id}(${x.severity})`).join(', ')}`);
  return f;
}

test('a full accept queue: read live through --netns, the same severity and limit as its capture', { skip, timeout: 90_000 }, async () => {
  const ns = TestNetns.create();
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-capture-'));
  try {
    const srv = ns.start('server', { port: 8091, mode: 'no-accept', backlog: 2 }, { lifetimeMs: 60_000, title: 'tl-full' });
    await srv.waitFor('ready');
    ns.start('client', { port: 8091, count: 12, mode: 'hold', concurrency: 12, connectTimeoutMs: 50_000 }, { lifetimeMs: 60_000 });
    await waitUntil('a full accept queue', async () => {
      const s = await readLiveSnapshot({ netns: ns.name, processes: false });
      const l = s.sockets.find((x) => x.state === 'LISTEN' && x.localPort === 8091);
      return l?.recvQ === 3 ? true : undefined;
    }, 20_000, 200);

    const live = acceptFinding([], ns.name);
    const cap = runCli(['capture', path.join(dir, 'cap'), '--netns', ns.name], { timeoutMs: 60_000 });
    assert.equal(cap.status, 0, cap.stderr);
    const captured = acceptFinding(['--input', path.join(dir, 'cap')]);

    assert.equal(live.severity, 'critical', 'backlog 2 holding 3: full');
    assert.equal(live.severity, captured.severity);
    assert.deepEqual(live.evidence.queues, { acceptQueue: 3, backlog: 2 });
    assert.deepEqual(live.evidence.queues, captured.evidence.queues);
    assert.equal(live.evidence.pid, srv.pid);
    assert.equal(live.evidence.pid, captured.evidence.pid);
    assert.ok(!(live.missing ?? []).some((m) => /limit is unknown/.test(m)), 'no "limit unknown, paste ss -ltn" live');

    // `ls` shows the limit as the listener's Send-Q, as `ss -ltn` does, instead of '-'.
    const ls = inside(ns.name, ['ls']);
    assert.equal(ls.status, 0, ls.stderr);
    const row = ls.stdout.split('\n').find((l) => /LISTEN/.test(l) && /:8091\b/.test(l));
    assert.match(row ?? '', /LISTEN\s+3\s+2\s/, ls.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await ns.destroy();
  }
});
