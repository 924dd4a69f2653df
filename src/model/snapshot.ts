// READ THIS FIRST — the host snapshot: what every source of socket data is turned into.
//
// A live Linux host (/proc), a pasted `ss`/`netstat`/`lsof`/PowerShell output, a folder captured on a
// production server, and a simulated host in the lab all produce a `HostSnapshot`. The diagnosis rules
// read only this type, so one set of rules serves them all. Fields a source cannot know stay
// undefined: "unknown" is never written as 0.
import type { TcpState } from './states.js';
import type { SocketTimerKind } from './timers.js';

export type Family = 'ipv4' | 'ipv6';

/** A timer as /proc/net/tcp's `tr:tm->when` or `ss -o`'s `timer:(kind,remaining,retrans)` shows it. */
export interface SocketTimer {
  /** Which timer (model/timers.ts: Linux's names; `loss-probe` only from the lab's engine). */
  kind: SocketTimerKind;
  /** Milliseconds until it fires. */
  remainingMs: number;
  /**
   * The third number in ss's timer, inet_diag's idiag_retrans: retransmissions so far for `on` and `off`
   * (icsk_retransmits; a request socket's SYN-ACK retransmits), unanswered probes for `keepalive`
   * and `persist` (icsk_probes_out, /proc's `timeout` column), 0 for `timewait`.
   */
  retransmits?: number;
}

export interface ProcessRef {
  pid: number;
  /** Command name as `ss -p` / /proc/<pid>/comm shows it. */
  name?: string;
  fd?: number;
}

export interface SocketRecord {
  /**
   * The socket's identity, the same in every read of one host while the socket lives, so a reader
   * can follow it from one sample to the next (`socketId`). Where netlink sock_diag listed it:
   * `cookie:<16 hex digits>`, the kernel's socket cookie, which a socket keeps into TIME-WAIT. From
   * /proc/net/tcp (live or captured): `inode:<inode>|<4-tuple>` for a socket with a file, and
   * `<state>|<4-tuple>` for one without (inode 0: TIME-WAIT and orphaned FIN-WAIT-2 minisockets,
   * request sockets), which changes with the state. Absent where the source cannot tell.
   */
  id?: string;
  state: TcpState;
  /** From the row where the address is a host name (`tcp6`, lsof's `IPv6`). */
  family: Family;
  /**
   * The address as text (model/address.ts), or the host name a tool printed in its place when run
   * without -n (`web-01`, `localhost`, `localhost.localdo` as netstat cuts it to its column): a name
   * is a valid peer, kept as it was printed.
   */
  localAddress: string;
  /** 0 for a wildcard (`*`), and for a port known only by a name no service table has: see `localService`. */
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /**
   * The service name a tool printed for the port (without -n) when neither the built-in IANA table
   * nor the reading host's /etc/services knows it; `localPort` is then 0. Absent when the port is known.
   */
  localService?: string;
  /** As `localService`, for the peer's port. */
  remoteService?: string;
  /** Bytes (connected sockets) or accept-queue length (LISTEN), as Recv-Q. */
  recvQ?: number;
  /** Bytes (connected) or accept-queue limit (LISTEN, ss only), as Send-Q. */
  sendQ?: number;
  timer?: SocketTimer;
  uid?: number;
  /** 0 for TIME-WAIT and orphaned FIN-WAIT-2 minisockets: no file, no owner. */
  inode?: number;
  processes?: ProcessRef[];
  /** How long the socket has been in its state, where the source can tell (ms). */
  ageMs?: number;
  /**
   * How long it has been in its state as an interval, from following it across reads and from its
   * kernel timers (src/diagnose/ages.ts), as of the snapshot's `readDoneAt` (else `takenAt`).
   */
  ageRange?: AgeRange;
  /** Free-form extras a source knows (ss -i's rtt, cwnd, ...). */
  extra?: Record<string, string | number>;
}

/**
 * [at least, at most] milliseconds in the current state; no `atMostMs` when it was there at the
 * first read and nothing the kernel shows bounds it.
 */
