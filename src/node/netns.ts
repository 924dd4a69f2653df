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
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import type { Text } from '../i18n/lang.js';
import { mapProcFiles, readWhole, type ProcFiles, dirProcFiles } from './proc-files.js';
import { EXTRA_SYSCTL_PATHS } from './sysctls.js';

/** A failure the CLI prints as one line with exit status 2 (bad --netns, no permission). */
export class LiveSourceError extends Error {
  /** The message in both languages; `message` is the English one. */
  constructor(readonly text: Text) { super(text.en); }
}

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
    throw new LiveSourceError({
      en: `--netns: '${name}' is not a network namespace name (letters, digits, '.', '_', '-'; or pid:N)`,
      zh: `--netns：'${name}' 不是网络命名空间名称（只能含字母、数字、'.'、'_'、'-'；或 pid:N）`,
    });
  }
}

/** The command prefix that runs a program inside the namespace. */
export function enterArgv(name: string): string[] {
  const pid = netnsPidOf(name);
  return pid !== undefined ? ['nsenter', '-t', String(pid), '-n', '--'] : ['ip', 'netns', 'exec', name];
}

// node:child_process is loaded on first use: it costs ~15 ms at startup, and `tcplens states`
// on this host (the benchmarked path) never spawns anything.
let childProcess: typeof ChildProcess | undefined;
function spawnSync(...args: Parameters<typeof ChildProcess.spawnSync>): ReturnType<typeof ChildProcess.spawnSync> {
  childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  return childProcess.spawnSync(...args);
}

function run(cmd: string, args: string[], timeoutMs: number): { status: number | null; stdout: Buffer; stderr: string; error?: Error } {
  const r = spawnSync(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 30 }) as ChildProcess.SpawnSyncReturns<Buffer>;
  return { status: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: String(r.stderr ?? ''), error: r.error };
}

/** Pids living in the namespace, per `ip netns pids`. */
export function netnsPids(name: string): number[] {
  const r = run('ip', ['netns', 'pids', name], 10_000);
  if (r.error || r.status !== 0) return [];
  return r.stdout.toString('utf8').split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * Reads files inside the namespace with one spawn and splits the output back into files: net files
 * (big, several lines) with `cat` each between markers, sysctls (~90 one-line files) with a single
 * `grep -H ''` as `path:value` lines — a fork per sysctl cost ~1 ms each, and the shell's `read`
 * cannot be used: /proc/sys returns nothing to reads at a non-zero offset.
 */
export function readInsideNetns(name: string, rels: readonly string[], globs: readonly string[] = []): Map<string, Buffer> {
  const net = rels.filter((r) => !r.startsWith('sys/'));
  const sys = rels.filter((r) => r.startsWith('sys/'));
  // The globs (sys/net/ipv4/tcp_*) expand inside the namespace's /proc/sys. `exit 0`: a missing
  // sysctl is not a failure; a non-zero status then means `ip netns exec` itself failed.
  const script = 'cd /proc || exit 1; '
    + `while [ $# -gt 0 ] && [ "$1" != -- ]; do f=$1; shift; [ -r "$f" ] || continue; printf '\\n${MARK}%s\\n' "$f"; cat "$f" 2>/dev/null; done; `
    + `[ "$1" = -- ] && shift; printf '\\n${SYSCTL_MARK}\\n'; grep -H '' -- "$@" ${globs.join(' ')} 2>/dev/null; exit 0`;
  const argv = [...enterArgv(name), 'sh', '-c', script, 'sh', ...net, '--', ...sys];
  const r = run(argv[0], argv.slice(1), 60_000);
  const tool = argv.slice(0, argv[0] === 'ip' ? 3 : 1).join(' ');
  if (r.error) {
    throw new LiveSourceError({
      en: `--netns ${name}: could not run '${tool}' (${r.error.message})`,
      zh: `--netns ${name}：无法运行 '${tool}'（${r.error.message}）`,
    });
  }
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n')[0] || `exit status ${r.status}`;
    throw new LiveSourceError({
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

/**
 * The namespace's /proc as `ProcFiles`: net files from a member process's /proc/<pid>/net when one
 * exists, else from inside; sysctls always from inside; anything else from the host's /proc.
 */
export function netnsProcFiles(name: string, hostRoot = '/proc'): ProcFiles {
  checkNetnsName(name);
  const pidNs = netnsPidOf(name);
  if (pidNs !== undefined && readWhole(`${hostRoot}/${pidNs}/net/sockstat`) === undefined) {
    throw new LiveSourceError({
      en: `--netns: no process ${pidNs} whose network namespace we may read (is it running? are we root?)`,
      zh: `--netns：找不到可读取其网络命名空间的进程 ${pidNs}（进程是否在运行？是否为 root？）`,
    });
  }
  if (pidNs === undefined && !existsSync(`/run/netns/${name}`)) {
    throw new LiveSourceError({
      en: `--netns: no network namespace named '${name}' (see 'ip netns list', or use pid:N for a process's namespace)`,
      zh: `--netns：没有名为 '${name}' 的网络命名空间（见 'ip netns list'，或用 pid:N 指定某个进程的命名空间）`,
    });
  }
  const host = dirProcFiles(hostRoot);
  const member = pidNs ?? netnsPids(name).find((pid) => readWhole(`${hostRoot}/${pid}/net/sockstat`) !== undefined);
  const origin = `netns:${name}`;
  // The read inside the namespace is one spawn, made only when something needs it (the states
  // count path with a member process never does).
  let inside: Map<string, Buffer> | undefined;
  const wantNet = member === undefined ? [...NET_FILES] : [];
  const getInside = (): Map<string, Buffer> => (inside ??= readInsideNetns(name, [...wantNet, ...EXTRA_SYSCTL_PATHS], ['sys/net/ipv4/tcp_*']));
  const fromInside = (rel: string): boolean => rel.startsWith('sys/') || (member === undefined && rel.startsWith('net/'));
  if (member === undefined) getInside(); // fail early (and once) if we cannot enter the namespace
  return {
    origin,
    read: (rel) => (fromInside(rel) ? getInside().get(rel) : rel.startsWith('net/') ? readWhole(`${hostRoot}/${member}/${rel}`) : host.read(rel)),
    list: (relDir) => (fromInside(relDir + '/') ? mapProcFiles(getInside(), origin).list(relDir) : host.list(relDir)),
    path: (rel) => (fromInside(rel) ? undefined : rel.startsWith('net/') ? `${hostRoot}/${member}/${rel}` : host.path?.(rel)),
  };
}
