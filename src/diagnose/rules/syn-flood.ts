// READ THIS FIRST — syn_flood: half-open connections (SYN-RECEIVED) piling up on a listening port.
//
// Rules this file keeps (ip-sysctl.rst tcp_max_syn_backlog and tcp_syncookies; tcp_input.c
// tcp_conn_request, tcp_syn_flood_action):
// - A request socket sits in SYN-RECEIVED from our SYN-ACK until the client's ACK; a healthy server
//   shows a few. The SYN queue of a listener is full when its length exceeds the listener's backlog
//   (inet_csk_reqsk_queue_is_full); with tcp_syncookies = 1 the kernel then answers with cookies
//   (TCPReqQFullDoCookies, SyncookiesSent), with 0 it drops the SYN (TCPReqQFullDrop).
// - Most "Possible SYN flooding on port N" log lines come from a tiny listen backlog, not an attack:
//   many distinct sources and SYN-ACKs retransmitted unanswered point to a flood (spoofed sources);
//   few sources point to a small backlog or a path that loses the final ACK.
// - Syncookie and ReqQFull counters are cumulative since boot; alone they only give info.
// Thresholds per port: SYN-RECEIVED ≥ 256, or ≥ 50 % of the listener's backlog (and ≥ 16) ⇒ warning;
// ≥ the backlog with tcp_syncookies = 0 ⇒ critical. TCPReqQFullDrop/SyncookiesSent rising between
// samples ⇒ warning; > 0 since boot alone ⇒ info.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, FixOf, Severity } from '../finding.js';
import type { Text } from '../../i18n/lang.js';
import { groupBy, listenerOwner, presentCounters, sysctlNum, topPeers, inState } from '../facts.js';
import { duration, join, owner, pct, tx } from '../words.js';
import { synAckGiveUpMs } from '../../core/give-up.js';
import { LINUX_GIVE_UP_DEFAULTS } from '../give-up-figures.js';
import type { Rule } from '../rule.js';
import { counterRise } from '../samples.js';

export const SYN_RECV_WARN = 256;
export const SYN_RECV_BACKLOG_WARN = 0.5;
export const SYN_RECV_MIN = 16;
const SYN_COUNTERS = ['TcpExt:SyncookiesSent', 'TcpExt:SyncookiesRecv', 'TcpExt:SyncookiesFailed', 'TcpExt:TCPReqQFullDoCookies', 'TcpExt:TCPReqQFullDrop'];

const WHY: Text = tx(
  'A connection is in SYN-RECEIVED (SYN_RECV) after this server answered a SYN with SYN-ACK and before the client\'s final ACK arrives; normally this lasts one round trip. A pile-up means final ACKs are not coming: a SYN flood from spoofed addresses (many sources, SYN-ACKs retransmitted unanswered), or a listener whose queue is too small for its load. When the SYN queue is full, Linux sends SYN cookies (tcp_syncookies = 1, the default) or drops the SYN (0).',
  '服务器用 SYN-ACK 回应 SYN 之后、收到客户端最后的 ACK 之前，连接处于 SYN-RECEIVED（SYN 收到）状态，正常只持续一个往返时间。大量堆积说明最后的 ACK 没有到来：来自伪造地址的 SYN 洪水攻击（来源很多，SYN-ACK 重传无人应答），或者监听队列相对负载太小。半连接队列满时，Linux 发送 SYN cookies（tcp_syncookies = 1，默认）或丢弃 SYN（0）。',
);

