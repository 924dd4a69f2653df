// One process timed as a user runs it: wall time and peak resident memory, from /usr/bin/time when
// the machine has it, else from the child's VmHWM polled while it runs.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface Run { ms: number; peakKb: number; status: number | null; out: string }

/** Whether GNU time is there to report the peak resident set itself. */
export const hasTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;

export interface MeasureOptions {
  /** Standard input from this file (default: none). */
  stdinFile?: string;
  /** Keep only the end of standard output (for commands that print megabytes). */
  outTail?: boolean;
}

/** Runs argv and measures wall time and peak resident memory; `out` is its stdout and stderr. */
export async function measureProcess(argv: string[], o: MeasureOptions = {}): Promise<Run> {
  const full = hasTime ? ['/usr/bin/time', '-f', 'PEAK_KB %M', ...argv] : argv;
  const stdin = o.stdinFile ? openSync(o.stdinFile, 'r') : 'ignore';
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
  let out = ''; let err = ''; let polled = 0;
  child.stdout!.setEncoding('utf8').on('data', o.outTail
    ? (d: string) => { out += d.length > 4096 ? d.slice(-4096) : d; if (out.length > 65536) out = out.slice(-8192); }
    : (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  // Without /usr/bin/time: the child's own high-water mark, read while it runs.
  const poll = hasTime ? undefined : setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) polled = Math.max(polled, Number(m[1]));
    } catch { /* it has exited */ }
  }, 20);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (poll) clearInterval(poll);
  if (typeof stdin === 'number') closeSync(stdin);
  const m = /PEAK_KB (\d+)/.exec(err);
  return { ms, peakKb: m ? Number(m[1]) : polled, status, out: out + err.replace(/PEAK_KB \d+\n?/, '') };
}
