// The host as the doctor reads a real one: `ss -tan`-like rows and a HostSnapshot. LISTEN rows
// carry the accept queue as Recv-Q and the backlog as Send-Q (tcp_diag_get_info); request sockets
// show as SYN-RECEIVED; TIME-WAIT entries and orphans have no inode and no process
// (/proc/net/tcp `inode 0`); sysctls appear under their full dotted names with /proc/sys's
// formatting (vectors tab-separated). Also /proc/net/sockstat's TCP line, the listeners' queue
// lengths and the count of connections per state, for the load scenarios' samples.
import { TUNABLES, type TcpConfig } from '../core/config.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import { counterValues } from './counters.js';
import type { HostState } from './host-state.js';
import { profileOs } from './profiles.js';
import type { Entry } from './sockets.js';

export interface Sockstat { inuse: number; orphan: number; tw: number; alloc: number }

export interface ListenerQueues { addr: string; port: number; synQueue: number; acceptQueue: number; backlog: number }

function family(addr: string): 'ipv4' | 'ipv6' {
  return addr.includes(':') && !/^::ffff:\d/i.test(addr) ? 'ipv6' : 'ipv4';
}

export function hostSockets(h: HostState): SocketRecord[] {
  const rows: SocketRecord[] = [];
  for (const l of [...h.listeners.values()].flat()) {
    const s = l.sock;
    rows.push({
      state: 'LISTEN', family: family(s.addr === '' ? '0.0.0.0' : s.addr),
      localAddress: s.addr, localPort: s.port, remoteAddress: s.family === 'ipv6' ? '::' : '0.0.0.0', remotePort: 0,
      recvQ: l.acceptQueue.length, sendQ: l.backlog, inode: s.inode, uid: 0,
      processes: [{ pid: h.process.pid, name: h.process.name, fd: s.fd }],
    });
  }
  for (const e of h.conns.values()) rows.push(entryRow(h, e));
  return rows;
}

function entryRow(h: HostState, e: Entry): SocketRecord {
  const st = e.conn.status();
  const owned = e.sock !== undefined;
  const sendQ = st.sndNxt !== undefined && st.sndUna !== undefined ? ((st.sndNxt - st.sndUna) >>> 0) : 0;
  const r: SocketRecord = {
    state: e.state, family: family(e.addr),
    localAddress: e.addr, localPort: e.port, remoteAddress: e.raddr, remotePort: e.rport,
    recvQ: e.phase === 'request' || e.cls === 'tw' ? 0 : e.conn.readableBytes(),
    sendQ: e.phase === 'request' || e.cls === 'tw' ? 0 : sendQ,
    inode: owned ? (e.sock as { inode: number }).inode : 0,
    uid: 0,
    ageMs: h.now - e.since,
  };
  const t = e.conn.timerView(h.now);
  if (t && t.kind !== 'off') r.timer = t;
  if (owned && e.sock) r.processes = [{ pid: h.process.pid, name: h.process.name, fd: e.sock.fd }];
  return r;
}

export function hostSysctls(config: TcpConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(TUNABLES)) {
    if (t.sysctl.startsWith('profile.')) continue;
    const val = (config as Record<string, unknown>)[k];
    out[t.sysctl] = Array.isArray(val) ? val.join('\t') : String(val);
  }
  return out;
}

export function hostSnapshot(h: HostState): HostSnapshot {
  return {
    takenAt: h.now,
    hostname: h.hostname,
    sources: [{ kind: 'simulated', origin: h.hostname, os: profileOs(h.profile) === 'freebsd' ? 'freebsd' : profileOs(h.profile) }],
    sockets: hostSockets(h),
    sysctls: hostSysctls(h.config),
    counters: counterValues(h),
    sockstat: sockstat(h),
    processes: [{ pid: h.process.pid, name: h.process.name, uid: 0 }],
    processAttributionComplete: true,
    problems: [],
  };
}

/** /proc/net/sockstat's TCP line. */
export function sockstat(h: HostState): Sockstat {
  let listeners = 0;
  for (const l of h.listeners.values()) listeners += l.length;
  let fdOnly = 0;
  for (const s of h.fds.values()) if (!s.entry && !s.listener) fdOnly++;
  const inuse = listeners + h.classCount.full + h.classCount.orphan;
  return { inuse, orphan: h.classCount.orphan, tw: h.classCount.tw, alloc: inuse + fdOnly };
}

/** Per-listener queue lengths: SYN queue, accept queue, backlog. */
export function listenerQueues(h: HostState): ListenerQueues[] {
  const r: ListenerQueues[] = [];
  for (const list of h.listeners.values()) {
    for (const l of list) r.push({ addr: l.sock.addr, port: l.sock.port, synQueue: l.requests.size, acceptQueue: l.acceptQueue.length, backlog: l.backlog });
  }
  return r;
}

/** How many connections are in each state now (request sockets as SYN-RECEIVED; listeners as LISTEN). */
export function stateCounts(h: HostState): Partial<Record<TcpState, number>> {
  const r: Partial<Record<TcpState, number>> = {};
  for (const list of h.listeners.values()) r.LISTEN = (r.LISTEN ?? 0) + list.length;
  for (const e of h.conns.values()) r[e.state] = (r[e.state] ?? 0) + 1;
  return r;
}
