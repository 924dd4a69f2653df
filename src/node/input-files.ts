// Reading what a person saved or piped for `--input`: a file, a FIFO (`--input <(ss -tan)`), a
// folder of outputs (a `tcplens capture`, or any mix), or standard input. Only bytes to text here;
// the parsers of src/formats recognise and read the text.
// Every file of a folder goes to the parsers, .json included (PowerShell ConvertTo-Json, a capture's
// manifest.json); only tcplens' own --json documents are skipped, by content. One file, a FIFO or
// standard input is read as a stream of any size (input-stream.ts).
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { Text } from '../i18n/lang.js';
import { notTextReason } from '../formats/binary.js';
import { SourceError } from './source-error.js';

/** Files larger than this in a folder are skipped (a capture file is at most tens of MB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
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

async function readFileBytes(p: string): Promise<Buffer> {
  try {
    return await readFile(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new SourceError({ en: `--input: permission denied: ${p}`, zh: `--input：没有权限：${p}` });
    if (code === 'EISDIR') throw new SourceError({ en: `--input: ${p} is a directory`, zh: `--input：${p} 是目录` });
    const m = (err as Error).message;
    throw new SourceError({ en: `--input: ${p}: ${m}`, zh: `--input：${p}：${m}` });
  }
}

/** A folder's inputs, and what was passed over (files that are no text, links out of the folder). */
export interface FolderRead {
  files: InputFile[];
  /** Files that are no text, with what they are. */
  notText: Array<{ name: string; what: Text }>;
  /** Symbolic links that lead out of the folder. */
  linksOut: string[];
}

/**
 * Every regular, non-hidden file under a folder (one level of subfolders, as a capture may have).
 * A symbolic link is followed only when it stays inside the folder (`up -> ..` or `bin -> /usr/bin`
 * would read the whole disk); a file that is no text is named once in a summary, not parsed.
 */
export async function folderFiles(dir: string): Promise<FolderRead> {
  const out: FolderRead = { files: [], notText: [], linksOut: [] };
  const root = await realpath(dir).catch(() => path.resolve(dir));
  await walk(dir, root, 0, out);
  return out;
}

async function walk(dir: string, root: string, depth: number, out: FolderRead): Promise<void> {
  let entries: string[];
  try { entries = (await readdir(dir)).sort(); } catch (err) {
    const m = (err as Error).message;
    throw new SourceError({ en: `--input: cannot read folder ${dir}: ${m}`, zh: `--input：无法读取目录 ${dir}：${m}` });
  }
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    const p = path.join(dir, e);
    let st: Stats;
    try {
      const l = await lstat(p);
      if (l.isSymbolicLink()) {
        const target = await realpath(p);
        if (target !== root && !target.startsWith(root + path.sep)) { out.linksOut.push(p); continue; }
        // A link back to the folder itself or to a folder above it would loop.
        if (root.startsWith(target)) { out.linksOut.push(p); continue; }
      }
      st = await stat(p);
    } catch { continue; } // vanished or a dangling link: not an input
    if (st.isDirectory()) { if (depth < 1) await walk(p, root, depth + 1, out); continue; }
    if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
    const bytes = await readFileBytes(p);
    const what = notTextReason(bytes);
    if (what) { out.notText.push({ name: p, what }); continue; }
    const text = decodeText(bytes);
    if (isTcplensOutput(text)) continue; // `tcplens doctor --json > x.json` saved beside the capture: not an input
    out.files.push({ name: p, text, mtimeMs: st.mtimeMs });
  }
}

/** The one problem line a folder's skipped files become. */
export function skippedSummary(dir: string, read: FolderRead): Array<{ file: string; line: number; message: string; zh: string }> {
  const out: Array<{ file: string; line: number; message: string; zh: string }> = [];
  if (read.notText.length > 0) {
    const shown = read.notText.slice(0, 3).map((f) => `${path.relative(dir, f.name)} (${f.what.en.split(/[:(]/)[0].trim()})`).join(', ');
    const shownZh = read.notText.slice(0, 3).map((f) => `${path.relative(dir, f.name)}（${f.what.zh.split(/[：（]/)[0].trim()}）`).join('、');
    const more = read.notText.length > 3 ? read.notText.length - 3 : 0;
    out.push({
      file: dir, line: 0,
      message: `${read.notText.length} file(s) are not text and were skipped: ${shown}${more ? ` and ${more} more` : ''}`,
      zh: `${read.notText.length} 个文件不是文本，已跳过：${shownZh}${more ? ` 等另外 ${more} 个` : ''}`,
    });
  }
  if (read.linksOut.length > 0) {
    out.push({
      file: dir, line: 0,
      message: `${read.linksOut.length} symbolic link(s) lead out of the folder and were not followed: ${read.linksOut.slice(0, 3).map((l) => path.relative(dir, l)).join(', ')}`,
      zh: `${read.linksOut.length} 个符号链接指向目录之外，未跟随：${read.linksOut.slice(0, 3).map((l) => path.relative(dir, l)).join('、')}`,
    });
  }
  return out;
}

/** The text of one input, or a SourceError naming what the bytes are instead. */
export function textOrRefuse(name: string, bytes: Buffer): string {
  const what = notTextReason(bytes);
  if (what) throw new SourceError({ en: `--input: ${name}: ${what.en}`, zh: `--input：${name}：${what.zh}` });
  return decodeText(bytes);
}
