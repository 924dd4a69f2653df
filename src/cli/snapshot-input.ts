// Where a command's snapshot comes from — the one place `doctor`, `states` and `ls` share:
//   (default)        this host, live from /proc (src/node)
//   --netns NAME     another network namespace, live
//   --proc-root DIR  a directory laid out like /proc (a captured tree; tests)
//   --input FILE     one pasted output (ss, netstat, lsof, /proc/net/tcp, PowerShell, ...)
//   --input -        the same from standard input
//   --input DIR      a folder of outputs taken on one host at one moment, any mix, recognised by content
// Reading files is I/O, so it lives here; parsing is the pure src/formats.
// Every file of a folder goes to the parsers, .json included (PowerShell ConvertTo-Json, a capture's
// manifest.json); only tcplens' own --json documents are skipped, by content. A FIFO or stdin is
// read up to 64 MB, a device is refused: bad input ends with a message, never a hang.
// What could not be read is checked and reported in input-problems.ts, the same for all three commands.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import { snapshotFromTexts, UnknownFormatError } from '../formats/index.js';
import { mergeSamples } from '../diagnose/samples.js';
import { readLiveSnapshot } from '../node/live-snapshot.js';
import { LiveSourceError } from '../node/netns.js';
import { InputTooLargeError, UsageError, type CliIO } from './io.js';
import { checkReadable } from './input-problems.js';
import { liveOptions, statOrThrow } from './live-options.js';

/** The parseArgs option table every snapshot-reading command spreads into its own. */
export const INPUT_OPTIONS = {
  input: { type: 'string', short: 'i' },
  netns: { type: 'string' },
  'proc-root': { type: 'string' },
} as const;

export interface InputFlags { input?: string; netns?: string; 'proc-root'?: string }

/** Files larger than this in a folder are skipped (a capture file is at most tens of MB). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const say = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

/** Text of a file as a person saved it: UTF-16 (PowerShell's `>` on Windows) or UTF-8, BOM dropped. */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function readFileText(p: string, lang: Lang): string {
  try {
    return decodeText(readFileSync(p));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new UsageError(say(lang, `--input: permission denied: ${p}`, `--input：没有权限：${p}`));
    if (code === 'EISDIR') throw new UsageError(say(lang, `--input: ${p} is a directory`, `--input：${p} 是目录`));
    throw new UsageError(`--input: ${p}: ${(err as Error).message}`);
  }
}

/**
 * tcplens' own --json documents (doctor, states, ls), recognised by their top-level keys. Every
 * other .json — PowerShell's ConvertTo-Json, a capture's manifest.json — is the parsers' to read.
 */
export function isTcplensOutput(text: string): boolean {
  if (!/^\s*\{/.test(text)) return false;
  let o: unknown;
  try { o = JSON.parse(text); } catch { return false; }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const has = (...ks: string[]): boolean => ks.every((k) => k in o);
  return has('findings', 'summary', 'source') || has('states', 'total') || has('by', 'groups') || has('sockets', 'count');
}

/** Every regular, non-hidden file under a folder (one level of subfolders, as a capture may have). */
function folderFiles(dir: string, lang: Lang, depth = 0): Array<{ name: string; text: string; mtimeMs: number }> {
  const out: Array<{ name: string; text: string; mtimeMs: number }> = [];
  let entries: string[];
  try { entries = readdirSync(dir).sort(); } catch (err) {
    throw new UsageError(say(lang, `--input: cannot read folder ${dir}: ${(err as Error).message}`, `--input：无法读取目录 ${dir}：${(err as Error).message}`));
  }
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    const p = path.join(dir, e);
    let st: Stats;
    try { st = statSync(p); } catch { continue; } // vanished or a dangling link: not an input
    if (st.isDirectory()) { if (depth < 1) out.push(...folderFiles(p, lang, depth + 1)); continue; }
    if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
    const text = readFileText(p, lang);
    if (isTcplensOutput(text)) continue; // `tcplens doctor --json > x.json` saved beside the capture: not an input
    out.push({ name: p, text, mtimeMs: st.mtimeMs });
  }
  return out;
}

function fromTexts(files: Array<{ name: string; text: string }>, takenAt: number, lang: Lang): HostSnapshot {
  try {
    return snapshotFromTexts(files, takenAt);
  } catch (err) {
    if (err instanceof UnknownFormatError) throw new UsageError(err.messages.map((m) => m[lang]).join('\n'));
    throw err;
  }
}

export interface LoadOptions {
  /** The command lists or counts sockets (`states`, `ls`): an input with no socket listing is an error. */
  needSockets?: boolean;
}

export async function loadSnapshot(flags: InputFlags, io: CliIO, lang: Lang, opts: LoadOptions = {}): Promise<HostSnapshot> {
  checkOneSource(flags, lang);
  if (flags.input === undefined) return loadLive(flags, lang);
  const snap = await loadInput(flags.input, io, lang);
  checkReadable(snap, lang, opts.needSockets === true);
  return snap;
}

