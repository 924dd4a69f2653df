// `npm run bench pcap`: a capture of 100,000 connections (each a handshake, a request, a response
// and a close from the client: 9 packets), written with the lab's pcapng writer (one section per
// 1,000 connections), read by `tcplens pcap --summary` and by `tshark -qz conv,tcp` (Wireshark's
// TCP conversation table, the nearest thing it has), one run each: wall time and peak memory.
// The file is made in a temporary folder and removed afterwards.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { writePcapng, type CapturedPacket } from '../src/pcap/pcapng-writer.js';
import { seg } from '../src/pcap/testing/capture-bytes.js';
import { CLI_ARGV } from '../test/helpers/paths.js';
import { hasTime, measureProcess, type Run } from './measure-process.js';

const CONNECTIONS = Number(process.env.TCPLENS_BENCH_PCAP_CONNECTIONS ?? 100_000);
const PER_SECTION = 1000;


/** One connection's packets: client 10.a.b.c:port to 192.168.0.1:443, starting at `t` ms (one new connection a millisecond). */
function connection(i: number, t: number): CapturedPacket[] {
  const c = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${32768 + (i % 28000)}`;
  const s = '192.168.0.1:443';
  const a = (i * 2654435761) >>> 0;
  const b = (a ^ 0x5bd1e995) >>> 0;
  const p = (at: number, from: string, to: string, letters: string, sq: number, ack: number, len = 0): CapturedPacket =>
    ({ at: t + at, iface: 'lo', seg: seg(from, to, letters, sq >>> 0, ack >>> 0, len) });
  return [
    p(0, c, s, 'S', a, 0),
    p(0.05, s, c, 'S.', b, a + 1),
    p(0.1, c, s, '.', a + 1, b + 1),
    p(0.2, c, s, 'P.', a + 1, b + 1, 120),
    p(0.3, s, c, 'P.', b + 1, a + 121, 900),
    p(0.4, c, s, 'F.', a + 121, b + 901),
    p(0.45, s, c, 'F.', b + 901, a + 122),
    p(0.5, c, s, '.', a + 122, b + 902),
    p(0.55, s, c, '.', b + 902, a + 122),
  ];
}


export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-bench-pcap-'));
  try {
    const file = path.join(dir, 'conns.pcapng');
    const fd = openSync(file, 'w');
    const t0 = performance.now();
    for (let first = 0; first < CONNECTIONS; first += PER_SECTION) {
      const packets: CapturedPacket[] = [];
      for (let i = first; i < Math.min(CONNECTIONS, first + PER_SECTION); i++) packets.push(...connection(i, i));
      packets.sort((x, y) => x.at - y.at);
      writeSync(fd, writePcapng(packets, { interfaces: ['lo'], startEpochMs: 1_765_000_000_000, application: 'tcplens bench' }));
    }
    closeSync(fd);
    const madeMs = performance.now() - t0;
    const size = statSync(file).size;
    process.stdout.write(`${CONNECTIONS.toLocaleString('en')} connections, ${(CONNECTIONS * 9).toLocaleString('en')} packets, ${(size / 2 ** 20).toFixed(0)} MB of pcapng (written in ${(madeMs / 1000).toFixed(1)} s); one run each; peak memory is the process's maximum resident set (${hasTime ? '/usr/bin/time %M' : 'VmHWM'}); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n\n`);
    const haveTshark = spawnSync('tshark', ['--version']).status === 0;
    const cases: Array<{ name: string; argv: string[]; check: (r: Run) => boolean }> = [
      { name: '`tcplens pcap FILE --summary`', argv: [...CLI_ARGV, 'pcap', file, '--summary'], check: (r) => r.status === 0 && new RegExp(`${CONNECTIONS} connections; endings:\\n\\s+${CONNECTIONS}\\s+client active closer → TIME-WAIT`).test(r.out) },
      ...(haveTshark ? [{ name: '`tshark -r FILE -qz conv,tcp`', argv: ['tshark', '-r', file, '-qz', 'conv,tcp'], check: (r: Run) => r.status === 0 && /192\.168\.0\.1:443/.test(r.out) }] : []),
    ];
    const results = [];
    for (const c of cases) {
      const r = await measureProcess(c.argv, { outTail: true });
      results.push({ name: c.name, ms: r.ms, peakMb: r.peakKb / 1024, ok: c.check(r), out: r.out });
    }
    process.stdout.write('| how | wall time | vs tshark | peak memory | vs tshark | output as expected |\n|---|---:|---:|---:|---:|---|\n');
    const ts = results[1];
    for (const r of results) {
      process.stdout.write(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${ts ? `${(r.ms / ts.ms).toFixed(2)}×` : ''} | ${r.peakMb.toFixed(0)} MB | ${ts ? `${(r.peakMb / ts.peakMb).toFixed(2)}×` : ''} | ${r.ok ? 'yes' : `NO: ${r.out.slice(-300)}`} |\n`);
    }
    if (!haveTshark) process.stdout.write('\n(tshark is not installed: apt-get install tshark)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
