// READ THIS FIRST — idle_established: many ESTABLISHED connections that nothing will ever end.
//
// Rules this file keeps (ESTABLISHED has no timer of its own in Linux; a Tomcat server with no
// keepAliveTimeout/connectionTimeout is the classic case):
// - Many ESTABLISHED is normally healthy (keep-alive, pools). It is a problem only when connections
//   are idle and nothing ends them: no keepalive timer and no application timeout. A peer that
//   vanished (crash, NAT/firewall idle timeout) then leaves them ESTABLISHED forever.
// - Idle here means what the input can show: nothing queued either way (Recv-Q and Send-Q 0) and no
//   keepalive timer armed; how long since the last byte only where the source says (ss -i's
//   lastsnd/lastrcv, or the kernel's tcp_info on a live record). The rule speaks only where the
//   source shows timers (ss -o, /proc, netlink): without them "no keepalive" cannot be told.
// - The keepalive arithmetic is the host's: with SO_KEEPALIVE a dead peer is found after
//   tcp_keepalive_time + tcp_keepalive_intvl × tcp_keepalive_probes (7200 + 75 × 9 s by default).
// Thresholds per owner and local port (server) or destination (client), nothing queued, no
// keepalive: ≥ 100 with idleness unknown, or ≥ 20 idle ≥ 30 min ⇒ info; ≥ 100 idle ≥ 30 min or
// ≥ 5000 in all ⇒ warning.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, Severity } from '../finding.js';
import { endpoint, hasTimers, localPortText, ownerOf, sysctlNum, topPeers, inState } from '../facts.js';
import { deadPeerAfterS } from './keepalive-defaults.js';
import { duration, join, NO_PROCESS_INFO, owner, tx } from '../words.js';
import { sideJudge } from './close-wait-leak.js';
import type { Rule } from '../rule.js';

export const IDLE_MS = 30 * 60_000;
export const IDLE_WARN = 100;
export const IDLE_INFO = 20;
export const NO_KEEPALIVE_INFO = 100;
export const MANY_WARN = 5000;

/** The names a source may give the two idle times: ss -i's, and tcp_info's as a live record may carry them. */
const LAST_SENT = ['lastsnd', 'tcpi_last_data_sent', 'last_data_sent', 'lastDataSentMs'];
const LAST_RECV = ['lastrcv', 'tcpi_last_data_recv', 'last_data_recv', 'lastDataRecvMs'];

