// The kernel tracepoint `sock:inet_sock_set_state` as tracefs prints it in `trace_pipe`, one line per
// state change of an inet socket:
//
//   python3-9474 [000] ..s2. 3895.165165: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP
//     sport=45678 dport=54590 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1
//     daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV
//
// (one line in the pipe). The fields are the event's `print fmt` (include/trace/events/sock.h). Rules
// this parser keeps:
// - States become RFC 9293 names through `LINUX_STATE_CODES` (model/states.ts); TCP_NEW_SYN_RECV (12)
//   is SYN-RECEIVED, as every socket dump reports it. The Linux code is kept beside the name.
// - Addresses are read from the field of the socket's family (the other family's field holds
//   whatever the socket's unused slot contains) and canonicalised like every paste parser's
//   (formats/address.ts), so an event's 4-tuple meets the same socket in a snapshot.
// - What the tracepoint does not show is not invented. Linux never reports TIME-WAIT here: a closing
//   socket is swapped for a timewait minisocket (tcp_time_wait()), and the full socket goes to CLOSED
//   through tcp_done(), so an entry into TIME-WAIT reads as FIN-WAIT-2 → CLOSED (or CLOSING → CLOSED,
//   FIN-WAIT-1 → CLOSED). A request socket (TCP_NEW_SYN_RECV) has no event either: the passive side
//   shows LISTEN → SYN-RECEIVED on the child socket when the handshake's last ACK arrives, then
//   SYN-RECEIVED → ESTABLISHED at once. A connecting socket's first event (CLOSED → SYN-SENT) comes
//   before its source port is chosen (sport 0; an IPv6 socket's saddr is still ::).
// Pure: text in, records out; time stays the trace clock's as printed (seconds → Millis).
import { canonicalHost } from './address.js';
import { LINUX_STATE_CODES, type TcpState } from '../model/states.js';
import type { Family } from '../model/snapshot.js';

/** One state change, as the trace line shows it. */
export interface SockStateLine {
  kind: 'transition';
  /** The trace clock's timestamp (seconds as printed), in milliseconds. */
  traceMs: number;
  cpu: number;
  /** The task on the CPU when the state changed: often not the socket's owner (softirq, timers). */
  comm: string;
  pid: number;
  /** The socket's family (AF_INET6 sockets may hold IPv4-mapped peers; their addresses print as IPv4). */
  family: Family;
  saddr: string;
  sport: number;
  daddr: string;
  dport: number;
  from: TcpState;
  to: TcpState;
  /** Linux's codes (include/net/tcp_states.h): 12 is TCP_NEW_SYN_RECV. */
  fromCode: number;
  toCode: number;
}

/** `CPU:3 [LOST 120 EVENTS]`: the ring buffer overflowed; counts from here on are lower bounds. */
export interface LostLine { kind: 'lost'; cpu: number; count: number }

export type TraceLine = SockStateLine | LostLine;

const LOST = /^\s*CPU:(\d+) \[LOST (\d+) EVENTS\]/;
// "<comm>-<pid> [<cpu>] <flags> <seconds>: inet_sock_set_state: <print fmt's fields, in its order>".
// comm may hold spaces and dashes, so the pid is the last "-digits" before the CPU; the flags column
// (and a tgid column) depend on the trace options. One anchored expression: a busy host prints tens
// of thousands of these a second.
const LINE = new RegExp(
  String.raw`^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+)\.(\d+): inet_sock_set_state: ` +
  String.raw`family=(\w+) protocol=(\w+) sport=(\d+) dport=(\d+) saddr=(\S+) daddr=(\S+) saddrv6=(\S+) daddrv6=(\S+) ` +
  String.raw`oldstate=(\w+) newstate=(\w+)\s*$`,
);

const STATE_CODE: Readonly<Record<string, number>> = {
  TCP_ESTABLISHED: 1, TCP_SYN_SENT: 2, TCP_SYN_RECV: 3, TCP_FIN_WAIT1: 4, TCP_FIN_WAIT2: 5,
  TCP_TIME_WAIT: 6, TCP_CLOSE: 7, TCP_CLOSE_WAIT: 8, TCP_LAST_ACK: 9, TCP_LISTEN: 10, TCP_CLOSING: 11,
  TCP_NEW_SYN_RECV: 12,
};

