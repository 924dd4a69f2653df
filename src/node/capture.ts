// `tcplens capture DIR`: a folder with everything tcplens reads on this host, so an engineer can
// take it from a production server and run `tcplens doctor --input DIR` elsewhere.
//
// Rules this file keeps:
// - Read-only on the host: it copies /proc files and runs listing tools, nothing else.
// - Never overwrites: a DIR that exists and is not empty is refused (`CaptureError`, exit 2).
// - Every file is what a person could have typed themselves (the raw /proc file, `ss -tanpoei`,
//   `netstat -antp`, `ps -eo ...`, sysctl's own output format), so the doctor's folder reader
//   recognises each one by its content, and a person can read them too. `manifest.json` says where
//   each file came from, which tools were missing, and which file is the primary socket list (the
//   same sockets appear in /proc/net/tcp, ss and netstat: a reader must not add them up).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import path from 'node:path';
import type { Text } from '../i18n/lang.js';
import { enterArgv, NET_FILES } from './netns.js';
import { procFilesFor } from './live-snapshot.js';
import { readSysctls } from './sysctls.js';

export class CaptureError extends Error {
  /** The message in both languages; `message` is the English one. */
  constructor(readonly text: Text) { super(text.en); }
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface CaptureFile {
  name: string;
  /** The /proc path or the command line that produced it. */
  from: string;
  bytes: number;
}

export interface CaptureResult {
  dir: string;
  files: CaptureFile[];
  /** Tools that were not there or failed, with why. */
  skipped: { from: string; why: string }[];
}

export interface CaptureOptions {
  procRoot?: string;
  netns?: string;
  now?: () => number;
  /** Run the listing tools (ss, netstat, ps); tests of the /proc part turn this off. */
  tools?: boolean;
}

/** Listing tools, as a person would run them; `inNetns` ones see the namespace's sockets. */
const TOOLS: { name: string; cmd: string[]; inNetns: boolean }[] = [
  { name: 'ss-tanpoei.txt', cmd: ['ss', '-tanpoei'], inNetns: true },
  { name: 'ss-s.txt', cmd: ['ss', '-s'], inNetns: true },
  { name: 'netstat-antp.txt', cmd: ['netstat', '-antp'], inNetns: true },
  // Processes are host-wide whatever the namespace: attribution joins on pid.
  { name: 'ps.txt', cmd: ['ps', '-eo', 'pid,ppid,uid,etimes,comm,args'], inNetns: false },
];

function checkTarget(dir: string): void {
  let st;
  try { st = statSync(dir); } catch { return; } // does not exist: we create it
  if (!st.isDirectory()) throw new CaptureError({ en: `${dir} exists and is not a directory`, zh: `${dir} 已存在且不是目录` });
  if (readdirSync(dir).length > 0) {
    throw new CaptureError({
      en: `${dir} is not empty; capture writes only into a new or empty folder`,
      zh: `${dir} 不是空目录；capture 只写入新目录或空目录`,
    });
  }
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir retries for ever where a parent exists but
 * refuses new entries with ENOENT (/proc, /sys), so a path that cannot be made must fail at once.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try { mkdirSync(d); } catch (e) {
      throw new CaptureError({ en: `cannot create ${dir}: ${why(e)}`, zh: `无法创建 ${dir}：${why(e)}` });
    }
  }
}

export async function writeCapture(dir: string, opts: CaptureOptions = {}): Promise<CaptureResult> {
  checkTarget(dir);
  const files = await procFilesFor(opts); // validates --netns before anything is written
  makeDirs(dir);
  const takenAt = (opts.now ?? Date.now)();
  const result: CaptureResult = { dir, files: [], skipped: [] };
  const put = (name: string, from: string, data: string | Buffer): void => {
    try { writeFileSync(path.join(dir, name), data); } catch (e) {
      const file = path.join(dir, name);
      throw new CaptureError({ en: `cannot write ${file}: ${why(e)}`, zh: `无法写入 ${file}：${why(e)}` });
    }
    result.files.push({ name, from, bytes: Buffer.byteLength(data) });
  };

  for (const rel of NET_FILES) {
    const b = await files.read(rel);
    if (b === undefined) { result.skipped.push({ from: `/proc/${rel}`, why: 'not readable' }); continue; }
    put(`proc-${rel.replace('/', '-')}`, `/proc/${rel}`, b);
  }
  // sysctl's own format (`name = value`), from /proc/sys, so it works inside a namespace too.
  const sysctls = await readSysctls(files);
  put('sysctl.txt', 'sysctl -a (net.ipv4.tcp_*, ip_local_port_range, ip_local_reserved_ports, net.core.somaxconn)',
    Object.entries(sysctls).map(([k, v]) => `${k} = ${v}\n`).join(''));

  if (opts.tools !== false) {
    for (const t of TOOLS) {
      const argv = opts.netns !== undefined && t.inNetns ? [...enterArgv(opts.netns), ...t.cmd] : t.cmd;
      const r = spawnSync(argv[0], argv.slice(1), { timeout: 60_000, maxBuffer: 1 << 30, env: { ...process.env, LC_ALL: 'C' } });
      const shown = t.cmd.join(' ');
      if (r.error) { result.skipped.push({ from: shown, why: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : r.error.message }); continue; }
      if (r.status !== 0) { result.skipped.push({ from: shown, why: String(r.stderr).trim().split('\n')[0] || `exit status ${r.status}` }); continue; }
      put(t.name, shown, r.stdout);
    }
  }

  const manifest = {
    tool: 'tcplens capture',
    formatVersion: 1,
    host: hostname(),
    kernel: release(),
    takenAt: new Date(takenAt).toISOString(),
    netns: opts.netns ?? null,
    // The same sockets are in several files; this one is complete (TIME-WAIT, orphans included)
    // and the others add owners (ss -p, netstat -p) and timers.
    primarySockets: ['proc-net-tcp', 'proc-net-tcp6'],
    files: result.files,
    skipped: result.skipped,
  };
  put('manifest.json', 'tcplens', JSON.stringify(manifest, null, 2) + '\n');
  return result;
}
