// READ THIS FIRST — pairing across hosts: one connection seen from both of its ends.
//
// A CLOSE-WAIT leak is one host's bug and the other host's symptom: the client that closed first
// sits in FIN-WAIT-2 while the server never calls close(). Given snapshots of several hosts taken at
// about the same moment, this module finds each connection's two ends by their mirrored 4-tuples
// (A's local ip:port is B's remote one and the reverse) and tells which end to fix.
//
// Rules it keeps:
// - A host's addresses are the non-wildcard local addresses of its own sockets, plus the addresses
//   an address map (`nat`) says stand for them. Only sockets whose peer address belongs to another
//   host given are paired or counted as unmatched; the rest of the world is out of scope.
// - `nat` maps an endpoint as one host sees its peer to the endpoint the peer really has
//   (`198.51.100.7` → `10.0.0.5`, or `198.51.100.7:40000` → `10.0.0.5:5555` for a rewritten port),
//   as a load balancer or a NAT gateway shows it. Both sides' tuples are mapped before matching.
// - Snapshots of two hosts are never taken at the same instant: a connection that opened or closed
//   between them has one end only. The half-open finding therefore counts ESTABLISHED sockets only
//   (short-lived states such as TIME-WAIT or SYN-SENT on their own say nothing), and its text says
//   that the reads were not simultaneous.
// - The findings: FIN-WAIT-2 on one end and CLOSE-WAIT on the other (fix the CLOSE-WAIT side: its
//   application does not close); SYN-SENT with no end on the other host while that host's listener
//   has a full accept queue (the server drops the handshake); ESTABLISHED on one end and nothing
//   on the other (a reboot or a middlebox forgot it: half-open).
import type { Text } from '../i18n/lang.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import { endpoint, listenerOwner, osOf, ownerOf, socketAgeMs, type Owner } from './facts.js';
import { duration, owner, tx } from './words.js';

export interface PairedHost {
  /** How the host is called in the findings (a capture folder's name, a namespace, a host name). */
  name: string;
  snapshot: HostSnapshot;
}

/** One address map entry: what a host sees as its peer → what the peer really is. Ports optional. */
export interface AddressMapping {
  seen: { address: string; port?: number };
  real: { address: string; port?: number };
}

export type PairingKind = 'close-wait-behind-fin-wait-2' | 'syn-sent-vs-full-accept-queue' | 'half-open';

export interface PairingFinding {
  kind: PairingKind;
  severity: 'warning' | 'info';
  /** The host to fix (the one whose application or queue is at fault) and the one that shows it. */
  fix: string;
  other: string;
  /** Connections in this group. */
  count: number;
  /** The port on the host to fix (the server port, as a rule). */
  port: number;
  owner?: Owner;
  /** Oldest known age of the ends on the host to fix, in ms. */
  oldestMs?: number;
  summary: Text;
}

export interface PairingReport {
  hosts: string[];
  /** Connections whose two ends were both found. */
  matched: number;
  /** Per host, per state: its sockets toward another given host whose other end was not found. */
  unmatched: Record<string, Partial<Record<TcpState, number>>>;
  findings: PairingFinding[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '*', '']);
const HALF_OPEN_WARN = 10;
const PAIR_WARN = 10;

/**
 * Reads `SEEN=REAL` address maps as a user types them: `198.51.100.7=10.0.0.5`,
 * `198.51.100.7:40000=10.0.0.5:5555`, `[2001:db8::7]:443=[fd00::5]:8443`. Throws on anything else.
 */
export function parseAddressMapping(text: string): AddressMapping {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new Error(`an address map is SEEN=REAL (e.g. 198.51.100.7=10.0.0.5), got '${text}'`);
  return { seen: parseEndpoint(text.slice(0, eq), text), real: parseEndpoint(text.slice(eq + 1), text) };
}

