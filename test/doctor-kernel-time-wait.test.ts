// time_wait_pressure on the real kernel, the case a TIME-WAIT count alone gets wrong: loopback with
// tcp_tw_reuse = 2 (the default) lets connect() take a TIME-WAIT entry again once it is 1 s old, so
// a few seconds after a burst the range looks free — yet during the burst every port was held and
// the connects beyond the range failed with EADDRNOTAVAIL. The entries' own timers show the burst.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import type { DoctorReport } from '../src/diagnose/finding.js';
import { netnsSkipReason, TestNetns } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();

test('loopback, tcp_tw_reuse = 2, a burst of 150 short connections into 100 ports → time_wait_pressure names the failed connects', { skip, timeout: 90_000 }, async () => {
  const ns = TestNetns.create();
  try {
    ns.sysctl('net.ipv4.ip_local_port_range', '40000 40099');
    ns.sysctl('net.ipv4.tcp_tw_reuse', '2');
    const srv = ns.start('server', { port: 8090, mode: 'echo' }, { lifetimeMs: 60_000, title: 'tl-backend' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8090, count: 150, mode: 'close', concurrency: 50 }, { lifetimeMs: 60_000, title: 'tl-burst' });
    const done = await cli.waitFor('done', 30_000);
    const failed = (done.errors as Record<string, number>).EADDRNOTAVAIL ?? 0;
    assert.ok(failed > 0, `the burst should outrun the reuse delay: ${JSON.stringify(done)}`);
    // Past the 1 s reuse delay: every entry is reusable now, the burst is history.
    await new Promise((r) => setTimeout(r, 1500));
    const snap = await readLiveSnapshot({ netns: ns.name });
    const tw = snap.sockets.filter((x) => x.state === 'TIME-WAIT' && x.remotePort === 8090);
    assert.equal(tw.length, 100);
    assert.ok(tw.every((x) => x.timer?.kind === 'timewait'), 'the live read keeps the TIME-WAIT timers');

    const r = runCli(['doctor', '--netns', ns.name, '--json'], { timeoutMs: 60_000 });
    assert.notEqual(r.status, 2, r.stderr);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const f = report.findings.find((x) => x.id === 'time_wait_pressure' && x.evidence.side === 'client');
    assert.ok(f, `expected a client-side time_wait_pressure; got ${report.findings.map((x) => `${x.id}(${x.severity})`).join(', ')}`);
    assert.equal(f.severity, 'warning');
    assert.equal(f.evidence.destination, '127.0.0.1:8090');
    assert.match(f.summary, /ran out in a burst: 100 connections closed within 1 s/);
    assert.match(f.summary, /connects beyond the 100 ports failed with EADDRNOTAVAIL/);
    assert.equal(f.evidence.figures?.portsRanOut, 1);
    assert.equal(f.evidence.figures?.peakPortsHeld, 100);
    const closes = f.evidence.rates?.find((x) => x.what === 'closes');
    assert.equal(closes?.basis, 'timewait-timers');
    assert.equal(closes?.count, 100);
    // The burst itself lasted well under the reuse delay, however long ago the doctor ran.
    assert.ok((closes?.overMs ?? Infinity) < 1000, `closes seen over ${closes?.overMs} ms`);
    assert.match(f.explanation, /100 closes within 0\.\d s, [\d.]+ s ago \(\d+\/s\), from TIME-WAIT timers/);
  } finally {
    await ns.destroy();
  }
});
