// Where /proc files come from. The live reader asks for files by their path under /proc
// (`net/tcp`, `sys/net/ipv4/tcp_fin_timeout`) and does not care whether they are the real /proc, a
// captured tree in a test, or another network namespace's view (netns.ts). Absent or unreadable
// files are `undefined`: a kernel without IPv6 has no net/tcp6, and that is not an error.
// Reads are asynchronous (fs/promises), so a server sampling a host keeps its event loop free; the
// `tcplens states` count path streams synchronously (`streamFile`), one short burst.
import { closeSync, openSync, readSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface ProcFiles {
  /** The file's bytes, or undefined when it does not exist or cannot be read. */
  read(rel: string): Promise<Buffer | undefined>;
  /** Names in a directory, or [] when it cannot be listed. */
  list(relDir: string): Promise<string[]>;
  /** What to call this source in problems and `SnapshotSource.origin`. */
  readonly origin: string;
  /** The file's path on disk, when it is one (lets the count path stream it instead of holding it). */
  path?(rel: string): string | undefined;
}

/**
 * Reads a /proc file in one go. /proc files report size 0, so a size hint is useless; reads into
 * one growing buffer let the kernel's seq_file fill as much as it can per read() (a 100,000-socket
 * /proc/net/tcp is ~15 MB: the buffer doubles to it).
 */
export async function readWhole(file: string): Promise<Buffer | undefined> {
  let fh;
  try { fh = await open(file, 'r'); } catch { return undefined; }
  try {
    // Most files read this way are one short line (a sysctl; the doctor reads ~80 of them at once):
    // start small and double, so their buffers are not a megabyte each.
    let buf = Buffer.allocUnsafe(1 << 14);
    let len = 0;
    for (;;) {
      buf = withRoom(buf, len);
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) break;
      len += bytesRead;
    }
    return buf.subarray(0, len);
  } catch {
    // EACCES, or the process behind /proc/<pid>/net exited mid-read: nothing usable.
    return undefined;
  } finally {
    await fh.close();
  }
}

/** `buf` itself while it has room past `len`; when full, a buffer twice its size holding its `len` bytes. */
function withRoom(buf: Buffer<ArrayBuffer>, len: number): Buffer<ArrayBuffer> {
  if (len < buf.length) return buf;
  const bigger = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(bigger, 0, 0, len);
  return bigger;
}

/** A directory laid out like /proc: the real one or a captured copy. */
export function dirProcFiles(root: string): ProcFiles {
  return {
    origin: root,
    read: (rel) => readWhole(path.join(root, rel)),
    path: (rel) => path.join(root, rel),
    list: async (relDir) => { try { return await readdir(path.join(root, relDir)); } catch { return []; } },
  };
}

/** Files already in memory (the output of a read inside another namespace), falling back to `rest`. */
export function mapProcFiles(files: ReadonlyMap<string, Buffer>, origin: string, rest?: ProcFiles): ProcFiles {
  return {
    origin,
    read: async (rel) => files.get(rel) ?? rest?.read(rel),
    path: (rel) => (files.has(rel) ? undefined : rest?.path?.(rel)),
    list: async (relDir) => {
      const prefix = relDir.endsWith('/') ? relDir : relDir + '/';
      const names = new Set<string>();
      for (const k of files.keys()) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) names.add(k.slice(prefix.length));
      if (names.size === 0 && rest) return rest.list(relDir);
      return [...names].sort();
    },
  };
}

/**
 * Streams a file through `consume` in chunks: `consume(buf, len)` handles the complete part and
 * returns how many bytes it used; the rest is kept for the next read. For /proc files, which the
 * kernel hands out a page per read(), this keeps memory flat however many sockets there are.
 * Returns false when the file cannot be opened or read.
 */
export function streamFile(file: string, consume: (buf: Buffer, len: number) => number): boolean {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return false; }
  try {
    let buf = Buffer.allocUnsafe(1 << 18);
    let len = 0;
    for (;;) {
      // A full buffer here is one line longer than it: never in /proc/net/tcp, but do not loop forever.
      buf = withRoom(buf, len);
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
      // Let a few pages gather before scanning: fewer, longer scans.
      if (buf.length - len >= 16384) continue;
      const used = consume(buf, len);
      buf.copy(buf, 0, used, len);
      len -= used;
    }
    if (len > 0) consume(buf, len);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