function parseEndpoint(s: string, whole: string): { address: string; port?: number } {
  const bracket = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
  const bare6 = /^([0-9a-fA-F]*:[0-9a-fA-F:.]+)$/.exec(s);
  const m = bracket ?? v4;
  const address = m ? m[1] : bare6 ? bare6[1] : undefined;
  const port = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if (address === undefined || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`'${s}' in the address map '${whole}' is not an address or address:port`);
  }
  return port === undefined ? { address: address.toLowerCase() } : { address: address.toLowerCase(), port };
}

/** Pairs the sockets of several hosts by mirrored 4-tuples and reports which end to fix. */
export function pairHosts(hosts: readonly PairedHost[], nat: readonly AddressMapping[] = []): PairingReport {
  const map = mapper(nat);
  const addrs = hosts.map((h) => hostAddresses(h.snapshot, nat));
  const index = hosts.map((h) => {
    const m = new Map<string, SocketRecord>();
    for (const k of h.snapshot.sockets) if (k.state !== 'LISTEN') m.set(tupleKey(map, k.localAddress, k.localPort, k.remoteAddress, k.remotePort), k);
    return m;
  });
  const report: PairingReport = { hosts: hosts.map((h) => h.name), matched: 0, unmatched: {}, findings: [] };
  for (const h of hosts) report.unmatched[h.name] = {};
  const pairs = new Map<string, { a: number; b: number; ends: SocketRecord[]; port: number; owner?: Owner }>();
  const lonely = new Map<string, { a: number; b: number; kind: PairingKind; socks: SocketRecord[]; port: number }>();

  hosts.forEach((h, ai) => {
    for (const s of h.snapshot.sockets) {
      if (s.state === 'LISTEN') continue;
      const peer = map(s.remoteAddress, s.remotePort);
      const bi = addrs.findIndex((set, i) => i !== ai && set.has(peer.address));
      if (bi < 0) continue;
      const mirror = index[bi].get(tupleKey(map, s.remoteAddress, s.remotePort, s.localAddress, s.localPort));
      if (mirror) {
        if (ai < bi) report.matched++;
        if (s.state === 'FIN-WAIT-2' && mirror.state === 'CLOSE-WAIT') {
          const o = ownerOf(hosts[bi].snapshot, mirror);
          const key = `${ai}|${bi}|${mirror.localPort}|${o?.pid ?? '-'}`;
          const g = pairs.get(key) ?? { a: ai, b: bi, ends: [], port: mirror.localPort, owner: o };
          g.ends.push(mirror);
          pairs.set(key, g);
        }
        continue;
      }
      const u = report.unmatched[h.name];
      u[s.state] = (u[s.state] ?? 0) + 1;
      const b = hosts[bi].snapshot;
      let kind: PairingKind | undefined;
      if (s.state === 'SYN-SENT' && acceptQueueFull(b, peer.port ?? s.remotePort)) kind = 'syn-sent-vs-full-accept-queue';
      else if (s.state === 'ESTABLISHED') kind = 'half-open';
      if (!kind) continue;
      const port = peer.port ?? s.remotePort;
      const key = `${kind}|${ai}|${bi}|${port}`;
      const g = lonely.get(key) ?? { a: ai, b: bi, kind, socks: [], port };
      g.socks.push(s);
      lonely.set(key, g);
    }
  });

  for (const g of pairs.values()) {
    const fix = hosts[g.b]; const other = hosts[g.a];
    const oldestMs = oldest(g.ends, fix.snapshot);
    const n = g.ends.length;
    const where = endpoint(fix.name, g.port);
    const age = oldestMs === undefined ? tx('', '') : tx(`, the oldest ${duration(oldestMs).en}`, `，最久的已 ${duration(oldestMs).zh}`);
    report.findings.push({
      kind: 'close-wait-behind-fin-wait-2', severity: n >= PAIR_WARN ? 'warning' : 'info', fix: fix.name, other: other.name,
      count: n, port: g.port, owner: g.owner, oldestMs,
      summary: tx(
        `${other.name}: ${n} FIN-WAIT-2 toward ${where} ⇔ ${fix.name}: ${n} CLOSE-WAIT held by ${owner(g.owner).en}${age.en}: fix ${fix.name} (its application does not close() after the peer's FIN)`,
        `${other.name}：${n} 个 FIN-WAIT-2 指向 ${where} ⇔ ${fix.name}：${n} 个 CLOSE-WAIT，由 ${owner(g.owner).zh} 持有${age.zh}：应修复 ${fix.name}（其应用收到对端 FIN 后没有调用 close()）`,
      ),
    });
  }
  for (const g of lonely.values()) {
    const client = hosts[g.a]; const server = hosts[g.b];
    const n = g.socks.length;
    const where = endpoint(server.name, g.port);
    if (g.kind === 'syn-sent-vs-full-accept-queue') {
      const o = listenerOwner(server.snapshot, g.port);
      report.findings.push({
        kind: g.kind, severity: 'warning', fix: server.name, other: client.name, count: n, port: g.port, owner: o,
        summary: tx(
          `${client.name}: ${n} SYN-SENT toward ${where} ⇔ ${server.name}: the accept queue on port ${g.port} (${owner(o).en}) is full, so the handshakes are dropped: fix ${server.name} (accept() faster, or a larger backlog)`,
          `${client.name}：${n} 个 SYN-SENT 指向 ${where} ⇔ ${server.name}：端口 ${g.port}（${owner(o).zh}）的全连接队列已满，握手被丢弃：应修复 ${server.name}（更快地 accept()，或加大 backlog）`,
        ),
      });
    } else {
      report.findings.push({
        kind: g.kind, severity: n >= HALF_OPEN_WARN ? 'warning' : 'info', fix: client.name, other: server.name, count: n, port: g.port,
        owner: ownerOf(client.snapshot, g.socks[0]),
        summary: tx(
          `${client.name}: ${n} ESTABLISHED toward ${where} ⇔ ${server.name}: no such connection — half-open (the peer rebooted, or a middlebox dropped it); the two reads were not simultaneous, so a few may just have closed`,
          `${client.name}：${n} 个 ESTABLISHED 指向 ${where} ⇔ ${server.name}：没有对应连接——半开连接（对端重启过，或中间设备丢弃了它）；两次读取并非同时，少数可能只是刚刚关闭`,
        ),
      });
    }
  }
  report.findings.sort((x, y) => (x.severity === y.severity ? y.count - x.count : x.severity === 'warning' ? -1 : 1));
  return report;
}

