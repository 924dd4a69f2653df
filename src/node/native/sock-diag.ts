// READ THIS FIRST — the optional native fast path for reading this process's own TCP sockets.
//
// sock-diag.c asks the kernel for its sockets over NETLINK_SOCK_DIAG (what `ss` does) instead of
// reading the /proc/net/tcp[6] text, which the kernel must print line by line (~300 ms for 120,000
// sockets on the bench host). This file loads that addon if it was built, and turns its packed
// records into the very `SocketRecord`s parseProcNetTcp (src/formats/proc-net-tcp.ts) returns.
//
// Rules this file keeps:
// - Optional, always: no addon (not built, not Linux, TCPLENS_NO_NATIVE=1), or any error from it
//   (EPERM in a sandbox, EPROTONOSUPPORT without inet_diag, ...) makes these functions return
//   undefined, and the caller reads /proc as before. Nothing is printed; results are the same.
// - Netlink answers for the namespace its socket was made in: ours, or another one the addon enters
//   on a short-lived thread (`netnsPath`: `/run/netns/NAME`, `/proc/PID/ns/net`; needs root). A
//   `--proc-root` tree is never read this way (live-snapshot.ts decides).
// - No object per socket in C: one ArrayBuffer of fixed-size records (layout in sock-diag.c), read
//   as columns by packed-sockets.ts (`nativePacked`: counting without an object per socket) or
//   turned into SocketRecords (`nativeSockets`); address strings are cached like the /proc parser does.
// - Where inet_diag knows more than /proc, the record says it as `ss` would: a LISTEN socket's
//   idiag_wqueue is its backlog limit (sk_max_ack_backlog, tcp_diag_get_info), kept as sendQ like
//   `ss -ltn`'s Send-Q (/proc's tx_queue column is write_seq − snd_una, meaningless for a listener,
//   so the /proc parser leaves it unknown); with `info`, tcp_info's idle times become
//   `extra.lastsnd/lastrcv/lastack` in ms, the words `ss -i` prints. Timewait minisockets report
//   uid 0, left unknown. Timer expiry comes in ms (jiffies_delta_to_msecs), /proc's in 10 ms ticks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SocketRecord } from '../../model/snapshot.js';
import { PackedSockets, RECORD_SIZE } from './packed-sockets.js';

export const ADDON_NAME = 'tcplens_sockdiag.node';
export { RECORD_SIZE, cookieId, PackedSockets, statesMask } from './packed-sockets.js';

interface Binding {
  /**
   * Sockets per kernel state code (idiag_state), 16 entries; `netnsPath` another namespace's file;
   * `states` a mask of 1 << code (default every state /proc lists).
   */
  counts(netnsPath?: string, states?: number): Float64Array;
  /** Packed records, `recordSize` bytes each; `withInfo` asks for tcp_info's idle times. */
  records(withInfo?: boolean, netnsPath?: string, states?: number): ArrayBuffer;
  recordSize: number;
  /** One process's socket fds as pairs [fd, inode, ...] from `/proc/PID/fd`; throws with `code` set. */
  fdSockets?(fdDir: string): Float64Array;
  /** fdSockets for several directories on a worker thread: each entry its pairs or the errno's name. */
  fdSocketsMany?(fdDirs: string[]): Promise<Array<Float64Array | string>>;
  /** walk_datagram over hand-made bytes: status 1 (NLMSG_DONE), 0 (more to come) or -errno. */
  parseForTest(datagram: Uint8Array, seq: number): { status: number; counts: Float64Array; records: ArrayBuffer };
}

let loaded: Binding | null | undefined;

/** The package root: the first directory upwards holding package.json (works from src/ and dist/). */
function packageRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Where scripts/build-native.mjs puts the addon, then node-gyp's own output (a manual build). */
export function addonCandidates(): string[] {
  const root = packageRoot();
  if (root === undefined) return [];
  return [path.join(root, 'build', ADDON_NAME), path.join(root, 'src/node/native/build/Release', ADDON_NAME)];
}