async function loadInput(src: string, io: CliIO, lang: Lang): Promise<HostSnapshot> {
  if (src === '') throw new UsageError(say(lang, '--input needs a file, a folder or - for standard input', '--input 需要一个文件、目录，或 - 表示标准输入'));
  if (src === '-') return fromTexts([{ name: '-', text: await readStdinCapped(io, lang) }], Date.now(), lang);
  const st = statOrThrow(src, lang);
  if (st.isDirectory()) {
    const files = folderFiles(src, lang);
    if (files.length === 0) throw new UsageError(say(lang, `--input: folder ${src} has no files`, `--input：目录 ${src} 中没有文件`));
    // A capture's manifest.json goes to the parsers like any file: it says when and where (merge.ts).
    return fromTexts(files, Math.max(...files.map((f) => f.mtimeMs)), lang);
  }
  return fromTexts([{ name: src, text: readInputFile(src, st, lang) }], st.mtimeMs, lang);
}

/** A FIFO (`--input <(ss -tan)`) is read up to this many bytes; past it, the input is refused. */
const MAX_PIPE_BYTES = 64 * 1024 * 1024;

/**
 * One --input file: a regular file of sane size, or a pipe read up to MAX_PIPE_BYTES. Devices
 * (/dev/zero, a terminal) are refused rather than read forever.
 */
function readInputFile(p: string, st: Stats, lang: Lang): string {
  if (st.isFile()) {
    if (st.size > MAX_FILE_BYTES) throw new UsageError(say(lang, `--input: ${p} is larger than ${MAX_FILE_BYTES / 2 ** 20} MB`, `--input：${p} 超过 ${MAX_FILE_BYTES / 2 ** 20} MB`));
    return readFileText(p, lang);
  }
  if (!st.isFIFO()) throw new UsageError(say(lang, `--input: ${p} is not a regular file (a device?); save the output to a file, or pipe it with --input -`, `--input：${p} 不是普通文件（设备？）；请把输出存成文件，或用 --input - 从管道读取`));
  const chunks: Buffer[] = [];
  let total = 0;
  const fd = openSync(p, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      total += n;
      if (total > MAX_PIPE_BYTES) throw new UsageError(say(lang, `--input: ${p} gave more than ${MAX_PIPE_BYTES / 2 ** 20} MB`, `--input：${p} 的数据超过 ${MAX_PIPE_BYTES / 2 ** 20} MB`));
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally { closeSync(fd); }
  return decodeText(Buffer.concat(chunks));
}

async function readStdinCapped(io: CliIO, lang: Lang): Promise<string> {
  try {
    return await io.readStdin(MAX_PIPE_BYTES);
  } catch (err) {
    if (err instanceof InputTooLargeError) throw new UsageError(say(lang, `--input -: standard input gave more than ${MAX_PIPE_BYTES / 2 ** 20} MB`, `--input -：标准输入的数据超过 ${MAX_PIPE_BYTES / 2 ** 20} MB`));
    throw err;
  }
}

/** Exactly one of --input, --netns, --proc-root (or none: this host). */
export function checkOneSource(flags: InputFlags, lang: Lang): void {
  const given = (['input', 'netns', 'proc-root'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) {
    throw new UsageError(say(lang, `use only one of --input, --netns, --proc-root (got ${given.map((g) => `--${g}`).join(' and ')})`,
      `--input、--netns、--proc-root 只能用一个（收到 ${given.map((g) => `--${g}`).join(' 和 ')}）`));
  }
}

async function loadLive(flags: InputFlags, lang: Lang): Promise<HostSnapshot> {
  const opts = liveOptions(flags, lang);
  try {
    return await readLiveSnapshot(opts);
  } catch (err) {
    if (err instanceof LiveSourceError) throw new UsageError(err.message);
    throw err;
  }
}

/** `--samples N --interval S`: N live snapshots S seconds apart, merged (ages, growth, rising counters). */
export const SAMPLE_OPTIONS = {
  samples: { type: 'string' },
  interval: { type: 'string' },
} as const;

function sampleCount(v: string | undefined, lang: Lang): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 100) throw new UsageError(say(lang, `--samples needs a whole number from 1 to 100, got '${v}'`, `--samples 需要 1 到 100 之间的整数，收到 '${v}'`));
  return n;
}

function intervalMs(v: string | undefined, lang: Lang): number {
  if (v === undefined) return 5000;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0.1 || n > 3600) throw new UsageError(say(lang, `--interval needs seconds from 0.1 to 3600, got '${v}'`, `--interval 需要 0.1 到 3600 之间的秒数，收到 '${v}'`));
  return Math.round(n * 1000);
}

export async function loadSampledSnapshot(flags: InputFlags & { samples?: string; interval?: string }, io: CliIO, lang: Lang): Promise<HostSnapshot> {
  const n = sampleCount(flags.samples, lang);
  const gap = intervalMs(flags.interval, lang);
  if (n === 1) {
    if (flags.interval !== undefined) throw new UsageError(say(lang, '--interval only makes sense with --samples N (N ≥ 2)', '--interval 只能与 --samples N（N ≥ 2）一起使用'));
    return loadSnapshot(flags, io, lang);
  }
  if (flags.input !== undefined) throw new UsageError(say(lang, '--samples needs a live source (this host, --netns or --proc-root), not --input', '--samples 需要实时数据源（本机、--netns 或 --proc-root），不能与 --input 一起使用'));
  const snaps: HostSnapshot[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, gap));
    snaps.push(await loadSnapshot(flags, io, lang));
  }
  return mergeSamples(snaps);
}
