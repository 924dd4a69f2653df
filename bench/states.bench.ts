// `npm run bench states`: counting sockets per state on 100,000+ real loopback sockets, tcplens
// against what people type today, in one run on the same sockets:
//   ss -tan | awk '{print $1}' | sort | uniq -c
//   ss -tan | awk '{++S[$1]} END {for(a in S) print a, S[a]}'
//   netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'   (the classic one-liner)
// The sockets live in a network namespace made for the run (servers on a few ports and as many
// client processes holding N connections, so 2N sockets plus listeners); everything is removed
// afterwards. Each
// command runs inside the namespace (`ip netns exec`), the library in-process reads the same
// namespace through /proc/<server pid>/net; the native sock_diag rows (src/node/native) are timed
// by a child inside the namespace, since netlink answers for its caller's namespace only. Medians of RUNS alternating runs; ratios are the
// other tool's median over tcplens's (above 1 = tcplens is faster).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readLiveSnapshot, readLiveStateCounts } from '../src/node/live-snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil, type NsProcess } from '../test/helpers/netns.js';
import { benchPorts, holdConnections, tuneForManySockets } from './hold-connections.js';

const CONNECTIONS = Number(process.env.TCPLENS_BENCH_CONNECTIONS ?? 60_000);
const RUNS = Number(process.env.TCPLENS_BENCH_RUNS ?? 7);
const OWNER_RUNS = Math.min(RUNS, 3);
// A process may hold at most RLIMIT_NOFILE's hard limit of fds (often 20,000 in sandboxes, and root
// without CAP_SYS_RESOURCE cannot raise it), so sockets are spread: one server process per port,
// as many client processes, at most PER_PROCESS connections each.
const PER_PROCESS = 15_000;
const PORTS = benchPorts(CONNECTIONS, PER_PROCESS, 5001);
const GROUPS = PORTS.length;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, existsSync(path.resolve(here, '../package.json')) ? '..' : '../..');
const fromSource = import.meta.url.endsWith('.ts');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Contender { name: string; run: () => string | undefined | Promise<string | undefined>; note?: string; timedInside?: boolean }

/**
 * The native sock_diag path timed in-process: netlink sees only the caller's namespace, so a child
 * inside the namespace loads the addon, warms up once, and times RUNS counts and RUNS record reads.
 */
