// JSON written in pieces: `JSON.stringify(value, null, 2)` byte for byte, except that one top-level
// array is written a few thousand items at a time, so `ls --json` of a million sockets never holds
// the whole document as one string (V8 also refuses strings past ~512 MB).
import type { CliIO } from './io.js';

/** Items per write: big enough that writes are few, small enough that a piece is a few MB. */
const BATCH = 2048;

/**
 * `head` (an object whose key `key` holds the big array) as `JSON.stringify(head, null, 2)` would
 * print it, with `items` in the place of that key's value, in pieces; `map` turns an item into what
 * is printed.
 */
export function* jsonWithArrayPieces<T>(head: Record<string, unknown>, key: string, items: readonly T[], map: (item: T) => unknown = (x) => x): Generator<string> {
  // The document around the array, with a marker where the array goes.
  const marker = `\u0000${key}\u0000`;
  const text = JSON.stringify({ ...head, [key]: marker }, null, 2);
  const at = text.indexOf(JSON.stringify(marker));
  yield text.slice(0, at);
  if (items.length === 0) yield '[]';
  else {
    yield '[\n';
    let batch: string[] = [];
    for (let i = 0; i < items.length; i++) {
      // Top-level key: the array's items are indented 4, its closing bracket 2.
      batch.push('    ' + JSON.stringify(map(items[i]), null, 2).replaceAll('\n', '\n    '));
      if (batch.length >= BATCH) { yield batch.join(',\n') + (i < items.length - 1 ? ',\n' : ''); batch = []; }
    }
    if (batch.length > 0) yield batch.join(',\n');
    yield '\n  ]';
  }
  yield text.slice(at + JSON.stringify(marker).length) + '\n';
}

/** Writes pieces to standard output, waiting whenever the reader (a pipe, ssh) has not caught up. */
export async function writePieces(io: CliIO, pieces: Iterable<string>): Promise<void> {
  for (const p of pieces) {
    io.stdout(p);
    if (io.drain) await io.drain();
  }
}
