// `npm run bench scale`: every reading command at 500,000 sockets, live and pasted — does it finish,
// how long does it take, and how much memory does it need at its peak.
//
// Live: a namespace made for the run holding ESTABLISHED connections (both ends) and a TIME-WAIT
// pile (bench/socket-pile.ts; default 400,000 + 100,000), each command run inside it as a user
// would. Pasted: an `ss -tan` listing and a /proc/net/tcp file of as many rows (half ESTABLISHED,
// half TIME-WAIT), each command given `--input FILE`. Output goes to a pipe read as fast as it comes
// (`| cat > /dev/null`), which is where an unbounded writer would queue it in memory. Peak memory is
// the maximum resident set (`/usr/bin/time %M`). Sizes: TCPLENS_BENCH_SCALE (total, default
// 500,000), TCPLENS_BENCH_SCALE_TIME_WAIT (live TIME-WAIT, default 100,000); TCPLENS_BENCH_SCALE_LIVE=0
// skips the live half, TCPLENS_BENCH_SCALE_PASTED=0 the pasted one; TCPLENS_BENCH_SCALE_LIMIT_S (default 900) stops a command that runs longer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_ARGV } from '../test/helpers/paths.js';
import { procNetTcp, ssTan } from '../test/helpers/big-paste.js';
import { netnsSkipReason, TestNetns, type NsProcess } from '../test/helpers/netns.js';
import { measureProcess, type Run } from './measure-process.js';
import { countState, makeSocketPile, stopChurn, type Pile } from './socket-pile.js';

const TOTAL = Number(process.env.TCPLENS_BENCH_SCALE ?? 500_000);
const LIVE_TW = Number(process.env.TCPLENS_BENCH_SCALE_TIME_WAIT ?? Math.min(100_000, Math.floor(TOTAL / 5)));
const LIVE = process.env.TCPLENS_BENCH_SCALE_LIVE !== '0';
// A command still running after this long is stopped and shown with exit 124 (`timeout`).
const LIMIT_S = Number(process.env.TCPLENS_BENCH_SCALE_LIMIT_S ?? 900);



interface Row { what: string; run: Run }

/** One command through a shell so its output goes to a pipe, as `tcplens ls | less` does. */
async function piped(prefix: string[], args: string[]): Promise<Run> {
  const quoted = [...CLI_ARGV, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return measureProcess([...prefix, 'timeout', String(LIMIT_S), 'bash', '-c', `set -o pipefail; ${quoted} | cat > /dev/null`], { outTail: true });
}

function table(rows: Row[]): string {
  const lines = ['| command | exit | wall s | peak RSS | note |', '|---|---:|---:|---:|---|'];
  for (const r of rows) {
    const err = r.run.status === 124 ? `stopped after ${LIMIT_S} s` : /internal error[^\n]*|heap out of memory|Maximum call stack[^\n]*/.exec(r.run.out)?.[0] ?? '';
    lines.push(`| ${r.what} | ${r.run.status} | ${(r.run.ms / 1000).toFixed(1)} | ${(r.run.peakKb / 1024).toFixed(0)} MB | ${err} |`);
  }
  return lines.join('\n') + '\n';
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-scale-'));
  try {
    process.stdout.write(`${TOTAL.toLocaleString('en-US')} sockets; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n\n`);
    // Pasted: both formats, each command once.
    const ss = path.join(dir, 'ss-tan.txt');
    const proc = path.join(dir, 'tcp');
    writeFileSync(ss, ssTan(TOTAL));
    writeFileSync(proc, procNetTcp(TOTAL));
    const pasted: Row[] = [];
    if (process.env.TCPLENS_BENCH_SCALE_PASTED !== '0') for (const [name, file] of [['ss -tan', ss], ['/proc/net/tcp', proc]] as const) {
      for (const cmd of [['states'], ['ls'], ['ls', '--json'], ['doctor']]) {
        pasted.push({ what: `\`tcplens ${cmd.join(' ')} --input\` (${name}, ${TOTAL.toLocaleString('en-US')} rows)`, run: await piped([], [...cmd, '--input', file]) });
      }
    }
    process.stdout.write('### pasted\n\n' + table(pasted) + '\n');
    if (!LIVE) return;
    const why = netnsSkipReason();
    if (why) { process.stdout.write(`live: skipped: ${why}\n`); return; }
    const ns = TestNetns.create();
    const procs: NsProcess[] = [];
    let pile: Pile | undefined;
    try {
      const t0 = Date.now();
      pile = await makeSocketPile(ns, procs, { established: TOTAL - LIVE_TW, timeWait: LIVE_TW, lifetimeMs: 3_600_000 });
      const est = countState(ns, 'established'), tw = countState(ns, 'time-wait');
      process.stdout.write(`### live\n\n${est.toLocaleString('en-US')} ESTABLISHED + ${tw.toLocaleString('en-US')} TIME-WAIT in a namespace (set up in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${pile.failed} connects failed); load average ${loadavg()[0].toFixed(2)}\n\n`);
      const inNs = ['ip', 'netns', 'exec', ns.name];
      const live: Row[] = [];
      for (const cmd of [['states'], ['ls'], ['ls', '--json'], ['doctor']]) {
        live.push({ what: `\`tcplens ${cmd.join(' ')}\``, run: await piped(inNs, cmd) });
      }
      const out = path.join(dir, 'capture');
      live.push({ what: '`tcplens capture DIR`', run: await measureProcess([...inNs, 'timeout', String(LIMIT_S), ...CLI_ARGV, 'capture', out], { outTail: true }) });
      live.push({ what: '`ss -tanp` (for scale)', run: await measureProcess([...inNs, 'timeout', String(LIMIT_S), 'sh', '-c', 'ss -tanp > /dev/null']) });
      process.stdout.write(table(live));
    } finally {
      stopChurn(pile);
      await ns.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Allow `npx tsx bench/scale.bench.ts` on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