function fixes(s: HostSnapshot): FixOf<Text>[] {
  const cookies = sysctlNum(s, 'net.ipv4.tcp_syncookies');
  // The request-socket lifetime (reqsk_timer_handler) at the host's tcp_synack_retries when known.
  const hostRetries = sysctlNum(s, 'net.ipv4.tcp_synack_retries');
  const retries = hostRetries ?? LINUX_GIVE_UP_DEFAULTS.synackRetries;
  const life = duration(synAckGiveUpMs(retries));
  return [
    {
      text: tx(`Keep net.ipv4.tcp_syncookies = 1 (now ${cookies ?? 'unknown'}).`, `保持 net.ipv4.tcp_syncookies = 1（当前 ${cookies ?? '未知'}）。`),
      caveat: tx('Cookies are a fallback for floods, not a capacity tool: connections made with cookies lose TCP options unless timestamps carry them.',
        'SYN cookies 是应对洪水的后备手段，不是扩容手段：用 cookies 建立的连接会丢失 TCP 选项（除非由时间戳携带）。'),
    },
    {
      text: tx('If the sources are few and legitimate: raise the listener\'s backlog (and net.core.somaxconn, net.ipv4.tcp_max_syn_backlog).',
        '如果来源不多且合法：调大监听套接字的 backlog（以及 net.core.somaxconn、net.ipv4.tcp_max_syn_backlog）。'),
    },
    {
      text: tx(`If it is a flood: filter upstream (firewall rate limits, DDoS protection); lowering net.ipv4.tcp_synack_retries (${hostRetries === undefined ? 'default' : 'now'} ${retries}, ~${life.en}) frees request sockets sooner.`,
        `如果是洪水攻击：在上游过滤（防火墙限速、DDoS 防护）；调小 net.ipv4.tcp_synack_retries（${hostRetries === undefined ? '默认' : '当前'} ${retries}，约 ${life.zh}）可以更快释放半连接。`),
      caveat: tx('Fewer SYN-ACK retries also fail real clients on lossy paths sooner.', '减少 SYN-ACK 重传次数也会让丢包路径上的真实客户端更早失败。'),
    },
  ];
}

function perPort(s: HostSnapshot, port: number, socks: SocketRecord[]): FindingText | undefined {
  const listener = inState(s, 'LISTEN').find((k) => k.localPort === port);
  const backlog = listener?.sendQ !== undefined && listener.sendQ > 0 ? listener.sendQ : undefined;
  const cookies = sysctlNum(s, 'net.ipv4.tcp_syncookies');
  const n = socks.length;
  let severity: Severity | undefined;
  if (backlog !== undefined && n >= backlog && cookies === 0) severity = 'critical';
  else if (n >= SYN_RECV_WARN || (backlog !== undefined && n >= SYN_RECV_BACKLOG_WARN * backlog && n >= SYN_RECV_MIN)) severity = 'warning';
  if (!severity) return undefined;
  const o = listenerOwner(s, port);
  const { peers, distinct } = topPeers(socks, false, 5);
  const retried = socks.filter((k) => (k.timer?.retransmits ?? 0) >= 1).length;
  const spread = distinct / n;
  const verdict: Text = spread >= 0.5
    ? tx(` ${distinct} distinct sources for ${n} half-open connections: looks like a flood.`, ` ${n} 个半连接来自 ${distinct} 个不同来源：像是洪水攻击。`)
    : tx(` Only ${distinct} sources for ${n} half-open connections: more likely a small backlog or lost final ACKs than an attack.`, ` ${n} 个半连接只来自 ${distinct} 个来源：更可能是 backlog 太小或最后的 ACK 丢失，而不是攻击。`);
  const counters = presentCounters(s, SYN_COUNTERS);
  return {
    id: 'syn_flood', severity,
    // Half-open connections sit in the listener's queue: name who listens, never who "owns" them.
    summary: join([o
      ? tx(`${n} SYN-RECEIVED on port ${port}, where ${owner(o).en} listens`, `${owner(o).zh}监听的端口 ${port} 上有 ${n} 个 SYN-RECEIVED`)
      : tx(`${n} SYN-RECEIVED on port ${port} (who listens is not in the input)`, `端口 ${port} 上有 ${n} 个 SYN-RECEIVED（输入中看不出谁在监听）`),
      backlog !== undefined ? tx(`(${pct(n / backlog)} of its backlog ${backlog})`, `（占 backlog ${backlog} 的 ${pct(n / backlog)}）`) : tx('', '')]),
    evidence: {
      state: 'SYN-RECEIVED', count: n, localPort: port, ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}), attribution: 'listener' as const } : {}),
      peers, distinctPeers: distinct,
      ...(backlog !== undefined ? { queues: { synRecv: n, backlog } } : {}),
      ...(Object.keys(counters).length ? { counters } : {}),
      ...(cookies !== undefined ? { sysctls: { 'net.ipv4.tcp_syncookies': String(cookies) } } : {}),
      figures: { synAckRetransmitted: retried },
    },
    explanation: join([WHY, verdict], tx('', '')),
    fixes: fixes(s),
  };
}

