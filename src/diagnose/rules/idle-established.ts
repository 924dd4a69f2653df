// READ THIS FIRST — idle_established: many ESTABLISHED connections that nothing will ever end.
//
// Rules this file keeps (ESTABLISHED has no timer of its own in Linux; a Tomcat server with no
// keepAliveTimeout/connectionTimeout is the classic case):
// - Many ESTABLISHED is normally healthy (keep-alive, pools). It is a problem only when connections
//   are idle and nothing ends them: no keepalive timer and no application timeout. A peer that
//   vanished (crash, NAT/firewall idle timeout) then leaves them ESTABLISHED forever.
// - The rule speaks only where the evidence supports it: the source must show timers (ss -o, /proc);
//   idleness is known only from ss -i's lastsnd/lastrcv. Without idleness it says info, never more.
// Thresholds per owner and local port (server) or destination (client): ≥ 100 sockets without a
// keepalive timer idle ≥ 30 min (lastsnd and lastrcv) ⇒ warning; ≥ 1000 without keepalive, idleness
// unknown ⇒ info.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, Severity } from '../finding.js';
import { endpoint, groupBy, hasTimers, localPortText, ownerOf, topPeers } from '../facts.js';
import { duration, join, NO_PROCESS_INFO, owner, tx } from '../words.js';
import { sideJudge } from './close-wait-leak.js';
import type { Rule } from '../rule.js';

export const IDLE_MS = 30 * 60_000;
export const IDLE_WARN = 100;
export const NO_KEEPALIVE_INFO = 1000;

/** ms since anything was sent or received, from ss -i's lastsnd/lastrcv. */
export function idleMs(k: SocketRecord): number | undefined {
  const snd = k.extra?.lastsnd;
  const rcv = k.extra?.lastrcv;
  if (typeof snd !== 'number' || typeof rcv !== 'number') return undefined;
  return Math.min(snd, rcv);
}

function checkIdle(s: HostSnapshot): FindingText[] {
  if (!hasTimers(s)) return [];
  const noKeepalive = s.sockets.filter((k) => k.state === 'ESTABLISHED' && (k.timer === undefined || k.timer.kind === 'off'));
  if (noKeepalive.length === 0) return [];
  const sideOf = sideJudge(s);
  const out: FindingText[] = [];
  const groups = groupBy(noKeepalive, (k) => {
    const side = sideOf(k);
    return `${ownerOf(s, k)?.pid ?? '?'}|${side === 'server' ? `L${localPortText(k)}` : `D${endpoint(k.remoteAddress, k.remotePort, k.remoteService)}`}`;
  });
  for (const socks of groups.values()) {
    const idles = socks.map(idleMs).filter((x): x is number => x !== undefined);
    const idleLong = idles.filter((x) => x >= IDLE_MS).length;
    let severity: Severity | undefined;
    if (idles.length > 0) { if (idleLong >= IDLE_WARN) severity = 'warning'; }
    else if (socks.length >= NO_KEEPALIVE_INFO) severity = 'info';
    if (!severity) continue;
    const first = socks[0];
    const o = ownerOf(s, first);
    const side = sideOf(first);
    const { peers, distinct } = topPeers(socks, side === 'client', 5);
    const dest = endpoint(first.remoteAddress, first.remotePort, first.remoteService);
    const where = side === 'server' ? tx(`on port ${localPortText(first)}`, `在端口 ${localPortText(first)} 上`) : tx(`toward ${dest}`, `连向 ${dest}`);
    const maxIdle = idles.length ? idles.reduce((a, b) => Math.max(a, b)) : undefined;
    const summary = severity === 'warning'
      ? join([tx(`${idleLong} ESTABLISHED connections idle ≥ 30 min with no keepalive`, `${idleLong} 个 ESTABLISHED 连接空闲 ≥ 30 分钟且没有保活`), where, tx('in', '，属于'), owner(o)])
      : join([tx(`${socks.length} ESTABLISHED connections without keepalive`, `${socks.length} 个没有保活的 ESTABLISHED 连接`), where, tx('in', '，属于'), owner(o)]);
    const f: FindingText = {
      id: 'idle_established', severity, summary,
      evidence: {
        state: 'ESTABLISHED', count: socks.length, side,
        ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}) } : {}),
        ...(side === 'server' ? { localPort: first.localPort, ...(first.localService !== undefined ? { localService: first.localService } : {}) } : { destination: dest }),
        peers, distinctPeers: distinct,
        figures: { withoutKeepalive: socks.length, idleKnown: idles.length, idleOver30min: idleLong, ...(maxIdle !== undefined ? { maxIdleMs: maxIdle } : {}) },
      },
      explanation: join([tx(
        'ESTABLISHED only ends when one side closes, an application timeout fires, or keepalive finds the peer dead. These sockets have no keepalive timer, so if the peer vanished (crash, power loss, a NAT or firewall that forgot the flow) they stay ESTABLISHED forever and keep a file descriptor and memory each. As with a Tomcat server whose idle connections are never closed (connectionTimeout/keepAliveTimeout unset or too long), the usual cause is an application idle timeout that is too long or missing.',
        'ESTABLISHED 只有在一方关闭、应用超时触发，或保活探测发现对端已死时才会结束。这些套接字没有保活定时器，如果对端消失（崩溃、断电、NAT 或防火墙忘记了这条流），它们会永远停在 ESTABLISHED，每个都占着文件描述符和内存。就像从不关闭空闲连接的 Tomcat 服务器（connectionTimeout/keepAliveTimeout 未设或过长），通常原因是应用的空闲超时过长或缺失。'),
        maxIdle !== undefined ? join([tx(' Longest idle:', ' 最长空闲：'), duration(maxIdle)]) : tx('', '')], tx('', '')),
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
    `only when the source shows timers; per owner and port/destination: ≥ ${IDLE_WARN} without keepalive idle ≥ 30 min (ss -i lastsnd/lastrcv) ⇒ warning; ≥ ${NO_KEEPALIVE_INFO} without keepalive, idleness unknown ⇒ info`,
    `仅当数据源显示定时器时；按属主与端口/目的地址：≥ ${IDLE_WARN} 个无保活且空闲 ≥ 30 分钟（ss -i 的 lastsnd/lastrcv）为警告；≥ ${NO_KEEPALIVE_INFO} 个无保活、空闲未知为提示`),
  check: checkIdle,
};
