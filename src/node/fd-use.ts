// Where a descriptor leak ends: a process's RLIMIT_NOFILE (the soft "Max open files" in
// /proc/PID/limits, what `ulimit -n` set for it) and how many descriptors it has open (entries of
// /proc/PID/fd; since Linux 6.2 the size stat() gives that directory, proc_fd_getattr, without
// listing it: a leaking process has tens of thousands). `tcplens watch` and `doctor --samples` measure CLOSE-WAIT growth against it
// (src/diagnose/growth.ts). A process that exited, or one we may not read, is simply left out.
import { readdir, readFile, stat } from 'node:fs/promises';
import type { FdUse } from '../diagnose/growth.js';

/** Soft RLIMIT_NOFILE and open fds of each pid we can read; "unlimited" is left out (no limit to reach). */
export async function readFdUse(pids: Iterable<number>, procRoot = '/proc'): Promise<FdUse> {
  const fds: FdUse = new Map();
  for (const pid of pids) {
    try {
      const limits = await readFile(`${procRoot}/${pid}/limits`, 'utf8');
      const m = /^Max open files\s+(\d+)/m.exec(limits);
      if (!m) continue;
      const dir = `${procRoot}/${pid}/fd`;
      // Before 6.2 the size is 0: list the directory (a process with no fd at all lists none either).
      const size = (await stat(dir)).size;
      fds.set(pid, { limit: Number(m[1]), open: size > 0 ? size : (await readdir(dir)).length });
    } catch { /* gone, or not ours to read */ }
  }
  return fds;
}
