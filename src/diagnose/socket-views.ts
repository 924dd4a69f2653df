// The views behind `tcplens states` and `tcplens ls`: per-state counts grouped by process, local
// port, remote port, remote address or state (any combination, ephemeral local ports folded into
// one range row), and a filtered, sorted socket listing formatted like ss. Pure.
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import { endpoint, listeningPorts, localPortText, ownerOf, portRange, socketAgeMs, osOf } from './facts.js';
import { stateCounts, zeroCounts } from './state-counts.js';
import { ageRangeLong } from './age-text.js';
import { displayWidth, HEAD, pad, shownStates, table } from './count-table.js';
import { inferOwner } from './owner-inference.js';
import { matchesSocketFilter, type SocketFilterSpec } from '../formats/ss-filter.js';

// The plain count table lives apart so `tcplens states` prints it without loading the views.
export { displayWidth, renderStateCounts, shownStates } from './count-table.js';

export type GroupBy = 'process' | 'pid' | 'lport' | 'rport' | 'raddr' | 'state';
export const GROUP_BYS: readonly GroupBy[] = ['process', 'pid', 'lport', 'rport', 'raddr', 'state'];

export interface StateGroup {
  key: string;
  pid?: number;
  process?: string;
  port?: number;
  /** `--by lport`: the ephemeral range this row folds together (its local ports are not listening). */
  portRange?: { lo: number; hi: number };
  remotePort?: number;
  address?: string;
  state?: TcpState;
  /** With several `by` words: each one's part of `key`, in the order asked. */
  keys?: string[];
  total: number;
  states: Record<TcpState, number>;
}

export interface GroupOptions {
  /**
   * Fold local ports of the ephemeral range that nothing listens on into one row (a client's
   * connections otherwise give one row per port). The range is the host's ip_local_port_range
   * when the snapshot has it, else the OS default.
   */
  foldEphemeral?: boolean;
}

/** One socket's part of a group key for one `by` word. */
function keyPart(s: HostSnapshot, k: SocketRecord, by: GroupBy, fold: { lo: number; hi: number; listening: Set<number> } | undefined): { key: string; g: Partial<StateGroup> } {
  switch (by) {
    case 'process':
    case 'pid': {
      const o = ownerOf(s, k);
      // TIME-WAIT, orphans and request sockets have no owner: say so instead of hiding them.
      if (!o) return { key: '-', g: {} };
      return { key: by === 'pid' ? String(o.pid) : `${o.name ?? '?'}/${o.pid}`, g: { pid: o.pid, ...(o.name ? { process: o.name } : {}) } };
    }
    case 'lport':
      if (fold && k.state !== 'LISTEN' && k.localPort >= fold.lo && k.localPort <= fold.hi && !fold.listening.has(k.localPort)) {
        return { key: `${fold.lo}-${fold.hi}`, g: { portRange: { lo: fold.lo, hi: fold.hi } } };
      }
      return { key: localPortText(k), g: { port: k.localPort } };
    case 'rport':
      return k.state === 'LISTEN' ? { key: '*', g: {} } : { key: k.remoteService ?? String(k.remotePort), g: { remotePort: k.remotePort } };
    case 'raddr': {
      const key = k.state === 'LISTEN' ? '*' : k.remoteAddress;
      return { key, g: { address: key } };
    }
    case 'state':
      return { key: k.state, g: { state: k.state } };
  }
}

/**
 * Counts per state for each combination of process / pid / local port / remote port / remote
 * address / state, biggest group first.
 */
export function groupStates(s: HostSnapshot, byIn: GroupBy | readonly GroupBy[], opts: GroupOptions = {}): StateGroup[] {
  const by: readonly GroupBy[] = typeof byIn === 'string' ? [byIn] : byIn;
  const range = portRange(s);
  const fold = opts.foldEphemeral && by.includes('lport') ? { lo: range.lo, hi: range.hi, listening: listeningPorts(s) } : undefined;
  const m = new Map<string, StateGroup>();
  for (const k of s.sockets) {
    const parts = by.map((b) => keyPart(s, k, b, fold));
    const key = parts.map((p) => p.key).join(' ');
    let e = m.get(key);
    if (!e) {
      e = { key, ...(parts.length > 1 ? { keys: parts.map((p) => p.key) } : {}), total: 0, states: zeroCounts() };
      for (const p of parts) Object.assign(e, p.g);
      m.set(key, e);
    }
    e.total++; e.states[k.state]++;
  }
  return [...m.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key, 'en', { numeric: true }));
}

export function renderStateGroups(groups: StateGroup[], byIn: GroupBy | readonly GroupBy[], all: boolean, lang: Lang): string {
  const by: readonly GroupBy[] = typeof byIn === 'string' ? [byIn] : byIn;
  const sum = zeroCounts();
  for (const g of groups) for (const st of TCP_STATES) sum[st] += g.states[st];
  const cols = shownStates(sum, all);
  const rows = [[...by.map((b) => HEAD[b][lang]), HEAD.total[lang], ...cols]];
  for (const g of groups) rows.push([...(g.keys ?? [g.key]), String(g.total), ...cols.map((c) => String(g.states[c]))]);
  return table(rows, (i) => i >= by.length);
}


export interface SocketFilter {
  states?: TcpState[];
  /** Local or remote port. */
  port?: number;
  /** Local port (ss's `sport`). */
  sport?: number;
  /** Remote port (ss's `dport`). */
  dport?: number;
  pid?: number;
  /** An ss filter expression (`state close-wait sport = :8080`), from `parseSocketFilter`. */
  match?: SocketFilterSpec;
}