function checkSynFlood(s: HostSnapshot): FindingText[] {
  const out: FindingText[] = [];
  const sr = inState(s, 'SYN-RECEIVED');
  for (const [port, socks] of groupBy(sr, (k) => String(k.localPort))) {
    const f = perPort(s, Number(port), socks);
    if (f) out.push(f);
  }
  const counters = presentCounters(s, SYN_COUNTERS);
  const drop = counters['TcpExt:TCPReqQFullDrop'] ?? 0;
  const sent = counters['TcpExt:SyncookiesSent'] ?? 0;
  const dropRise = counterRise(s, 'TcpExt:TCPReqQFullDrop');
  const cookieRise = counterRise(s, 'TcpExt:SyncookiesSent');
  const window = dropRise ?? cookieRise;
  if (out.length === 0 && window && ((dropRise?.rise ?? 0) > 0 || (cookieRise?.rise ?? 0) > 0)) {
    const secs = Math.round(window.windowMs / 1000);
    const d = dropRise?.rise ?? 0; const c = cookieRise?.rise ?? 0;
    out.push({
      id: 'syn_flood', severity: 'warning',
      summary: tx(`A SYN queue is overflowing now: ${c} SYN cookies sent and ${d} SYNs dropped in the last ${secs} s`,
        `半连接队列正在溢出：最近 ${secs} 秒内发送 SYN cookies ${c} 次、丢弃 SYN ${d} 次`),
      evidence: { counters, figures: { cookiesDuringSampling: c, dropsDuringSampling: d, windowSeconds: secs } },
      explanation: join([WHY, tx(' The kernel log line "Possible SYN flooding on port N" names the port.', ' 内核日志 "Possible SYN flooding on port N" 会指出端口。')], tx('', '')),
      fixes: fixes(s),
    });
  } else if (out.length === 0 && (drop > 0 || sent > 0)) {
    out.push({
      id: 'syn_flood', severity: 'info',
      summary: tx(`Since boot the SYN queue overflowed: ${sent} SYN cookies sent, ${drop} SYNs dropped (TCPReqQFullDrop); no SYN-RECEIVED pile-up now`,
        `自开机以来半连接队列曾溢出：发送 SYN cookies ${sent} 次，丢弃 SYN ${drop} 次（TCPReqQFullDrop）；目前没有 SYN-RECEIVED 堆积`),
      evidence: { counters },
      explanation: join([WHY, tx(' The counters are cumulative: compare two snapshots to see whether it is still happening. The kernel log line "Possible SYN flooding on port N" names the port.',
        ' 这些计数器是累计值：比较两次快照才能判断是否仍在发生。内核日志 "Possible SYN flooding on port N" 会指出端口。')], tx('', '')),
      fixes: fixes(s),
    });
  }
  return out;
}

export const synFlood: Rule = {
  id: 'syn_flood',
  title: tx('SYN-RECEIVED pile-up: SYN flood or a too-small listen queue', 'SYN-RECEIVED 堆积：SYN 洪水或监听队列过小'),
  thresholds: tx(
    `per port: SYN-RECEIVED ≥ ${SYN_RECV_WARN}, or ≥ ${SYN_RECV_BACKLOG_WARN * 100} % of the listener's backlog and ≥ ${SYN_RECV_MIN} ⇒ warning; ≥ the backlog with tcp_syncookies = 0 ⇒ critical; cookie/drop counters rising between samples ⇒ warning; > 0 since boot alone ⇒ info`,
    `按端口：SYN-RECEIVED ≥ ${SYN_RECV_WARN}，或 ≥ 监听 backlog 的 ${SYN_RECV_BACKLOG_WARN * 100}% 且 ≥ ${SYN_RECV_MIN} 为警告；tcp_syncookies = 0 且 ≥ backlog 为严重；采样期间 cookies/丢弃计数增长为警告；仅有累计值 > 0 为提示`),
  check: checkSynFlood,
};
