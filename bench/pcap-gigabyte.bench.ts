// `npm run bench pcap-gigabyte`: does `tcplens pcap --summary` stream a 1 GB capture in bounded
// memory? The file is made on the fly in a temporary folder (removed afterwards): one long transfer
// (1448-byte segments and their ACKs) with, every 1,024 segments, a short connection of its own
// (handshake, request, response, close: 9 packets) — so the reader both follows a connection for the
// whole file and forgets hundreds of settled ones. It is read twice: as a user runs it, and with V8's
// heap capped at 64 MB (loading the file, or keeping its packets, would fail there). Peak memory is
// the process's maximum resident set. Too big for `npm test`, which reads 200 MB under the same cap
// (test/pcap-cli.test.ts).
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BulkTransferBlocks, ipOf, pcapFile, seg } from '../src/pcap/testing/capture-bytes.js';
import { hasTime, measureProcess } from './measure-process.js';

const BYTES = Number(process.env.TCPLENS_BENCH_PCAP_BYTES ?? 1024 ** 3);
const PER_BLOCK = 1024;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, existsSync(path.resolve(here, '../package.json')) ? '..' : '../..');
const fromSource = import.meta.url.endsWith('.ts');
const cli = fromSource ? ['--import', 'tsx', path.join(root, 'src/cli/entry.ts')] : [path.join(root, 'bin/tcplens.js')];

/** A short connection's 9 packets from 10.1.x.y to 10.0.0.2:443 (client closes first). */
function shortConnection(i: number): Uint8Array[] {
  const c = `10.1.${(i >> 8) & 255}.${i & 255}:${32768 + (i % 28000)}`;
  const s = '10.0.0.2:443';
  return [
    seg(c, s, 'S', 100, 0), seg(s, c, 'S.', 500, 101), seg(c, s, '.', 101, 501), seg(c, s, 'P.', 101, 501, 120),
    seg(s, c, 'P.', 501, 221, 900), seg(c, s, 'F.', 221, 1401), seg(s, c, 'F.', 1401, 222), seg(c, s, '.', 222, 1402), seg(s, c, '.', 1402, 222),
  ].map(ipOf);
}

/** Writes the capture; returns its size, packets and short connections. */
function makeCapture(file: string): { size: number; packets: number; shorts: number } {
  // The long transfer's records and the short connections' share one clock and one count.
  const bulk = new BulkTransferBlocks(PER_BLOCK);
  const fd = openSync(file, 'w');
  writeSync(fd, pcapFile([]));
  let shorts = 0;
  const record = (bytes: Uint8Array): Uint8Array => {
    const r = new Uint8Array(16 + bytes.length);
    const v = new DataView(r.buffer);
    v.setUint32(0, Math.floor(bulk.atMs / 1000), true);
    v.setUint32(4, (bulk.atMs % 1000) * 1000, true);
    v.setUint32(8, bytes.length, true);
    v.setUint32(12, bytes.length, true);
    r.set(bytes, 16);
    bulk.atMs++;
    bulk.packets++;
    return r;
  };
  for (let written = 24; written < BYTES; ) {
    const block = bulk.next();
    writeSync(fd, block);
    written += block.length;
    for (const p of shortConnection(shorts++)) {
      const r = record(p);
      writeSync(fd, r);
      written += r.length;
    }
  }
  closeSync(fd);
  return { size: statSync(file).size, packets: bulk.packets, shorts };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-bench-pcap-gb-'));
  try {
    const file = path.join(dir, 'big.pcap');
    const t0 = performance.now();
    const made = makeCapture(file);
    const madeS = (performance.now() - t0) / 1000;
    process.stdout.write(`${(made.size / 2 ** 20).toFixed(0)} MB classic pcap, ${made.packets.toLocaleString('en')} packets: one long transfer and ${made.shorts} short connections (written in ${madeS.toFixed(1)} s); peak memory is the maximum resident set (${hasTime ? '/usr/bin/time %M' : 'VmHWM'}); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n\n`);
    const expect = new RegExp(`${made.shorts + 1} connections; endings:[\\s\\S]*${made.shorts}\\s+client active closer → TIME-WAIT[\\s\\S]*1\\s+open at the end of the capture: ESTABLISHED on both ends`);
    const cases = [
      { name: '`tcplens pcap FILE --summary`', argv: [process.execPath, ...cli, 'pcap', file, '--summary'] },
      { name: 'the same, V8 heap capped at 64 MB', argv: [process.execPath, '--max-old-space-size=64', ...cli, 'pcap', file, '--summary'] },
    ];
    process.stdout.write('| how | wall time | MB/s | peak memory | peak / file size | output as expected |\n|---|---:|---:|---:|---:|---|\n');
    for (const c of cases) {
      const r = await measureProcess(c.argv, { outTail: false });
      const ok = r.status === 0 && expect.test(r.out);
      const mb = made.size / 2 ** 20;
      process.stdout.write(`| ${c.name} | ${(r.ms / 1000).toFixed(1)} s | ${(mb / (r.ms / 1000)).toFixed(0)} | ${(r.peakKb / 1024).toFixed(0)} MB | ${((r.peakKb * 1024) / made.size * 100).toFixed(1)} % | ${ok ? 'yes' : `NO (exit ${r.status}): ${r.out.slice(0, 400)}`} |\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