type Mapper = (address: string, port: number) => { address: string; port?: number };

function mapper(nat: readonly AddressMapping[]): Mapper {
  return (address, port) => {
    const a = address.toLowerCase();
    for (const m of nat) if (m.seen.address === a && m.seen.port === port) return { address: m.real.address, port: m.real.port ?? port };
    for (const m of nat) if (m.seen.address === a && m.seen.port === undefined) return { address: m.real.address, port };
    return { address: a, port };
  };
}

function tupleKey(map: Mapper, la: string, lp: number, ra: string, rp: number): string {
  const l = map(la, lp); const r = map(ra, rp);
  return `${l.address}|${l.port}|${r.address}|${r.port}`;
}

function hostAddresses(s: HostSnapshot, nat: readonly AddressMapping[]): Set<string> {
  const set = new Set<string>();
  for (const k of s.sockets) {
    const a = k.localAddress.toLowerCase();
    if (!WILDCARDS.has(a)) set.add(a);
  }
  for (const m of nat) if (set.has(m.real.address)) set.add(m.seen.address);
  return set;
}

/** A listener on the port whose Recv-Q (queued) has reached its Send-Q (the limit, where shown). */
function acceptQueueFull(s: HostSnapshot, port: number): boolean {
  return s.sockets.some((k) => k.state === 'LISTEN' && k.localPort === port
    && k.recvQ !== undefined && k.sendQ !== undefined && k.sendQ > 0 && k.recvQ >= k.sendQ);
}

function oldest(socks: SocketRecord[], s: HostSnapshot): number | undefined {
  const os = osOf(s);
  let max: number | undefined;
  for (const k of socks) {
    const a = socketAgeMs(k, os);
    if (a !== undefined && (max === undefined || a > max)) max = a;
  }
  return max;
}
