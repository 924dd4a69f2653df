// The host as the doctor reads a real one: `ss -tan`-like rows and a HostSnapshot. LISTEN rows
// carry the accept queue as Recv-Q and the backlog as Send-Q (tcp_diag_get_info); request sockets
// show as SYN-RECEIVED; TIME-WAIT entries and orphans have no inode and no process
// (/proc/net/tcp `inode 0`); sysctls appear under their full dotted names with /proc/sys's
// formatting (vectors tab-separated).
import { TUNABLES, type TcpConfig } from '../core/config.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { profileOs, type ProfileName } from './profiles.js';
import type { Entry, Listener } from './sockets.js';

export interface ViewInput {
  now: number;
  config: TcpConfig;
  profile: ProfileName;
  hostname: string;
  process: { pid: number; name: string };
  listeners: Listener[];
  entries: Iterable<Entry>;
  counters: Record<string, number>;
  sockstat: { inuse: number; orphan: number; tw: number; alloc: number };
}

function family(addr: string): 'ipv4' | 'ipv6' {
  return addr.includes(':') && !/^::ffff:\d/i.test(addr) ? 'ipv6' : 'ipv4';
}

export function hostSockets(v: ViewInput): SocketRecord[] {
  const rows: SocketRecord[] = [];
  for (const l of v.listeners) {
    const s = l.sock;
    rows.push({
      state: 'LISTEN', family: family(s.addr === '' ? '0.0.0.0' : s.addr),
      localAddress: s.addr, localPort: s.port, remoteAddress: s.family === 'AF_INET6' ? '::' : '0.0.0.0', remotePort: 0,
      recvQ: l.acceptQueue.length, sendQ: l.backlog, inode: s.inode, uid: 0,
      processes: [{ pid: v.process.pid, name: v.process.name, fd: s.fd }],
    });
  }
  for (const e of v.entries) rows.push(entryRow(v, e));
  return rows;
}

function entryRow(v: ViewInput, e: Entry): SocketRecord {
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
    ageMs: v.now - e.since,
  };
  const t = e.conn.timerView(v.now);
  if (t && t.kind !== 'off') r.timer = t;
  if (owned && e.sock) r.processes = [{ pid: v.process.pid, name: v.process.name, fd: e.sock.fd }];
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

export function hostSnapshot(v: ViewInput): HostSnapshot {
  return {
    takenAt: v.now,
    hostname: v.hostname,
    sources: [{ kind: 'simulated', origin: v.hostname, os: profileOs(v.profile) === 'freebsd' ? 'freebsd' : profileOs(v.profile) }],
    sockets: hostSockets(v),
    sysctls: hostSysctls(v.config),
    counters: { ...v.counters },
    sockstat: { ...v.sockstat },
    processes: [{ pid: v.process.pid, name: v.process.name, uid: 0 }],
    processAttributionComplete: true,
    problems: [],
  };
}
