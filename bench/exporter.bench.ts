// `npm run bench exporter`: what one Prometheus scrape costs on a host with 200,000 TCP sockets
// (100,000 ESTABLISHED + 100,000 TIME-WAIT in a network namespace made for the run), for
// `tcplens exporter` without and with per-process labels and for Debian's node_exporter with its
// TCP collectors (tcpstat, netstat, sockstat), side by side in one run. All three run inside the
// namespace on loopback ports and are scraped alternately by one client there; scrape time is the
// client's (request to last byte), CPU the exporter's own (utime + stime from /proc/PID/stat around
// each scrape). Rounds are paced like Prometheus (TCPLENS_BENCH_INTERVAL_S, default 15 s; 0 for back
// to back) and start a findings period after the warm-up, so the timed scrapes include the ones
// that re-evaluate the doctor's findings as often as a real scraper's would: median, mean and max
// CPU per scrape, and how many scrapes evaluated the findings; ratios over node_exporter's (below 1
// = cheaper than node_exporter).
//
// ESTABLISHED sockets are held the way `bench states` holds them (one server per port, as many
// client processes, 15,000 fds each). TIME-WAIT entries live 60 s (TCP_TIMEWAIT_LEN), so they are
// made last, by a python loop that closes client-first (tcp_tw_reuse=0 so no connect() recycles
// one), and kept at that level during the timing by the same loop at 1/60 of the count per second
// (a busy server's steady churn, costing the same to every exporter timed); the table says how many
// were there at the start and the end.
//
// `npm run bench -- exporter --soak [--minutes N]` (default 60): the soak instead. The full
// exporter scrapes a namespace every second while connections open and close in a loop under it
// (10,000 sockets held open beside them), for N minutes after a 70 s warm-up (until the TIME-WAIT
// population levels off); the exporter's resident memory and heap in the first and last tenth of
// the scrapes say whether anything grows with time (flat is the goal).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_ARGV } from '../test/helpers/paths.js';
import { netnsSkipReason, TestNetns, type NsProcess } from '../test/helpers/netns.js';
import { benchPorts, holdConnections } from './hold-connections.js';
import { FINDINGS_EVERY_MS } from '../src/node/exporter/metrics.js';