export type SocketSort = 'state' | 'age' | 'lport' | 'rport' | 'pid' | 'recvq' | 'sendq';
export const SOCKET_SORTS: readonly SocketSort[] = ['state', 'age', 'lport', 'rport', 'pid', 'recvq', 'sendq'];

/** The sockets that pass every part of the filter, in state order then local port (ss's order by state). */
export function filterSockets(s: HostSnapshot, f: SocketFilter): SocketRecord[] {
  // One pass, not one array per condition: a busy host's listing is large.
  const kept = s.sockets.filter((k) => (!f.states || f.states.includes(k.state))
    && (f.port === undefined || k.localPort === f.port || k.remotePort === f.port)
    && (f.sport === undefined || k.localPort === f.sport)
    && (f.dport === undefined || k.remotePort === f.dport)
    && (f.pid === undefined || (k.processes ?? []).some((p) => p.pid === f.pid))
    && (!f.match || matchesSocketFilter(f.match, k)));
  return sortSockets(s, kept, 'state');
}

/**
 * Sockets in the order asked: `state` (RFC order, then local port), `lport`/`rport`/`pid`
 * ascending, `age` oldest first, `recvq`/`sendq` fullest first; unknown values last, ties in
 * input order.
 */
export function sortSockets(s: HostSnapshot, socks: readonly SocketRecord[], by: SocketSort): SocketRecord[] {
  const order = new Map(TCP_STATES.map((st, i) => [st, i]));
  const os = osOf(s);
  const num = (k: SocketRecord): number | undefined => {
    switch (by) {
      case 'state': return order.get(k.state) ?? 0;
      case 'lport': return k.localPort;
      case 'rport': return k.state === 'LISTEN' ? undefined : k.remotePort;
      case 'pid': return k.processes?.[0]?.pid;
      // Biggest first: sort on the negated value.
      case 'age': { const a = k.ageRange?.atLeastMs ?? socketAgeMs(k, os); return a === undefined ? undefined : -a; }
      case 'recvq': return k.recvQ === undefined ? undefined : -k.recvQ;
      case 'sendq': return k.sendQ === undefined ? undefined : -k.sendQ;
    }
  };
  return socks
    .map((k, i) => ({ k, i, v: num(k) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return (a.v === undefined ? 1 : 0) - (b.v === undefined ? 1 : 0) || a.i - b.i;
      return a.v - b.v || (by === 'state' ? a.k.localPort - b.k.localPort : 0) || a.i - b.i;
    })
    .map((x) => x.k);
}

function peer(k: SocketRecord): string {
  return k.state === 'LISTEN' && k.remotePort === 0 && k.remoteService === undefined ? '*' : endpoint(k.remoteAddress, k.remotePort, k.remoteService);
}

/** One line per socket, columns like `ss -tanpo` plus the age where it is known. */
export function renderSocketList(s: HostSnapshot, socks: SocketRecord[], lang: Lang): string {
  return [...socketListPieces(s, socks, lang)].join('');
}

/**
 * `renderSocketList` in pieces of a few thousand lines, for a writer that waits for its reader: a
 * listing of a million sockets never exists as one string. The columns are measured in a first pass
 * over the sockets and each row is made again in the second, so memory stays that of the snapshot.
 */
export function* socketListPieces(s: HostSnapshot, socks: readonly SocketRecord[], lang: Lang): Generator<string> {
  const os = osOf(s);
  const head = lang === 'zh'
    ? ['状态', 'Recv-Q', 'Send-Q', '本地地址:端口', '对端地址:端口', '进程', '定时器', '时长']
    : ['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process', 'Timer', 'Age'];
  const names = new Map(s.processes.map((p) => [p.pid, p.name]));
  const row = (k: SocketRecord): string[] => {
    let procs = (k.processes ?? []).map((p) => `${p.name ?? names.get(p.pid) ?? '?'}/${p.pid}`).join(',');
    // fd-less sockets (TIME-WAIT, orphans, SYN-RECEIVED): the listener or the client, said to be inferred.
    if (!procs) {
      const o = inferOwner(s, k);
      if (o) procs = `${o.name ?? '?'}/${o.pid}${lang === 'zh' ? '（推断）' : ' (inferred)'}`;
    }
    const timer = k.timer && k.timer.kind !== 'off' ? `${k.timer.kind},${(k.timer.remainingMs / 1000).toFixed(k.timer.remainingMs < 10_000 ? 1 : 0)}s${k.timer.retransmits !== undefined ? `,${k.timer.retransmits}` : ''}` : '';
    const age = ageRangeLong(k.ageRange, socketAgeMs(k, os), lang);
    return [k.state, k.recvQ === undefined ? '-' : String(k.recvQ), k.sendQ === undefined ? '-' : String(k.sendQ),
      endpoint(k.localAddress, k.localPort, k.localService), peer(k), procs || '-', timer || '-', age ?? '-'];
  };
  const w = head.map(displayWidth);
  for (const k of socks) { const r = row(k); for (let i = 0; i < w.length; i++) w[i] = Math.max(w[i], displayWidth(r[i])); }
  const line = (r: string[]): string => r.map((c, i) => pad(c, w[i], i === 1 || i === 2)).join('  ').trimEnd();
  let batch = [line(head)];
  for (const k of socks) {
    batch.push(line(row(k)));
    if (batch.length >= 4096) { yield batch.join('\n') + '\n'; batch = []; }
  }
  if (batch.length > 0) yield batch.join('\n') + '\n';
}

export { stateCounts };
