// `tcplens watch` on the real kernel: a CLOSE-WAIT made at a known time, in a namespace of our own,
// is reported with an age interval that contains its true age, and with its owner's pid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { netnsSkipReason, NsProcess, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { WatchSession, type WatchFrame } from '../src/diagnose/watch-frame.js';
import { nativeAvailable } from '../src/node/native/sock-diag.js';
import { WatchReader } from '../src/node/watch-read.js';

const skip = netnsSkipReason();

function startWatch(args: string[]): NsProcess {
  const argv = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
  return new NsProcess(spawn(process.execPath, [...argv, 'watch', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C' } }));
}

/** Connects to 127.0.0.1:8090 and closes at once, saying the clock just before and after close(). */
const CLOSER = `
const c = require('net').connect({ host: '127.0.0.1', port: 8090 }, () => {
  const closedAfter = Date.now();
  c.destroy();
  process.stdout.write(JSON.stringify({ closedAfter, closedBy: Date.now() }) + '\\n');
  setTimeout(() => process.exit(0), 200);
});
c.on('error', (e) => { process.stdout.write(JSON.stringify({ error: String(e) }) + '\\n'); process.exit(1); });
`;

const frames = (w: NsProcess): WatchFrame[] => w.messages.filter((m) => m.schema === 'tcplens.watch/1') as unknown as WatchFrame[];

describe('tcplens watch in a namespace', { skip }, () => {
  let ns: TestNetns;
  before(() => { ns = TestNetns.create(); });
  after(async () => { await ns.destroy(); });

  test('a CLOSE-WAIT made while watch runs: its age interval contains the true age, in the stream and in --once', async () => {
    const srv = ns.start('server', { port: 8090, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-leak' });
    await srv.waitFor('ready');
    const watch = startWatch(['--json', '--interval', '1', '--netns', ns.name]);
    try {
      // A read before the socket exists, so its entry is bounded on both sides.
      await waitUntil('the first refresh', () => (frames(watch).length >= 1 ? true : undefined), 20_000);
      await new Promise((r) => setTimeout(r, 1200));
      // The client says when it closed: the server's socket enters CLOSE-WAIT inside that close()
      // (on loopback the FIN is processed before the call returns).
      const cli = new NsProcess(spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', CLOSER], { stdio: ['ignore', 'pipe', 'pipe'] }));
      const closed = await cli.waitFor('closedAfter');
      const made = Number(closed.closedAfter);
      const madeBy = Number(closed.closedBy);
      const seenAt = frames(watch).length;
      // Two more refreshes after the one that first lists it.
      const f = await waitUntil('two refreshes with the CLOSE-WAIT', () => {
        const withIt = frames(watch).slice(seenAt).filter((x) => x.watched['CLOSE-WAIT'].count === 1);
        return withIt.length >= 2 ? withIt[withIt.length - 1] : undefined;
      }, 20_000);
      const [k] = f.watched['CLOSE-WAIT'].oldestSockets;
      assert.equal(k.pid, srv.pid);
      assert.equal(k.process, 'tl-leak');
      assert.match(k.local, /^127\.0\.0\.1:8090$/);
      const r = k.ageRange;
      assert.ok(r && r.atMostMs !== undefined, `bounded interval expected: ${JSON.stringify(r)}`);
      // The true age at agesAt lies in [agesAt − madeBy, agesAt − made]; the interval must hold all of it.
      assert.ok(r.atLeastMs <= f.agesAt - madeBy, `atLeast ${r.atLeastMs} > true age ≥ ${f.agesAt - madeBy}`);
      assert.ok(r.atMostMs >= f.agesAt - made, `atMost ${r.atMostMs} < true age ≤ ${f.agesAt - made}`);
      cli.kill();
      // At least since the end of the read that first listed it.
      const first = frames(watch).find((x) => x.watched['CLOSE-WAIT'].count === 1);
      // netlink's tcp_info may tighten it further (the FIN's ACK, lastack: ages.ts), never loosen it.
      const sinceFirstRead = f.agesAt - (first?.agesAt ?? 0);
      if (r.basis.includes('tcp-info')) assert.ok(r.atLeastMs >= sinceFirstRead, `${r.atLeastMs} < ${sinceFirstRead}`);
      else assert.equal(r.atLeastMs, sinceFirstRead);
      assert.ok(r.atMostMs - r.atLeastMs <= 3000, `one interval wide, not more: ${JSON.stringify(r)}`);
      // The flow was seen: new → CLOSE-WAIT in some refresh.
      assert.ok(frames(watch).some((x) => x.flows.edges.some((e) => e.from === 'new' && e.to === 'CLOSE-WAIT')));

      const once = runCli(['watch', '--once', '--json', '--interval', '0.5', '--netns', ns.name]);
      assert.equal(once.status, 0, once.stderr);
      const o = JSON.parse(once.stdout) as WatchFrame;
      assert.equal(once.stdout.trim().split('\n').length, 1);
      const ok = o.watched['CLOSE-WAIT'].oldestSockets.find((x) => x.id === k.id);
      assert.ok(ok?.ageRange, 'the same socket, by its id');
      assert.equal(ok.pid, srv.pid);
      // Already there at its first read: at least the time between its two reads, no upper bound.
      // Unless netlink's tcp_info bounds it (lastrcv: no data after the peer's FIN): then the bound holds the true age.
      if (ok.ageRange.basis.includes('tcp-info') && ok.ageRange.atMostMs !== undefined) assert.ok(ok.ageRange.atMostMs >= o.agesAt - made, JSON.stringify(ok.ageRange));
      else assert.equal(ok.ageRange.atMostMs, undefined);
      assert.ok(ok.ageRange.atLeastMs >= 400 && ok.ageRange.atLeastMs <= o.agesAt - madeBy, JSON.stringify(ok.ageRange));
      assert.ok(o.findings.some((x) => x.id === 'close_wait_leak') || o.watched['CLOSE-WAIT'].count === 1);
    } finally {
      watch.kill();
      srv.kill();
    }
  });

  test('a light read: ESTABLISHED counted by CurrEstab as the full read lists it, a move out of ESTABLISHED still a flow', { skip: nativeAvailable() ? false : 'the native addon is not built: every read is full' }, async () => {
    const srv = ns.start('server', { port: 8092, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-est' });
    await srv.waitFor('ready');
    const hold = ns.start('client', { ports: [8092], count: 6, mode: 'hold', concurrency: 6, connectTimeoutMs: 10_000 }, { lifetimeMs: 60_000, title: 'tl-hold' });
    const leave = ns.start('client', { ports: [8092], count: 3, mode: 'end', concurrency: 3, connectTimeoutMs: 10_000 }, { lifetimeMs: 60_000, title: 'tl-end' });
    try {
      await hold.waitFor('done');
      await leave.waitFor('done');
      const reader = new WatchReader({ netns: ns.name });
      const session = new WatchSession(`netns:${ns.name}`);
      const first = await reader.read();
      assert.equal(first.light, undefined, 'the first read lists every state');
      const full = session.refresh(first.snap);
      const r = await reader.read();
      assert.ok(r.light, 'then every state but ESTABLISHED');
      assert.ok(!r.snap.sockets.some((k) => k.state === 'ESTABLISHED'));
      const f = session.refresh(r.snap, { light: r.light });
      // 6 held both ways: 12 ESTABLISHED; the 3 half-closed are CLOSE-WAIT, which CurrEstab counts since Linux 6.10.
      assert.equal(full.states.ESTABLISHED.count, 12);
      assert.equal(f.states.ESTABLISHED.count, full.states.ESTABLISHED.count);
      assert.equal(f.states['CLOSE-WAIT'].count, 3);
      assert.equal(f.listing.full, false);
      assert.equal(f.watched['CLOSE-WAIT'].byProcess[0]?.process, 'tl-est');
      // One held connection's client side ends: ESTABLISHED → FIN-WAIT-2 and, at the server, → CLOSE-WAIT.
      hold.kill();
      const g = await waitUntil('the ended connections in a light read', async () => {
        const x = await reader.read();
        const fr = session.refresh(x.snap, x.light ? { light: x.light } : {});
        return fr.flows.edges.some((e) => e.from === 'ESTABLISHED') ? fr : undefined;
      }, 10_000, 200);
      assert.equal(g.listing.full, false);
      assert.ok(g.flows.edges.some((e) => e.from === 'ESTABLISHED' && e.to === 'CLOSE-WAIT'), JSON.stringify(g.flows));
      // Their owner is the one the full read found for them while ESTABLISHED.
      assert.deepEqual(g.watched['CLOSE-WAIT'].byProcess.map((x) => [x.process, x.count]), [['tl-est', g.watched['CLOSE-WAIT'].count]]);
    } finally {
      hold.kill();
      leave.kill();
      srv.kill();
    }
  });

  test('--once as text fits 80 columns and names the holder; --help in Chinese', () => {
    const srv = ns.start('server', { port: 8091, mode: 'hold' }, { lifetimeMs: 30_000, title: 'tl-hold' });
    try {
      const r = runCli(['watch', '--once', '--interval', '0.3', '--netns', ns.name]);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 24);
      assert.match(lines[0], new RegExp(`^tcplens watch {2}netns:${ns.name} `));
      assert.match(r.stdout, /^LISTEN\s+\d+/m);
      const help = runCli(['watch', '--help', '--lang', 'zh']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /像 top 一样/);
      const bad = runCli(['watch', '--interval', '0']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--interval needs seconds/);
    } finally {
      srv.kill();
    }
  });
});
