// The simulated host under load: how many short connections per second the lab simulates
// (`short-connections`, client closes, tcp_tw_reuse=1 so every one succeeds), beside what the real
// kernel does on loopback with node:net in the same run; and the heap one TIME-WAIT entry costs,
// beside the kernel's tcp_timewait_sock (~168 bytes on x86-64). Medians of 3 runs.
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runShortConnections } from '../src/sim/load/short-connections.js';
import { defaultConfig } from '../src/core/config.js';
import { Host } from '../src/stack/host.js';
import { HostPair } from '../src/sim/testing/host-pair.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A GC without --expose-gc: turn the flag on at run time and fetch gc() from a fresh context. */
function gc(): void {
  try {
    setFlagsFromString('--expose_gc');
    const g = runInNewContext('gc') as (() => void) | undefined;
    if (typeof g === 'function') {
      g();
      g();
    }
  } catch {
    // no GC available: the heap delta is an upper bound
  }
}

function simulate(connections: number): { ms: number; segments: number } {
  const rate = 2000;
  const t0 = performance.now();
  const r = runShortConnections({
    settings: { tcp_tw_reuse: '1' }, params: { rate: String(rate), seconds: String(connections / rate), tail: '0' }, seed: 1, profile: 'linux',
  });
  const ms = performance.now() - t0;
  if (r.totals.established !== connections) throw new Error(`expected ${connections} connections, got ${r.totals.established}`);
  return { ms, segments: r.totals.segments };
}

/** Real loopback: open and close `n` connections through the kernel, `par` at a time. */
async function kernel(n: number, par: number): Promise<number> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as net.AddressInfo).port;
  const t0 = performance.now();
  let started = 0;
  const one = (): Promise<void> => new Promise((res) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', () => res());
    c.on('close', () => res());
    c.resume();
  });
  const lanes = Array.from({ length: par }, async () => {
    while (started < n) {
      started++;
      await one();
    }
  });
  await Promise.all(lanes);
  const ms = performance.now() - t0;
  await new Promise<void>((res) => server.close(() => res()));
  return ms;
}

function timeWaitBytes(n: number): { perEntry: number; tw: number } {
  const cfg = (): ReturnType<typeof defaultConfig> => ({ ...defaultConfig(), ip_local_port_range: [10000, 65000] as [number, number] });
  const client = new Host({ addrs: ['10.0.0.1'], config: cfg(), seed: 1, recordStateChanges: false });
  const server = new Host({ addrs: ['10.0.0.2'], config: cfg(), seed: 2, recordStateChanges: false });
  const pair = new HostPair(0.05, client, server);
  const l = server.socket('ipv4') as number;
  server.bind(l, '0.0.0.0', 80);
  server.listen(l, 65535);
  const batch = 500;
  // Warm up the code paths, then measure from a settled heap.
  gc();
  // The JS heap and the typed arrays' backing stores (kept outside it), so both count.
  const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const before = used();
  for (let done = 0; done < n; done += batch) {
    const fds: number[] = [];
    for (let i = 0; i < batch; i++) {
      const fd = client.socket('ipv4') as number;
      client.connect(fd, '10.0.0.2', 80);
      fds.push(fd);
    }
    pair.run(pair.now + 1);
    for (let a = server.accept(l); typeof a === 'object' && 'fd' in a; a = server.accept(l)) server.close(a.fd);
    for (const fd of fds) client.close(fd);
    pair.run(pair.now + 1);
  }
  pair.log.length = 0;
  gc();
  const after = used();
  // Both sides close at once here, so each connection leaves an entry on both hosts: count both.
  const tw = client.sockstat().tw + server.sockstat().tw;
  return { perEntry: (after - before) / tw, tw };
}

export async function run(): Promise<void> {
  const rows: string[] = [];
  for (const n of [10_000, 100_000]) {
    const runs = [simulate(n), simulate(n), simulate(n)];
    const ms = median(runs.map((r) => r.ms));
    rows.push(`| simulated short connections (tcplens host pair) | ${n.toLocaleString('en-US')} | ${(ms / 1000).toFixed(2)} s | ${Math.round((n / ms) * 1000).toLocaleString('en-US')} conn/s | ${Math.round((runs[0].segments / ms) * 1000).toLocaleString('en-US')} segments/s |`);
  }
  const kn = 5000;
  const kms = median([await kernel(kn, 50), await kernel(kn, 50), await kernel(kn, 50)]);
  rows.push(`| real loopback via node:net (kernel, 50 in parallel) | ${kn.toLocaleString('en-US')} | ${(kms / 1000).toFixed(2)} s | ${Math.round((kn / kms) * 1000).toLocaleString('en-US')} conn/s | — |`);
  process.stdout.write('| what | connections | median wall time | rate | segments |\n|---|---|---|---|---|\n' + rows.join('\n') + '\n\n');
  const m = [timeWaitBytes(20_000), timeWaitBytes(20_000), timeWaitBytes(20_000)];
  const per = median(m.map((x) => x.perEntry));
  process.stdout.write('| TIME-WAIT entry | bytes |\n|---|---|\n');
  process.stdout.write(`| tcplens simulated host (heap delta / ${m[0].tw.toLocaleString('en-US')} entries, median of 3) | ${Math.round(per).toLocaleString('en-US')} |\n`);
  process.stdout.write('| Linux tcp_timewait_sock (kernel slab object, x86-64) | ~168 |\n');
  process.stdout.write(`\nratio: a simulated TIME-WAIT entry costs ${(per / 168).toFixed(1)}× the kernel's; each is one record, the minisocket itself (TimeWaitEntry, as Linux's tcp_timewait_sock is itself the ehash entry), plus its slots in the host's 4-tuple, port and deadline tables.\n`);
}
