// Reading one --input (a file, a FIFO, standard input) as a stream: its first 64 kB decide whether
// it is text at all (src/formats/binary.ts) and how to decode it; the rest goes to a PasteReader
// (src/formats/stream.ts) piece by piece, so a file of any size is read in linear time with memory
// bounded by what the reader keeps. There is no size limit: a listing of hundreds of MB is read.
//
// A FIFO is opened without blocking: `--input fifo` with no writer would otherwise wait for ever
// in open(2). It waits FIFO_WAIT_MS for a writer (or its first bytes), then says so.
import { constants, fstatSync, read, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { NOT_TEXT_PREFIX, notTextReason } from '../formats/binary.js';
import type { PasteReader } from '../formats/stream.js';
import { SourceError } from './source-error.js';

export const FIFO_WAIT_MS = 10_000;
/** One read of a file: few system calls, one buffer for the whole file. */
const READ_BYTES = 1 << 20;

/**
 * Pushes a byte stream's text into the reader; throws SourceError for bytes that are no text. A
 * chunk may be a view of a buffer the source fills again for the next one: it is used at once.
 */
export async function pushStream(name: string, chunks: AsyncIterable<Uint8Array>, reader: PasteReader): Promise<void> {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let decoder: TextDecoder | undefined;
  const start = (): TextDecoder => {
    const buf = Buffer.concat(head);
    const what = notTextReason(buf);
    if (what) throw new SourceError({ en: `--input: ${name}: ${what.en}`, zh: `--input：${name}：${what.zh}` });
    // A byte-order mark names the encoding (PowerShell's `>` writes UTF-16LE); TextDecoder drops it.
    const enc = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : 'utf-8';
    const d = new TextDecoder(enc);
    reader.push(d.decode(buf, { stream: true }));
    return d;
  };
  // Once the reader counts a plain listing it takes UTF-8 bytes as they come (no decoding, no copy),
  // from a chunk boundary that cuts no character: the decoder then holds nothing back.
  let utf8 = false;
  let whole = false;
  for await (const c of chunks) {
    if (decoder) {
      if (utf8 && whole && reader.wantsBytes) { reader.pushBytes(c); continue; }
      reader.push(decoder.decode(c, { stream: true }));
      whole = c.length > 0 && c[c.length - 1] < 0x80;
      continue;
    }
    head.push(Uint8Array.from(c));
    headBytes += c.length;
    if (headBytes >= NOT_TEXT_PREFIX) {
      decoder = start();
      utf8 = decoder.encoding === 'utf-8';
      whole = c.length > 0 && c[c.length - 1] < 0x80;
    }
  }
  decoder ??= start();
  reader.push(decoder.decode());
}

/** The chunks of one --input path: a regular file, or a FIFO read without blocking. */
export function inputChunks(p: string, st: Stats): AsyncIterable<Uint8Array> {
  if (st.isFile()) return fileChunks(p);
  if (st.isFIFO()) return fifoChunks(p);
  throw new SourceError({
    en: `--input: ${p} is not a regular file (a device?); save the output to a file, or pipe it with --input -`,
    zh: `--input：${p} 不是普通文件（设备？）；请把输出存成文件，或用 --input - 从管道读取`,
  });
}

/**
 * Standard input for `--input -`: a file given with `< FILE` is read as a file (one reused buffer,
 * as inputChunks does); a pipe or a terminal through process.stdin.
 */
export function stdinChunks(): AsyncIterable<Uint8Array> {
  let file = false;
  try { file = fstatSync(0).isFile(); } catch { /* no standard input */ }
  return file ? fileChunks(0) : process.stdin;
}

/**
 * A regular file (a path, or an open descriptor) read into one buffer, again and again: each chunk
 * is a view of it, valid until the next is asked for. A fresh buffer per read (a ReadStream) would
 * leave hundreds of MB of garbage behind a big listing, and cost the collector as much as the read.
 */
async function* fileChunks(p: string | number): AsyncGenerator<Uint8Array> {
  const fh = typeof p === 'string' ? await open(p, 'r') : undefined;
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const readFd = (fd: number): Promise<number> => new Promise((resolve, reject) => {
    read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
  try {
    for (;;) {
      const n = fh ? (await fh.read(buf, 0, buf.length, null)).bytesRead : await readFd(p as number);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally { await fh?.close(); }
}

async function* fifoChunks(p: string): AsyncGenerator<Uint8Array> {
  const fh = await open(p, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1 << 20);
    const deadline = Date.now() + FIFO_WAIT_MS;
    // EAGAIN: a writer holds the FIFO open but has written nothing yet. 0 bytes: end of data once a
    // writer was there; before that, no writer has opened it yet.
    let writer = false;
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, buf.length, null));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        writer = true;
        await sleep(2);
        continue;
      }
      if (n > 0) { writer = true; yield Buffer.from(buf.subarray(0, n)); continue; }
      if (writer) return;
      if (Date.now() > deadline) {
        throw new SourceError({
          en: `--input: ${p} is a FIFO and nothing was written to it within ${FIFO_WAIT_MS / 1000} s (no writer?)`,
          zh: `--input：${p} 是命名管道，${FIFO_WAIT_MS / 1000} 秒内没有写入任何数据（没有写入方？）`,
        });
      }
      await sleep(20);
    }
  } finally { await fh.close(); }
}