// The same few addresses come back in every event of a host: canonicalise each text once.
const canonical = new Map<string, string | null>();
function address(text: string, family: Family): string | undefined {
  let c = canonical.get(text);
  if (c === undefined) {
    c = canonicalHost(text, family)?.address ?? null;
    if (canonical.size >= 4096) canonical.clear();
    canonical.set(text, c);
  }
  return c ?? undefined;
}

/**
 * One line of `trace_pipe`, or undefined for a line that is not this event (another event, a blank,
 * a cut-off line). Only TCP is returned: the event also fires for SCTP and MPTCP sockets. A state
 * this table does not know (__print_symbolic prints it in hex) makes the line unreadable too.
 */
export function parseSockStateLine(line: string): TraceLine | undefined {
  const m = LINE.exec(line);
  if (!m) {
    const lost = LOST.exec(line);
    return lost ? { kind: 'lost', cpu: Number(lost[1]), count: Number(lost[2]) } : undefined;
  }
  const [, comm, pid, cpu, secs, frac, fam, protocol, sp, dp, sa4, da4, sa6, da6, olds, news] = m;
  if (protocol !== 'IPPROTO_TCP') return undefined;
  const family: Family | undefined = fam === 'AF_INET' ? 'ipv4' : fam === 'AF_INET6' ? 'ipv6' : undefined;
  const fromCode = STATE_CODE[olds];
  const toCode = STATE_CODE[news];
  const sport = Number(sp);
  const dport = Number(dp);
  if (!family || fromCode === undefined || toCode === undefined || sport > 65535 || dport > 65535) return undefined;
  const saddr = address(family === 'ipv4' ? sa4 : sa6, family);
  const daddr = address(family === 'ipv4' ? da4 : da6, family);
  if (saddr === undefined || daddr === undefined) return undefined;
  return {
    kind: 'transition',
    traceMs: Number(secs) * 1000 + Number(frac) / 10 ** (frac.length - 3),
    cpu: Number(cpu),
    comm,
    pid: Number(pid),
    family,
    saddr,
    sport,
    daddr,
    dport,
    from: LINUX_STATE_CODES[fromCode] ?? 'CLOSED',
    to: LINUX_STATE_CODES[toCode] ?? 'CLOSED',
    fromCode,
    toCode,
  };
}

/** `A → B`, the key of one edge of the state diagram. */
export function edgeKey(from: TcpState, to: TcpState): string {
  return `${from} → ${to}`;
}

export interface EdgeCount { from: TcpState; to: TcpState; count: number }

/** Transitions per edge, busiest first (ties in a fixed order, so output is stable). */
export function countEdges(events: Iterable<{ from: TcpState; to: TcpState }>): EdgeCount[] {
  const m = new Map<string, EdgeCount>();
  for (const e of events) {
    const k = edgeKey(e.from, e.to);
    const c = m.get(k);
    if (c) c.count++;
    else m.set(k, { from: e.from, to: e.to, count: 1 });
  }
  return sortEdges([...m.values()]);
}

export function sortEdges(edges: EdgeCount[]): EdgeCount[] {
  return edges.sort((a, b) => b.count - a.count || edgeKey(a.from, a.to).localeCompare(edgeKey(b.from, b.to)));
}

/** Loopback addresses exist in every namespace, so they cannot tell one namespace's sockets from another's. */
export function isSharedLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/**
 * Whether an event belongs to the namespace whose interface addresses are `own`. The tracepoint has
 * no namespace field; the socket's local address is what ties it to one. A socket not yet bound to a
 * local address (a wildcard listener, an IPv6 connect before its source is chosen) is judged by its
 * remote address, which covers connections made inside the namespace to itself. Loopback addresses
 * never match: every namespace has 127.0.0.1 and ::1. So exact mode with a namespace counts what its
 * own addresses carry; a wildcard listener's own LISTEN events are not counted.
 */
export function eventInNamespace(e: Pick<SockStateLine, 'saddr' | 'daddr'>, own: ReadonlySet<string>): boolean {
  const local = e.saddr === '0.0.0.0' || e.saddr === '::' ? e.daddr : e.saddr;
  return own.has(local) && !isSharedLoopback(local);
}
