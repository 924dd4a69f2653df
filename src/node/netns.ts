// Another network namespace's view of /proc (`--netns NAME`, a namespace made by `ip netns add`).
//
// Node cannot call setns(2), so we take what the kernel already offers:
// - /proc/<pid>/net/* shows the network namespace *of that pid*. If any process lives in the
//   namespace (`ip netns pids NAME`), its net/tcp, net/netstat, ... are the namespace's files, read
//   without spawning anything per file.
// - /proc/sys/net/* shows the namespace of the process that *opens* it, whatever the path. So the
//   sysctls (and the net files when no process lives there) are read by one small shell run inside
//   the namespace: `ip netns exec NAME sh -c 'cat ...'`, its output split back into files.
// Process attribution still walks the host's /proc: socket inodes are global.
//
// A member process can exit at any moment, and /proc/<pid>/net of a process that exited reads as
// nothing (or as another namespace, if the pid was reused). So every net file read through a member
// is checked: before and after the read the pid's ns/net must still be the namespace's own inode.
// When it is not, the next member is tried (the list re-read); with none left, a named namespace is
// read from inside it, and `pid:N` fails with a `SourceError` (exit 2). A namespace is never
// answered with "0 sockets" because its way in vanished.
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import { mapProcFiles, readWhole, type ProcFiles, dirProcFiles } from './proc-files.js';
import { SourceError } from './source-error.js';
import { EXTRA_SYSCTL_PATHS } from './sysctls.js';

/** The net files the live reader uses, relative to /proc. */
export const NET_FILES = ['net/tcp', 'net/tcp6', 'net/netstat', 'net/snmp', 'net/sockstat', 'net/sockstat6'] as const;

const MARK = '@@tcplens-file@@ ';
const SYSCTL_MARK = '@@tcplens-sysctls@@';

/** `--netns pid:1234`: the namespace of a process (a container's), which `ip netns` does not list. */
export function netnsPidOf(name: string): number | undefined {
  const m = /^pid:(\d{1,10})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** `ip netns` names are file names under /run/netns; `pid:N` names a process's namespace. */
export function checkNetnsName(name: string): void {
  if (netnsPidOf(name) !== undefined) return;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || name === '.' || name === '..') {
    throw new SourceError({
      en: `--netns: '${name}' is not a network namespace name (letters, digits, '.', '_', '-'; or pid:N)`,
      zh: `--netns：'${name}' 不是网络命名空间名称（只能含字母、数字、'.'、'_'、'-'；或 pid:N）`,
    });
  }
}

/** The file that names the namespace (`setns(2)` takes it; its inode is the namespace's identity). */
export function netnsFile(name: string, hostRoot = '/proc'): string {
  const pid = netnsPidOf(name);
  return pid !== undefined ? `${hostRoot}/${pid}/ns/net` : `/run/netns/${name}`;
}

/** The command prefix that runs a program inside the namespace. */
export function enterArgv(name: string): string[] {
  const pid = netnsPidOf(name);
  return pid !== undefined ? ['nsenter', '-t', String(pid), '-n', '--'] : ['ip', 'netns', 'exec', name];
}

// node:child_process is loaded on first use: it costs ~15 ms at startup, and `tcplens states`
// on this host (the benchmarked path) never spawns anything.
let childProcess: typeof ChildProcess | undefined;
function cp(): typeof ChildProcess {
  return (childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess);
}

interface RunResult { status: number | null; stdout: Buffer; stderr: string; error?: Error }

/** Runs a program to its end without blocking the event loop; its output is collected. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let err = '';
    let error: Error | undefined;
    const child = cp().spawn(cmd, args, { timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => { if (err.length < 10_000) err += d.toString(); });
    child.on('error', (e) => { error = e; });
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: err, ...(error ? { error } : {}) }));
  });
}

/** Pids living in the namespace, per `ip netns pids`. */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', name], 10_000);
  if (r.error || r.status !== 0) return [];
  return r.stdout.toString('utf8').split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * Reads files inside the namespace with one spawn and splits the output back into files: net files
 * (big, several lines) with `cat` each between markers, sysctls (~90 one-line files) with a single
 * `grep -H ''` as `path:value` lines — a fork per sysctl cost ~1 ms each, and the shell's `read`
 * cannot be used: /proc/sys returns nothing to reads at a non-zero offset.
 */
