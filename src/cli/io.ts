// What a CLI command may touch, passed in so end-to-end tests can run commands in-process too.
import { langFromLocale, parseLang, type Lang } from '../i18n/lang.js';

export interface CliIO {
  stdout: (s: string) => void;
  /**
   * Resolves once what was written to standard output has been taken by its reader: writes to a
   * pipe are queued in memory otherwise, and a listing of a million sockets would be queued whole.
   */
  drain?: () => Promise<void>;
  stderr: (s: string) => void;
  /** Reads all of standard input (for `--input -`); past `maxBytes`, stops and throws InputTooLargeError. */
  readStdin: (maxBytes?: number) => Promise<string>;
  /** Standard input as a byte stream, read piece by piece (`--input -` of any size); absent: readStdin. */
  stdinStream?: () => AsyncIterable<Uint8Array>;
  env: Record<string, string | undefined>;
  /** Standard output is a terminal (colour by default) of this many columns; absent: a pipe. */
  stdoutTTY?: { columns?: number };
}

export const processIO: CliIO = {
  stdout: (s) => { process.stdout.write(s); },
  drain: () => (process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', resolve)) : Promise.resolve()),
  stderr: (s) => { process.stderr.write(s); },
  readStdin: async (maxBytes?: number) => {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of process.stdin) {
      total += (c as Buffer).length;
      // `--input - < /dev/zero` must end with a message, not fill memory.
      if (maxBytes !== undefined && total > maxBytes) { process.stdin.destroy(); throw new InputTooLargeError(maxBytes); }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  // `< FILE` is read as a file (src/node/input-stream.ts); a pipe through process.stdin.
  stdinStream: () => (async function* () { yield* (await import('../node/input-stream.js')).stdinChunks(); })(),
  env: process.env,
  get stdoutTTY() { return process.stdout.isTTY ? { columns: process.stdout.columns } : undefined; },
};

/** Standard input gave more than the caller's limit. */
export class InputTooLargeError extends Error {
  constructor(readonly maxBytes: number) { super(`standard input is larger than ${maxBytes} bytes`); }
}

/** A usage error: printed as `tcplens CMD: message` with exit status 2, never a stack trace. */
export class UsageError extends Error {}

/** `--lang en|zh`, else the locale. */
export function pickLang(flag: string | undefined, env: CliIO['env']): Lang {
  if (flag !== undefined) {
    const l = parseLang(flag);
    if (!l) throw new UsageError(`--lang must be en or zh, got '${flag}'`);
    return l;
  }
  return langFromLocale(env);
}
