// The doctor on the real kernel: each test builds one classic problem out of real sockets in a
// namespace of its own, checks that the live reader sees the right states, ports, pids and
// process names, then runs the real CLI (`tcplens doctor --netns NAME --json`) and checks that it
// names the right finding, process and port. A healthy mix must yield no warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import type { DoctorReport, Finding, RuleId } from '../src/diagnose/finding.js';
import type { HostSnapshot } from '../src/model/snapshot.js';
import type { TcpState } from '../src/model/states.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();
// While `tcplens doctor` is still a placeholder, the live half of each test runs and the doctor half skips.
const doctorSkip = skip === undefined && /not implemented/.test(runCli(['doctor', '--help']).stderr) ? 'tcplens doctor is not implemented yet' : undefined;
const DOCTOR = 'tcplens doctor --netns NAME --json names it';

async function withNs(fn: (ns: TestNetns) => Promise<void>): Promise<void> {
  const ns = TestNetns.create();
  try { await fn(ns); } finally { await ns.destroy(); }
}

function count(s: HostSnapshot, state: TcpState, pred: (x: HostSnapshot['sockets'][number]) => boolean = () => true): number {
  return s.sockets.filter((x) => x.state === state && pred(x)).length;
}

/** Runs the real CLI's doctor on the namespace. */
function doctor(ns: TestNetns): { report: DoctorReport; status: number | null } {
  const r = runCli(['doctor', '--netns', ns.name, '--json'], { timeoutMs: 60_000 });
  assert.notEqual(r.status, 2, `doctor failed: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+/, 'no stack trace');
  return { report: JSON.parse(r.stdout) as DoctorReport, status: r.status };
}

function finding(report: DoctorReport, id: RuleId): Finding {
  const f = report.findings.find((x) => x.id === id);
  assert.ok(f, `expected finding ${id}; got ${report.findings.map((x) => `${x.id}(${x.severity})`).join(', ') || 'none'}`);
  return f;
}

const show = (x: HostSnapshot['sockets'][number]): string => `${x.state} ${x.localPort}->${x.remotePort} q${x.recvQ} ${x.processes?.[0]?.name ?? '-'}`;

const atLeastWarning = (f: Finding): boolean => f.severity === 'warning' || f.severity === 'critical';

test('a server that never closes: CLOSE-WAIT piles up on its port → close_wait_leak names it', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    const srv = ns.start('server', { port: 8080, mode: 'hold' }, { lifetimeMs: 40_000, title: 'tl-leaky' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8080, count: 60, mode: 'end' }, { lifetimeMs: 40_000, title: 'tl-caller' });
    assert.deepEqual((await cli.waitFor('done')).errors, {});
    // Entering CLOSE-WAIT turns on delayed-ACK pingpong mode (tcp_fin), so the client may sit in
    // FIN-WAIT-1 for an ATO (~40 ms) before its FIN is acknowledged: wait for both sides.
    const snap = await waitUntil('60 CLOSE-WAIT and 60 FIN-WAIT-2', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      // ...and for the server to have accept()ed every one (its fd is how we know the owner).
      const owned = count(s, 'CLOSE-WAIT', (x) => x.processes?.[0]?.name === 'tl-leaky');
      return owned === 60 && count(s, 'FIN-WAIT-2') === 60 ? s : undefined;
    });
    for (const s of snap.sockets.filter((x) => x.state === 'CLOSE-WAIT')) {
      assert.equal(s.localPort, 8080);
      assert.deepEqual(s.processes?.map((p) => [p.pid, p.name]), [[srv.pid, 'tl-leaky']]);
    }
    // The client keeps its fds after shutdown(SHUT_WR): FIN-WAIT-2 with an owner, not an orphan.
    assert.equal(count(snap, 'FIN-WAIT-2', (x) => x.processes?.[0]?.name === 'tl-caller'), 60);

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const d = doctor(ns);
      const f = finding(d.report, 'close_wait_leak');
      assert.ok(atLeastWarning(f), f.severity);
      assert.equal(f.evidence.localPort, 8080);
      assert.equal(f.evidence.pid, srv.pid);
      assert.equal(f.evidence.process, 'tl-leaky');
      assert.equal(f.evidence.count, 60);
      assert.equal(d.status, 1);
    });
  });
});

test('a server that closes first: TIME-WAIT on the server port, no owner → time_wait_pressure evidence', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    const srv = ns.start('server', { port: 8081, mode: 'close-first' }, { lifetimeMs: 40_000, title: 'tl-closer' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8081, count: 300, mode: 'wait', concurrency: 20 }, { lifetimeMs: 40_000 });
    const done = await cli.waitFor('done', 20_000);
    assert.deepEqual(done.errors, {});
    // The kernel may hand the client a source port it used a moment ago: that SYN reopens the
    // server's TIME-WAIT entry for the same 4-tuple (a new incarnation), so the server holds one
    // TIME-WAIT entry per distinct client port, not per connection.
    // Also, a few of 300 connections sometimes end with an RST instead of the server's
    // TIME-WAIT (the namespace's Tcp:OutRsts counts exactly the missing ones): a race between the
    // test's Node peers we have not pinned down. Nothing else talks in the namespace, so once the
    // client is done the count is final; the doctor is checked against what the kernel shows.
    const distinct = Number(done.distinctPorts);
    assert.ok(distinct > 250 && distinct <= 300, `distinct client ports: ${distinct}`);
    const snap = await waitUntil(`about ${distinct} TIME-WAIT on :8081`, async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const n = count(s, 'TIME-WAIT', (x) => x.localPort === 8081);
      const rsts = s.counters['Tcp:OutRsts'] ?? 0;
      return n === distinct || (n > 0 && n === distinct - rsts) ? s : undefined;
    });
    const expected = count(snap, 'TIME-WAIT', (x) => x.localPort === 8081);
    assert.ok(expected >= distinct * 0.9, `${expected} TIME-WAIT for ${distinct} connections`);
    for (const s of snap.sockets.filter((x) => x.state === 'TIME-WAIT')) {
      assert.equal(s.inode, 0);
      assert.equal(s.processes, undefined);
      assert.ok(s.ageMs !== undefined && s.ageMs < 30_000);
    }

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const d = doctor(ns);
      assert.equal(d.report.summary.states['TIME-WAIT'], expected);
      const f = finding(d.report, 'time_wait_pressure');
      assert.equal(f.evidence.count, expected);
      assert.equal(f.evidence.side, 'server');
      assert.equal(f.evidence.localPort, 8081);
    });
  });
});

test('a narrowed ip_local_port_range: client TIME-WAIT holds every port, connect() fails with EADDRNOTAVAIL → time_wait_pressure', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    ns.sysctl('net.ipv4.ip_local_port_range', '40000 40009');
    ns.sysctl('net.ipv4.tcp_tw_reuse', '0'); // the default (2) may reuse loopback TIME-WAIT after 1 s
    const srv = ns.start('server', { port: 8082, mode: 'echo' }, { lifetimeMs: 40_000, title: 'tl-echo' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8082, count: 15, mode: 'close', concurrency: 1 }, { lifetimeMs: 40_000, title: 'tl-dialer' });
    const done = await cli.waitFor('done', 20_000);
    assert.equal(done.ok, 10);
    assert.deepEqual(done.errors, { EADDRNOTAVAIL: 5 });
    const snap = await readLiveSnapshot({ netns: ns.name });
    assert.equal(snap.sysctls['net.ipv4.ip_local_port_range'], '40000 40009');
    const tw = snap.sockets.filter((x) => x.state === 'TIME-WAIT' && x.remotePort === 8082);
    assert.equal(tw.length, 10);
    assert.deepEqual(tw.map((x) => x.localPort).sort(), Array.from({ length: 10 }, (_, i) => 40000 + i));

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const d = doctor(ns);
      const f = finding(d.report, 'time_wait_pressure');
      assert.ok(atLeastWarning(f), f.severity);
      assert.equal(f.evidence.side, 'client');
      assert.equal(f.evidence.destination, '127.0.0.1:8082');
      assert.equal(d.status, 1);
    });
  });
});

test('orphaned FIN-WAIT-2 with a short tcp_fin_timeout: minisockets that go away on time → fin_wait2_orphans', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    ns.sysctl('net.ipv4.tcp_fin_timeout', '12');
    const srv = ns.start('server', { port: 8083, mode: 'hold' }, { lifetimeMs: 40_000, title: 'tl-mute' });
    await srv.waitFor('ready');
    const cli = ns.start('client', { port: 8083, count: 50, mode: 'orphan' }, { lifetimeMs: 40_000, title: 'tl-quitter' });
    assert.deepEqual((await cli.waitFor('done')).errors, {});
    const snap = await waitUntil('50 orphaned FIN-WAIT-2, 50 accepted CLOSE-WAIT', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const owned = count(s, 'CLOSE-WAIT', (x) => x.processes?.[0]?.name === 'tl-mute');
      return count(s, 'FIN-WAIT-2') === 50 && owned === 50 ? s : undefined;
    });
    for (const s of snap.sockets.filter((x) => x.state === 'FIN-WAIT-2')) {
      // tcp_fin_timeout ≤ 60 s: the orphan became a timewait minisocket (st=05 tr=03 inode=0) —
      // unless the ACK of its FIN arrived while close() still held the socket lock
      // (sock_owned_by_user in tcp_rcv_state_process): then it stays a full orphan whose keepalive
      // timer serves as the FIN-WAIT-2 timer, with the same tcp_fin_timeout deadline.
      assert.equal(s.inode, 0);
      assert.equal(s.processes, undefined);
      assert.ok(s.timer?.kind === 'timewait' || s.timer?.kind === 'keepalive', `timer ${s.timer?.kind}`);
      assert.ok(s.timer.remainingMs <= 12_000, `remaining ${s.timer.remainingMs}`);
      assert.equal(s.remotePort, 8083);
    }
    assert.equal(count(snap, 'CLOSE-WAIT', (x) => x.processes?.[0]?.name === 'tl-mute'), 50);

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const f = finding(doctor(ns).report, 'fin_wait2_orphans');
      assert.equal(f.evidence.count, 50);
    });
    // tcp_fin_timeout governs them: gone within 12 s (+ timer slack), while CLOSE-WAIT stays.
    const after = await waitUntil('FIN-WAIT-2 reaped by tcp_fin_timeout', async () => {
      const s = await readLiveSnapshot({ netns: ns.name, processes: false });
      return count(s, 'FIN-WAIT-2') === 0 ? s : undefined;
    }, 20_000, 500);
    assert.equal(count(after, 'CLOSE-WAIT'), 50);
  });
});

test('a listener that never accepts: the accept queue fills, ListenOverflows rises → accept_queue_overflow', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    const srv = ns.start('server', { port: 8084, mode: 'no-accept', backlog: 2 }, { lifetimeMs: 40_000, title: 'tl-stuck' });
    await srv.waitFor('ready');
    ns.start('client', { port: 8084, count: 20, mode: 'hold', concurrency: 20, connectTimeoutMs: 30_000 }, { lifetimeMs: 40_000 });
    let last = '';
    const snap = await waitUntil('ListenOverflows > 0 with a full accept queue', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      const l = s.sockets.find((x) => x.state === 'LISTEN' && x.localPort === 8084);
      last = `overflows ${s.counters['TcpExt:ListenOverflows']}, LISTEN recvQ ${l?.recvQ}, ${s.sockets.map(show).join('; ')}`;
      return (s.counters['TcpExt:ListenOverflows'] ?? 0) > 0 && (l?.recvQ ?? 0) > 0 ? s : undefined;
    }, 15_000, 200).catch((e: Error) => { throw new Error(`${e.message}; last seen: ${last}`); });
    const listen = snap.sockets.find((x) => x.state === 'LISTEN' && x.localPort === 8084);
    assert.ok(listen);
    assert.equal(listen.recvQ, 3, 'backlog 2 holds 3 (sk_acceptq_is_full is ack_backlog > max)');
    assert.deepEqual(listen.processes?.map((p) => [p.pid, p.name]), [[srv.pid, 'tl-stuck']]);
    assert.ok(count(snap, 'SYN-SENT') > 0, 'the rest wait in SYN-SENT, their SYNs dropped');

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const d = doctor(ns);
      const f = finding(d.report, 'accept_queue_overflow');
      assert.ok(atLeastWarning(f), f.severity);
      assert.equal(f.evidence.localPort, 8084);
      assert.equal(f.evidence.process, 'tl-stuck');
      assert.equal(f.evidence.pid, srv.pid);
    });
  });
});

test('a healthy mix (listeners, live connections, a few client TIME-WAIT) yields no warning', { skip, timeout: 60_000 }, async (t) => {
  await withNs(async (ns) => {
    const srv = ns.start('server', { ports: [8085, 8086], mode: 'echo' }, { lifetimeMs: 40_000, title: 'tl-ok' });
    await srv.waitFor('ready');
    const a = ns.start('client', { ports: [8085, 8086], count: 10, mode: 'hold', write: 'ping' }, { lifetimeMs: 40_000, title: 'tl-pool' });
    const b = ns.start('client', { port: 8085, count: 5, mode: 'close' }, { lifetimeMs: 40_000 });
    assert.deepEqual((await a.waitFor('done')).errors, {});
    assert.deepEqual((await b.waitFor('done')).errors, {});
    const snap = await waitUntil('10 pooled connections', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      return count(s, 'ESTABLISHED', (x) => x.processes?.[0]?.name === 'tl-pool') === 10 ? s : undefined;
    });
    assert.equal(count(snap, 'LISTEN'), 2);
    assert.equal(count(snap, 'TIME-WAIT'), 5);

    await t.test(DOCTOR, { skip: doctorSkip }, () => {
      const d = doctor(ns);
      const loud = d.report.findings.filter(atLeastWarning);
      assert.deepEqual(loud.map((f) => `${f.id}: ${f.summary}`), []);
      assert.equal(d.status, 0);
    });
  });
});
