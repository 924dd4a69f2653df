// Socket → process attribution, the way ss -p, netstat -p and lsof do it: walk /proc/<pid>/fd,
// readlink every fd, and keep those that read `socket:[<inode>]`; the inode is the join key to
// /proc/net/tcp's last column. Socket inodes are global, so this works for sockets of any network
// namespace. Its cost grows with the number of open fds on the host (one readlink per /proc/PID/fd entry).
//
// Cost, on a host shared by many namespaces and fds: the links are read synchronously one process
// at a time, yielding to the event loop between processes — in C by the native addon when it is
// built (readdir + readlinkat, one call per process, no string per fd), else with readlinkSync,
// about 7× less CPU than a promise per fd. A full walk of a live read is started before the socket
// dump (`planWalk`): the addon reads the namespace's links on a worker thread while the dump is
// decoded, so the two kernel costs of `ss -tanp` run side by side. With `netnsFile` the processes of that network namespace are walked first,
// the others only for sockets still without an owner (a socket is normally held by a process of its
// own namespace; one also shared with a process outside is then listed with its inside owner only).
//
// Processes come and go while we walk: a pid whose directory vanishes (ENOENT, ESRCH) is skipped
// silently. A pid we may not look into (EACCES, EPERM: not root) makes the attribution partial, and
// the snapshot says so (`processAttributionComplete = false`) instead of pretending a socket has no
// owner.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import path from 'node:path';
import type { ProcessInfo, ProcessRef } from '../model/snapshot.js';
import { USER_HZ } from '../formats/proc-net-tcp.js';
import { nativeFdSockets, nativeFdSocketsMany } from './native/sock-diag.js';

export interface Attribution {
  /** Owners of each socket inode (several when a fd was inherited or passed). */
  byInode: Map<number, ProcessRef[]>;
  /** The processes that own at least one wanted socket. */
  processes: ProcessInfo[];
  /** False when some process's fds could not be read. */
  complete: boolean;
  /** How many processes could not be read, for the message saying attribution is partial. */
  unreadable: number;
  /** Every pid listed under the root during the walk (which owners still exist). */
  pids?: Set<number>;
}

function errCode(e: unknown): string {
  return e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : '';
}

const SOCKET_PREFIX = 'socket:[';

export interface AttributeOptions {
  /** Walk first the processes whose network namespace is this one (`/proc/self/ns/net`, `/run/netns/NAME`). */
  netnsFile?: string;
  /**
   * Between full walks: the socket each process's fd pointed at when last read (pid → fd → inode),
   * kept up to date by the walk. An fd still pointing, as far as we know, at a socket the caller
   * still lists (`listed`) is not read again: its owner is already known. An fd number closed and
   * reused for another socket meanwhile is not told apart while the first socket lives (it is still
   * held elsewhere, by fd passing or a fork): the caller's next full walk finds it.
   */
  fdCache?: Map<number, Map<string, number>>;
  /** Socket inodes the caller still lists, with the owners it already knows (see `fdCache`). */
  listed?: ReadonlySet<number>;
  /** Walk only the namespace's own processes (`netnsFile`), not the rest of the host, even for sockets left without an owner. */
  netnsOnly?: boolean;
  /** Processes the caller knows hold none of the wanted sockets (their fds unchanged since it last had them read): not read. */
  skip?: (pid: number) => boolean;
}

function nsInode(file: string): number | undefined {
  try { return statSync(file).ino; } catch { return undefined; }
}

/**
 * The processes a walk reads, in order: those of the namespace first (`first`), the rest of the
 * host after (`later`). With `prefetch`, the first ones' fd links are already being read on a
 * worker thread (native addon, the real /proc only): a caller starts this before its socket dump
 * and hands the plan to `attributeSockets` after, so the kernel's readlinks (most of a walk) and the
 * dump's decoding run at the same time. A socket opened after its process's links were read is
 * then left without an owner, as one opened after the walk is.
 */
export interface WalkPlan {
  first: string[];
  later: string[];
  pids: Set<number>;
  /** The namespace's inode, when `netnsFile` named one. */
  target?: number;
  /** The fd links of `first`, one entry per process: its [fd, inode] pairs or the errno's name. */
  prefetched?: Promise<Array<Float64Array | string>>;
}

/** Lists the processes under `root` for a walk (undefined when `root` cannot be listed). */
export async function planWalk(root: string, opts: Pick<AttributeOptions, 'netnsFile'> & { prefetch?: boolean } = {}): Promise<WalkPlan | undefined> {
  let names: string[];
  try { names = await readdir(root); } catch { return undefined; }
  const pids = names.filter((n) => { const c0 = n.charCodeAt(0); return c0 >= 0x30 && c0 <= 0x39 && Number.isInteger(Number(n)); });
  const target = opts.netnsFile !== undefined ? nsInode(opts.netnsFile) : undefined;
  const later: string[] = [];
  let first = pids;
  if (target !== undefined) {
    first = [];
    for (const name of pids) (nsInode(path.join(root, name, 'ns/net')) === target ? first : later).push(name);
  }
  const plan: WalkPlan = { first, later, pids: new Set(pids.map(Number)), ...(target !== undefined ? { target } : {}) };
  const many = opts.prefetch === true && root === '/proc' ? nativeFdSocketsMany() : undefined;
  if (many && first.length > 0) {
    plan.prefetched = many(first.map((name) => path.join(root, name, 'fd')));
    // Not awaited when the caller finds nothing to look up: its failure must not go unhandled.
    plan.prefetched.catch(() => undefined);
  }
  return plan;
}

