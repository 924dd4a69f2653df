// `npm run bench watch`: what one `tcplens watch` refresh costs at 200,000 real sockets, and the
// memory it keeps per socket it follows. Run it beside `trace` (`node dist/bench/run.js trace
// watch`) for exact mode's cost in the same run.
//
// The sockets live in a namespace made for the run: 'hold' servers, and clients holding their
// connections (ESTABLISHED on both sides) or half-closing them ('end': FIN-WAIT-2 at the client,
// CLOSE-WAIT at the server, the leak watch is for). One refresh is what `watch --netns NAME` does
// each --interval (src/cli/commands/watch.ts): read the namespace (netlink sock_diag from a thread
// that enters it, with tcp_info; /proc for counters and sysctls; /proc/PID/fd for owners), read the
// fd limits of the top CLOSE-WAIT owners, and feed a `WatchSession` (ages, flows, groups, growth,
// the doctor's findings). CPU time is this process's user + system time (process.cpuUsage), so the
// kernel's work for our reads counts; the goal is under 2% of one core at a 10 s interval, i.e.
// under 200 ms per refresh. Medians of the steady refreshes (the first, with an empty tracker, is
// shown apart). Memory: heap retained per followed socket, after a forced GC.
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AgeTracker } from '../src/diagnose/ages.js';
import { WatchSession, type WatchFrame } from '../src/diagnose/watch-frame.js';
import { readFdUse } from '../src/node/fd-use.js';
import { OwnerCache, readLiveSnapshot, readLiveStateCounts } from '../src/node/live-snapshot.js';
import { nativeAvailable } from '../src/node/native/sock-diag.js';
import type { HostSnapshot } from '../src/model/snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil, type NsProcess } from '../test/helpers/netns.js';
import { benchPorts, holdConnections, tuneForManySockets } from './hold-connections.js';

const CONNECTIONS = Number(process.env.TCPLENS_BENCH_WATCH_CONNECTIONS ?? 100_000);
const REFRESHES = Number(process.env.TCPLENS_BENCH_RUNS ?? 5) + 1;
/** Share of connections half-closed by the client: CLOSE-WAIT at the server. */
const CLOSE_WAIT_SHARE = 0.2;
const PER_PROCESS = 15_000;
const PORTS = benchPorts(CONNECTIONS, PER_PROCESS, 6001);
const GROUPS = PORTS.length;

function gc(): void {
  setFlagsFromString('--expose_gc');
  const g = runInNewContext('gc') as (() => void) | undefined;
  g?.();
  g?.();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const ms = (us: number): number => us / 1000;
const f1 = (n: number): string => n.toFixed(1);

interface Cost { wall: number; cpu: number }

async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; cost: Cost }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { value, cost: { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: ms(c.user + c.system) } };
}

/** One refresh as watch.ts does it, its parts timed apart. */
async function refresh(session: WatchSession, name: string, last: WatchFrame | undefined, processes: boolean, ownerCache: OwnerCache | undefined): Promise<{ frame: WatchFrame; read: Cost; fds: Cost; session: Cost; total: Cost }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const read = await timed(() => readLiveSnapshot({ netns: name, netnsNetlink: true, processes, ...(ownerCache ? { ownerCache } : {}) }));
  const snap: HostSnapshot = read.value;
  const pids = new Set<number>();
  for (const g of last?.watched['CLOSE-WAIT'].byProcess.slice(0, 5) ?? []) if (g.pid !== undefined) pids.add(g.pid);
  const fds = await timed(() => readFdUse(pids));
  const s = await timed(() => session.refresh(snap, { fds: fds.value }));
  const c = process.cpuUsage(c0);
  return { frame: s.value, read: read.cost, fds: fds.cost, session: s.cost, total: { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: ms(c.user + c.system) } };
}

