// `--input capture.tar.gz` (or .tgz, or one gzipped output): the archive is read in memory, as the
// folder it was made from (`tar czf capture.tar.gz capture/`), so a capture can travel as one file.
// node:zlib inflates; the tar reader is the ustar layout (POSIX.1-1988, as GNU tar and bsdtar write
// it): 512-byte headers with the name at 0, the size in octal at 124, the type at 156 and a name
// prefix at 345, each file's bytes padded to 512. Only regular files are read; links, folders and
// devices in the archive are passed over (an archive cannot lead outside itself this way).
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SourceError } from './source-error.js';

/** Inflated archives larger than this are refused: a capture folder is at most tens of MB. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export interface ArchiveFile { name: string; bytes: Buffer }

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The regular files of a .tar.gz, or the one file of a plain .gz (named without `.gz`). */
export async function readGzipInput(p: string): Promise<ArchiveFile[]> {
  let data: Buffer;
  try {
    data = await promisify(gunzip)(await readFile(p), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    const m = (e as Error).message;
    throw new SourceError({ en: `--input: ${p}: cannot decompress: ${m}`, zh: `--input：${p}：无法解压：${m}` });
  }
  if (!isTar(data)) return [{ name: p.replace(/\.gz$/, ''), bytes: data }];
  return readTar(p, data);
}

function isTar(b: Buffer): boolean {
  return b.length >= 512 && b.toString('latin1', 257, 262) === 'ustar';
}

function field(b: Buffer, at: number, len: number): string {
  const s = b.toString('utf8', at, at + len);
  const nul = s.indexOf('\0');
  return nul >= 0 ? s.slice(0, nul) : s;
}

function readTar(archive: string, b: Buffer): ArchiveFile[] {
  const out: ArchiveFile[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= b.length;) {
    const header = b.subarray(at, at + 512);
    if (header.every((x) => x === 0)) break; // two zero blocks end the archive
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0 || at + 512 + size > b.length) {
      throw new SourceError({ en: `--input: ${archive}: a damaged tar archive (entry at byte ${at})`, zh: `--input：${archive}：tar 归档已损坏（位于第 ${at} 字节的条目）` });
    }
    const type = String.fromCharCode(header[156] || 0x30);
    const body = b.subarray(at + 512, at + 512 + size);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === 'L') longName = field(body, 0, body.length); // GNU long name for the next entry
    else if (type === '0' || type === '7') {
      const clean = path.posix.normalize(name).replace(/^(\.\.\/)+|^\/+/, '');
      if (!clean.split('/').some((part) => part.startsWith('.') && part !== '.')) out.push({ name: `${archive}:${clean}`, bytes: Buffer.from(body) });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