function timeNativeInNs(ns: TestNetns): { counts: number[]; records: number[]; total: number } | string {
  const ext = fromSource ? 'ts' : 'js';
  const mod = pathToFileURL(path.join(fromSource ? root : path.join(root, 'dist'), `src/node/native/sock-diag.${ext}`)).href;
  const script = `
import { nativeAvailable, nativeSockets, nativeTallyStates } from '${mod}';
if (!nativeAvailable()) { console.log(JSON.stringify({ missing: true })); process.exit(0); }
const ms = (f) => { const a = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - a) / 1e6; };
const tally = () => { const c = new Float64Array(256); if (!nativeTallyStates(c)) throw new Error('sock_diag failed'); return c; };
tally(); nativeSockets();
const counts = [], records = [];
for (let i = 0; i < ${RUNS}; i++) { counts.push(ms(tally)); records.push(ms(() => nativeSockets())); }
console.log(JSON.stringify({ counts, records, total: tally().reduce((a, b) => a + b, 0) }));
`;
  const r = ns.exec([process.execPath, ...(fromSource ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], 300_000);
  if (r.status !== 0) return `not timed: ${r.stderr.trim().split('\n')[0] || 'failed'}`;
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { missing?: boolean; counts: number[]; records: number[]; total: number };
  return out.missing ? 'not timed: the addon is not built (node scripts/build-native.mjs)' : out;
}

/** Runs a shell pipeline inside the namespace; returns its stdout. */
function inNs(ns: TestNetns, cmd: string): () => string {
  return () => {
    const r = ns.exec(['sh', '-c', cmd], 120_000);
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr.trim() || `exit ${r.status}`}`);
    return r.stdout;
  };
}

function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export async function run(): Promise<void> {
  const why = netnsSkipReason();
  if (why) { process.stdout.write(`skipped: ${why}\n`); return; }
  const ns = TestNetns.create();
  const procs: NsProcess[] = [];
  try {
    tuneForManySockets(ns);
    const t0 = Date.now();
    const { per, failed } = await holdConnections(ns, procs, { ports: PORTS, connections: CONNECTIONS, lifetimeMs: 600_000, doneTimeoutMs: 300_000 });
    const procRoot = `/proc/${procs[0].pid}`;
    const expected = 2 * (per * GROUPS - failed) + PORTS.length;
    await waitUntil('every socket visible', async () => {
      const c = await readLiveStateCounts({ procRoot });
      return (c.ESTABLISHED ?? 0) + (c.LISTEN ?? 0) >= expected ? true : undefined;
    }, 60_000, 500);
    const counts = await readLiveStateCounts({ procRoot });
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    process.stdout.write(`${total} sockets (${JSON.stringify(counts)}), set up in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${failed} connects failed; median of ${RUNS} runs each (${OWNER_RUNS} for the rows with owners); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)} before timing\n\n`);

    const cliArgv = fromSource
      ? [process.execPath, '--import', 'tsx', path.join(root, 'src/cli/entry.ts')]
      : [process.execPath, path.join(root, 'bin/tcplens.js')];
    const cliProbe = ns.exec([...cliArgv, 'states']);
    const cliReady = cliProbe.status === 0;
    const contenders: Contender[] = [
      { name: 'tcplens library: read + count (in-process)', run: async () => JSON.stringify(await readLiveStateCounts({ procRoot })) },
      {
        name: 'tcplens library: read + full parse + count (in-process)',
        run: async () => {
          const c: Record<string, number> = {};
          for (const s of (await readLiveSnapshot({ procRoot, processes: false })).sockets) c[s.state] = (c[s.state] ?? 0) + 1;
          return JSON.stringify(c);
        },
      },
      cliReady
        ? { name: `\`tcplens states\` (CLI${fromSource ? ', from source under tsx' : ''})`, run: () => { const r = ns.exec([...cliArgv, 'states']); if (r.status !== 0) throw new Error(r.stderr); return r.stdout; } }
        : { name: '`tcplens states` (CLI)', run: () => undefined, note: `not timed: ${cliProbe.stderr.trim().split('\n')[0] || 'failed'}` },
    ];
    // The CLI as above (it takes the native path when the addon is built), and forced onto /proc.
    contenders.push({ name: '`tcplens states` (CLI) with TCPLENS_NO_NATIVE=1: the /proc path', run: () => { const r = ns.exec(['env', 'TCPLENS_NO_NATIVE=1', ...cliArgv, 'states']); if (r.status !== 0) throw new Error(r.stderr); return r.stdout; }, ...(cliReady ? {} : { note: 'not timed' }) });
    const native = timeNativeInNs(ns);
    const nativeCount: Contender = { name: 'tcplens native: sock_diag count (in-process, in the namespace)', run: () => undefined, timedInside: true };
    const nativeRecords: Contender = { name: 'tcplens native: sock_diag records → SocketRecord[] (in-process, in the namespace)', run: () => undefined, timedInside: true };
    if (typeof native === 'string') { nativeCount.note = native; nativeRecords.note = native; }
    else if (native.total !== total) { nativeCount.note = nativeRecords.note = `not timed: sock_diag counted ${native.total} sockets, /proc ${total}`; }
    contenders.push(nativeCount, nativeRecords);
    if (hasTool('ss')) {
      contenders.push({ name: "`ss -tan \\| awk '{print $1}' \\| sort \\| uniq -c`", run: inNs(ns, "ss -tan | awk '{print $1}' | sort | uniq -c") });
      contenders.push({ name: "`ss -tan \\| awk '{++S[$1]} END {...}'`", run: inNs(ns, "ss -tan | awk '{++S[$1]} END {for(a in S) print a, S[a]}'") });
    }
    // With owners: what `tcplens doctor --netns` reads (sockets, sysctls, counters, fd walk) against
    // `ss -tanp`, which walks the same /proc/<pid>/fd links to print users:(...).
    const withOwners: Contender = {
      name: 'tcplens library: full snapshot with owners (`doctor --netns`\'s read)',
      run: async () => String((await readLiveSnapshot({ netns: ns.name })).sockets.length),
    };
    const ssP: Contender = { name: '`ss -tanp > /dev/null`', run: inNs(ns, 'ss -tanp > /dev/null') };
    // Not a contender: the kernel's own cost of printing the table, the floor of any /proc reader.
    contenders.push({ name: 'floor: `cat /proc/net/tcp /proc/net/tcp6 > /dev/null`', run: inNs(ns, 'cat /proc/net/tcp /proc/net/tcp6 > /dev/null') });
    if (hasTool('netstat')) {
      contenders.push({ name: "`netstat -n \\| awk '/^tcp/ {++S[$NF]} END {...}'`", run: inNs(ns, "netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'") });
    }

    // What every CLI run pays before reading anything (ss, awk and sort start in a few ms).
    contenders.push({ name: 'floor: `node -e 0` (Node.js startup, part of the CLI row)', run: () => { ns.exec([process.execPath, '-e', '0']); return ''; } });
    const counting = [...contenders];
    if (hasTool('ss')) contenders.push(withOwners, ssP);
    const times = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
    if (typeof native !== 'string') { times.set(nativeCount, native.counts); times.set(nativeRecords, native.records); }
    const time = async (c: Contender): Promise<void> => {
      if (c.note || c.timedInside) return;
      const a = process.hrtime.bigint();
      await c.run();
      times.get(c)?.push(Number(process.hrtime.bigint() - a) / 1e6);
    };
    // The counting rows alternate round by round; the owner rows run apart afterwards (fewer
    // rounds: ss -tanp takes seconds here), so the garbage of 120,000 records does not land in
    // the timing of the in-process counts.
    for (let r = 0; r < RUNS; r++) for (const c of counting) await time(c);
    for (let r = 0; r < OWNER_RUNS; r++) for (const c of contenders.slice(counting.length)) await time(c);
    const base = median(times.get(contenders[0]) ?? []);
    const cliBase = cliReady ? median(times.get(contenders[2]) ?? []) : undefined;
    const lines = [
      '| how | median ms | vs tcplens library | vs tcplens CLI |',
      '|---|---:|---:|---:|',
    ];
    for (const c of contenders) {
      if (c.note) { lines.push(`| ${c.name} | — | ${c.note} | |`); continue; }
      const m = median(times.get(c) ?? []);
      lines.push(`| ${c.name} | ${m.toFixed(1)} | ${(m / base).toFixed(2)}× | ${cliBase ? `${(m / cliBase).toFixed(2)}×` : '—'} |`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await ns.destroy();
  }
}

// Allow `npx tsx bench/states.bench.ts` on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
