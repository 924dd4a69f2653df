// Capture on the "production" side, diagnose elsewhere: `tcplens capture DIR --netns X` of a real
// CLOSE-WAIT leak, then `tcplens doctor --input DIR` must say what `tcplens doctor --netns X` says
// live — same findings, same process, pid, port and counts — from the folder alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DoctorReport, Finding } from '../src/diagnose/finding.js';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason()
  ?? (/not implemented/.test(runCli(['doctor', '--help']).stderr) ? 'tcplens doctor is not implemented yet' : undefined);

function doctorJson(args: string[]): DoctorReport {
  const r = runCli(['doctor', ...args, '--json'], { timeoutMs: 60_000 });
  assert.ok(r.status === 0 || r.status === 1, `doctor ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DoctorReport;
}

/** What must survive the trip: which finding, about whom, how many. */
const gist = (f: Finding): string =>
  `${f.id} ${f.severity} ${f.evidence.process ?? '-'}/${f.evidence.pid ?? '-'} :${f.evidence.localPort ?? '-'} ×${f.evidence.count ?? '-'}`;

test('a capture folder diagnoses like the live namespace it was taken from', { skip, timeout: 90_000 }, async () => {
  const ns = TestNetns.create();
  const parent = mkdtempSync(path.join(tmpdir(), 'tcplens-roundtrip-'));
  try {
    const srv = ns.start('server', { port: 7070, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-leaky' });
    await srv.waitFor('ready');
    const closer = ns.start('server', { port: 7071, mode: 'close-first' }, { lifetimeMs: 60_000, title: 'tl-closer' });
    await closer.waitFor('ready');
    const a = ns.start('client', { port: 7070, count: 80, mode: 'end' }, { lifetimeMs: 60_000, title: 'tl-caller' });
    const b = ns.start('client', { port: 7071, count: 100, mode: 'wait', concurrency: 20 }, { lifetimeMs: 60_000 });
    assert.deepEqual((await a.waitFor('done')).errors, {});
    const bDone = await b.waitFor('done', 20_000);
    assert.deepEqual(bDone.errors, {});
    // One server TIME-WAIT per distinct client port, less the few connections that end in an RST
    // (see doctor-kernel-states.test.ts): the count the kernel settles on is what both reads must see.
    const distinct = Number(bDone.distinctPorts);
    let tw = 0;
    await waitUntil('the leak and the TIME-WAIT settled', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const leaked = s.sockets.filter((x) => x.state === 'CLOSE-WAIT' && x.processes?.[0]?.name === 'tl-leaky').length;
      const fw2 = s.sockets.filter((x) => x.state === 'FIN-WAIT-2').length;
      tw = s.sockets.filter((x) => x.state === 'TIME-WAIT').length;
      const rsts = s.counters['Tcp:OutRsts'] ?? 0;
      return leaked === 80 && fw2 === 80 && tw > 0 && tw === distinct - rsts ? true : undefined;
    });
    assert.ok(tw >= distinct * 0.9, `${tw} TIME-WAIT for ${distinct} connections`);

    const live = doctorJson(['--netns', ns.name]);
    const dir = path.join(parent, 'from-prod');
    const cap = runCli(['capture', dir, '--netns', ns.name]);
    assert.equal(cap.status, 0, cap.stderr);
    assert.ok(readdirSync(dir).includes('ss-tanpoei.txt'));
    const offline = doctorJson(['--input', dir]);

    assert.deepEqual(offline.summary.states, live.summary.states);
    assert.equal(offline.summary.total, 80 * 2 + tw + 2);
    assert.deepEqual(offline.findings.map(gist).sort(), live.findings.map(gist).sort());
    const leak = offline.findings.find((f) => f.id === 'close_wait_leak');
    assert.equal(leak?.evidence.process, 'tl-leaky');
    assert.equal(leak?.evidence.pid, srv.pid);
    assert.equal(leak?.evidence.localPort, 7070);
    // The folder keeps the namespace's sysctls, so advice that depends on them is the same.
    assert.equal(offline.summary.processAttributionComplete, true);
  } finally {
    rmSync(parent, { recursive: true, force: true });
    await ns.destroy();
  }
});