const ESTABLISHED = Number(process.env.TCPLENS_BENCH_ESTABLISHED ?? 100_000);
const TIME_WAIT = Number(process.env.TCPLENS_BENCH_TIME_WAIT ?? 100_000);
const RUNS = Number(process.env.TCPLENS_BENCH_RUNS ?? 8);
/** Seconds between rounds (Prometheus's usual scrape_interval); 0: back to back, no wait for the findings period. */
const INTERVAL_S = Number(process.env.TCPLENS_BENCH_INTERVAL_S ?? 15);
const PER_PROCESS = 15_000;
/** Extra node flags for the tcplens exporters (`--cpu-prof --cpu-prof-dir=DIR` to profile them; NODE_OPTIONS refuses it). */
const NODE_FLAGS = (process.env.TCPLENS_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const TCPLENS: readonly string[] = [CLI_ARGV[0], ...NODE_FLAGS, ...CLI_ARGV.slice(1)];
const TW_PORTS = [6001, 6002, 6003, 6004];


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Connections opened and closed client-first in one loop: `n` of them (or for `seconds` at most
// `rate` per second), round robin over `ports`, each leaving a TIME-WAIT entry on the client side.
const CHURN = `
import socket, sys, time, json
a = json.loads(sys.argv[1])
srv = []
for p in a['ports']:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', p)); s.listen(1024); srv.append(s)
n, done, fails = a.get('n', 0), 0, 0
deadline = time.monotonic() + a.get('seconds', 1e9)
rate = a.get('rate', 0)
t0 = time.monotonic()
while (n == 0 or done < n) and time.monotonic() < deadline:
    i = done % len(srv)
    try:
        c = socket.create_connection(('127.0.0.1', a['ports'][i]))
        s, _ = srv[i].accept()
        c.close(); s.close()
    except OSError:
        fails += 1
        if fails > 1000: break
    done += 1
    if rate and done > rate * (time.monotonic() - t0): time.sleep(1 / rate)
print(json.dumps({'done': done, 'fails': fails, 'seconds': time.monotonic() - t0}))
`;

// The scraping client, run inside the namespace (its loopback is the exporters'): alternates the
// targets round by round, or (soak) scrapes one every second for a duration.
const SCRAPER = `
const http = require('http');
const fs = require('fs');
const A = JSON.parse(process.env.TL_SCRAPE);
const cpu = (pid) => { const f = fs.readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const rss = (pid) => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'))[1]) * 1024;
const get = (url) => new Promise((res, rej) => http.get(url, (r) => { let b = ''; r.setEncoding('utf8'); r.on('data', (d) => { b += d; }); r.on('end', () => res({ status: r.statusCode, body: b })); }).on('error', rej));
const series = (b) => b.split('\\n').filter((l) => l && l[0] !== '#').length;
(async () => {
  const out = {};
  if (A.soak) {
    const t = A.targets[0];
    const samples = [];
    const end = Date.now() + A.soak * 1000;
    let errors = 0;
    while (Date.now() < end) {
      const t0 = Date.now();
      const r = await get(t.url).catch(() => ({ status: 0, body: '' }));
      if (r.status !== 200) errors++;
      const heap = /^nodejs_heap_size_used_bytes (\\S+)$/m.exec(r.body);
      samples.push({ at: t0, ms: Date.now() - t0, rss: rss(t.pid), heap: heap ? Number(heap[1]) : NaN, series: series(r.body) });
      await new Promise((s) => setTimeout(s, Math.max(0, 1000 - (Date.now() - t0))));
    }
    console.log(JSON.stringify({ samples, errors }));
    return;
  }
  const warm = Date.now();
  for (const t of A.targets) { await get(t.url); await get(t.url); out[t.name] = { ms: [], cpuMs: [], evaluated: 0, series: 0, bytes: 0 }; }
  // Paced like Prometheus: the first round a findings period after the warm-up, then one round
  // every interval, so the timed scrapes re-evaluate the findings as often as a real scraper's do.
  if (A.interval > 0) await new Promise((s) => setTimeout(s, Math.max(0, warm + A.findingsMs + 1000 - Date.now())));
  for (let i = 0; i < A.runs; i++) {
    const r0 = Date.now();
    for (const t of A.targets) {
      const c0 = cpu(t.pid), t0 = process.hrtime.bigint();
      const r = await get(t.url);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      await new Promise((s) => setTimeout(s, 50));
      const o = out[t.name];
      if (r.status !== 200) throw new Error(t.name + ': HTTP ' + r.status);
      o.ms.push(ms); o.cpuMs.push(cpu(t.pid) - c0); o.series = series(r.body); o.bytes = r.body.length;
      if (/^tcplens_findings_age_seconds\{[^}]*\} 0$/m.test(r.body)) o.evaluated++;
    }
    if (A.interval > 0 && i < A.runs - 1) await new Promise((s) => setTimeout(s, Math.max(0, r0 + A.interval * 1000 - Date.now())));
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
`;

interface Target { name: string; url: string; pid: number }

/** Starts a server inside the namespace and waits until its standard error says it listens. */
async function startInNs(ns: TestNetns, argv: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANG: 'C' } });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${argv.join(' ')} did not start: ${err}`)), 60_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 20_000) err += d;
      if (ready.test(err)) { clearTimeout(t); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`)); });
  });
  return child;
}