function firstNumber(k: SocketRecord, names: readonly string[]): number | undefined {
  const rec = k as unknown as Record<string, unknown>;
  for (const n of names) {
    const v = k.extra?.[n] ?? rec[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** ms since anything was sent or received (ss -i's lastsnd/lastrcv, tcp_info's last_data_sent/recv). */
export function idleMs(k: SocketRecord): number | undefined {
  const snd = firstNumber(k, LAST_SENT);
  const rcv = firstNumber(k, LAST_RECV);
  if (snd === undefined || rcv === undefined) return undefined;
  return Math.min(snd, rcv);
}

function checkIdle(s: HostSnapshot): FindingText[] {
  if (!hasTimers(s)) return [];
  // No keepalive timer armed and nothing queued either way (an unknown queue does not count as busy).
  const noKeepalive = inState(s, 'ESTABLISHED').filter((k) => (k.timer === undefined || k.timer.kind === 'off')
    && (k.recvQ ?? 0) === 0 && (k.sendQ ?? 0) === 0);
  if (noKeepalive.length === 0) return [];
  const sideOf = sideJudge(s);
  const out: FindingText[] = [];
  // Per owner, then per local port (server side) or destination (client side), in first-seen order;
  // keyed by numbers where they are (a busy host has 10^5 ESTABLISHED: no string per server socket).
  const groups: SocketRecord[][] = [];
  const byOwner = new Map<number, Map<string | number, SocketRecord[]>>();
  // A client socket's key text, made once per destination (many connections share one).
  const destKeys = new Map<string, Map<number, string>>();
  const destKey = (k: SocketRecord): string => {
    if (k.remoteService !== undefined) return `D${endpoint(k.remoteAddress, k.remotePort, k.remoteService)}`;
    let ports = destKeys.get(k.remoteAddress);
    if (!ports) { ports = new Map(); destKeys.set(k.remoteAddress, ports); }
    let key = ports.get(k.remotePort);
    if (key === undefined) { key = `D${endpoint(k.remoteAddress, k.remotePort)}`; ports.set(k.remotePort, key); }
    return key;
  };
  for (const k of noKeepalive) {
    const pid = k.processes?.[0]?.pid ?? -1;
    let m = byOwner.get(pid);
    if (!m) { m = new Map(); byOwner.set(pid, m); }
    const key: string | number = sideOf(k) === 'server'
      ? (k.localService === undefined ? k.localPort : `L${k.localService}`)
      : destKey(k);
    const g = m.get(key);
    if (g) g.push(k);
    else { const fresh = [k]; m.set(key, fresh); groups.push(fresh); }
  }
  for (const socks of groups) {
    const idles = socks.map(idleMs).filter((x): x is number => x !== undefined);
    const idleLong = idles.filter((x) => x >= IDLE_MS).length;
    let severity: Severity | undefined;
    if (idleLong >= IDLE_WARN || socks.length >= MANY_WARN) severity = 'warning';
    else if (idles.length > 0 ? idleLong >= IDLE_INFO : socks.length >= NO_KEEPALIVE_INFO) severity = 'info';
    if (!severity) continue;
    const first = socks[0];
    const o = ownerOf(s, first);
    const side = sideOf(first);
    const { peers, distinct } = topPeers(socks, side === 'client', 5);
    const dest = endpoint(first.remoteAddress, first.remotePort, first.remoteService);
    const where = side === 'server' ? tx(`on port ${localPortText(first)}`, `在端口 ${localPortText(first)} 上`) : tx(`toward ${dest}`, `连向 ${dest}`);
    const maxIdle = idles.length ? idles.reduce((a, b) => Math.max(a, b)) : undefined;
    const summary = idleLong > 0
      ? join([tx(`${idleLong} ESTABLISHED connections idle ≥ 30 min with no keepalive`, `${idleLong} 个 ESTABLISHED 连接空闲 ≥ 30 分钟且没有保活`), where, tx('held by', '，由'), owner(o), tx('', '持有')])
      : join([tx(`${socks.length} ESTABLISHED connections with nothing queued and no keepalive`, `${socks.length} 个没有排队数据、也没有保活的 ESTABLISHED 连接`), where, tx('held by', '，由'), owner(o), tx('', '持有')]);
    const time = sysctlNum(s, 'net.ipv4.tcp_keepalive_time');
    const intvl = sysctlNum(s, 'net.ipv4.tcp_keepalive_intvl');
    const probes = sysctlNum(s, 'net.ipv4.tcp_keepalive_probes');
    const keepaliveMath = time !== undefined && intvl !== undefined && probes !== undefined
      ? join([tx(` With SO_KEEPALIVE on these sockets, this host's settings would find a dead peer after tcp_keepalive_time + tcp_keepalive_intvl × tcp_keepalive_probes = ${time} + ${intvl} × ${probes} s =`,
        ` 若这些套接字开启 SO_KEEPALIVE，按本机设置要经过 tcp_keepalive_time + tcp_keepalive_intvl × tcp_keepalive_probes = ${time} + ${intvl} × ${probes} 秒 =`),
      duration(deadPeerAfterS(time, intvl, probes) * 1000), tx('; a per-socket TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT shortens it for this program alone.', '才能发现对端已死；套接字级的 TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT 只为这个程序缩短它。')])
      : tx('', '');
    const f: FindingText = {
      id: 'idle_established', severity, summary,
      evidence: {
        state: 'ESTABLISHED', count: socks.length, side,
        ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}) } : {}),
        ...(side === 'server' ? { localPort: first.localPort, ...(first.localService !== undefined ? { localService: first.localService } : {}) } : { destination: dest }),
        peers, distinctPeers: distinct,
        ...(time !== undefined ? { sysctls: { 'net.ipv4.tcp_keepalive_time': String(time), ...(intvl !== undefined ? { 'net.ipv4.tcp_keepalive_intvl': String(intvl) } : {}), ...(probes !== undefined ? { 'net.ipv4.tcp_keepalive_probes': String(probes) } : {}) } } : {}),
        figures: {
          withoutKeepalive: socks.length, idleKnown: idles.length, idleOver30min: idleLong, ...(maxIdle !== undefined ? { maxIdleMs: maxIdle } : {}),
          ...(time !== undefined && intvl !== undefined && probes !== undefined ? { keepaliveDeadPeerAfterSeconds: deadPeerAfterS(time, intvl, probes) } : {}),
        },
      },
      explanation: join([tx(
        'ESTABLISHED only ends when one side closes, an application timeout fires, or keepalive finds the peer dead. These sockets have no keepalive timer, so if the peer vanished (crash, power loss, a NAT or firewall that forgot the flow) they stay ESTABLISHED forever and keep a file descriptor and memory each. As with a Tomcat server whose idle connections are never closed (connectionTimeout/keepAliveTimeout unset or too long), the usual cause is an application idle timeout that is too long or missing.',
        'ESTABLISHED 只有在一方关闭、应用超时触发，或保活探测发现对端已死时才会结束。这些套接字没有保活定时器，如果对端消失（崩溃、断电、NAT 或防火墙忘记了这条流），它们会永远停在 ESTABLISHED，每个都占着文件描述符和内存。就像从不关闭空闲连接的 Tomcat 服务器（connectionTimeout/keepAliveTimeout 未设或过长），通常原因是应用的空闲超时过长或缺失。'),
        maxIdle !== undefined ? join([tx(' Longest idle:', ' 最长空闲：'), duration(maxIdle), tx(`(${idles.length} of ${socks.length} with idle times known).`, `（${socks.length} 个中 ${idles.length} 个已知空闲时长）。`)]) : tx('', ''),
        keepaliveMath], tx('', '')),
      fixes: [
        { text: tx('Set an application idle timeout (Tomcat connectionTimeout/keepAliveTimeout, nginx keepalive_timeout, a pool\'s max idle time).', '设置应用空闲超时（Tomcat connectionTimeout/keepAliveTimeout、nginx keepalive_timeout、连接池的最大空闲时间）。'),
          caveat: tx('Keep it above normal think time: connectionTimeout="100" (100 ms), sometimes suggested online, would cut slow clients off.', '要高于正常的请求间隔：网上有时建议的 connectionTimeout="100"（100 毫秒）会切断慢客户端。') },
        { text: tx('Enable SO_KEEPALIVE with a per-socket TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT so dead peers are found.', '开启 SO_KEEPALIVE，并为套接字设置 TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT，以发现已死的对端。'),
          caveat: tx('Keepalive only detects dead peers; a live but idle client keeps answering probes.', '保活只能发现已死的对端；存活但空闲的客户端会一直应答探测。') },
      ],
    };
    const missing = [];
    if (!o) missing.push(NO_PROCESS_INFO);
    if (idles.length === 0) missing.push(tx('Idle time is unknown: paste `ss -tanpoi` (its lastsnd/lastrcv show how long each connection has been idle).', '空闲时长未知：请粘贴 `ss -tanpoi`（其中 lastsnd/lastrcv 显示每个连接空闲了多久）。'));
    if (missing.length) f.missing = missing;
    out.push(f);
  }
  return out;
}

export const idleEstablished: Rule = {
  id: 'idle_established',
  title: tx('ESTABLISHED connections with no keepalive and no sign of life', '没有保活、毫无动静的 ESTABLISHED 连接'),
  thresholds: tx(
    `only when the source shows timers; per owner and port/destination, nothing queued, no keepalive: ≥ ${NO_KEEPALIVE_INFO} with idleness unknown, or ≥ ${IDLE_INFO} idle ≥ 30 min (ss -i lastsnd/lastrcv) ⇒ info; ≥ ${IDLE_WARN} idle ≥ 30 min or ≥ ${MANY_WARN} in all ⇒ warning`,
    `仅当数据源显示定时器时；按属主与端口/目的地址，无排队数据、无保活：空闲未知时 ≥ ${NO_KEEPALIVE_INFO} 个，或 ≥ ${IDLE_INFO} 个空闲 ≥ 30 分钟（ss -i 的 lastsnd/lastrcv）为提示；≥ ${IDLE_WARN} 个空闲 ≥ 30 分钟或总数 ≥ ${MANY_WARN} 为警告`),
  check: checkIdle,
};
