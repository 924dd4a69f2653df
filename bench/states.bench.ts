// `npm run bench states`: counting sockets per state on 200,000 real sockets (100,000 ESTABLISHED
// held open + 100,000 TIME-WAIT, bench/socket-pile.ts), tcplens against what people type today, in
// one run on the same sockets:
//   ss -tan | awk '{print $1}' | sort | uniq -c
//   ss -tan | awk '{++S[$1]} END {for(a in S) print a, S[a]}'
//   netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'   (the classic one-liner)
// and, with owners, `tcplens doctor` against `ss -tanp` (time and peak resident memory).
// The sockets live in a network namespace made for the run; everything is removed afterwards. Each
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
import { CLI_ARGV } from '../test/helpers/paths.js';
import { netnsSkipReason, TestNetns, type NsProcess } from '../test/helpers/netns.js';
import { measureProcess } from './measure-process.js';
import { countState, makeSocketPile, stopChurn, type Pile } from './socket-pile.js';

const ESTABLISHED = Number(process.env.TCPLENS_BENCH_ESTABLISHED ?? 100_000);
const TIME_WAIT = Number(process.env.TCPLENS_BENCH_TIME_WAIT ?? 100_000);
const RUNS = Number(process.env.TCPLENS_BENCH_RUNS ?? 7);
const OWNER_RUNS = Math.min(RUNS, 3);

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, existsSync(path.resolve(here, '../package.json')) ? '..' : '../..');
const fromSource = import.meta.url.endsWith('.ts');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Contender { name: string; run: () => string | undefined | Promise<string | undefined>; note?: string; timedInside?: boolean; peakKb?: number[] }

