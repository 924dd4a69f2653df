// READ THIS FIRST — pasted /proc/net/tcp and /proc/net/tcp6 text (FORMATS.md §2).
//
// A simple line parser for offline text (the live reader in src/node/ is the fast byte-level one).
// Rules it keeps, from get_tcp4_sock()/get_tcp6_sock() in net/ipv4/tcp_ipv4.c and net/ipv6/tcp_ipv6.c:
// - Addresses are 32-bit words printed `%08X` in host order: on little-endian hosts (x86, arm64 — all
//   we assume) each word's bytes are reversed; the port is already big-endian-converted.
// - `st` is the Linux state code (model/states.ts LINUX_STATE_CODES).
// - `tx_queue:rx_queue` hex; for LISTEN rx_queue is the accept queue (sk_ack_backlog).
// - `tr:tm->when` is the timer code and its expiry in USER_HZ ticks (100 per second).
// - `inode` 0 = no file (TIME-WAIT, request sockets, orphans).
import type { SocketRecord } from '../model/snapshot.js';
import { LINUX_STATE_CODES } from '../model/states.js';
import { formatIpv6, canonicalHost } from './address.js';
import { PROC_TIMER_CODES } from './timers.js';
import { badRow, readPaste } from './text.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';

const HEADER = /^\s*sl\s+local_address\s+rem(ote)?_address\s+st\s/;
const ROW = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s+([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{2}):([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{8})\s+(\d+)\s+(\d+)\s+(\d+)/;
const USER_HZ = 100;

/** One host-order 32-bit word in hex, as a little-endian host prints it -> its four bytes in wire order. */
function wordBytes(hex8: string): number[] {
  const v = parseInt(hex8, 16);
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
}

export function decodeProcAddress(hex: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  if (hex.length === 8) return { address: wordBytes(hex).join('.'), family: 'ipv4' };
  if (hex.length !== 32) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8)));
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // ::ffff:a.b.c.d joins with the IPv4 view of the same peer (address.ts rules).
  return canonicalHost(formatIpv6(groups));
}

export function parseProcNetTcp(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'proc-net-tcp', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'proc-net-tcp' },
    sockets: [], problems: [],
  };
  for (const line of lines) {
    if (line.text.trim() === '' || HEADER.test(line.text)) continue;
    const m = ROW.exec(line.text);
    if (!m) { part.problems.push(badRow(file, line, last, truncated, msg.notRow('/proc/net/tcp', 'sl local_address rem_address st ...'))); continue; }
    const state = LINUX_STATE_CODES[parseInt(m[5], 16)];
    const local = decodeProcAddress(m[1]);
    const remote = decodeProcAddress(m[3]);
    if (!state || !local || !remote) {
      part.problems.push(badRow(file, line, last, truncated, msg.unknownStateCode(m[5])));
      continue;
    }
    const tr = parseInt(m[8], 16);
    const s: SocketRecord = {
      state, family: local.family,
      localAddress: local.address, localPort: parseInt(m[2], 16),
      remoteAddress: remote.address, remotePort: parseInt(m[4], 16),
      recvQ: parseInt(m[7], 16),
    };
    // A listener's tx_queue is always 0, not its backlog limit (which only ss/netlink reports).
    if (state !== 'LISTEN') s.sendQ = parseInt(m[6], 16);
    const kind = PROC_TIMER_CODES[tr];
    if (kind) {
      s.timer = { kind, remainingMs: Math.round(parseInt(m[9], 16) * 1000 / USER_HZ), retransmits: parseInt(m[10], 16) };
    }
    s.uid = Number(m[11]);
    if (Number(m[12]) > 0) (s.extra ??= {}).probes = Number(m[12]);
    s.inode = Number(m[13]);
    part.sockets!.push(s);
  }
  return part;
}

export const procNetTcpParser: FormatParser = {
  id: 'proc-net-tcp',
  description: 'raw /proc/net/tcp or /proc/net/tcp6 text',
  example: 'cat /proc/net/tcp',
  sniff(lines) {
    if (lines.some((l) => HEADER.test(l))) return 0.98;
    const rows = lines.filter((l) => ROW.test(l)).length;
    return rows > 0 && rows >= lines.length * 0.8 ? 0.8 : 0;
  },
  parse: parseProcNetTcp,
};
