// `npm run bench serve`: the dashboard (`tcplens serve`) on a host with 200,000 sockets (100,000
// loopback connections, both ends, in a namespace made for the run), in one run:
//   - time to first paint: from opening the page to the host view drawn with the host's counts,
//     cold (the server's first read of the host included) and warm (the server has a read), and
//     the browser's own first contentful paint of the page shell;
//   - the cost of one update: the server's CPU per read-and-push (read of the namespace with owners,
//     ages, flows, diagnosis, socket index), the bytes one Server-Sent Event carries, and the page's
//     script and layout time per update (Chromium's Performance metrics over several updates);
//   - the socket list: one page (100 rows) of ESTABLISHED deep in the list, and a filtered one.
// For scale, `ss -tanp` on the same namespace (what the page replaces). Everything is removed after.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLiveStateCounts } from '../src/node/live-snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil, type NsProcess } from '../test/helpers/netns.js';
import { benchPorts, holdConnections, tuneForManySockets } from './hold-connections.js';
import { browserSkipReason, launchChromium, pollPage } from '../test/helpers/browser.js';
import { firstEvents, startServe, type ServeProcess } from '../test/helpers/serve.js';

const CONNECTIONS = Number(process.env.TCPLENS_BENCH_CONNECTIONS ?? 100_000);
const UPDATES = Number(process.env.TCPLENS_BENCH_UPDATES ?? 5);
const PER_PROCESS = 15_000;
const PORTS = benchPorts(CONNECTIONS, PER_PROCESS, 5001);
const GROUPS = PORTS.length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** user + system CPU of a process so far, ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(after[11]) + Number(after[12])) * 10;
}