function scrape<T>(ns: TestNetns, config: object, timeoutMs: number): T {
  const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, '-e', SCRAPER], {
    encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28, env: { ...process.env, TL_SCRAPE: JSON.stringify(config) },
  });
  if (r.status !== 0) throw new Error(`scraper: ${r.stderr.trim() || r.error?.message || `exit ${r.status}`}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as T;
}

function count(ns: TestNetns, state: string): number {
  const r = ns.exec(['ss', '-Htan', 'state', state]);
  return r.stdout.split('\n').filter(Boolean).length;
}

/** `connections` held open: one server per port and as many client processes, at most PER_PROCESS fds each. */
async function holdEstablished(ns: TestNetns, connections: number, procs: NsProcess[]): Promise<void> {
  await holdConnections(ns, procs, { ports: benchPorts(connections, PER_PROCESS, 5001), connections, lifetimeMs: 7_200_000, doneTimeoutMs: 300_000 });
}

function prepare(ns: TestNetns): void {
  ns.sysctl('net.ipv4.ip_local_port_range', '1024 65535');
  // The servers' and exporters' ports, which 150,000 client sockets would otherwise take first.
  ns.sysctl('net.ipv4.ip_local_reserved_ports', '5001-5010,6001-6010,19701-19710');
  ns.sysctl('net.core.somaxconn', '65535');
  ns.sysctl('net.ipv4.tcp_max_syn_backlog', '65535');
  ns.sysctl('net.ipv4.tcp_max_tw_buckets', '262144');
  ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise<void>((r) => {
    const t = setTimeout(() => { c.kill('SIGKILL'); r(); }, 3000);
    c.once('exit', () => { clearTimeout(t); r(); });
  }))));
}

async function compare(): Promise<void> {
  const ns = TestNetns.create();
  const procs: NsProcess[] = [];
  const servers: ChildProcess[] = [];
  try {
    prepare(ns);
    const t0 = Date.now();
    await holdEstablished(ns, ESTABLISHED / 2, procs);
    const targets: Target[] = [];
    const start = async (name: string, argv: string[], port: number, ready: RegExp): Promise<void> => {
      const c = await startInNs(ns, argv, ready);
      servers.push(c);
      targets.push({ name, url: `http://127.0.0.1:${port}/metrics`, pid: c.pid ?? -1 });
    };
    await start('`tcplens exporter --labels port,destination` (no per-process labels)', [...TCPLENS, 'exporter', '--listen', '127.0.0.1:19701', '--labels', 'port,destination'], 19701, /serving/);
    await start('`tcplens exporter` (per port, process and destination)', [...TCPLENS, 'exporter', '--listen', '127.0.0.1:19702'], 19702, /serving/);
    await start('node_exporter 1.x `--collector.disable-defaults --collector.tcpstat --collector.netstat --collector.sockstat`', ['prometheus-node-exporter', '--web.listen-address=127.0.0.1:19703', '--collector.disable-defaults', '--collector.tcpstat', '--collector.netstat', '--collector.sockstat'], 19703, /Listening on/);
    // The TIME-WAIT pile last: each entry lives 60 s, so a burst makes it and a slower loop keeps it
    // there while the rounds run (the table gives the count at the start and the end).
    const tw = ns.exec(['python3', '-c', CHURN, JSON.stringify({ ports: TW_PORTS, n: TIME_WAIT })], 300_000);
    if (tw.status !== 0) throw new Error(`TIME-WAIT loop: ${tw.stderr.trim()}`);
    const made = JSON.parse(tw.stdout.trim()) as { done: number; fails: number; seconds: number };
    servers.push(spawn('ip', ['netns', 'exec', ns.name, 'python3', '-c', CHURN, JSON.stringify({ ports: TW_PORTS, seconds: 1200, rate: Math.ceil(TIME_WAIT / 60) })], { stdio: 'ignore' }));
    const before = { est: count(ns, 'established'), tw: count(ns, 'time-wait') };
    process.stdout.write(`${before.est.toLocaleString('en-US')} ESTABLISHED + ${before.tw.toLocaleString('en-US')} TIME-WAIT when timing starts (TIME-WAIT made in ${made.seconds.toFixed(1)} s, ${made.fails} failed connects, then kept by ${Math.ceil(TIME_WAIT / 60).toLocaleString('en-US')} connections a second; set up in ${((Date.now() - t0) / 1000).toFixed(0)} s); ${RUNS} alternating rounds after 2 warm-up scrapes each, ${INTERVAL_S > 0 ? `one round every ${INTERVAL_S} s from ${FINDINGS_EVERY_MS / 1000 + 1} s after the warm-up` : 'back to back'}; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n`);
    const res = scrape<Record<string, { ms: number[]; cpuMs: number[]; evaluated: number; series: number; bytes: number }>>(ns, { targets, runs: RUNS, interval: INTERVAL_S, findingsMs: FINDINGS_EVERY_MS }, 900_000 + RUNS * INTERVAL_S * 1000);
    const after = count(ns, 'time-wait');
    process.stdout.write(`${after.toLocaleString('en-US')} TIME-WAIT when timing ends\n\n`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ne = res[targets[2].name];
    const neMs = median(ne.ms);
    const neCpu = median(ne.cpuMs);
    const neMean = mean(ne.cpuMs);
    const lines = [
      '| exporter | median scrape ms | max scrape ms | CPU ms per scrape: median | mean | max | scrapes that evaluated the findings | series | bytes | median scrape time vs node_exporter | median CPU vs node_exporter | mean CPU vs node_exporter |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    for (const t of targets) {
      const r = res[t.name];
      const ms = median(r.ms);
      const c = median(r.cpuMs);
      const m = mean(r.cpuMs);
      const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
      lines.push(`| ${t.name} | ${ms.toFixed(0)} | ${Math.max(...r.ms).toFixed(0)} | ${c.toFixed(0)} | ${m.toFixed(0)} | ${Math.max(...r.cpuMs).toFixed(0)} | ${t === targets[2] ? '—' : `${r.evaluated} of ${r.cpuMs.length}`} | ${r.series.toLocaleString('en-US')} | ${r.bytes.toLocaleString('en-US')} | ${ratio(ms, neMs)} | ${ratio(c, neCpu)} | ${ratio(m, neMean)} |`);
    }
    process.stdout.write(lines.join('\n') + `\n\nCPU is sampled from /proc in 10 ms ticks; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end. A tcplens scrape that evaluated the findings (once a findings period, ${FINDINGS_EVERY_MS / 1000} s) builds every socket's record; the others count from the dump's columns. The mean is what a scraper at this interval pays on average.\n`);
  } finally {
    await stopAll(servers);
    await ns.destroy();
  }
}

