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
// - No object per socket in C: one ArrayBuffer of fixed-size records (layout in sock-diag.c),
//   read here through typed-array views; address strings are cached like the /proc parser does.
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
import { LINUX_STATE_CODES } from '../../model/states.js';
import type { SocketRecord } from '../../model/snapshot.js';
import { addressFromV6Bytes, formatIpv4 } from '../../model/address.js';
import { timerKindOfCode } from '../../model/timers.js';

export const ADDON_NAME = 'tcplens_sockdiag.node';
/** Bytes per packed record (sock-diag.c's RECORD_SIZE); an addon built for another layout is not used. */
export const RECORD_SIZE = 88;
/** Record flag (byte 84): the idle times came from INET_DIAG_INFO. */
const HAS_INFO = 1;

interface Binding {
  /** Sockets per kernel state code (idiag_state), 16 entries; `netnsPath` another namespace's file. */
  counts(netnsPath?: string): Float64Array;
  /** Packed records, `recordSize` bytes each; `withInfo` asks for tcp_info's idle times. */
  records(withInfo?: boolean, netnsPath?: string): ArrayBuffer;
  recordSize: number;
  /** One process's socket fds as pairs [fd, inode, ...] from `/proc/PID/fd`; throws with `code` set. */
  fdSockets?(fdDir: string): Float64Array;
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

/** True when the addon is loaded (the fast path may still fail at read time and fall back). */
export function nativeAvailable(): boolean {
  return binding() !== undefined;
}

/**
 * This namespace's sockets tallied per kernel state code into `byCode` (the layout
 * `tallyStateCodes` fills); false when the native path is unavailable or failed.
 */
export function nativeTallyStates(byCode: Float64Array, netnsPath?: string): boolean {
  const b = binding();
  if (!b) return false;
  let c: Float64Array;
  try { c = netnsPath === undefined ? b.counts() : b.counts(netnsPath); } catch { return false; }
  for (let code = 0; code < c.length; code++) byCode[code] += c[code];
  return true;
}

// Address strings repeat (a server's every socket shares its local address): cached by value.
type Addr = { address: string; family: 'ipv4' | 'ipv6' };
const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, Addr>();

function v4At(bytes: Uint8Array, off: number, word: number): string {
  let s = v4Cache.get(word);
  if (s === undefined) {
    s = formatIpv4(bytes, off);
    if (v4Cache.size > 65536) v4Cache.clear();
    v4Cache.set(word, s);
  }
  return s;
}

/** IPv6 text, or the IPv4 address an IPv4-mapped one carries (as the /proc parser reads it). */
function v6At(bytes: Uint8Array, off: number, words: Uint32Array, w: number): Addr {
  const key = `${words[w]},${words[w + 1]},${words[w + 2]},${words[w + 3]}`;
  let a = v6Cache.get(key);
  if (a === undefined) {
    a = addressFromV6Bytes(bytes, off);
    if (v6Cache.size > 65536) v6Cache.clear();
    v6Cache.set(key, a);
  }
  return a;
}

// The id's characters, filled in place: `cookie:` then 16 hex digits. Concatenating the pieces
// would leave each id a tree of three strings (a cons string); fromCharCode makes one flat string,
// about half the memory per socket on a big host.
const ID_CODES: number[] = Array.from('cookie:0000000000000000', (c) => c.charCodeAt(0));
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** `cookie:` and the 64-bit cookie in 16 hex digits (`ss -e` prints the same number after `sk:`). */
export function cookieId(hi: number, lo: number): string {
  for (let i = 0; i < 8; i++) {
    ID_CODES[7 + i] = HEX[(hi >>> (28 - 4 * i)) & 15];
    ID_CODES[15 + i] = HEX[(lo >>> (28 - 4 * i)) & 15];
  }
  return String.fromCharCode.apply(null, ID_CODES);
}

/**
 * The timer of every socket with none running (most ESTABLISHED and LISTEN sockets): one shared
 * object instead of one per socket. Records are read, never changed in place, by every consumer.
 */
const TIMER_OFF: SocketRecord['timer'] = { kind: 'off', remainingMs: 0, retransmits: 0 };

/**
 * Decodes the addon's packed records (exported for tests with hand-made buffers). Each record is
 * made by one object literal per shape (minisocket, full socket, full socket with tcp_info), with
 * its fields in the order JSON prints them: V8 then keeps every field inside the object rather than
 * in a second store, which matters at a million sockets.
 */
export function decodeRecords(buf: ArrayBuffer, recordSize = RECORD_SIZE): SocketRecord[] {
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
    const kind = timerKindOfCode(u8[o8 + 2]) ?? 'off';
    const local = v6 ? v6At(u8, o8 + 32, u32, o32 + 8) : { address: v4At(u8, o8 + 32, u32[o32 + 8]), family: 'ipv4' as const };
    const remote = v6 ? v6At(u8, o8 + 48, u32, o32 + 12) : { address: v4At(u8, o8 + 48, u32[o32 + 12]), family: 'ipv4' as const };
    // A dual-stack socket with an IPv4 peer is IPv4 to us, as in parseProcNetTcp.
    const family = v6 && (local.family === 'ipv6' || remote.family === 'ipv6') ? 'ipv6' : 'ipv4';
    // The kernel's socket cookie (idiag_cookie): the socket's identity for its whole life.
    const id = cookieId(u32[o32 + 17], u32[o32 + 16]);
    // idiag_retrans is icsk_retransmits for the retransmit timer and icsk_probes_out for
    // keepalive and zero-window probes (inet_sk_diag_fill): the same split parseProcNetTcp makes.
    const remainingMs = u32[o32 + 4], retransmits = u32[o32 + 5];
    const timer = kind === 'off' && remainingMs === 0 && retransmits === 0 ? TIMER_OFF : { kind, remainingMs, retransmits };
    // LISTEN: Recv-Q the accept queue, Send-Q its limit (`ss -ltn`); else bytes unsent or unacked.
    const recvQ = u32[o32 + 2], sendQ = u32[o32 + 3], inode = u32[o32 + 7];
    const localPort = u16[o16 + 2], remotePort = u16[o16 + 3];
    if (kind === 'timewait') {
      // Minisockets report uid 0 (inet_twsk_diag_fill), left unknown.
      out.push({ id, state, family, localAddress: local.address, localPort, remoteAddress: remote.address, remotePort, recvQ, inode, timer, sendQ });
    } else if ((u8[o8 + 84] & HAS_INFO) !== 0 && state !== 'LISTEN') {
      // tcp_info of a listener carries no idle times (tcp_get_info returns before them).
      const extra = { lastsnd: u32[o32 + 18], lastrcv: u32[o32 + 19], lastack: u32[o32 + 20] };
      out.push({ id, state, family, localAddress: local.address, localPort, remoteAddress: remote.address, remotePort, recvQ, inode, timer, uid: u32[o32 + 6], sendQ, extra });
    } else {
      out.push({ id, state, family, localAddress: local.address, localPort, remoteAddress: remote.address, remotePort, recvQ, inode, timer, uid: u32[o32 + 6], sendQ });
    }
  }
  return out;
}

export interface NativeReadOptions {
  /** Ask for tcp_info (`ss -i`): each full socket's idle times in `extra`. Costs the kernel a socket lock each. */
  info?: boolean;
  /** Another network namespace's file (`/run/netns/NAME`, `/proc/PID/ns/net`); default ours. */
  netnsPath?: string;
}

/** A namespace's TCP sockets, IPv4 then IPv6, or undefined when the native path is unavailable. */
export function nativeSockets(opts: NativeReadOptions = {}): SocketRecord[] | undefined {
  const b = binding();
  if (!b) return undefined;
  let buf: ArrayBuffer;
  try { buf = b.records(opts.info === true, opts.netnsPath); } catch { return undefined; }
  return decodeRecords(buf, b.recordSize);
}
