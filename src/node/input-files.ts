// Reading what a person saved or piped for `--input`: a file, a FIFO (`--input <(ss -tan)`), a
// folder of outputs (a `tcplens capture`, or any mix), or standard input. Only bytes to text here;
// the parsers of src/formats recognise and read the text.
// Every file of a folder goes to the parsers, .json included (PowerShell ConvertTo-Json, a capture's
// manifest.json); only tcplens' own --json documents are skipped, by content. A FIFO or stdin is
// read up to 64 MB, a device is refused: bad input ends with a message, never a hang.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { SourceError } from './source-error.js';

/** Files larger than this in a folder are skipped (a capture file is at most tens of MB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** A FIFO or standard input is read up to this many bytes; past it, the input is refused. */
export const MAX_PIPE_BYTES = 64 * 1024 * 1024;

const MB = (n: number): number => n / 2 ** 20;

export interface InputFile { name: string; text: string; mtimeMs: number }

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

/** stat() with a clear message that names the flag the path came from. */
export async function statOrThrow(p: string, flag = '--input'): Promise<Stats> {
  try {
    return await stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SourceError({ en: `${flag}: no such file or directory: ${p}`, zh: `${flag}：文件或目录不存在：${p}` });
    if (code === 'EACCES') throw new SourceError({ en: `${flag}: permission denied: ${p}`, zh: `${flag}：没有权限：${p}` });
    const m = (err as Error).message;
    throw new SourceError({ en: `${flag}: ${p}: ${m}`, zh: `${flag}：${p}：${m}` });
  }
}

async function readFileText(p: string): Promise<string> {
  try {
    return decodeText(await readFile(p));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new SourceError({ en: `--input: permission denied: ${p}`, zh: `--input：没有权限：${p}` });
    if (code === 'EISDIR') throw new SourceError({ en: `--input: ${p} is a directory`, zh: `--input：${p} 是目录` });
    const m = (err as Error).message;
    throw new SourceError({ en: `--input: ${p}: ${m}`, zh: `--input：${p}：${m}` });
  }
}

/** Every regular, non-hidden file under a folder (one level of subfolders, as a capture may have). */
export async function folderFiles(dir: string, depth = 0): Promise<InputFile[]> {
  const out: InputFile[] = [];
  let entries: string[];
  try { entries = (await readdir(dir)).sort(); } catch (err) {
    const m = (err as Error).message;
    throw new SourceError({ en: `--input: cannot read folder ${dir}: ${m}`, zh: `--input：无法读取目录 ${dir}：${m}` });
  }
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    const p = path.join(dir, e);
    let st: Stats;
    try { st = await stat(p); } catch { continue; } // vanished or a dangling link: not an input
    if (st.isDirectory()) { if (depth < 1) out.push(...await folderFiles(p, depth + 1)); continue; }
    if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
    const text = await readFileText(p);
    if (isTcplensOutput(text)) continue; // `tcplens doctor --json > x.json` saved beside the capture: not an input
    out.push({ name: p, text, mtimeMs: st.mtimeMs });
  }
  return out;
}

/**
 * One --input file: a regular file of sane size, or a pipe read up to MAX_PIPE_BYTES. Devices
 * (/dev/zero, a terminal) are refused rather than read forever.
 */
export async function readInputFile(p: string, st: Stats): Promise<string> {
  if (st.isFile()) {
    if (st.size > MAX_FILE_BYTES) throw new SourceError({ en: `--input: ${p} is larger than ${MB(MAX_FILE_BYTES)} MB`, zh: `--input：${p} 超过 ${MB(MAX_FILE_BYTES)} MB` });
    return readFileText(p);
  }
  if (!st.isFIFO()) {
    throw new SourceError({
      en: `--input: ${p} is not a regular file (a device?); save the output to a file, or pipe it with --input -`,
      zh: `--input：${p} 不是普通文件（设备？）；请把输出存成文件，或用 --input - 从管道读取`,
    });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const fh = await open(p, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let { bytesRead: n } = await fh.read(buf, 0, buf.length, null); n > 0; ({ bytesRead: n } = await fh.read(buf, 0, buf.length, null))) {
      total += n;
      if (total > MAX_PIPE_BYTES) throw new SourceError({ en: `--input: ${p} gave more than ${MB(MAX_PIPE_BYTES)} MB`, zh: `--input：${p} 的数据超过 ${MB(MAX_PIPE_BYTES)} MB` });
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally { await fh.close(); }
  return decodeText(Buffer.concat(chunks));
}