/** A command run inside the namespace as a user runs it: time and peak resident memory kept. */
function measured(ns: TestNetns, name: string, argv: string[]): Contender {
  const c: Contender = {
    name, peakKb: [],
    run: async () => {
      const r = await measureProcess(['ip', 'netns', 'exec', ns.name, ...argv], { outTail: true });
      if (r.status !== 0 && r.status !== 1) throw new Error(`${name}: exit ${r.status}: ${r.out.slice(-500)}`);
      c.peakKb!.push(r.peakKb);
      return '';
    },
  };
  return c;
}

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
  let pile: Pile | undefined;
  try {
    const t0 = Date.now();
    pile = await makeSocketPile(ns, procs, { established: ESTABLISHED, timeWait: TIME_WAIT, lifetimeMs: 1_800_000 });
    const procRoot = pile.procRoot;
    const counts = await readLiveStateCounts({ procRoot });
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    process.stdout.write(`${total} sockets (${JSON.stringify(counts)}), set up in ${((Date.now() - t0) / 1000).toFixed(1)} s (TIME-WAIT made in ${pile.twSeconds.toFixed(1)} s, then kept by ${Math.ceil(TIME_WAIT / 60)} connections a second); ${pile.failed} connects failed; median of ${RUNS} runs each (${OWNER_RUNS} for the rows with owners); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)} before timing\n\n`);

    const cliProbe = ns.exec([...CLI_ARGV, 'states']);
    const cliReady = cliProbe.status === 0;
    const contenders: Contender[] = [
      { name: 'tcplens library: read + count, /proc (in-process)', run: async () => JSON.stringify(await readLiveStateCounts({ procRoot })) },
      {
        name: 'tcplens library: read + full parse + count, /proc (in-process)',
        run: async () => {
          const c: Record<string, number> = {};
          for (const s of (await readLiveSnapshot({ procRoot, processes: false })).sockets) c[s.state] = (c[s.state] ?? 0) + 1;
          return JSON.stringify(c);
        },
      },
      cliReady
        ? { name: `\`tcplens states\` (CLI${fromSource ? ', from source under tsx' : ''})`, run: () => { const r = ns.exec([...CLI_ARGV, 'states']); if (r.status !== 0) throw new Error(r.stderr); return r.stdout; } }
        : { name: '`tcplens states` (CLI)', run: () => undefined, note: `not timed: ${cliProbe.stderr.trim().split('\n')[0] || 'failed'}` },
    ];
    // The CLI as above (it takes the native path when the addon is built), and forced onto /proc.
    contenders.push({ name: '`tcplens states` (CLI) with TCPLENS_NO_NATIVE=1: the /proc path', run: () => { const r = ns.exec(['env', 'TCPLENS_NO_NATIVE=1', ...CLI_ARGV, 'states']); if (r.status !== 0) throw new Error(r.stderr); return r.stdout; }, ...(cliReady ? {} : { note: 'not timed' }) });
    const native = timeNativeInNs(ns);
    const nativeCount: Contender = { name: 'tcplens native: sock_diag count (in-process, in the namespace)', run: () => undefined, timedInside: true };
    const nativeRecords: Contender = { name: 'tcplens native: sock_diag records → SocketRecord[] (in-process, in the namespace)', run: () => undefined, timedInside: true };
    if (typeof native === 'string') { nativeCount.note = native; nativeRecords.note = native; }
    // The TIME-WAIT pile moves a little while it is kept (entries expire, the loops add new ones).
    else if (Math.abs(native.total - total) > 0.05 * total) { nativeCount.note = nativeRecords.note = `not timed: sock_diag counted ${native.total} sockets, /proc ${total}`; }
    contenders.push(nativeCount, nativeRecords);
    if (hasTool('ss')) {
      contenders.push({ name: "`ss -tan \\| awk '{print $1}' \\| sort \\| uniq -c`", run: inNs(ns, "ss -tan | awk '{print $1}' | sort | uniq -c") });
      contenders.push({ name: "`ss -tan \\| awk '{++S[$1]} END {...}'`", run: inNs(ns, "ss -tan | awk '{++S[$1]} END {for(a in S) print a, S[a]}'") });
    }
    // With owners: what `tcplens doctor --netns` reads (sockets, sysctls, counters, fd walk) against
    // `ss -tanp`, which walks the same /proc/<pid>/fd links to print users:(...).
    const withOwners: Contender = {
      name: 'tcplens library: full snapshot with owners, /proc (`doctor --netns`\'s read)',
      run: async () => String((await readLiveSnapshot({ netns: ns.name })).sockets.length),
    };
    // The doctor as a user runs it inside the namespace: netlink, owners, diagnosis, report.
    const doctor = measured(ns, '`tcplens doctor` (CLI, owners named)', [...CLI_ARGV, 'doctor']);
    const ssP = measured(ns, '`ss -tanp > /dev/null`', ['sh', '-c', 'ss -tanp > /dev/null']);
    // Not a contender: the kernel's own cost of printing the table, the floor of any /proc reader.
    contenders.push({ name: 'floor: `cat /proc/net/tcp /proc/net/tcp6 > /dev/null`', run: inNs(ns, 'cat /proc/net/tcp /proc/net/tcp6 > /dev/null') });
    if (hasTool('netstat')) {
      contenders.push({ name: "`netstat -n \\| awk '/^tcp/ {++S[$NF]} END {...}'`", run: inNs(ns, "netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'") });
    }

    // What every CLI run pays before reading anything (ss, awk and sort start in a few ms).
    contenders.push({ name: 'floor: `node -e 0` (Node.js startup, part of the CLI row)', run: () => { ns.exec([process.execPath, '-e', '0']); return ''; } });
    // The floor of any Node program that counts through netlink: start, load the addon, one count, print.
    const addon = path.join(root, 'build', 'tcplens_sockdiag.node');
    const floorCount: Contender = existsSync(addon)
      ? { name: 'floor: Node + the addon\'s netlink count + print (no CLI)', run: () => { const r = ns.exec([process.execPath, '-e', `const c = require(${JSON.stringify(addon)}).counts(); let s = ''; for (let i = 0; i < c.length; i++) if (c[i]) s += i + ' ' + c[i] + '\\n'; process.stdout.write(s);`]); if (r.status !== 0) throw new Error(r.stderr); return r.stdout; } }
      : { name: 'floor: Node + the addon\'s netlink count + print (no CLI)', run: () => undefined, note: 'not timed: the addon is not built' };
    contenders.push(floorCount);
    // The CLI's own start-up: Node, its entry and the command table, no command loaded.
    contenders.push({ name: '`tcplens --version` (Node start-up + the CLI entry)', run: () => { ns.exec([...CLI_ARGV, '--version']); return ''; } });
    // The kernel's dump and ss's printing without awk: the floor of any netlink reader that prints.
    if (hasTool('ss')) contenders.push({ name: 'floor: `ss -tan > /dev/null` (one netlink dump per family, printed)', run: inNs(ns, 'ss -tan > /dev/null') });
    const counting = [...contenders];
    if (hasTool('ss')) contenders.push(doctor, withOwners, ssP);
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
      '| how | median ms | peak RSS | vs tcplens library | vs tcplens CLI |',
      '|---|---:|---:|---:|---:|',
    ];
    for (const c of contenders) {
      if (c.note) { lines.push(`| ${c.name} | — | | ${c.note} | |`); continue; }
      const m = median(times.get(c) ?? []);
      const peak = c.peakKb?.length ? `${(Math.max(...c.peakKb) / 1024).toFixed(1)} MB` : '';
      lines.push(`| ${c.name} | ${m.toFixed(1)} | ${peak} | ${(m / base).toFixed(2)}× | ${cliBase ? `${(m / cliBase).toFixed(2)}×` : '—'} |`);
    }
    // The goals, as ratios of medians from this one run.
    const med = (c: Contender | undefined): number | undefined => (c && !c.note && times.get(c)?.length ? median(times.get(c)!) : undefined);
    const ssAwk = med(contenders.find((c) => c.name.startsWith("`ss -tan \\| awk '{++S"))), ssTanp = med(ssP), doc = med(doctor);
    const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '—');
    lines.push('', `- \`tcplens states\` (CLI) / \`ss -tan | awk\`: ${ratio(cliBase, ssAwk)} (goal ≤ 0.55×; the floor, Node + netlink count: ${ratio(med(floorCount), ssAwk)})`,
      `- in-process count (native sock_diag) / \`ss -tan | awk\`: ${ratio(med(nativeCount), ssAwk)} (goal ≤ 0.3×)`,
      `- \`tcplens doctor\` / \`ss -tanp\`: ${ratio(doc, ssTanp)} (goal ≤ 0.2×), its peak RSS ${doctor.peakKb?.length ? `${(Math.max(...doctor.peakKb) / 1024).toFixed(1)} MB` : '—'} (goal ≤ 100 MB)`,
      `- sockets at the end: ${countState(ns, 'established')} ESTABLISHED, ${countState(ns, 'time-wait')} TIME-WAIT`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    stopChurn(pile);
    await ns.destroy();
  }
}

// Allow `npx tsx bench/states.bench.ts` on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
