// `npm run bench watch`: what one `tcplens watch` refresh costs at 200,000 real sockets, and the
// memory it keeps per socket it follows. Run it beside `trace` (`node dist/bench/run.js trace
// watch`) for exact mode's cost in the same run.
//
// The sockets live in a namespace made for the run: 'hold' servers, and clients holding their
// connections (ESTABLISHED on both sides) or half-closing them ('end': FIN-WAIT-2 at the client,
// CLOSE-WAIT at the server, the leak watch is for). A refresh is what `watch --netns NAME` does each
// --interval (src/cli/commands/watch.ts): a `WatchReader` read (src/node/watch-read.ts: netlink from
// a thread that enters the namespace; /proc for counters and sysctls; /proc/PID/fd for owners), the
// fd limits of the top CLOSE-WAIT owners, and a `WatchSession` refresh (ages, flows, groups,
// growth, the doctor's findings). Two kinds: the steady refresh (a light read: every state but
// ESTABLISHED, ESTABLISHED counted by CurrEstab) and the full refresh (every state with tcp_info,
// the owner walk of every process) that watch makes at the start and once a minute; the average
// share of one core over a minute at a 10 s interval is five steady refreshes and one full one.
// Beside them, in the same run, the floors: the kernel's netlink dump alone (counts only, every
// record, every record but ESTABLISHED's) and a Node process that does nothing (`node -e 0`).
// CPU time is this process's user + system time (process.cpuUsage), so the kernel's work for our
// reads counts; the goal is under 2% of one core at a 10 s interval, i.e. under 200 ms per
// refresh. Medians of the refreshes after the first. Memory: heap retained per followed socket,
// after a forced GC. Knobs: TCPLENS_BENCH_WATCH_CONNECTIONS (default 100,000 connections, two
// sockets each), TCPLENS_BENCH_RUNS (refreshes per row after the first, default 5).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AgeTracker } from '../src/diagnose/ages.js';
import { WatchSession, type WatchFrame } from '../src/diagnose/watch-frame.js';
import { readFdUse } from '../src/node/fd-use.js';
import { readLiveSnapshot, readLiveStateCounts } from '../src/node/live-snapshot.js';
import { nativeAvailable, nativePacked, nativeTallyStates, statesMask } from '../src/node/native/sock-diag.js';
import { netnsFile } from '../src/node/netns.js';
import { WatchReader } from '../src/node/watch-read.js';
import { TCP_STATES } from '../src/model/states.js';
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

/**
 * CPU of the children we waited for, in ms (/proc/self/stat cutime + cstime, USER_HZ ticks): a read
 * of another namespace runs `ip netns pids` and a shell inside it for its /proc files and sysctls
 * (src/node/netns.ts), whose CPU process.cpuUsage does not see. Our own namespace spawns nothing.
 */
function childrenMs(): number {
  const f = readFileSync('/proc/self/stat', 'latin1');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; cost: Cost }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { value, cost: { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: ms(c.user + c.system) } };
}

/** One refresh as watch.ts does it, its parts timed apart. */
async function refresh(session: WatchSession, reader: WatchReader, last: WatchFrame | undefined, full: boolean): Promise<{ frame: WatchFrame; read: Cost; fds: Cost; session: Cost; total: Cost; children: number; light: boolean }> {
  const k0 = childrenMs();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const read = await timed(() => reader.read(full));
  const pids = new Set<number>();
  for (const g of last?.watched['CLOSE-WAIT'].byProcess.slice(0, 5) ?? []) if (g.pid !== undefined) pids.add(g.pid);
  const fds = await timed(() => readFdUse(pids));
  const s = await timed(() => session.refresh(read.value.snap, { fds: fds.value, ...(read.value.light ? { light: read.value.light } : {}) }));
  const c = process.cpuUsage(c0);
  return { frame: s.value, read: read.cost, fds: fds.cost, session: s.cost, total: { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: ms(c.user + c.system) }, children: childrenMs() - k0, light: read.value.light !== undefined };
}

/** CPU of `f` run `n` times: the median. */
function floor(n: number, f: () => unknown): Cost {
  const xs: Cost[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    f();
    const c = process.cpuUsage(c0);
    xs.push({ wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: ms(c.user + c.system) });
  }
  return { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) };
}