export async function run(): Promise<void> {
  const why = netnsSkipReason() ?? browserSkipReason();
  if (why) { process.stdout.write(`skipped: ${why}\n`); return; }
  const ns = TestNetns.create();
  const procs: NsProcess[] = [];
  let serve: ServeProcess | undefined;
  const browser = await launchChromium();
  try {
    tuneForManySockets(ns);
    const t0 = Date.now();
    const { per } = await holdConnections(ns, procs, { ports: PORTS, connections: CONNECTIONS, lifetimeMs: 3_600_000, doneTimeoutMs: 600_000 });
    const procRoot = `/proc/${procs[0].pid}`;
    const total = await waitUntil('the sockets visible', async () => {
      const c = await readLiveStateCounts({ procRoot });
      const n = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
      return n >= 2 * per * GROUPS * 0.99 ? n : undefined;
    }, 120_000, 1000);
    process.stdout.write(`${total} sockets in a namespace, set up in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n\n`);


    const started = Date.now();
    serve = await startServe(['--netns', ns.name, '--interval', '2'], { timeoutMs: 300_000 });
    const listening = Date.now() - started;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const status = async (): Promise<string> => (await page.locator('#host-status').textContent()) ?? '';
    const load = async (): Promise<{ dataMs: number; fcpMs: number }> => {
      const a = Date.now();
      await page.goto(serve!.url);
      await pollPage('the host view drawn', async () => (await status()).includes('read #'), 600_000, 20);
      const dataMs = Date.now() - a;
      const fcpMs = await page.evaluate(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`) as number;
      return { dataMs, fcpMs };
    };
    const cold = await load();
    const coldSinceStart = listening + cold.dataMs;
    const warm: Array<{ dataMs: number; fcpMs: number }> = [];
    for (let i = 0; i < 3; i++) warm.push(await load());

    // Updates: the server's CPU and the page's script time over UPDATES pushes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (): Promise<Record<string, number>> => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const readNo = async (): Promise<number> => Number(/read #(\d+)/.exec(await status())?.[1] ?? 0);
    const first = await readNo();
    await pollPage('an update', async () => (await readNo()) > first, 600_000, 100);
    const m0 = await metric();
    const c0 = cpuMsOf(serve.child.pid!);
    const r0 = await readNo();
    await pollPage(`${UPDATES} updates`, async () => (await readNo()) >= r0 + UPDATES, 1_200_000, 100);
    const c1 = cpuMsOf(serve.child.pid!);
    const m1 = await metric();
    const n = (await readNo()) - r0;
    const serverMs = Number(/· (\d+) ms/.exec(await page.locator('#host-status').textContent() ?? '')?.[1] ?? NaN);

    // One SSE message's size.
    const { text: events } = await firstEvents(`${serve.origin}/api/events`);
    const eventBytes = Buffer.byteLength(/data: (.*)\n/.exec(events.slice(events.indexOf('event: host')))?.[1] ?? '');

    // The socket list.
    const timeGet = async (q: string): Promise<number> => {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const a = performance.now();
        const r = await fetch(`${serve!.origin}/api/sockets?${q}`);
        await r.arrayBuffer();
        ms.push(performance.now() - a);
      }
      return median(ms);
    };
    const deepPage = await timeGet('state=ESTABLISHED&page=900');
    const filtered = await timeGet(`state=ESTABLISHED&q=${encodeURIComponent(`dport = :${PORTS[0]}`)}&page=10`);

    // For scale, after the measurements: the table a user would read instead, with owners (once).
    const a = Date.now();
    const ss = spawnSync('ip', ['netns', 'exec', ns.name, 'sh', '-c', 'ss -tanp > /dev/null'], { timeout: 600_000 });
    const ssMs = ss.error ? `> ${Date.now() - a}` : String(Date.now() - a);
    const lastTotal = (await status()).match(/· ([\d,]+) sockets/)?.[1] ?? '?';

    const rows = [
      '| measure | value |',
      '|---|---:|',
      `| sockets on the host | ${total.toLocaleString('en-US')} |`,
      `| \`ss -tanp > /dev/null\` on the same namespace, for scale (once) | ${ssMs} ms |`,
      `| server start to URL printed | ${listening} ms |`,
      `| cold: page opened at start → host view drawn with the counts (the server's first read included) | ${cold.dataMs} ms (${coldSinceStart} ms from start) |`,
      `| warm: page opened → host view drawn with the counts (median of 3) | ${median(warm.map((w) => w.dataMs)).toFixed(0)} ms |`,
      `| warm: first contentful paint of the page (median of 3) | ${median(warm.map((w) => w.fcpMs)).toFixed(0)} ms |`,
      `| server CPU per update (read with owners + aggregation + diagnosis + push), over ${n} updates of ${lastTotal} sockets | ${((c1 - c0) / n).toFixed(0)} ms |`,
      `| of which aggregation, ages, flows and diagnosis (the last update's \`serverMs\`) | ${serverMs} ms |`,
      `| one update on the wire (SSE data) | ${(eventBytes / 1024).toFixed(1)} KiB |`,
      `| page script time per update | ${(((m1.ScriptDuration - m0.ScriptDuration) * 1000) / n).toFixed(1)} ms |`,
      `| page layout + style time per update | ${((((m1.LayoutDuration - m0.LayoutDuration) + (m1.RecalcStyleDuration - m0.RecalcStyleDuration)) * 1000) / n).toFixed(1)} ms |`,
      `| page JS heap after ${n} updates | ${(m1.JSHeapUsedSize / 1024 / 1024).toFixed(1)} MiB |`,
      `| socket list: page 901 of ESTABLISHED (100 rows), median of 5 | ${deepPage.toFixed(1)} ms |`,
      `| socket list: ESTABLISHED filtered \`dport = :${PORTS[0]}\`, page 11, median of 5 | ${filtered.toFixed(1)} ms |`,
    ];
    process.stdout.write(rows.join('\n') + '\n');
  } finally {
    await browser.close().catch(() => undefined);
    await serve?.stop();
    await ns.destroy();
  }
}

// Allow `npx tsx bench/serve.bench.ts` on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
