// Socket → process attribution, the way ss -p, netstat -p and lsof do it: walk /proc/<pid>/fd,
// readlink every fd, and keep those that read `socket:[<inode>]`; the inode is the join key to
// /proc/net/tcp's last column. Socket inodes are global, so this works for sockets of any network
// namespace. Its cost grows with the number of open fds on the host (one readlink per /proc/PID/fd entry).
//
// Processes come and go while we walk: a pid whose directory vanishes (ENOENT, ESRCH) is skipped
// silently. A pid we may not look into (EACCES, EPERM: not root) makes the attribution partial, and
// the snapshot says so (`processAttributionComplete = false`) instead of pretending a socket has no
// owner.
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessInfo, ProcessRef } from '../model/snapshot.js';
import { USER_HZ } from '../formats/proc-net-tcp.js';

export interface Attribution {
  /** Owners of each socket inode (several when a fd was inherited or passed). */
  byInode: Map<number, ProcessRef[]>;
  /** The processes that own at least one wanted socket. */
  processes: ProcessInfo[];
  /** False when some process's fds could not be read. */
  complete: boolean;
  /** How many processes could not be read, for the message saying attribution is partial. */
  unreadable: number;
}

function errCode(e: unknown): string {
  return e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : '';
}

const SOCKET_PREFIX = 'socket:[';

/**
 * Walks `root` (normally /proc) for the owners of `wanted` socket inodes. `wanted` undefined means
 * every socket.
 */
export async function attributeSockets(root: string, wanted?: ReadonlySet<number>): Promise<Attribution> {
  const byInode = new Map<number, ProcessRef[]>();
  const owners = new Map<number, string>();
  let unreadable = 0;
  let sawPid = false;
  let names: string[];
  try { names = await readdir(root); } catch { return { byInode, processes: [], complete: false, unreadable: 0 }; }
  for (const name of names) {
    const c0 = name.charCodeAt(0);
    if (c0 < 0x30 || c0 > 0x39) continue;
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    sawPid = true;
    const fdDir = path.join(root, name, 'fd');
    let fds: string[];
    try { fds = await readdir(fdDir); } catch (e) {
      const code = errCode(e);
      // Kernel threads and zombies have an empty or missing fd directory; vanished pids ENOENT.
      if (code === 'EACCES' || code === 'EPERM') unreadable++;
      continue;
    }
    let comm: string | undefined;
    // One process's links at a time, all at once: the walk yields to the event loop per process.
    const links = await Promise.all(fds.map((fd) => readlink(path.join(fdDir, fd)).catch(() => ''))); // '' = fd closed meanwhile
    for (const [k, fd] of fds.entries()) {
      const link = links[k];
      if (!link.startsWith(SOCKET_PREFIX)) continue;
      const inode = Number(link.slice(SOCKET_PREFIX.length, -1));
      if (wanted && !wanted.has(inode)) continue;
      comm ??= await readComm(root, name);
      const ref: ProcessRef = { pid, fd: Number(fd) };
      if (comm !== undefined) ref.name = comm;
      const list = byInode.get(inode);
      if (list) list.push(ref); else byInode.set(inode, [ref]);
      owners.set(pid, comm ?? '');
    }
  }
  const processes: ProcessInfo[] = [];
  const uptimeS = await readUptimeSeconds(root);
  for (const [pid, comm] of owners) processes.push(await describeProcess(root, pid, comm, uptimeS));
  processes.sort((a, b) => a.pid - b.pid);
  return { byInode, processes, complete: sawPid && unreadable === 0, unreadable };
}

async function readComm(root: string, pid: string): Promise<string | undefined> {
  try { return (await readFile(path.join(root, pid, 'comm'), 'utf8')).replace(/\n$/, ''); } catch { return undefined; }
}

async function readUptimeSeconds(root: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(path.join(root, 'uptime'), 'utf8')).split(' ')[0]);
    return Number.isFinite(n) ? n : undefined;
  } catch { return undefined; }
}

/** Name, command line, owner and age of one process; whatever vanished stays undefined. */
async function describeProcess(root: string, pid: number, comm: string, uptimeS: number | undefined): Promise<ProcessInfo> {
  const dir = path.join(root, String(pid));
  const info: ProcessInfo = { pid, name: comm };
  try {
    const cmd = (await readFile(path.join(dir, 'cmdline'), 'utf8')).replace(/\0+$/, '').replaceAll('\0', ' ');
    if (cmd !== '') info.cmdline = cmd;
  } catch { /* exited */ }
  try { info.uid = (await stat(dir)).uid; } catch { /* exited */ }
  try {
    // Field 22 of /proc/<pid>/stat is starttime in clock ticks after boot; comm (field 2) may hold
    // spaces and parentheses, so count fields after the last ')'.
    const text = await readFile(path.join(dir, 'stat'), 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(rest[19]);
    if (uptimeS !== undefined && Number.isFinite(startTicks)) {
      info.uptimeMs = Math.max(0, Math.round((uptimeS - startTicks / USER_HZ) * 1000));
    }
  } catch { /* exited */ }
  return info;
}
