// READ THIS FIRST — the optional native fast path for reading this process's own TCP sockets.
//
// sock-diag.c asks the kernel for its sockets over NETLINK_SOCK_DIAG (what `ss` does) instead of
// reading the /proc/net/tcp[6] text, which the kernel must print line by line (~300 ms for 120,000
// sockets on the bench host). This file loads that addon if it was built, and turns its packed
// records into the very `SocketRecord`s parseProcNetTcp returns.
//
// Rules this file keeps:
// - Optional, always: no addon (not built, not Linux, TCPLENS_NO_NATIVE=1), or any error from it
//   (EPERM in a sandbox, EPROTONOSUPPORT without inet_diag, ...) makes these functions return
//   undefined, and the caller reads /proc as before. Nothing is printed; results are the same.
// - Netlink sees the network namespace of the calling process only, so callers use this only for
//   their own namespace with the default /proc (live-snapshot.ts checks `netns`/`procRoot`).
// - No object per socket in C: one ArrayBuffer of fixed-size records (layout in sock-diag.c),
//   read here through typed-array views; address strings are cached like proc-net-tcp.ts does.
// - Where inet_diag and /proc differ, /proc's meaning wins: idiag_wqueue of a LISTEN socket is the
//   backlog limit (/proc prints 0), so sendQ is left out for LISTEN exactly as the /proc parser
//   does; timewait minisockets report uid 0, left unknown. One difference stays: timer expiry
//   comes in ms (jiffies_delta_to_msecs), /proc's in 10 ms ticks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINUX_STATE_CODES } from '../../model/states.js';
import type { SocketRecord } from '../../model/snapshot.js';
import { formatIPv6, PROC_TIMER_CODES } from '../proc-net-tcp.js';

export const ADDON_NAME = 'tcplens_sockdiag.node';

interface Binding {
  /** Sockets per kernel state code (idiag_state), 16 entries. */
  counts(): Float64Array;
  /** Packed records, `recordSize` bytes each. */
  records(): ArrayBuffer;
  recordSize: number;
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
      if (typeof b.counts === 'function' && typeof b.records === 'function' && b.recordSize === 64) { loaded = b; break; }
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

/** True when the addon is loaded (the fast path may still fail at read time and fall back). */
export function nativeAvailable(): boolean {
  return binding() !== undefined;
}

/**
 * This namespace's sockets tallied per kernel state code into `byCode` (the layout
 * `tallyStateCodes` fills); false when the native path is unavailable or failed.
 */
export function nativeTallyStates(byCode: Float64Array): boolean {
  const b = binding();
  if (!b) return false;
  let c: Float64Array;
  try { c = b.counts(); } catch { return false; }
  for (let code = 0; code < c.length; code++) byCode[code] += c[code];
  return true;
}

const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, string>();

function v4At(bytes: Uint8Array, off: number, word: number): string {
  let s = v4Cache.get(word);
  if (s === undefined) {
    s = `${bytes[off]}.${bytes[off + 1]}.${bytes[off + 2]}.${bytes[off + 3]}`;
    if (v4Cache.size > 65536) v4Cache.clear();
    v4Cache.set(word, s);
  }
  return s;
}

function v6At(bytes: Uint8Array, off: number, words: Uint32Array, w: number): string {
  const key = `${words[w]},${words[w + 1]},${words[w + 2]},${words[w + 3]}`;
  let s = v6Cache.get(key);
  if (s === undefined) {
    s = formatIPv6(Array.from(bytes.subarray(off, off + 16)));
    if (v6Cache.size > 65536) v6Cache.clear();
    v6Cache.set(key, s);
  }
  return s;
}

/** Decodes the addon's packed records (exported for tests with hand-made buffers). */
export function decodeRecords(buf: ArrayBuffer, recordSize = 64): SocketRecord[] {
  const n = Math.floor(buf.byteLength / recordSize);
  const u8 = new Uint8Array(buf, 0, n * recordSize);
  const u16 = new Uint16Array(buf, 0, (n * recordSize) / 2);
  const u32 = new Uint32Array(buf, 0, (n * recordSize) / 4);
  const out: SocketRecord[] = [];
  const w16 = recordSize / 2, w32 = recordSize / 4;
  for (let i = 0; i < n; i++) {
    const o8 = i * recordSize, o16 = i * w16, o32 = i * w32;
    const state = LINUX_STATE_CODES[u8[o8]];
    if (state === undefined) continue; // a code /proc would never show
    const v6 = u8[o8 + 1] === 6;
    const kind = PROC_TIMER_CODES[u8[o8 + 2]] ?? 'off';
    const localAddress = v6 ? v6At(u8, o8 + 32, u32, o32 + 8) : v4At(u8, o8 + 32, u32[o32 + 8]);
    const remoteAddress = v6 ? v6At(u8, o8 + 48, u32, o32 + 12) : v4At(u8, o8 + 48, u32[o32 + 12]);
    const rec: SocketRecord = {
      state, family: v6 ? 'ipv6' : 'ipv4', localAddress, localPort: u16[o16 + 2], remoteAddress, remotePort: u16[o16 + 3],
      recvQ: u32[o32 + 2], inode: u32[o32 + 7],
      // idiag_retrans is icsk_retransmits for the retransmit timer and icsk_probes_out for
      // keepalive and zero-window probes (inet_sk_diag_fill): the same split parseProcNetTcp makes.
      timer: { kind, remainingMs: u32[o32 + 4], retransmits: u32[o32 + 5] },
    };
    if (kind !== 'timewait') rec.uid = u32[o32 + 6];
    if (state !== 'LISTEN') rec.sendQ = u32[o32 + 3];
    out.push(rec);
  }
  return out;
}

/** This namespace's TCP sockets, IPv4 then IPv6, or undefined when the native path is unavailable. */
export function nativeSockets(): SocketRecord[] | undefined {
  const b = binding();
  if (!b) return undefined;
  let buf: ArrayBuffer;
  try { buf = b.records(); } catch { return undefined; }
  return decodeRecords(buf, b.recordSize);
}