export interface AgeRange {
  atLeastMs: number;
  atMostMs?: number;
  /**
   * What bounded it: `reads` (seen or not seen in earlier reads), the kernel timer that did, and/or
   * `tcp-info` (tcp_info's last data sent/received and last ACK received, `ss -i`'s lastsnd/lastrcv/lastack).
   */
  basis: Array<'reads' | 'timewait-timer' | 'fin-wait-2-timer' | 'syn-timer' | 'tcp-info'>;
  /** True when the reads saw it enter its state: it was not in it at the read before. */
  seenEntering?: boolean;
}

/** Where the snapshot came from, and what it could not see. */
export interface SnapshotSource {
  kind: 'proc' | 'ss' | 'netstat-linux' | 'netstat-windows' | 'netstat-bsd' | 'lsof' | 'powershell' | 'proc-file' | 'simulated' | 'folder';
  /** A file path, `-`, `/proc`, `netns:NAME` or a simulator scenario name. */
  origin: string;
  os?: 'linux' | 'windows' | 'macos' | 'freebsd' | 'unknown';
  /** Which offline format the text was recognised as (src/formats `FormatId`), for pasted sources. */
  format?: string;
  /** A pasted socket listing: rows read into sockets, and lines of it that could not be read. */
  rows?: { read: number; unread: number };
}

export interface ParseProblem {
  /** File name (or `-`) and 1-based line number. */
  file: string;
  line: number;
  /** English; `zh` is the same in Chinese where the source provides it (print `zh ?? message` for --lang zh). */
  message: string;
  zh?: string;
  text?: string;
}

export interface ProcessInfo {
  pid: number;
  name: string;
  cmdline?: string;
  uid?: number;
  /** ms since the process started, where known. */
  uptimeMs?: number;
}

export interface HostSnapshot {
  /** Milliseconds since the epoch (live) or virtual time (simulated) at which it was taken. */
  takenAt: number;
  /** How long the host had been up at `takenAt` (/proc/uptime), where the source can tell. */
  uptimeMs?: number;
  /** When a live read had listed every socket (≥ takenAt): a socket it shows existed by then. */
  readDoneAt?: number;
  hostname?: string;
  sources: SnapshotSource[];
  sockets: SocketRecord[];
  /** TCP sysctls by their full dotted name: `net.ipv4.tcp_fin_timeout` -> "60", `net.core.somaxconn` -> "4096". */
  sysctls: Record<string, string>;
  /** /proc/net/netstat and /proc/net/snmp counters, `TcpExt:ListenOverflows` -> 12, `Tcp:CurrEstab` -> 3. */
  counters: Record<string, number>;
  /** /proc/net/sockstat `TCP:` line: inuse, orphan, tw, alloc, mem. */
  sockstat?: { inuse?: number; orphan?: number; tw?: number; alloc?: number; mem?: number };
  processes: ProcessInfo[];
  /** False when socket-to-process attribution is partial (not root, or the source had no -p). */
  processAttributionComplete: boolean;
  /** Lines or entries that could not be read. */
  problems: ParseProblem[];
  /** Earlier snapshots of the same host (for growth over time), oldest first, when a source has them. */
  history?: {
    takenAt: number;
    stateCounts: Partial<Record<TcpState, number>>;
    /** That sample's counters (same keys as `counters`), so rules can tell "rising now" from "since boot". */
    counters?: Record<string, number>;
    /**
     * That sample's sockets counted per group (src/diagnose/growth.ts `groupCounts`: `STATE|process|name/pid`,
     * `STATE|port|N`, `ports|ADDRESS|PORT`, ...), for growth per process, port and destination.
     */
    groups?: Record<string, number>;
  }[];
}

/** The /proc form of `SocketRecord.id`: inode plus 4-tuple, or state plus 4-tuple without an inode. */
export function socketId(s: Pick<SocketRecord, 'state' | 'inode' | 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>): string {
  const tuple = `${s.localAddress}|${s.localPort}|${s.remoteAddress}|${s.remotePort}`;
  return s.inode ? `inode:${s.inode}|${tuple}` : `${s.state}|${tuple}`;
}

export function emptySnapshot(takenAt: number, source: SnapshotSource): HostSnapshot {
  return {
    takenAt, sources: [source], sockets: [], sysctls: {}, counters: {}, processes: [],
    processAttributionComplete: false, problems: [],
  };
}
