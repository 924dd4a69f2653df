// `tcplens watch --trace` on the real kernel: every state change of a scripted exchange in a
// namespace, counted per edge, in the same frame schema as polling; the private tracefs instance
// is gone after SIGTERM. tracefs: see test/helpers/tracefs.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { findTracefs } from '../src/node/trace/tracefs.js';
import type { WatchFrame } from '../src/diagnose/watch-frame.js';
import { NsProcess, TestNetns, waitUntil } from './helpers/netns.js';
import { tracefsSkipReason } from './helpers/tracefs.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';

const skip = tracefsSkipReason();

test('watch --trace --netns: a scripted exchange yields exactly its transitions per edge; SIGTERM removes the instance', { skip, timeout: 60_000 }, async () => {
  const ns = TestNetns.create();
  const tracefs = findTracefs() as string;
  let watch: NsProcess | undefined;
  try {
    // The tracepoint has no namespace field: events belong to a namespace by its own addresses.
    const add = ns.exec(['ip', 'addr', 'add', '10.79.0.1/32', 'dev', 'lo']);
    assert.equal(add.status, 0, add.stderr);
    const srv = ns.start('server', { host: '10.79.0.1', port: 8091, mode: 'echo' }, { lifetimeMs: 40_000, title: 'tl-trace-srv' });
    await srv.waitFor('ready');
    const argv = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
    watch = new NsProcess(spawn(process.execPath, [...argv, 'watch', '--trace', '--json', '--interval', '0.5', '--netns', ns.name], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C' } }));
    const frames = (): WatchFrame[] => watch!.messages.filter((m) => m.schema === 'tcplens.watch/1') as unknown as WatchFrame[];
    await waitUntil('the first exact frame', () => (frames().length > 0 ? true : undefined), 20_000);
    assert.equal(frames()[0].mode, 'exact', watch.stderr);
    const instance = readdirSync(path.join(tracefs, 'instances')).find((n) => n === `tcplens-${watch!.pid}`);
    assert.ok(instance, 'the private instance exists while watch runs');
    const cli = ns.start('client', { host: '10.79.0.1', port: 8091, count: 5, concurrency: 1, mode: 'close' }, { lifetimeMs: 20_000 });
    await cli.waitFor('done');
    const n = frames().length;
    await waitUntil('two more frames after the exchange', () => (frames().length >= n + 3 ? true : undefined), 20_000);
    const total = new Map<string, number>();
    for (const f of frames()) for (const e of f.flows.edges) total.set(`${e.from}>${e.to}`, (total.get(`${e.from}>${e.to}`) ?? 0) + e.count);
    // Linux reports TIME-WAIT's start as FIN-WAIT-2 → CLOSED (the full socket gives way to a
    // timewait socket), and the passive open as LISTEN → SYN-RECEIVED on the child socket.
    assert.deepEqual(Object.fromEntries([...total].sort()), Object.fromEntries([
      ['CLOSED>SYN-SENT', 5], ['SYN-SENT>ESTABLISHED', 5], ['LISTEN>SYN-RECEIVED', 5], ['SYN-RECEIVED>ESTABLISHED', 5],
      ['ESTABLISHED>FIN-WAIT-1', 5], ['ESTABLISHED>CLOSE-WAIT', 5], ['FIN-WAIT-1>FIN-WAIT-2', 5], ['CLOSE-WAIT>LAST-ACK', 5],
      ['FIN-WAIT-2>CLOSED', 5], ['LAST-ACK>CLOSED', 5],
    ].sort()));
    const pid = watch.pid;
    watch.child.kill('SIGTERM');
    await waitUntil('watch to exit', () => (watch!.exited ? true : undefined), 10_000);
    assert.equal(existsSync(path.join(tracefs, 'instances', `tcplens-${pid}`)), false, 'instance removed after SIGTERM');
  } finally {
    watch?.kill();
    await ns.destroy();
  }
});