/**
 * Walks `root` (normally /proc) for the owners of `wanted` socket inodes. `wanted` undefined means
 * every socket. `plan` is planWalk's, made earlier (default: made now).
 */
export async function attributeSockets(root: string, wanted?: ReadonlySet<number>, opts: AttributeOptions = {}, plan?: WalkPlan): Promise<Attribution> {
  const byInode = new Map<number, ProcessRef[]>();
  const owners = new Map<number, string>();
  let unreadable = 0;
  let sawPid = false;
  const p = plan ?? await planWalk(root, opts);
  if (!p) return { byInode, processes: [], complete: false, unreadable: 0 };
  const { first, later, target } = p;
  const cache = opts.fdCache;
  const listed = opts.listed;
  const pidSet = p.pids;
  if (cache) for (const pid of cache.keys()) if (!pidSet.has(pid)) cache.delete(pid);
  // The real /proc only: a copied tree may hold files where /proc has links. Reading every link in
  // C costs less than skipping the known ones one readlink at a time, so the fd cache serves only
  // the JavaScript walk.
  const fdLinks = root === '/proc' ? nativeFdSockets() : undefined;
  const walk = async (list: string[], ahead?: Array<Float64Array | string>): Promise<void> => {
    for (const [at, name] of list.entries()) {
      const pid = Number(name);
      sawPid = true;
      if (opts.skip?.(pid) === true) continue;
      const fdDir = path.join(root, name, 'fd');
      let links: Float64Array | string[];
      try {
        const got = ahead?.[at];
        if (typeof got === 'string') throw Object.assign(new Error(got), { code: got });
        links = got ?? (fdLinks ? fdLinks(fdDir) : readdirSync(fdDir));
      } catch (e) {
        const code = errCode(e);
        // Kernel threads and zombies have an empty or missing fd directory; vanished pids ENOENT.
        if (code === 'EACCES' || code === 'EPERM') unreadable++;
        continue;
      }
      // [fd, inode, ...] of the wanted sockets this process holds.
      const found: number[] = [];
      if (links instanceof Float64Array) {
        for (let i = 0; i < links.length; i += 2) if (!wanted || wanted.has(links[i + 1])) found.push(links[i], links[i + 1]);
      } else {
        let known = cache?.get(pid);
        if (cache && !known) { known = new Map(); cache.set(pid, known); }
        for (const fd of links) {
          if (known && listed) {
            const was = known.get(fd);
            if (was !== undefined && listed.has(was)) continue; // the same socket, owner known
          }
          let link: string;
          try { link = readlinkSync(path.join(fdDir, fd)); } catch { continue; } // closed meanwhile
          if (!link.startsWith(SOCKET_PREFIX)) { known?.delete(fd); continue; }
          const inode = Number(link.slice(SOCKET_PREFIX.length, -1));
          known?.set(fd, inode);
          if (!wanted || wanted.has(inode)) found.push(Number(fd), inode);
        }
      }
      if (found.length > 0) {
        const comm = await readComm(root, name);
        for (let i = 0; i < found.length; i += 2) {
          // One literal with every field: a ref made for each socket stays one small object.
          const ref: ProcessRef = comm !== undefined ? { pid, fd: found[i], name: comm } : { pid, fd: found[i] };
          const list2 = byInode.get(found[i + 1]);
          if (list2) list2.push(ref); else byInode.set(found[i + 1], [ref]);
        }
        owners.set(pid, comm ?? '');
      }
      // One process's links at a time: keys, scrapes and timers run in between (read ahead: already read).
      if (!ahead) await yieldToLoop();
    }
  };
  // Links read ahead on a worker thread, where the addon could (the real /proc only); a failed
  // read ahead is walked again here.
  const ahead = fdLinks && p.prefetched ? await p.prefetched.catch(() => undefined) : undefined;
  await walk(first, ahead);
  // The rest of the host only when some wanted socket has no owner yet (or every socket is wanted).
  if (later.length > 0 && !(opts.netnsOnly === true && target !== undefined) && (!wanted || [...wanted].some((i) => !byInode.has(i)))) await walk(later);
  const processes: ProcessInfo[] = [];
  const uptimeS = await readUptimeSeconds(root);
  for (const [pid, comm] of owners) processes.push(await describeProcess(root, pid, comm, uptimeS));
  processes.sort((a, b) => a.pid - b.pid);
  return { byInode, processes, complete: sawPid && unreadable === 0, unreadable, pids: pidSet };
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
