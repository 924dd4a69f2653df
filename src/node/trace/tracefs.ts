// Where tracefs is, and the private instances tcplens makes in it.
//
// An instance (`instances/tcplens-<pid>[-n]`) is a ring buffer of its own with its own event
// switches, filters, options and clock: enabling an event there changes nothing in the host's main
// trace buffer or in any other tool's instance (trace-cmd, perf, bpftrace each use their own).
// Rules kept here:
// - tracefs is used where it is mounted; tcplens never mounts it (that would change the host).
// - An instance is named by the pid of its process, so one left by a crash (SIGKILL, OOM) is known
//   as stale when that pid is gone, and the next run removes it.
// - rmdir fails with EBUSY while a reader still holds `trace_pipe` open: close it first.
import { existsSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const INSTANCE_PREFIX = 'tcplens-';
const INSTANCE_NAME = /^tcplens-(\d+)(?:-\d+)?$/;

/** The tracefs root from /proc/self/mounts (tracefs itself, or debugfs's `tracing`), or undefined. */
export function findTracefs(mounts?: string): string | undefined {
  let text = mounts;
  if (text === undefined) {
    try { text = readFileSync('/proc/self/mounts', 'utf8'); } catch { return undefined; }
  }
  const points: string[] = [];
  const debugfs: string[] = [];
  for (const line of text.split('\n')) {
    const [, dir, type] = line.split(' ');
    // /proc/self/mounts writes a space in a path as \040.
    const p = dir?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (type === 'tracefs' && p) points.push(p);
    else if (type === 'debugfs' && p) debugfs.push(path.join(p, 'tracing'));
  }
  // The standard place first, so a tool that looks only there sees the same instances.
  points.sort((a, b) => Number(b === '/sys/kernel/tracing') - Number(a === '/sys/kernel/tracing'));
  return [...points, ...debugfs].find((p) => existsSync(path.join(p, 'instances')));
}

/** The pid an instance name belongs to, when it is one of ours. */
export function instancePid(name: string): number | undefined {
  const m = INSTANCE_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Removes an instance directory, retrying briefly while a closing reader still holds it (`retry`).
 * Without retry, an instance someone still reads (EBUSY) is left alone at once.
 */
export function removeInstanceSync(dir: string, retry = true): boolean {
  for (let i = 0; i < (retry ? 25 : 1); i++) {
    try {
      rmdirSync(dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY') return false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  return false;
}

/**
 * When a process started (seconds since the epoch, to the clock tick), from /proc/PID/stat's
 * starttime and /proc/stat's btime; undefined when it cannot be read (the process is gone).
 */
function processStartSeconds(pid: number, procRoot: string): number | undefined {
  try {
    const stat = readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8');
    // comm (field 2) may hold spaces and parentheses: the fields after the last ')' start at 3.
    const starttime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync(path.join(procRoot, 'stat'), 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux architecture tcplens runs on (it is fixed ABI, not CONFIG_HZ).
    return Number.isFinite(starttime) && Number.isFinite(btime) ? btime + starttime / 100 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the instances of tcplens runs whose process is gone; returns their names. A pid that now
 * belongs to a process started after the instance was made (pid reuse) counts as gone: an instance
 * directory's mtime is when it was created.
 */
export function reapStaleInstances(root: string, procRoot = '/proc'): string[] {
  let names: string[];
  try { names = readdirSync(path.join(root, 'instances')); } catch { return []; }
  const removed: string[] = [];
  for (const n of names) {
    const pid = instancePid(n);
    if (pid === undefined || pid === process.pid) continue;
    const dir = path.join(root, 'instances', n);
    const started = processStartSeconds(pid, procRoot);
    if (started !== undefined) {
      let made: number;
      try { made = statSync(dir).mtimeMs / 1000; } catch { continue; }
      // Clock ticks and btime's whole seconds: a second of slack either way.
      if (started <= made + 1) continue;
    }
    // A reader still holding its pipe open is alive, whatever /proc says: a process of another pid
    // namespace (a container sharing this kernel's tracefs) can carry a pid that means nothing here.
    if (removeInstanceSync(dir, false)) removed.push(n);
  }
  return removed;
}
