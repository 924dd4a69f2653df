// `npm run bench input`: reading big pasted inputs through the real CLI, beside awk on the same bytes:
//   200 MB of `ss -tan` rows: tcplens states --input FILE, and --input - (standard input), against
//     awk 'NR>1 {++S[$1]} END {...}' FILE and the same awk on standard input;
//   50 MB of random bytes: tcplens states --input FILE, refused as binary data.
// Wall time and peak memory (the child's VmHWM, from /usr/bin/time -f %M, else from
// /proc/PID/status polled) of each; the input is made in a temporary folder and removed afterwards.
// Goals: within 5x awk's time and under 100 MB for the rows, under 1 s for the random bytes.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_ARGV } from '../test/helpers/paths.js';
import { hasTime, measureProcess, type Run } from './measure-process.js';

const ROWS_MB = Number(process.env.TCPLENS_BENCH_INPUT_MB ?? 200);
const RANDOM_MB = 50;
const RUNS = Number(process.env.TCPLENS_BENCH_RUNS ?? 3);


const STATES = ['ESTAB', 'TIME-WAIT', 'CLOSE-WAIT', 'LISTEN', 'FIN-WAIT-2', 'SYN-SENT', 'SYN-RECV', 'LAST-ACK'];

/** `ss -tan` as iproute2 prints it: a header, then one row per socket, many peers. */
function writeRows(file: string, bytes: number): number {
  const fd = openSync(file, 'w');
  let total = 0; let i = 0;
  writeSync(fd, 'State      Recv-Q Send-Q       Local Address:Port        Peer Address:Port  Process\n');
  while (total < bytes) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, i++) {
      const st = STATES[(i * 7) % STATES.length];
      chunk += `${st.padEnd(10)} 0      ${st === 'LISTEN' ? 4096 : 0}            10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}        192.168.${(i >> 8) & 255}.${i & 255}:${443 + (i % 7)}\n`;
    }
    writeSync(fd, chunk);
    total += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return i;
}


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const AWK = ["NR>1 {++S[$1]} END {for (a in S) print a, S[a]}"];

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-bench-input-'));
  try {
    const rowsFile = path.join(dir, 'ss-tan.txt');
    const rows = writeRows(rowsFile, ROWS_MB * 2 ** 20);
    const randomFile = path.join(dir, 'random.bin');
    const fd = openSync(randomFile, 'w');
    for (let i = 0; i < RANDOM_MB; i++) writeSync(fd, randomBytes(2 ** 20));
    closeSync(fd);
    const mb = (f: string): string => (statSync(f).size / 2 ** 20).toFixed(0);
    process.stdout.write(`${mb(rowsFile)} MB of ss -tan rows (${rows.toLocaleString('en')} sockets), ${mb(randomFile)} MB of random bytes; median of ${RUNS} runs; peak memory is the process's maximum resident set (${hasTime ? '/usr/bin/time %M' : 'VmHWM'}); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n\n`);

    const cases: Array<{ name: string; argv: string[]; stdin?: string; check: (r: Run) => boolean }> = [
      { name: '`tcplens states --input FILE` (200 MB of rows)', argv: [...CLI_ARGV, 'states', '--input', rowsFile], check: (r) => r.status === 0 && new RegExp(`TOTAL\\s+${rows}\\b`).test(r.out) },
      { name: '`tcplens states --input - < FILE`', argv: [...CLI_ARGV, 'states', '--input', '-'], stdin: rowsFile, check: (r) => r.status === 0 && new RegExp(`TOTAL\\s+${rows}\\b`).test(r.out) },
      { name: "`awk 'NR>1 {++S[$1]} ...' FILE`", argv: ['awk', ...AWK, rowsFile], check: (r) => r.status === 0 },
      { name: "`awk '...' < FILE`", argv: ['awk', ...AWK], stdin: rowsFile, check: (r) => r.status === 0 },
      { name: '`tcplens states --input FILE` (50 MB of random bytes)', argv: [...CLI_ARGV, 'states', '--input', randomFile], check: (r) => r.status === 2 && /binary data/.test(r.out) },
      { name: '`tcplens states --input - < FILE` (random bytes)', argv: [...CLI_ARGV, 'states', '--input', '-'], stdin: randomFile, check: (r) => r.status === 2 && /binary data/.test(r.out) },
    ];
    const results: Array<{ name: string; ms: number; peakMb: number; ok: boolean }> = [];
    for (const c of cases) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measureProcess(c.argv, { stdinFile: c.stdin }));
      results.push({ name: c.name, ms: median(runs.map((r) => r.ms)), peakMb: Math.max(...runs.map((r) => r.peakKb)) / 1024, ok: runs.every(c.check) });
    }
    const awkFile = results[2].ms;
    const awkStdin = results[3].ms;
    process.stdout.write('| how | median wall time | vs awk | peak memory | output as expected |\n|---|---:|---:|---:|---|\n');
    results.forEach((r, i) => {
      const vs = i === 0 || i === 2 ? r.ms / awkFile : i === 1 || i === 3 ? r.ms / awkStdin : NaN;
      process.stdout.write(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${Number.isNaN(vs) ? '' : `${vs.toFixed(2)}×`} | ${r.peakMb.toFixed(0)} MB | ${r.ok ? 'yes' : 'NO'} |\n`);
    });
    const rowsOk = results.slice(0, 2).every((r, i) => r.ok && r.ms <= 5 * (i === 0 ? awkFile : awkStdin) && r.peakMb < 100);
    const randomOk = results.slice(4).every((r) => r.ok && r.ms < 1000);
    process.stdout.write(`\ngoals: rows within 5× awk and under 100 MB: ${rowsOk ? 'met' : 'NOT met'}; random bytes under 1 s: ${randomOk ? 'met' : 'NOT met'}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