export async function run(): Promise<void> {
  const why = netnsSkipReason();
  if (why) { process.stdout.write(`skipped: ${why}\n`); return; }
  const ns = TestNetns.create();
  const procs: NsProcess[] = [];
  try {
    tuneForManySockets(ns);
    const t0 = Date.now();
    const ending = Math.round(GROUPS * CLOSE_WAIT_SHARE) || 1;
    const { per, failed } = await holdConnections(ns, procs, {
      ports: PORTS, connections: CONNECTIONS, lifetimeMs: 3_600_000, doneTimeoutMs: 600_000, mode: (i) => (i < ending ? 'end' : 'hold'),
    });
    const expected = 2 * (per * GROUPS - failed);
    await waitUntil('every socket visible', async () => {
      const c = await readLiveStateCounts({ netns: ns.name });
      return Object.values(c).reduce((a, b) => a + (b ?? 0), 0) >= expected ? true : undefined;
    }, 120_000, 1000);
    const counts = await readLiveStateCounts({ netns: ns.name });
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    process.stdout.write(`${total.toLocaleString('en-US')} sockets (${JSON.stringify(counts)}) in ${(GROUPS * 2).toString()} processes, set up in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${failed} connects failed; native sock_diag ${nativeAvailable() ? 'loaded' : 'NOT built (the /proc path)'}; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)} before timing.\n\n`);

    // Refreshes as watch does them (a live source keeps owners between reads, a full /proc/PID/fd
    // walk every minute), with that full walk at every refresh, and without owners at all.
    const rows: Array<{ name: string; first: Awaited<ReturnType<typeof refresh>>; steady: Array<Awaited<ReturnType<typeof refresh>>> }> = [];
    const kinds = [
      { name: '`tcplens watch` refresh (owners kept between reads)', processes: true, cache: true },
      { name: 'refresh with a full /proc/PID/fd walk (each minute in watch)', processes: true, cache: false },
      { name: 'refresh without owners', processes: false, cache: false },
    ];
    for (const k of kinds) {
      const session = new WatchSession(`netns:${ns.name}`);
      const cache = k.cache ? new OwnerCache() : undefined;
      let last: WatchFrame | undefined;
      const all: Array<Awaited<ReturnType<typeof refresh>>> = [];
      for (let i = 0; i < REFRESHES; i++) {
        const r = await refresh(session, ns.name, last, k.processes, cache);
        last = r.frame;
        all.push(r);
      }
      rows.push({ name: k.name, first: all[0], steady: all.slice(1) });
    }
    const med = (xs: Cost[], k: keyof Cost): number => median(xs.map((x) => x[k]));
    process.stdout.write(`One refresh, ${REFRESHES - 1} steady refreshes (median; the first, with nothing tracked yet, apart). CPU = user + system of this process.\n\n`);
    process.stdout.write('| refresh | CPU ms | wall ms | read CPU | fd limits CPU | session CPU | first refresh CPU | % of one core at 10 s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const r of rows) {
      const cpu = med(r.steady.map((x) => x.total), 'cpu');
      process.stdout.write(`| ${r.name} | ${f1(cpu)} | ${f1(med(r.steady.map((x) => x.total), 'wall'))} | ${f1(med(r.steady.map((x) => x.read), 'cpu'))} | ${f1(med(r.steady.map((x) => x.fds), 'cpu'))} | ${f1(med(r.steady.map((x) => x.session), 'cpu'))} | ${f1(r.first.total.cpu)} | ${(cpu / 100).toFixed(2)}% |\n`);
    }
    const lastFrame = rows[0].steady[rows[0].steady.length - 1].frame;
    process.stdout.write(`\nTracked sockets: ${lastFrame.tracked.toLocaleString('en-US')}; CLOSE-WAIT ${lastFrame.watched['CLOSE-WAIT'].count.toLocaleString('en-US')} held by ${lastFrame.watched['CLOSE-WAIT'].byProcess.length} processes; findings: ${lastFrame.findings.map((f) => `${f.id}(${f.severity})`).join(', ') || 'none'}.\n`);

    // Memory: what a session keeps per socket it follows: the tracker's entry and key, the ages
    // written into the records, the indexes of a refresh. The read itself is held before and after
    // (the session keeps the last read for redraws), so its records are not counted here; their
    // size is the last row. The namespace's processes live an hour: check they are all still there.
    const still = Object.values(await readLiveStateCounts({ netns: ns.name })).reduce((a, b) => a + (b ?? 0), 0);
    const snap = await readLiveSnapshot({ netns: ns.name, netnsNetlink: true, processes: true });
    const n = snap.sockets.length;
    gc();
    const h0 = process.memoryUsage().heapUsed;
    const tracker = new AgeTracker({ inPlace: true, unaged: new Set(['ESTABLISHED']) });
    tracker.observe(snap);
    gc();
    const h1 = process.memoryUsage().heapUsed;
    const session = new WatchSession('bench');
    session.refresh(snap);
    gc();
    const h2 = process.memoryUsage().heapUsed;
    const snapBytes = await (async () => {
      gc();
      const a = process.memoryUsage().heapUsed;
      const extra = await readLiveSnapshot({ netns: ns.name, netnsNetlink: true, processes: true });
      gc();
      const b = process.memoryUsage().heapUsed;
      return (b - a) / Math.max(1, extra.sockets.length);
    })();
    process.stdout.write(`\nSockets in the namespace when memory was measured: ${still.toLocaleString('en-US')} (${n.toLocaleString('en-US')} in the read; ${total.toLocaleString('en-US')} at the start).\n`);
    process.stdout.write(`\n| memory (heap after GC) | bytes per socket |\n|---|---:|\n`);
    process.stdout.write(`| age tracker alone (one entry and key per socket, ages written into the read's records), ${tracker.size.toLocaleString('en-US')} sockets | ${Math.round((h1 - h0) / Math.max(1, tracker.size))} |\n`);
    process.stdout.write(`| whole watch session (its own tracker, the read's ages and indexes, findings, growth window) | ${Math.round((h2 - h1) / Math.max(1, n))} |\n`);
    process.stdout.write(`| for scale: one snapshot read (SocketRecord with owners) | ${Math.round(snapBytes)} |\n`);
  } finally {
    await ns.destroy();
  }
}