export async function readInsideNetns(name: string, rels: readonly string[], globs: readonly string[] = []): Promise<Map<string, Buffer>> {
  const net = rels.filter((r) => !r.startsWith('sys/'));
  const sys = rels.filter((r) => r.startsWith('sys/'));
  // The globs (sys/net/ipv4/tcp_*) expand inside the namespace's /proc/sys. `exit 0`: a missing
  // sysctl is not a failure; a non-zero status then means `ip netns exec` itself failed.
  const script = 'cd /proc || exit 1; '
    + `while [ $# -gt 0 ] && [ "$1" != -- ]; do f=$1; shift; [ -r "$f" ] || continue; printf '\\n${MARK}%s\\n' "$f"; cat "$f" 2>/dev/null; done; `
    + `[ "$1" = -- ] && shift; printf '\\n${SYSCTL_MARK}\\n'; grep -H '' -- "$@" ${globs.join(' ')} 2>/dev/null; exit 0`;
  const argv = [...enterArgv(name), 'sh', '-c', script, 'sh', ...net, '--', ...sys];
  const r = await run(argv[0], argv.slice(1), 60_000);
  const tool = argv.slice(0, argv[0] === 'ip' ? 3 : 1).join(' ');
  if (r.error) {
    throw new SourceError({
      en: `--netns ${name}: could not run '${tool}' (${r.error.message})`,
      zh: `--netns ${name}：无法运行 '${tool}'（${r.error.message}）`,
    });
  }
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n')[0] || `exit status ${r.status}`;
    throw new SourceError({
      en: `--netns ${name}: '${tool}' failed: ${why} (entering a namespace needs root)`,
      zh: `--netns ${name}：'${tool}' 失败：${why}（进入网络命名空间需要 root）`,
    });
  }
  const at = r.stdout.indexOf(`\n${SYSCTL_MARK}\n`);
  const files = splitMarked(at < 0 ? r.stdout : r.stdout.subarray(0, at));
  if (at >= 0) for (const [k, v] of splitGrepLines(r.stdout.subarray(at + SYSCTL_MARK.length + 2).toString('utf8'))) files.set(k, v);
  return files;
}

/** `path:value` lines of `grep -H ''` back into files (a multi-line file gives several lines). */
export function splitGrepLines(text: string): Map<string, Buffer> {
  const lines = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const rel = line.slice(0, c);
    const list = lines.get(rel);
    if (list) list.push(line.slice(c + 1)); else lines.set(rel, [line.slice(c + 1)]);
  }
  const out = new Map<string, Buffer>();
  for (const [rel, ls] of lines) out.set(rel, Buffer.from(ls.join('\n') + '\n'));
  return out;
}

/** Inverse of the script above: `\n@@tcplens-file@@ path\n<content>` repeated. */
export function splitMarked(out: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const mark = Buffer.from('\n' + MARK);
  let at = out.indexOf(mark);
  while (at >= 0) {
    const nameStart = at + mark.length;
    const nl = out.indexOf(0x0a, nameStart);
    if (nl < 0) break;
    const rel = out.subarray(nameStart, nl).toString('utf8');
    const next = out.indexOf(mark, nl + 1);
    files.set(rel, out.subarray(nl + 1, next < 0 ? out.length : next));
    at = next;
  }
  return files;
}

/** The namespace's identity: the inode of its nsfs file (what /proc/<pid>/ns/net links to). */
async function nsInode(p: string): Promise<number | undefined> {
  try { return (await stat(p)).ino; } catch { return undefined; }
}

export interface NetnsOptions {
  /** Where the host's /proc is (default `/proc`). */
  hostRoot?: string;
  /** The namespace's member pids, best first (default `ip netns pids NAME`); tests give their own. */
  members?: () => Promise<number[]>;
}

/**
 * The namespace's /proc as `ProcFiles`: net files from a member process's /proc/<pid>/net while one
 * exists, else from inside; sysctls always from inside; anything else from the host's /proc.
 */
