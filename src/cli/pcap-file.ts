// A capture file (or standard input) in chunks of 1 MiB, each handed on before the next is read,
// so `tcplens pcap` holds one chunk and the live connections whatever the file's size.
import { createReadStream } from 'node:fs';
import type { CliIO } from './io.js';

const CHUNK = 1 << 20;

export async function readCapture(file: string, io: CliIO, onChunk: (b: Uint8Array) => void): Promise<void> {
  const source: AsyncIterable<Uint8Array> = file === '-'
    ? (io.stdinStream?.() ?? (async function* () { yield new TextEncoder().encode(await io.readStdin()); })())
    : createReadStream(file, { highWaterMark: CHUNK });
  for await (const chunk of source) onChunk(chunk);
}
