// A big host for the read benchmarks: N ESTABLISHED sockets held open (loopback connections, both
// ends, by `holdConnections`) and M TIME-WAIT entries, in a namespace the benchmark made.
//
// TIME-WAIT lives exactly 60 s (TCP_TIMEWAIT_LEN), so the pile is made last by python loops that
// connect and close client-first (each close leaves one TIME-WAIT on the client side), spread over
// several source addresses so no (source, destination) pair runs out of ephemeral ports, at a steady
// M/60 connections a second: after the first minute as many entries expire as are made, and the
// pile stays at M while the benchmark times (a burst would leave 2M for a minute, then dip). The
// namespace's own `tcp_max_tw_buckets` (half its ehash by default) is raised above M.
import { spawn, type ChildProcess } from 'node:child_process';
import type { NsProcess, TestNetns } from '../test/helpers/netns.js';
import { benchPorts, holdConnections, tuneForManySockets } from './hold-connections.js';

const PER_PROCESS = 15_000;

// Connections opened and closed client-first at `rate` a second for `seconds`, round robin over
// `ports`, each from the next of `sources`; one line once `ready` seconds have passed.
const CHURN = `
import socket, sys, time, json
a = json.loads(sys.argv[1])
srv = []
for p in a['ports']:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', p)); s.listen(4096); srv.append(s)
src = a['sources']
def one(i):
    c = socket.socket(); c.bind((src[i % len(src)], 0))
    c.connect(('127.0.0.1', a['ports'][i % len(srv)]))
    s, _ = srv[i % len(srv)].accept()
    c.close(); s.close()
rate, t0, k, fails, said = a['rate'], time.monotonic(), 0, 0, False
while time.monotonic() < t0 + a['seconds']:
    try: one(k)
    except OSError: fails += 1
    k += 1
    now = time.monotonic()
    if not said and now >= t0 + a['ready']:
        print(json.dumps({'done': k, 'fails': fails, 'seconds': now - t0}), flush=True); said = True
    if k > rate * (now - t0): time.sleep(min(0.05, (k / rate) - (now - t0)))
`;

export interface PileOptions { established: number; timeWait: number; lifetimeMs: number; firstPort?: number }
export interface Pile { churn: ChildProcess[]; failed: number; twSeconds: number; procRoot: string }

/** Counts of one state in the namespace, from `ss -Htan state S | wc -l`. */
export function countState(ns: TestNetns, state: string): number {
  const r = ns.exec(['sh', '-c', `ss -Htan state ${state} | wc -l`], 120_000);
  return Number(r.stdout.trim()) || 0;
}

/** Builds the pile; every process is pushed onto `procs` / returned in `churn` for the caller to stop. */
export async function makeSocketPile(ns: TestNetns, procs: NsProcess[], o: PileOptions): Promise<Pile> {
  tuneForManySockets(ns);
  ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
  ns.sysctl('net.ipv4.tcp_max_tw_buckets', String(Math.max(262_144, o.timeWait * 2)));
  const connections = Math.ceil(o.established / 2);
  let failed = 0;
  let procRoot = '/proc/self';
  if (connections > 0) {
    const ports = benchPorts(connections, PER_PROCESS, o.firstPort ?? 5001);
    const held = await holdConnections(ns, procs, { ports, connections, lifetimeMs: o.lifetimeMs, doneTimeoutMs: 600_000 });
    failed = held.failed;
    procRoot = `/proc/${held.servers[0].pid}`;
  }
  const churn: ChildProcess[] = [];
  let twSeconds = 0;
  if (o.timeWait > 0) {
    // One loop per 50,000 entries (~830 a second each), each with its own ports and source
    // addresses: 4 ports × ~64,000 ephemeral ports per source address, the ports below 1024 so the
    // held connections (the whole range above) never took them. Ready after one TIME-WAIT length.
    const loops = Math.max(1, Math.ceil(o.timeWait / 50_000));
    const started = Date.now();
    const done = await Promise.all(Array.from({ length: loops }, (_, i) => new Promise<{ done: number; fails: number }>((resolve, reject) => {
      const n = Math.ceil(o.timeWait / loops);
      const args = { ports: [701 + 4 * i, 702 + 4 * i, 703 + 4 * i, 704 + 4 * i], sources: [`127.0.${i + 1}.1`, `127.0.${i + 1}.2`], rate: n / 60, ready: 61, seconds: o.lifetimeMs / 1000 };
      const c = spawn('ip', ['netns', 'exec', ns.name, 'python3', '-c', CHURN, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
      churn.push(c);
      let out = '', err = '';
      c.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { done: number; fails: number });
      });
      c.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
      c.on('exit', (code) => reject(new Error(`TIME-WAIT loop exited ${code}: ${err.trim()}`)));
    })));
    twSeconds = (Date.now() - started) / 1000;
    failed += done.reduce((a, d) => a + d.fails, 0);
  }
  return { churn, failed, twSeconds, procRoot };
}

/** Stops the TIME-WAIT loops. */
export function stopChurn(p: Pile | undefined): void {
  for (const c of p?.churn ?? []) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
