// Process attribution on the real host: as root every socket of ours is named; as an ordinary
// user (nobody) the fds of other users' processes are closed to us, and the snapshot says the
// attribution is partial instead of pretending the socket has no owner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function listening(): Promise<Server> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

test('our own listener is attributed to this pid and process name', async () => {
  const srv = await listening();
  try {
    const port = (srv.address() as AddressInfo).port;
    const snap = await readLiveSnapshot();
    const s = snap.sockets.find((x) => x.state === 'LISTEN' && x.localPort === port);
    assert.ok(s, `LISTEN :${port} in /proc/net/tcp`);
    assert.equal(s.processes?.[0]?.pid, process.pid);
    const me = snap.processes.find((p) => p.pid === process.pid);
    assert.ok(me && me.name.length > 0 && (me.uptimeMs ?? -1) >= 0);
  } finally { srv.close(); }
});

test('as an ordinary user: attribution is partial and says so', { skip: isRoot ? undefined : 'needs root to run a reader as another user' }, async (t) => {
  const srv = await listening();
  try {
    const port = (srv.address() as AddressInfo).port;
    const mod = FROM_SOURCE ? path.join(ROOT, 'src/node/live-snapshot.ts') : path.join(ROOT, 'dist/src/node/live-snapshot.js');
    const script = `const m = await import(${JSON.stringify('file://' + mod)});
const s = await m.readLiveSnapshot();
const mine = s.sockets.find((x) => x.state === 'LISTEN' && x.localPort === ${port});
process.stdout.write(JSON.stringify({ complete: s.processAttributionComplete, problems: s.problems, seen: !!mine, owners: mine?.processes ?? null }));`;
    const argv = [...(FROM_SOURCE ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script];
    const r = spawnSync(process.execPath, argv, { cwd: ROOT, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0 && /EACCES|permission denied|ERR_MODULE_NOT_FOUND/i.test(r.stderr)) {
      t.skip(`user nobody cannot read the checkout at ${ROOT}`);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { complete: boolean; problems: { message: string }[]; seen: boolean; owners: unknown };
    assert.equal(out.seen, true, '/proc/net/tcp itself is readable by anyone');
    assert.equal(out.owners, null, 'a root-owned socket cannot be attributed by nobody');
    assert.equal(out.complete, false);
    assert.match(out.problems.map((p) => p.message).join('\n'), /process attribution is partial: \d+ processes' fds could not be read \(run as root/);
  } finally { srv.close(); }
});