/** A Node process that does nothing, user + system CPU (GNU time), or undefined without it. */
function nodeNothing(n: number): number | undefined {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, '-e', '0'], { encoding: 'utf8' });
    const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (!m) return undefined;
    xs.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return median(xs);
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
    const { per, failed, clients } = await holdConnections(ns, procs, {
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

    // Refreshes as watch does them, on one session and one reader: the first (full, nothing
    // tracked yet), steady ones (light), then full ones as watch makes each minute (asked for here).
    type R = Awaited<ReturnType<typeof refresh>>;
    const session = new WatchSession(`netns:${ns.name}`);
    const reader = new WatchReader({ netns: ns.name });
    let last: WatchFrame | undefined;
    const one = async (full: boolean): Promise<R> => { const r = await refresh(session, reader, last, full); last = r.frame; return r; };
    const first = await one(true);
    const steady: R[] = [];
    for (let i = 1; i < REFRESHES; i++) steady.push(await one(false));
    const full: R[] = [];
    for (let i = 1; i < REFRESHES; i++) full.push(await one(true));
    if (steady.some((r) => !r.light)) process.stdout.write('NOTE: a steady refresh was not light (no addon, or no CurrEstab): every read listed every state.\n');
    const med = (xs: Cost[], k: keyof Cost): number => median(xs.map((x) => x[k]));
    const L = med(steady.map((x) => x.total), 'cpu');
    const F = med(full.map((x) => x.total), 'cpu');
    process.stdout.write(`${REFRESHES - 1} refreshes of each kind (median). CPU = user + system of this process; load average ${loadavg()[0].toFixed(2)} after them.\n\n`);
    process.stdout.write('| refresh | CPU ms | wall ms | read CPU | fd limits CPU | session CPU | % of one core at 10 s | + children CPU (`--netns` only) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n');
    const row = (name: string, xs: R[]): void => {
      const cpu = med(xs.map((x) => x.total), 'cpu');
      process.stdout.write(`| ${name} | ${f1(cpu)} | ${f1(med(xs.map((x) => x.total), 'wall'))} | ${f1(med(xs.map((x) => x.read), 'cpu'))} | ${f1(med(xs.map((x) => x.fds), 'cpu'))} | ${f1(med(xs.map((x) => x.session), 'cpu'))} | ${(cpu / 100).toFixed(2)}% | ${f1(median(xs.map((x) => x.children)))} |\n`);
    };
    row('steady refresh (light read: every state but ESTABLISHED, ESTABLISHED from CurrEstab)', steady);
    row('full refresh (every state, tcp_info, every owner; at the start and each minute)', full);
    row('first refresh (full, nothing tracked yet)', [first]);
    process.stdout.write(`| **average over a minute at a 10 s interval** (5 steady + 1 full) | ${f1((5 * L + F) / 6)} | | | | | ${((5 * L + F) / 600).toFixed(2)}% | |\n`);
    const lf = steady[steady.length - 1].frame;
    process.stdout.write(`\nAt the last steady refresh: ${lf.total.toLocaleString('en-US')} sockets (ESTABLISHED ${lf.states.ESTABLISHED.count.toLocaleString('en-US')} counted by CurrEstab; the full read after it listed ${full[0].frame.states.ESTABLISHED.count.toLocaleString('en-US')}); tracked ${lf.tracked.toLocaleString('en-US')}; CLOSE-WAIT ${lf.watched['CLOSE-WAIT'].count.toLocaleString('en-US')} held by ${lf.watched['CLOSE-WAIT'].byProcess.length} processes; findings: ${lf.findings.map((f) => `${f.id}(${f.severity}${f.asOf !== undefined ? ', from the full read' : ''})`).join(', ') || 'none'}.\n`);

    // The floors, in the same run: the kernel's dump of the namespace with nothing done with it,
    // and a Node process that does nothing.
    const nsPath = netnsFile(ns.name);
    const lightMask = statesMask(TCP_STATES.filter((st) => st !== 'ESTABLISHED'));
    const runs = Math.max(3, REFRESHES - 1);
    const lightRows = nativePacked({ info: true, netnsPath: nsPath, states: lightMask });
    const floors: Array<[string, Cost | undefined]> = [
      ['netlink dump, every state, counts only (no record kept)', nativeAvailable() ? floor(runs, () => nativeTallyStates(new Float64Array(256), nsPath)) : undefined],
      ['netlink dump, every state, records with tcp_info', nativeAvailable() ? floor(runs, () => nativePacked({ info: true, netnsPath: nsPath })) : undefined],
      ['netlink dump, every state but ESTABLISHED, records with tcp_info', nativeAvailable() ? floor(runs, () => nativePacked({ info: true, netnsPath: nsPath, states: lightMask })) : undefined],
      [`those ${(lightRows?.length ?? 0).toLocaleString('en-US')} records decoded into SocketRecords`, lightRows ? floor(runs, () => lightRows.records()) : undefined],
    ];
    const nothing = nodeNothing(runs);
    process.stdout.write('\n| floor (same run) | CPU ms | wall ms |\n|---|---:|---:|\n');
    for (const [name, c] of floors) if (c) process.stdout.write(`| ${name} | ${f1(c.cpu)} | ${f1(c.wall)} |\n`);
    if (nothing !== undefined) process.stdout.write(`| \`node -e 0\` (a whole process, GNU time, 10 ms resolution) | ${f1(nothing)} | |\n`);

    // Many connections leaving ESTABLISHED between two steady refreshes (a client process killed:
    // the servers' sides go to CLOSE-WAIT): their owners come from the last full read, no fd walk.
    const victim = clients[ending];
    if (victim) {
      const cwBefore = last?.watched['CLOSE-WAIT'].count ?? 0;
      await one(false);
      victim.kill();
      await waitUntil('the killed client\'s connections in CLOSE-WAIT', async () => {
        const c = await readLiveStateCounts({ netns: ns.name });
        return (c['CLOSE-WAIT'] ?? 0) >= cwBefore + per - failed ? true : undefined;
      }, 60_000, 500);
      const r = await one(false);
      const cw = r.frame.watched['CLOSE-WAIT'];
      const moved = r.frame.flows.edges.find((e) => e.from === 'ESTABLISHED' && e.to === 'CLOSE-WAIT')?.count ?? 0;
      process.stdout.write(`\nA steady refresh right after ${moved.toLocaleString('en-US')} connections went ESTABLISHED → CLOSE-WAIT since the previous one (a client killed): ${f1(r.total.cpu)} ms CPU (read ${f1(r.read.cpu)}, session ${f1(r.session.cpu)}), ${r.light ? 'light' : 'NOT light'}; CLOSE-WAIT ${cw.count.toLocaleString('en-US')}, ${cw.byProcess.filter((g) => g.pid === undefined).reduce((a, g) => a + g.count, 0).toLocaleString('en-US')} of them without an owner.\n`);
    }

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
    const memSession = new WatchSession('bench');
    memSession.refresh(snap);
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
