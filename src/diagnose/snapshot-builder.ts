// Hand-built snapshots for tests and examples: `host({...}, [listen(':8080', pid), ...times(500, i => sock(...))])`.
// Addresses are written as in ss (`10.0.0.1:8080`, `[::1]:443`); pure, no I/O.
import type { HostSnapshot, ProcessRef, SnapshotSource, SocketRecord, SocketTimer } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';

/** Linux 6.x defaults as `sysctl -a` prints them (the ones the rules read). */
export const LINUX_DEFAULT_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.tcp_tw_reuse': '2',
  'net.ipv4.tcp_timestamps': '1',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_max_tw_buckets': '131072',
  'net.ipv4.tcp_max_orphans': '131072',
  'net.ipv4.tcp_max_syn_backlog': '2048',
  'net.ipv4.tcp_syncookies': '1',
  'net.ipv4.tcp_abort_on_overflow': '0',
  'net.ipv4.tcp_keepalive_time': '7200',
  'net.ipv4.tcp_keepalive_intvl': '75',
  'net.ipv4.tcp_keepalive_probes': '9',
  'net.core.somaxconn': '4096',
};

export function splitEndpoint(ep: string): { address: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+|\*)$/.exec(ep);
  if (!m) throw new Error(`bad endpoint '${ep}'`);
  return { address: m[1] === '' ? '0.0.0.0' : m[1], port: m[2] === '*' ? 0 : Number(m[2]) };
}

export interface SockOpts {
  recvQ?: number; sendQ?: number; pid?: number; name?: string; inode?: number;
  timer?: SocketTimer; ageMs?: number; extra?: Record<string, string | number>;
}

export function sock(state: TcpState, local: string, remote: string, o: SockOpts = {}): SocketRecord {
  const l = splitEndpoint(local);
  const r = splitEndpoint(remote);
  const k: SocketRecord = {
    state, family: l.address.includes(':') ? 'ipv6' : 'ipv4',
    localAddress: l.address, localPort: l.port, remoteAddress: r.address, remotePort: r.port,
  };
  if (o.recvQ !== undefined) k.recvQ = o.recvQ;
  if (o.sendQ !== undefined) k.sendQ = o.sendQ;
  if (o.pid !== undefined) {
    const p: ProcessRef = { pid: o.pid };
    if (o.name !== undefined) p.name = o.name;
    k.processes = [p];
  }
  if (o.inode !== undefined) k.inode = o.inode;
  if (o.timer) k.timer = o.timer;
  if (o.ageMs !== undefined) k.ageMs = o.ageMs;
  if (o.extra) k.extra = o.extra;
  return k;
}

export function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** The i-th address of a /16 (10.1.x.y), for spreading peers. */
export function peerIp(i: number, base = '10.1'): string {
  return `${base}.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`;
}

export interface HostOpts {
  sysctls?: Record<string, string>;
  counters?: Record<string, number>;
  sockstat?: HostSnapshot['sockstat'];
  source?: SnapshotSource;
  complete?: boolean;
  takenAt?: number;
  history?: HostSnapshot['history'];
}

export function host(o: HostOpts, sockets: SocketRecord[]): HostSnapshot {
  const s: HostSnapshot = {
    takenAt: o.takenAt ?? 1_700_000_000_000,
    sources: [o.source ?? { kind: 'ss', origin: 'built', os: 'linux' }],
    sockets, sysctls: o.sysctls ?? {}, counters: o.counters ?? {}, processes: [],
    processAttributionComplete: o.complete ?? sockets.some((k) => k.processes !== undefined), problems: [],
  };
  if (o.sockstat) s.sockstat = o.sockstat;
  if (o.history) s.history = o.history;
  return s;
}
