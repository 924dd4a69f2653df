// The live reader on the real kernel: sockets made in a namespace of our own, read back through
// /proc/<pid>/net (a process lives there) and through `ip netns exec` (none does).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLiveSnapshot, readLiveStateCounts } from '../src/node/live-snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';
import type { HostSnapshot, SocketRecord } from '../src/model/snapshot.js';

const skip = netnsSkipReason();
const show = (s: SocketRecord): string => `${s.state} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`;

describe('live /proc reader in a namespace', { skip }, () => {
  let ns: TestNetns;
  before(() => { ns = TestNetns.create(); });
  after(async () => { await ns.destroy(); });

  test('LISTEN and ESTABLISHED with their pids and process names, via /proc/<pid>/net', async () => {
    const srv = ns.start('server', { port: 8080, mode: 'hold' }, { lifetimeMs: 30_000, title: 'tl-srv' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8080, count: 3, mode: 'hold' }, { lifetimeMs: 30_000, title: 'tl-cli' });
    assert.deepEqual((await cli.waitFor('done')).errors, {});
    const snap: HostSnapshot = await waitUntil('3 connections on both sides', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      // Both sides established and accept()ed by the server (the owner is known from its fd).
      const accepted = s.sockets.filter((x) => x.state === 'ESTABLISHED' && x.localPort === 8080 && x.processes?.[0]?.name === 'tl-srv');
      return s.sockets.filter((x) => x.state === 'ESTABLISHED').length === 6 && accepted.length === 3 ? s : undefined;
    });
    assert.deepEqual(snap.sources, [{ kind: 'proc', origin: `netns:${ns.name}`, os: 'linux' }]);
    const listen = snap.sockets.filter((x) => x.state === 'LISTEN');
    assert.deepEqual(listen.map(show), ['LISTEN 127.0.0.1:8080 0.0.0.0:0']);
    assert.deepEqual(listen[0].processes?.map((p) => [p.pid, p.name]), [[srv.pid, 'tl-srv']]);
    const toServer = snap.sockets.filter((x) => x.state === 'ESTABLISHED' && x.remotePort === 8080);
    assert.equal(toServer.length, 3);
    for (const s of toServer) assert.deepEqual(s.processes?.map((p) => [p.pid, p.name]), [[cli.pid, 'tl-cli']]);
    const accepted = snap.sockets.filter((x) => x.state === 'ESTABLISHED' && x.localPort === 8080);
    for (const s of accepted) assert.equal(s.processes?.[0].name, 'tl-srv');
    assert.equal(snap.processAttributionComplete, true);
    assert.ok(snap.processes.some((p) => p.pid === srv.pid && p.name === 'tl-srv' && (p.cmdline ?? '').length > 0));
    // The same namespace named by a process in it (`--netns pid:N`, as for a container).
    const viaPid = await readLiveSnapshot({ netns: `pid:${srv.pid}`, processes: false });
    assert.deepEqual(viaPid.sockets.map(show).sort(), snap.sockets.map(show).sort());
    assert.deepEqual(viaPid.sysctls, snap.sysctls);
    assert.equal(viaPid.sources[0].origin, `netns:pid:${srv.pid}`);
    // Namespace counters, not the host's: exactly our 3 active opens.
    assert.equal(snap.counters['Tcp:ActiveOpens'], 3);
    assert.equal(snap.sockstat?.inuse, 7);
    srv.kill(); cli.kill();
  });

  test('server closes first: TIME-WAIT on the server port, no owner, age from the 60 s timer; seen with nobody left inside', async () => {
    const srv = ns.start('server', { port: 8081, mode: 'close-first' }, { lifetimeMs: 30_000, title: 'tl-closer' });
    await srv.waitFor('ready');
    const rstsBefore = (await readLiveSnapshot({ netns: ns.name, processes: false })).counters['Tcp:OutRsts'] ?? 0;
    const cli = ns.start('client', { port: 8081, count: 4, mode: 'wait' }, { lifetimeMs: 30_000 });
    const done = await cli.waitFor('done');
    assert.deepEqual(done.errors, {});
    srv.kill(); cli.kill();
    await waitUntil('no process left in the namespace', () => (srv.exited && cli.exited ? true : undefined));
    // One per distinct client port, less any connection that ended in an RST (see
    // doctor-kernel-states.test.ts): the RSTs this exchange added to Tcp:OutRsts.
    const tw = await waitUntil('the server TIME-WAIT entries', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const t = s.sockets.filter((x) => x.state === 'TIME-WAIT' && x.localPort === 8081);
      const expected = Number(done.distinctPorts) - ((s.counters['Tcp:OutRsts'] ?? 0) - rstsBefore);
      return t.length > 0 && t.length === expected ? t : undefined;
    });
    for (const s of tw) {
      assert.equal(s.inode, 0);
      assert.equal(s.processes, undefined);
      assert.equal(s.timer?.kind, 'timewait');
      assert.ok(s.timer.remainingMs > 40_000 && s.timer.remainingMs <= 60_000, `remaining ${s.timer.remainingMs}`);
      assert.ok(s.ageMs !== undefined && s.ageMs < 20_000);
    }
    // The fast count path agrees with the full parse (earlier tests' connections add their own).
    const all = (await readLiveSnapshot({ netns: ns.name, processes: false })).sockets.filter((x) => x.state === 'TIME-WAIT').length;
    assert.equal((await readLiveStateCounts({ netns: ns.name }))['TIME-WAIT'], all);
  });

  test('IPv6 and IPv4-mapped sockets come from /proc/net/tcp6 with their addresses (mapped ones as IPv4)', async () => {
    const v6 = ns.start('server', { port: 8443, host: '::1', mode: 'hold' }, { lifetimeMs: 30_000, title: 'tl-v6' });
    const dual = ns.start('server', { port: 8444, host: '::', mode: 'hold' }, { lifetimeMs: 30_000, title: 'tl-dual' });
    await v6.waitFor('ready');
    await dual.waitFor('ready');
    const a = ns.start('client', { host: '::1', port: 8443, count: 2, mode: 'hold' }, { lifetimeMs: 30_000 });
    const b = ns.start('client', { host: '127.0.0.1', port: 8444, count: 1, mode: 'hold' }, { lifetimeMs: 30_000 });
    assert.deepEqual((await a.waitFor('done')).errors, {});
    assert.deepEqual((await b.waitFor('done')).errors, {});
    const snap = await waitUntil('v6 and mapped connections accepted', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const served = s.sockets.filter((x) => x.state === 'ESTABLISHED' && (x.localPort === 8443 || x.localPort === 8444) && x.processes !== undefined);
      return served.length === 3 ? s : undefined;
    });
    const v6Listen = snap.sockets.filter((x) => x.state === 'LISTEN' && x.family === 'ipv6').map(show).sort();
    assert.deepEqual(v6Listen, ['LISTEN ::1:8443 :::0', 'LISTEN :::8444 :::0']);
    // An IPv4 peer of the dual-stack listener: /proc/net/tcp6 prints ::ffff:127.0.0.1, read as the
    // IPv4 address it carries, as ss's and netstat's text of the same socket is (one 4-tuple for both).
    const mapped = snap.sockets.find((x) => x.state === 'ESTABLISHED' && x.localPort === 8444);
    assert.equal(mapped?.family, 'ipv4');
    assert.equal(mapped?.localAddress, '127.0.0.1');
    assert.equal(mapped?.remoteAddress, '127.0.0.1');
    assert.equal(mapped?.processes?.[0]?.name, 'tl-dual');
    const toV6 = snap.sockets.filter((x) => x.state === 'ESTABLISHED' && x.remotePort === 8443);
    assert.deepEqual(toV6.map((x) => `${x.family} ${x.localAddress} ${x.remoteAddress}`), ['ipv6 ::1 ::1', 'ipv6 ::1 ::1']);
    for (const p of [v6, dual, a, b]) p.kill();
  });

  test('namespace-local sysctls are read inside the namespace, tcp_tw_recycle is gone', async () => {
    ns.sysctl('net.ipv4.tcp_fin_timeout', '7');
    ns.sysctl('net.ipv4.ip_local_port_range', '40000 40100');
    const s = await readLiveSnapshot({ netns: ns.name, processes: false });
    assert.equal(s.sysctls['net.ipv4.tcp_fin_timeout'], '7');
    assert.equal(s.sysctls['net.ipv4.ip_local_port_range'], '40000 40100');
    assert.ok('net.core.somaxconn' in s.sysctls);
    assert.equal('net.ipv4.tcp_tw_recycle' in s.sysctls, false);
    // ...and the host's own value is untouched.
    assert.notEqual(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().replace(/\s+/, ' '), '40000 40100');
  });

  test('tcplens capture --netns writes the namespace\'s files and refuses to overwrite', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'tcplens-cap-'));
    try {
      const dir = path.join(parent, 'cap');
      const r = runCli(['capture', dir, '--netns', ns.name]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /tcplens doctor --input/);
      const names = readdirSync(dir);
      for (const f of ['manifest.json', 'proc-net-tcp', 'proc-net-netstat', 'proc-net-snmp', 'proc-net-sockstat', 'sysctl.txt', 'ss-tanpoei.txt']) assert.ok(names.includes(f), `${f} in ${names.join(' ')}`);
      assert.match(readFileSync(path.join(dir, 'sysctl.txt'), 'utf8'), /^net\.ipv4\.tcp_fin_timeout = 7$/m);
      assert.match(readFileSync(path.join(dir, 'ss-tanpoei.txt'), 'utf8'), /TIME-WAIT.*:8081/);
      const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { netns: string; kernel: string };
      assert.equal(m.netns, ns.name);
      const again = runCli(['capture', dir]);
      assert.equal(again.status, 2);
      assert.match(again.stderr, /is not empty/);
    } finally { rmSync(parent, { recursive: true, force: true }); }
  });
});

test('--netns of a namespace that does not exist is a clear error', { skip }, async () => {
  await assert.rejects(readLiveSnapshot({ netns: 'tlt-no-such-ns' }), /no network namespace named 'tlt-no-such-ns'/);
  await assert.rejects(readLiveSnapshot({ netns: 'pid:999999999' }), /no process 999999999 whose network namespace/);
  const r = runCli(['capture', path.join(tmpdir(), `tcplens-never-${process.pid}`), '--netns', 'tlt-no-such-ns']);
  assert.equal(r.status, 2);
  assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+/);
});
