// The exporter's netlink read as columns against the snapshot of the very same dump: every series
// (states, ports, processes, destinations, queues, ages, findings) must come out the same from the
// columns as from the SocketRecords, at the first scrape and the next one (ages followed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { nativeAvailable } from '../native/sock-diag.js';
import { ExporterOwnerCache } from './packed-read.js';
import { ExporterMetrics, LABEL_SETS } from './metrics.js';
import { readPacked } from './packed-read.js';
import { packedCounts } from './packed-counts.js';
import { stateCountsByPort } from '../../diagnose/state-breakdown.js';

const skip = process.platform !== 'linux' || !nativeAvailable() ? 'needs the sock_diag addon (npm run build:native)' : undefined;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('nodejs_') && !l.startsWith('process_')).sort();
}

test('the columns give the series the snapshot of the same dump gives, scrape after scrape', { skip }, async () => {
  const held: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => { held.push(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const clients = await Promise.all(Array.from({ length: 6 }, () => new Promise<Socket>((r) => { const c = connect(port, '127.0.0.1', () => r(c)); })));
    // Two clients close first: TIME-WAIT on their side once the server closes too, CLOSE-WAIT until then.
    clients[0].end(); clients[1].end();
    await new Promise((r) => setTimeout(r, 100));
    const cache = new ExporterOwnerCache();
    for (const top of [20, 2]) {
      const viaColumns = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top });
      const viaRecords = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top });
      for (let round = 0; round < 2; round++) {
        // Between full walks, a socket opened since the last read is found (this process's fd count changed).
        const late = round === 1 ? await new Promise<Socket>((res) => { const c = connect(port, '127.0.0.1', () => res(c)); }) : undefined;
        if (late) clients.push(late);
        const r = await readPacked({ processes: true, ownerCache: cache, info: true });
        assert.ok(r, 'the netlink read answers');
        if (late) {
          let owner: number | undefined;
          for (let i = 0; i < r.sockets.length; i++) if (r.sockets.localPort(i) === late.localPort) owner = r.owners.get(r.sockets.inode(i))?.[0]?.pid;
          assert.equal(owner, process.pid, 'the new socket\'s owner is found between full walks');
        }
        const snap = r.snapshot();
        viaColumns.fill([{ netns: '', packed: Object.assign(r, { findings: true }), durationMs: 1 }]);
        viaRecords.fill([{ netns: '', snapshot: snap, durationMs: 1 }]);
        const a = lines(await viaColumns.registry.metrics());
        const b = lines(await viaRecords.registry.metrics());
        assert.deepEqual(a, b, `top ${top}, round ${round}`);
        const c = packedCounts(r, { port: true, process: true, destination: true, top: 1000 });
        assert.deepEqual(c.byPort, stateCountsByPort(snap, 1000));
        const mine = c.byPort?.top.find((g) => g.key === port);
        assert.equal(mine?.counts.LISTEN, 1);
        assert.ok((mine?.counts.ESTABLISHED ?? 0) + (mine?.counts['CLOSE-WAIT'] ?? 0) >= 6);
        assert.ok(a.some((l) => l.startsWith(`tcplens_ephemeral_ports_used{netns="",destination="127.0.0.1:${port}"}`)) || top < 20, 'the clients\' ports toward the server');
        await new Promise((res) => setTimeout(res, 30));
      }
    }
    // One connection closed and another opened: this process may keep its fd count, so the first
    // pass (processes whose count changed) can miss the new socket; the next read must find it.
    clients.shift()?.destroy();
    held.shift()?.destroy();
    const swapped = await new Promise<Socket>((res) => { const c = connect(port, '127.0.0.1', () => res(c)); });
    clients.push(swapped);
    await new Promise((res) => setTimeout(res, 50));
    let owner: number | undefined;
    for (let attempt = 0; attempt < 2 && owner === undefined; attempt++) {
      const r = await readPacked({ processes: true, ownerCache: cache, info: false, sysctls: [] });
      assert.ok(r);
      for (let i = 0; i < r.sockets.length; i++) if (r.sockets.localPort(i) === swapped.localPort) owner = r.owners.get(r.sockets.inode(i))?.[0]?.pid;
    }
    assert.equal(owner, process.pid, 'a socket opened by a process whose fd count did not change is found by the next read');
    for (const c of clients) c.destroy();
  } finally {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('findings are evaluated at the first netlink read, then once --findings-interval has passed (0: every scrape)', { skip }, async () => {
  const r = await readPacked({ processes: false, ownerCache: new ExporterOwnerCache(), info: true });
  assert.ok(r, 'the netlink read answers');
  const at = r.snapshot().takenAt;
  for (const [every, dueSoonAfter] of [[undefined, false], [0, true], [5_000, false]] as const) {
    const m = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top: 20, ...(every !== undefined ? { findingsEveryMs: every } : {}) });
    assert.equal(m.findingsDue('', at), true, 'nothing evaluated yet');
    m.fill([{ netns: '', packed: Object.assign(r, { findings: true }), durationMs: 1 }]);
    assert.equal(m.findingsDue('', at + 1000), dueSoonAfter, `interval ${every}`);
    assert.equal(m.findingsDue('', at + 60_000), true, `interval ${every}, a minute later`);
  }
});