function binding(): Binding | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (process.platform !== 'linux' || process.env.TCPLENS_NO_NATIVE === '1') return undefined;
  const require = createRequire(import.meta.url);
  for (const file of addonCandidates()) {
    if (!existsSync(file)) continue;
    try {
      const b = require(file) as Binding;
      if (typeof b.counts === 'function' && typeof b.records === 'function' && b.recordSize === RECORD_SIZE) { loaded = b; break; }
    } catch {
      // Built for another Node ABI, or a broken file: try the next one, then /proc.
    }
  }
  return loaded ?? undefined;
}

/** The loaded addon itself, for tests of its message checks; undefined when not built. */
export function nativeBindingForTest(): Binding | undefined {
  return binding();
}

/**
 * The socket links of one `/proc/PID/fd` directory read in C (readdir + readlinkat, no string per
 * fd), as pairs [fd, inode, ...]; undefined when the addon is not loaded or predates it. Throws as
 * readdirSync would (an Error whose `code` is ENOENT, EACCES, ...).
 */
export function nativeFdSockets(): ((fdDir: string) => Float64Array) | undefined {
  const b = binding();
  return b?.fdSockets ? (dir) => b.fdSockets!(dir) : undefined;
}

/**
 * fdSockets for several `/proc/PID/fd` directories, read on one of libuv's worker threads while
 * JavaScript goes on: each entry the pairs, or the errno's name (ENOENT, EACCES, ...) of a
 * directory that could not be read. Undefined when the addon is not loaded or predates it.
 */
export function nativeFdSocketsMany(): ((fdDirs: string[]) => Promise<Array<Float64Array | string>>) | undefined {
  const b = binding();
  return b?.fdSocketsMany ? (dirs) => b.fdSocketsMany!(dirs) : undefined;
}

/** True when the addon is loaded (the fast path may still fail at read time and fall back). */
export function nativeAvailable(): boolean {
  return binding() !== undefined;
}

/**
 * This namespace's sockets tallied per kernel state code into `byCode` (the layout
 * `tallyStateCodes` fills); false when the native path is unavailable or failed.
 */
export function nativeTallyStates(byCode: Float64Array, netnsPath?: string, states?: number): boolean {
  const b = binding();
  if (!b) return false;
  let c: Float64Array;
  try { c = b.counts(netnsPath, states); } catch { return false; }
  for (let code = 0; code < c.length; code++) byCode[code] += c[code];
  return true;
}

/**
 * Decodes the addon's packed records into SocketRecords (exported for tests with hand-made
 * buffers): packed-sockets.ts reads the rows; this is every row /proc would show.
 */
export function decodeRecords(buf: ArrayBuffer, recordSize = RECORD_SIZE): SocketRecord[] {
  return new PackedSockets(buf, recordSize).records();
}

export interface NativeReadOptions {
  /** Ask for tcp_info (`ss -i`): each full socket's idle times in `extra`. Costs the kernel a socket lock each. */
  info?: boolean;
  /** Another network namespace's file (`/run/netns/NAME`, `/proc/PID/ns/net`); default ours. */
  netnsPath?: string;
  /** Only these states (`statesMask`); the kernel skips the others before filling a record. Default all. */
  states?: number;
  /** TIME-WAIT records with their `ageMs` (PackedSockets.record's `withAge`). */
  ages?: boolean;
}

/** A namespace's TCP sockets, IPv4 then IPv6, or undefined when the native path is unavailable. */
export function nativeSockets(opts: NativeReadOptions = {}): SocketRecord[] | undefined {
  const b = binding();
  if (!b) return undefined;
  let buf: ArrayBuffer;
  try { buf = b.records(opts.info === true, opts.netnsPath, opts.states); } catch { return undefined; }
  return new PackedSockets(buf, b.recordSize).records(opts.ages === true);
}

/**
 * A namespace's TCP sockets as columns (packed-sockets.ts), without an object per socket; undefined
 * when the native path is unavailable or failed (the caller reads /proc).
 */
export function nativePacked(opts: NativeReadOptions = {}): PackedSockets | undefined {
  const b = binding();
  if (!b) return undefined;
  try { return new PackedSockets(b.records(opts.info === true, opts.netnsPath, opts.states), b.recordSize); } catch { return undefined; }
}
