// idle_established on the real kernel: a client holds 120 connections to a server in the same
// namespace, neither sets SO_KEEPALIVE, nothing is sent. The live read shows each socket with no
// timer armed and empty queues; the doctor names the owner's pid and port, and the keepalive
// arithmetic from the namespace's own sysctls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DoctorReport } from '../src/diagnose/finding.js';
import { netnsSkipReason, TestNetns } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();

test('idle ESTABLISHED without keepalive → idle_established with the owner\'s pid and port', { skip, timeout: 90_000 }, async () => {
  const ns = TestNetns.create();
  try {
    ns.sysctl('net.ipv4.tcp_keepalive_time', '600');
    const srv = ns.start('server', { port: 8085, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-idle-srv' });
    const ready = await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8085, count: 120, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-idle-cli' });
    const done = await cli.waitFor('done', 20_000);
    assert.equal(done.ok, 120);
    await new Promise((r) => setTimeout(r, 300)); // the server's accept() of the last ones

    const r = runCli(['doctor', '--netns', ns.name, '--json'], { timeoutMs: 60_000 });
    assert.notEqual(r.status, 2, r.stderr);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const idle = report.findings.filter((x) => x.id === 'idle_established');
    const server = idle.find((x) => x.evidence.side === 'server');
    assert.ok(server, `expected idle_established for the server; got ${report.findings.map((x) => `${x.id}(${x.severity})`).join(', ')}`);
    assert.equal(server.severity, 'info');
    assert.equal(server.evidence.pid, ready.pid);
    assert.equal(server.evidence.process, 'tl-idle-srv');
    assert.equal(server.evidence.localPort, 8085);
    assert.equal(server.evidence.count, 120);
    assert.match(server.summary, /120 ESTABLISHED connections with nothing queued and no keepalive on port 8085 held by tl-idle-srv \(pid \d+\)/);
    assert.match(server.explanation, /600 \+ 75 × 9 s = 21 min 15 s/);
    const client = idle.find((x) => x.evidence.side === 'client');
    assert.ok(client);
    assert.equal(client.evidence.process, 'tl-idle-cli');
    assert.equal(client.evidence.destination, '127.0.0.1:8085');
  } finally {
    await ns.destroy();
  }
});