export async function netnsProcFiles(name: string, opts: NetnsOptions = {}): Promise<ProcFiles> {
  checkNetnsName(name);
  const hostRoot = opts.hostRoot ?? '/proc';
  const pidNs = netnsPidOf(name);
  const nsPath = netnsFile(name, hostRoot);
  const ino = await nsInode(nsPath);
  if (pidNs !== undefined && (ino === undefined || await readWhole(`${hostRoot}/${pidNs}/net/sockstat`) === undefined)) {
    throw new SourceError({
      en: `--netns: no process ${pidNs} whose network namespace we may read (is it running? are we root?)`,
      zh: `--netns：找不到可读取其网络命名空间的进程 ${pidNs}（进程是否在运行？是否为 root？）`,
    });
  }
  if (pidNs === undefined && ino === undefined) {
    throw new SourceError({
      en: `--netns: no network namespace named '${name}' (see 'ip netns list', or use pid:N for a process's namespace)`,
      zh: `--netns：没有名为 '${name}' 的网络命名空间（见 'ip netns list'，或用 pid:N 指定某个进程的命名空间）`,
    });
  }
  const host = dirProcFiles(hostRoot);
  const origin = `netns:${name}`;
  const listMembers = opts.members ?? (pidNs !== undefined ? async () => [pidNs] : () => netnsPids(name));
  const gone = new Set<number>();
  const inNs = async (pid: number): Promise<boolean> => (await nsInode(`${hostRoot}/${pid}/ns/net`)) === ino;
  let member: number | undefined;
  /** A live member of the namespace, not one that failed us; undefined when none is left. */
  const pickMember = async (): Promise<number | undefined> => {
    for (const pid of await listMembers()) {
      if (!gone.has(pid) && await inNs(pid)) return pid;
      gone.add(pid);
    }
    return undefined;
  };
  member = await pickMember();

  // The read inside the namespace is one spawn, made only when something needs it (the states
  // count path with a member process never does).
  let inside: Promise<Map<string, Buffer>> | undefined;
  const getInside = (): Promise<Map<string, Buffer>> =>
    (inside ??= readInsideNetns(name, [...(member === undefined ? NET_FILES : []), ...EXTRA_SYSCTL_PATHS], ['sys/net/ipv4/tcp_*']));
  let insideNet: Promise<Map<string, Buffer>> | undefined;
  /** Net files from inside, once no member is left (a second spawn only if the first had none). */
  const netFromInside = async (rel: string): Promise<Buffer | undefined> => {
    if (pidNs !== undefined) {
      throw new SourceError({
        en: `--netns ${name}: process ${pidNs} exited while its namespace was being read`,
        zh: `--netns ${name}：读取其网络命名空间时进程 ${pidNs} 已退出`,
      });
    }
    const files = await getInside();
    if ([...files.keys()].some((k) => k.startsWith('net/'))) return files.get(rel);
    insideNet ??= readInsideNetns(name, NET_FILES);
    return (await insideNet).get(rel);
  };
  /** One net file through a member, checked to still be the namespace's before and after. */
  const readNet = async (rel: string): Promise<Buffer | undefined> => {
    for (;;) {
      if (member === undefined) return netFromInside(rel);
      const pid = member;
      const buf = await readWhole(`${hostRoot}/${pid}/${rel}`);
      if (await inNs(pid)) return buf; // still ours: what it read is the namespace's (tcp6 may be absent)
      // Exited (or is now some other process): the next member, or from inside.
      gone.add(pid);
      member = await pickMember();
    }
  };
  if (member === undefined) await getInside(); // fail early (and once) if we cannot enter the namespace
  return {
    origin,
    read: async (rel) => (rel.startsWith('sys/') ? (await getInside()).get(rel) : rel.startsWith('net/') ? readNet(rel) : host.read(rel)),
    list: async (relDir) => (relDir.startsWith('sys/') ? mapProcFiles(await getInside(), origin).list(relDir) : host.list(relDir)),
    // No path for net files: every read of them goes through readNet and its member check.
    path: (rel) => (rel.startsWith('net/') || rel.startsWith('sys/') ? undefined : host.path?.(rel)),
  };
}
