// `npm run bench trace`: what exact mode costs the kernel. Loopback connections per second (connect,
// accept, the server closes first, the client closes: 12 state changes each) in a namespace made for
// the run, alternating rounds without a trace, with exact mode's binary reader (per-CPU
// trace_pipe_raw pages, the default) and with its text fallback (trace_pipe) — no namespace filter:
// the whole host's sock:inet_sock_set_state events are read by tcplens in this process, on the same
// CPUs as the load. Medians of ROUNDS rounds each; the ratio is traced over untraced
// (1.00 = free). Needs root and a mounted tracefs; otherwise it says why and skips.
//
// The floor: the same rounds with the tracepoint enabled in an instance of our own (same filter) but
// nobody reading it: what the kernel's recording costs the load by itself (the ring buffer
// overwrites its oldest pages), which no reader, text or binary, can remove.
//
// bcc's tcpstates (BPF) is not run here: it needs bcc, kernel headers and a compiler on the host.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { openStateTrace } from '../src/node/trace/index.js';
import { findTracefs, removeInstanceSync } from '../src/node/trace/tracefs.js';
import { netnsSkipReason, TestNetns } from '../test/helpers/netns.js';

const ROUNDS = Number(process.env.TCPLENS_BENCH_RUNS ?? 5);
const CONNECTIONS = Number(process.env.TCPLENS_BENCH_TRACE_CONNECTIONS ?? 3000);

// One process, one connection at a time: the rate is the kernel's (plus one interpreter's loop),
// the same loop in every round. The server closes first, so the client's ports are free again at
// once and TIME-WAIT sits on the server's side (a fresh port each round keeps rounds apart).
const LOAD = `
import socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(); s.bind(('127.0.0.1', port)); s.listen(128)
t0 = time.monotonic()
for _ in range(n):
    c = socket.create_connection(('127.0.0.1', port)); a, _ = s.accept()
    a.close(); c.recv(1); c.close()
print(n / (time.monotonic() - t0))
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<void> {
  const why = netnsSkipReason();
  if (why) { process.stdout.write(`skipped: ${why}\n`); return; }
  const probe = await openStateTrace();
  if (!probe.available) { process.stdout.write(`skipped: ${probe.text.en}\n`); return; }
  await probe.close();

  const ns = TestNetns.create();
  const rates = { off: [] as number[], on: [] as number[], text: [] as number[], floor: [] as number[] };
  const tracefs = findTracefs() as string;
  const loadInChild = (): Promise<number> => new Promise<number>((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns.name, 'python3', '-c', LOAD, String(CONNECTIONS), String(port++)], { timeout: 300_000 }, (err, out) => {
      if (err) reject(err); else resolve(Number(out.trim()));
    });
  });
  const reading = {
    raw: { events: 0, lost: 0, user: 0, system: 0, readMs: 0 },
    text: { events: 0, lost: 0, user: 0, system: 0, readMs: 0 },
    // This process's CPU over a round with no reader (the floor's): spawning the load, the timers.
    none: { events: 0, lost: 0, user: 0, system: 0, readMs: 0 },
  };
  const traced = async (reader: 'raw' | 'text'): Promise<number> => {
    const t = await openStateTrace({ maxBuffered: 0, reader });
    if (!t.available) throw new Error(t.text.en);
    if (t.reader !== reader) throw new Error(t.notice?.en ?? `the ${reader} reader did not open`);
    const before = process.cpuUsage();
    try {
      // The load runs in a child while this process reads (a synchronous spawn would stop the
      // event loop, and with it the reader).
      const rate = await loadInChild();
      await new Promise((r) => setTimeout(r, 300)); // let the reader catch up before counting
      const used = process.cpuUsage(before);
      const acc = reading[reader];
      acc.events += t.stats().events;
      acc.lost += t.stats().lost;
      acc.readMs += t.stats().readMs;
      acc.user += used.user;
      acc.system += used.system;
      return rate;
    } finally {
      await t.close();
    }
  };
  let port = 20_000;
  const round = (): number => {
    const r = ns.exec(['python3', '-c', LOAD, String(CONNECTIONS), String(port++)], 300_000);
    if (r.status !== 0) throw new Error(`load: ${r.stderr.trim()}`);
    return Number(r.stdout.trim());
  };
  try {
    round(); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      rates.off.push(round());
      rates.on.push(await traced('raw'));
      rates.text.push(await traced('text'));
      // The floor: enabled, filtered as exact mode does, never read.
      const dir = path.join(tracefs, 'instances', `tcplens-${process.pid}-floor`);
      mkdirSync(dir);
      try {
        writeFileSync(path.join(dir, 'events/sock/inet_sock_set_state/filter'), 'protocol == 6');
        writeFileSync(path.join(dir, 'events/sock/inet_sock_set_state/enable'), '1');
        const before = process.cpuUsage();
        rates.floor.push(await loadInChild());
        await new Promise((r) => setTimeout(r, 300)); // as the traced rounds wait
        const used = process.cpuUsage(before);
        reading.none.user += used.user;
        reading.none.system += used.system;
        writeFileSync(path.join(dir, 'events/sock/inet_sock_set_state/enable'), '0');
      } finally {
        removeInstanceSync(dir);
      }
    }
  } finally {
    await ns.destroy();
  }
  const off = median(rates.off);
  const on = median(rates.on);
  process.stdout.write(`Loopback connections per second, ${CONNECTIONS.toLocaleString('en-US')} per round, ${ROUNDS} rounds each, alternating; ${cpus().length} CPUs.\n\n`);
  process.stdout.write('| mode | connections/s (median) | rounds | ratio |\n|---|---:|---|---:|\n');
  process.stdout.write(`| untraced | ${fmt(off)} | ${rates.off.map(fmt).join(', ')} | 1.00× |\n`);
  process.stdout.write(`| exact mode, binary reader (trace_pipe_raw, the default) | ${fmt(on)} | ${rates.on.map(fmt).join(', ')} | ${(on / off).toFixed(2)}× |\n`);
  const text = median(rates.text);
  process.stdout.write(`| exact mode, text reader (trace_pipe, the fallback) | ${fmt(text)} | ${rates.text.map(fmt).join(', ')} | ${(text / off).toFixed(2)}× |\n`);
  const floor = median(rates.floor);
  process.stdout.write(`| floor: tracepoint enabled and filtered, no reader | ${fmt(floor)} | ${rates.floor.map(fmt).join(', ')} | ${(floor / off).toFixed(2)}× |\n`);
  process.stdout.write(`\nOverhead: binary reader ${((1 - on / off) * 100).toFixed(1)}%, text reader ${((1 - text / off) * 100).toFixed(1)}%.\n`);
  // Where the reader's time goes: user = decoding in tcplens, system = the reads (and, for the text
  // pipe, the kernel formatting every event as text). The recording itself runs in the load's context.
  for (const r of ['raw', 'text'] as const) {
    const a = reading[r];
    const per = (us: number): string => (a.events ? (us / a.events).toFixed(2) : '–');
    const { user, system } = reading.none;
    process.stdout.write(`${r === 'raw' ? 'Binary' : 'Text'} reader: ${a.events.toLocaleString('en-US')} state changes read (${a.lost.toLocaleString('en-US')} lost by the ring buffer); CPU per state change ${per(a.user)} µs user, ${per(a.system)} µs system; less this process's CPU in the rounds with no reader: ${per(a.user - user)} µs user, ${per(a.system - system)} µs system; inside the reader's own turns (reads, decoding, counting): ${per(a.readMs * 1000)} µs.\n`);
  }
}