async function soak(minutes: number): Promise<void> {
  const ns = TestNetns.create();
  const procs: NsProcess[] = [];
  const servers: ChildProcess[] = [];
  let churn: ChildProcess | undefined;
  try {
    prepare(ns);
    ns.sysctl('net.ipv4.tcp_tw_reuse', '1');
    await holdEstablished(ns, 5_000, procs);
    const ex = await startInNs(ns, [...CLI_ARGV, 'exporter', '--listen', '127.0.0.1:19702'], /serving/);
    servers.push(ex);
    // Churn for the whole soak and a minute more (it stops by itself), at most 1,000 connections a second.
    churn = spawn('ip', ['netns', 'exec', ns.name, 'python3', '-c', CHURN, JSON.stringify({ ports: [6001, 6002], seconds: minutes * 60 + 150, rate: 1000 })], { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(churn);
    // The TIME-WAIT population grows for one TIME-WAIT length (60 s) and then holds: memory is
    // compared from there, with the exporter scraped all along (its first scrapes follow nothing).
    const warm = scrape<{ samples: unknown[] }>(ns, { targets: [{ name: 'tcplens', url: 'http://127.0.0.1:19702/metrics', pid: ex.pid }], soak: 70 }, 900_000);
    process.stdout.write(`warm-up: ${warm.samples.length} scrapes in the first 70 s of churn, not counted\n`);
    const r = scrape<{ samples: Array<{ at: number; ms: number; rss: number; heap: number; series: number }>; errors: number }>(ns, { targets: [{ name: 'tcplens', url: 'http://127.0.0.1:19702/metrics', pid: ex.pid }], soak: minutes * 60 }, minutes * 60_000 + 900_000);
    const s = r.samples;
    const tenth = Math.max(1, Math.floor(s.length / 10));
    const first = s.slice(0, tenth);
    const last = s.slice(-tenth);
    const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MB`;
    const row = (what: string, xs: typeof s): string => `| ${what} | ${mb(median(xs.map((x) => x.rss)))} | ${mb(median(xs.map((x) => x.heap)))} | ${median(xs.map((x) => x.ms)).toFixed(0)} | ${median(xs.map((x) => x.series)).toLocaleString('en-US')} |`;
    process.stdout.write(`soak: ${minutes} min, ${s.length} scrapes (one a second), ${r.errors} failed; connections opening and closing throughout (≤1,000/s) beside 10,000 sockets held open; ${cpus().length} CPUs\n\n`);
    process.stdout.write(['| when | exporter RSS (median) | heap used (median) | scrape ms | series |', '|---|---:|---:|---:|---:|', row(`first tenth (${tenth} scrapes)`, first), row(`last tenth (${tenth} scrapes)`, last)].join('\n') + '\n');
    process.stdout.write(`\nRSS ${mb(s[0].rss)} at the first scrape, ${mb(Math.max(...s.map((x) => x.rss)))} at most, ${mb(s[s.length - 1].rss)} at the last; heap ${mb(s[0].heap)} → ${mb(s[s.length - 1].heap)}.\n`);
  } finally {
    await stopAll(servers);
    await ns.destroy();
  }
}

export async function run(): Promise<void> {
  const why = netnsSkipReason();
  if (why) { process.stdout.write(`skipped: ${why}\n`); return; }
  const argv = process.argv.slice(2);
  const need = spawnSync('sh', ['-c', 'command -v prometheus-node-exporter && command -v python3'], { encoding: 'utf8' });
  if (argv.includes('--soak')) {
    const i = argv.indexOf('--minutes');
    const minutes = i >= 0 ? Number(argv[i + 1]) : 60;
    if (!(minutes > 0)) throw new Error(`--minutes needs a positive number, got '${argv[i + 1]}'`);
    await soak(minutes);
    return;
  }
  if (need.status !== 0) { process.stdout.write('skipped: needs prometheus-node-exporter (Debian package) and python3\n'); return; }
  await compare();
}

// Allow `npx tsx bench/exporter.bench.ts [--soak [--minutes N]]` on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
