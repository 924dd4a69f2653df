// READ THIS FIRST — time_wait_pressure: TIME-WAIT, and whether it can exhaust ephemeral ports.
//
// Rules this file keeps (include/net/tcp.h TCP_TIMEWAIT_LEN; ip-sysctl.rst tcp_tw_reuse and
// ip_local_port_range; tcp_ipv4.c tcp_twsk_unique; inet_hashtables.c __inet_hash_connect):
// - Only the side that closes first enters TIME-WAIT (主动关闭方), for a fixed 60 s on Linux
//   (TCP_TIMEWAIT_LEN); tcp_fin_timeout does not change it, whatever blog posts say.
// - A TIME-WAIT entry blocks only its own 4-tuple. connect() can reuse a local port toward other
//   destinations, so a client runs out of ports *per destination ip:port*: it sustains about
//   range ÷ 60 s new connections per second toward one ip:port (28,232 ÷ 60 ≈ 470/s by default).
// - Server-side TIME-WAIT (the server closed first) never exhausts the listening port; it only costs
//   a minisocket (~200 bytes) each. It is reported as info, never as a warning, unless the host-wide
//   TIME-WAIT table (tcp_max_tw_buckets) is nearly full.
// - tcp_tw_reuse (1, or 2 on loopback) lets connect() take a TIME-WAIT 4-tuple older than 1 s when
//   timestamps are on; then only the young entries and the other states count against the range.
// Thresholds per destination (client side): ports in use ≥ 50 % of the range ⇒ warning, ≥ 90 % ⇒
// critical; ≥ 1000 TIME-WAIT toward one destination ⇒ info. Server side: ≥ 100 on one port ⇒ info.
// Host-wide TIME-WAIT ≥ 90 % of tcp_max_tw_buckets ⇒ warning.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { Text } from '../../i18n/lang.js';
import type { FindingText, FixOf, Severity } from '../finding.js';
import {
  ageStats, destinationOwner, socketAgeMs, socketsToward, groupByDestination, isLoopback, listenerOwner, osOf, portRange, sysctl, sysctlNum,
  timeWaitLenMs, topPeers, type PortRange, inState } from '../facts.js';
import { agesText, duration, join, owner, pct, tx } from '../words.js';
import { closesFromTimeWait, counterRate, eaddrnotavailLines, peakWithin, rateText } from '../observed-rates.js';
import { sideJudge } from './close-wait-leak.js';
import type { Rule } from '../rule.js';
import { adviceOs } from '../os-advice.js';
import { inferredOwnerText } from '../owner-inference.js';

export const TW_WARN_USAGE = 0.5;
export const TW_CRIT_USAGE = 0.9;
export const TW_INFO_COUNT = 1000;
export const TW_SERVER_INFO_COUNT = 100;
export const TW_BUCKETS_WARN = 0.9;
const REUSE_DELAY_MS = 1000;

/** Does tcp_tw_reuse let connect() take TIME-WAIT entries toward this destination? */
function reuseApplies(s: HostSnapshot, dest: string): boolean | undefined {
  const reuse = sysctlNum(s, 'net.ipv4.tcp_tw_reuse');
  const ts = sysctlNum(s, 'net.ipv4.tcp_timestamps');
  if (reuse === undefined) return undefined;
  if (ts === 0) return false; // reuse decides by timestamps (tcp_twsk_unique); without them it never reuses
  return reuse === 1 || (reuse === 2 && isLoopback(dest));
}

function notFixes(s: HostSnapshot): FixOf<Text>[] {
  const fin = sysctlNum(s, 'net.ipv4.tcp_fin_timeout');
  const finNote = fin !== undefined && fin !== 60
    ? tx(` (this host has tcp_fin_timeout = ${fin} and TIME-WAIT still lasts 60 s)`, `（本机 tcp_fin_timeout = ${fin}，TIME-WAIT 依然是 60 秒）`)
    : tx('', '');
  return [
    {
      text: join([tx('Not a fix: lowering tcp_fin_timeout', '不是修复：调小 tcp_fin_timeout'), finNote], tx('', '')),
      caveat: tx('On Linux it only limits orphaned FIN-WAIT-2; TIME-WAIT is fixed at 60 s (TCP_TIMEWAIT_LEN) and not tunable.',
        '在 Linux 上它只限制孤儿 FIN-WAIT-2；TIME-WAIT 固定为 60 秒（TCP_TIMEWAIT_LEN），不可调。'),
    },
    {
      text: tx('Not a fix: tcp_tw_recycle', '不是修复：tcp_tw_recycle'),
      caveat: tx('Removed in Linux 4.12; where it exists it drops SYNs from clients behind NAT (per-host timestamp check).',
        'Linux 4.12 已删除该参数；在仍有它的内核上，它会丢弃 NAT 后面客户端的 SYN（按主机检查时间戳）。'),
    },
    {
      text: tx('Avoid SO_LINGER with l_linger = 0 to skip TIME-WAIT', '不要用 l_linger = 0 的 SO_LINGER 来跳过 TIME-WAIT'),
      caveat: tx('close() then sends RST instead of FIN: unsent and in-flight data is lost and the peer sees "connection reset by peer".',
        'close() 会发送 RST 而不是 FIN：未发送和在途的数据会丢失，对端看到 "connection reset by peer"。'),
    },
  ];
}

/**
 * Windows has no sysctls: the range is `netsh int ipv4 set dynamicport` and TIME-WAIT *is* tunable
 * there (TcpTimedWaitDelay, 30–300 s, default 120 s) — the one place where advice to shorten it
 * applies.
 */
function windowsFixes(dest: string, range: PortRange): FixOf<Text>[] {
  return [
    {
      text: tx(`Reuse connections toward ${dest} (keep-alive, a connection pool).`, `复用连向 ${dest} 的连接（keep-alive、连接池）。`),
      caveat: tx('The real cure: a reused connection creates no TIME-WAIT at all.', '根本办法：复用的连接根本不会产生 TIME-WAIT。'),
    },
    {
      text: tx(`Widen the dynamic port range (now ${range.lo}–${range.hi}${range.assumed ? ', assumed default' : ''}): netsh int ipv4 set dynamicport tcp start=10000 num=55535`,
        `扩大动态端口范围（当前 ${range.lo}–${range.hi}${range.assumed ? '，按默认值估计' : ''}）：netsh int ipv4 set dynamicport tcp start=10000 num=55535`),
      caveat: tx('Keep the range clear of ports your services listen on.', '端口范围要避开本机服务监听的端口。'),
    },
    {
      text: tx('Shorten TIME-WAIT with the registry value HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\TcpTimedWaitDelay (30–300 s; default 120).',
        '通过注册表值 HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\TcpTimedWaitDelay 缩短 TIME-WAIT（30–300 秒；默认 120）。'),
      caveat: tx('Unlike Linux, Windows lets you tune it; below 2×MSL old duplicates may reach a new connection on the same 4-tuple. Needs a reboot.',
        '与 Linux 不同，Windows 允许调整它；低于 2×MSL 时旧的重复报文可能进入同一四元组上的新连接。需要重启。'),
    },
  ];
}

function clientFixes(s: HostSnapshot, dest: string, range: PortRange): FixOf<Text>[] {
  if (osOf(s) === 'windows') return windowsFixes(dest, range);
  const reuse = sysctl(s, 'net.ipv4.tcp_tw_reuse');
  return [
    {
      text: tx(`Reuse connections toward ${dest}: HTTP keep-alive / a connection pool (for nginx upstreams: keepalive N with proxy_http_version 1.1 and an empty Connection header).`,
        `复用连向 ${dest} 的连接：HTTP keep-alive / 连接池（nginx upstream：keepalive N，并设置 proxy_http_version 1.1 与空的 Connection 头）。`),
      caveat: tx('The real cure: a reused connection creates no TIME-WAIT at all.', '根本办法：复用的连接根本不会产生 TIME-WAIT。'),
    },
    {
      text: tx(`More 4-tuples: widen net.ipv4.ip_local_port_range (now ${range.lo}–${range.hi}${range.assumed ? ', assumed default' : ''}), or spread load over more destination ports/IPs or source IPs.`,
        `增加四元组：扩大 net.ipv4.ip_local_port_range（当前 ${range.lo}–${range.hi}${range.assumed ? '，按默认值估计' : ''}），或把负载分散到更多目的端口/IP 或源 IP。`),
      caveat: tx('Keep the range clear of ports your services listen on (ip_local_reserved_ports).', '端口范围要避开本机服务监听的端口（ip_local_reserved_ports）。'),
    },
    {
      text: tx(`net.ipv4.tcp_tw_reuse = 1 (now ${reuse ?? 'unknown'})`, `net.ipv4.tcp_tw_reuse = 1（当前 ${reuse ?? '未知'}）`),
      caveat: tx('Helps only outgoing connections (connect()), needs tcp_timestamps = 1 on both ends, and never reuses FIN-WAIT-2 minisockets.',
        '只对主动发起的连接（connect()）有效，需要两端都开启 tcp_timestamps = 1，并且不会复用 FIN-WAIT-2 迷你套接字。'),
    },
    {
      text: tx('If the client bind()s its source address before connect(), set IP_BIND_ADDRESS_NO_PORT so the port is chosen per destination.',
        '如果客户端在 connect() 之前先 bind() 源地址，请设置 IP_BIND_ADDRESS_NO_PORT，让端口按目的地址分配。'),
      caveat: tx('Otherwise every destination shares one pool of ports.', '否则所有目的地址共用同一个端口池。'),
    },
    ...notFixes(s),
  ];
}

function clientSide(s: HostSnapshot, tw: SocketRecord[], range: PortRange): FindingText[] {
  const os = osOf(s);
  const lenMs = timeWaitLenMs(os);
  const lenS = lenMs / 1000;
  const out: FindingText[] = [];
  const pasted = eaddrnotavailLines(s);
  const byDest = groupByDestination(tw);
  for (const [dest, socks] of byDest) {
    const first = socks[0];
    // Cheap exit for the common case (a few TIME-WAIT toward each of many peers): nothing can fire.
    // A burst inside the reuse delay can fill a small range: the TIME-WAIT alone decide then.
    const toward = socketsToward(s, first.remoteAddress, first.remotePort);
    if (socks.length < TW_INFO_COUNT && toward.length < TW_WARN_USAGE * range.size && !pasted) continue;
    // Every socket toward this ip:port whose local port came from the ephemeral range holds one port.
    const toDest = toward.filter((k) => k.localPort >= range.lo && k.localPort <= range.hi);
    const reuse = reuseApplies(s, first.remoteAddress);
    const delayMs = sysctlNum(s, 'net.ipv4.tcp_tw_reuse_delay') ?? REUSE_DELAY_MS;
    const ages = ageStats(socks, os);
    const others = toDest.filter((k) => k.state !== 'TIME-WAIT').length;
    // Without ages, assume closes spread evenly over the TIME-WAIT period: one delay's worth is too young to reuse.
    const youngTw = ages ? socks.filter((k) => (socketAgeMs(k, os) ?? 0) < delayMs).length : Math.ceil((socks.length * delayMs) / lenMs);
    const blocking = reuse ? others + youngTw : toDest.length;
    const usage = blocking / range.size;
    // The most ports held at one moment that the ages show: with reuse, the entries closed within one
    // reuse delay of each other were all unusable together (a burst), whatever their number now.
    const peak = reuse ? peakWithin(socks, os, delayMs) : undefined;
    const peakHeld = reuse ? others + (peak?.count ?? youngTw) : blocking;
    const ranOut = peakHeld >= range.size;
    const sustainable = range.size / lenS;
    const closes = closesFromTimeWait(socks, os, lenMs);
    const opens = counterRate(s, 'Tcp:ActiveOpens');
    let severity: Severity | undefined;
    if (usage >= TW_CRIT_USAGE) severity = 'critical';
    else if (usage >= TW_WARN_USAGE || ranOut || pasted) severity = 'warning';
    else if (socks.length >= TW_INFO_COUNT) severity = 'info';
    if (!severity) continue;
    // TIME-WAIT has no owner; the process holding the other connections to this ip:port is the likely one.
    const o = destinationOwner(s, first.remoteAddress, first.remotePort);
    const at = agesText(ages);
    const errors = pasted
      ? tx(`; the input shows ${pasted.count} EADDRNOTAVAIL error${pasted.count === 1 ? '' : 's'} ("${pasted.example}")`, `；输入中有 ${pasted.count} 条 EADDRNOTAVAIL 错误（"${pasted.example}"）`)
      : tx('', '');
    const delayText = duration(delayMs);
    let head: Text;
    if (severity === 'info') {
      head = tx(`${socks.length} TIME-WAIT toward ${dest} (this host closed first, as the client): ${pct(usage)} of the ${range.size} ephemeral ports`,
        `${socks.length} 个连向 ${dest} 的 TIME-WAIT（本机作为客户端主动关闭）：占 ${range.size} 个临时端口的 ${pct(usage)}`);
    } else if (usage >= 1 || (ranOut && !reuse)) {
      head = tx(`Ephemeral ports toward ${dest} used up (${blocking} of ${range.size}): connect() there fails now with EADDRNOTAVAIL ("Cannot assign requested address")`,
        `连向 ${dest} 的临时端口已用尽（${blocking}/${range.size}）：此刻 connect() 会失败并报 EADDRNOTAVAIL（"Cannot assign requested address"）`);
    } else if (ranOut && peak) {
      head = tx(`Ephemeral ports toward ${dest} ran out in a burst: ${peak.count} connections closed within ${delayText.en}, and tcp_tw_reuse takes a TIME-WAIT entry only ${delayText.en} after its close, so connects beyond the ${range.size} ports failed with EADDRNOTAVAIL ("Cannot assign requested address") about ${duration(peak.agoMs).en} ago`,
        `连向 ${dest} 的临时端口在一次突发中用尽：${delayText.zh}内关闭了 ${peak.count} 个连接，而 tcp_tw_reuse 只在关闭 ${delayText.zh}之后才复用 TIME-WAIT 条目，所以约 ${duration(peak.agoMs).zh}前超出 ${range.size} 个端口的 connect() 都失败并报 EADDRNOTAVAIL（"Cannot assign requested address"）`);
    } else {
      head = tx(`Ephemeral ports toward ${dest} ${pct(usage)} used (${blocking} of ${range.size}): connect() there will fail with EADDRNOTAVAIL ("Cannot assign requested address") at 100 %`,
        `连向 ${dest} 的临时端口已用 ${pct(usage)}（${blocking}/${range.size}）：用满时 connect() 会失败并报 EADDRNOTAVAIL（"Cannot assign requested address"）`);
    }
    const summary = join([join([head, errors], tx('', '')), o && severity !== 'info' ? join([tx('— likely client:', '——可能的客户端：'), inferredOwnerText(o, 'destination')]) : tx('', '')]);
    const closesWord = tx('closes', '关闭');
    const explanation = join([
      tx(`This host closes its connections to ${dest} first, so each one stays in TIME-WAIT for ${lenS} s (2MSL; ${os === 'windows' ? 'TcpTimedWaitDelay on Windows' : adviceOs(s) === 'bsd' ? '2 × net.inet.tcp.msl on the BSDs' : 'fixed on Linux'}) and keeps its 4-tuple. Toward a single ip:port only the local port varies, so at most ${range.size} connections per ${lenS} s ≈ ${Math.floor(sustainable)} new connections/s are sustainable`,
        `本机先关闭连向 ${dest} 的连接（主动关闭），每个连接在 TIME-WAIT 停留 ${lenS} 秒（2MSL，${os === 'windows' ? 'Windows 上为 TcpTimedWaitDelay' : adviceOs(s) === 'bsd' ? 'BSD 上为 2 × net.inet.tcp.msl' : 'Linux 上固定'}）并占住它的四元组。连向同一个 ip:端口时只有本地端口能变化，所以每 ${lenS} 秒最多 ${range.size} 个连接，约每秒 ${Math.floor(sustainable)} 个新连接`),
      reuse ? tx(` without tcp_tw_reuse. tcp_tw_reuse applies here: an entry can be taken again ${delayText.en} after its close, so about ${Math.floor(range.size / (delayMs / 1000))}/s, but never more than ${range.size} within ${delayText.en} (a burst).`,
        `（不计 tcp_tw_reuse）；此处 tcp_tw_reuse 生效，条目在关闭 ${delayText.zh}后可再次使用，约每秒 ${Math.floor(range.size / (delayMs / 1000))} 个，但 ${delayText.zh}内的突发不能超过 ${range.size} 个。`) : tx('.', '。'),
      join([tx(' Seen: ', '观察到：'), rateText(closes, closesWord, adviceOs(s) === 'linux')], tx('', '')),
      opens ? join([tx('; ', '；'), rateText(opens, tx('connects', '新建连接'), adviceOs(s) === 'linux')], tx('', '')) : tx('', ''),
      tx('.', '。'),
      at ? join([tx(' TIME-WAIT ages:', ' TIME-WAIT 时长：'), at]) : tx('', ''),
    ], tx('', ''));
    const rates = [closes, ...(opens ? [opens] : [])].map((r) => ({ what: r === closes ? 'closes' as const : 'connects' as const, ...r }));
    const finding: FindingText = {
      id: 'time_wait_pressure', severity, summary,
      evidence: {
        state: 'TIME-WAIT', count: socks.length, side: 'client', destination: dest,
        ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}), attribution: 'destination' as const, inferred: true } : {}),
        peers: [{ address: first.remoteAddress, port: first.remotePort, count: socks.length }], distinctPeers: 1,
        ...(ages ? { ages } : {}),
        sysctls: pickSysctls(s),
        rates,
        figures: {
          portRangeSize: range.size, portsInUse: blocking, usage: Math.round(usage * 1000) / 1000,
          sustainableConnsPerSec: Math.floor(sustainable), observedClosesPerSec: closes.perSec,
          timeWaitSeconds: lenS,
          ...(reuse ? { reuseDelayMs: delayMs, peakPortsHeld: peakHeld } : {}),
          ...(ranOut ? { portsRanOut: 1 } : {}),
          ...(pasted ? { eaddrnotavailErrors: pasted.count } : {}),
        },
      },
      explanation, fixes: clientFixes(s, dest, range),
    };
    if (range.assumed) {
      finding.missing = [os === 'windows'
        ? tx(`The dynamic port range is not in the input; Windows' default ${range.lo}–${range.hi} was assumed (check with \`netsh int ipv4 show dynamicport tcp\`).`,
          `输入中没有动态端口范围，按 Windows 默认 ${range.lo}–${range.hi} 估算（用 \`netsh int ipv4 show dynamicport tcp\` 查看）。`)
        : tx('ip_local_port_range is not in the input; the default range was assumed (add `sysctl net.ipv4.ip_local_port_range` to the folder).',
          '输入中没有 ip_local_port_range，按默认范围估算（请把 `sysctl net.ipv4.ip_local_port_range` 的输出放进目录）。')];
    }
    out.push(finding);
  }
  return out;
}

function serverSide(s: HostSnapshot, tw: SocketRecord[]): FindingText[] {
  const os = osOf(s);
  const lenS = timeWaitLenMs(os) / 1000;
  const out: FindingText[] = [];
  // By local port, first seen first (a number key: no text per socket).
  const byPort = new Map<number, SocketRecord[]>();
  for (const k of tw) { const g = byPort.get(k.localPort); if (g) g.push(k); else byPort.set(k.localPort, [k]); }
  for (const socks of byPort.values()) {
    if (socks.length < TW_SERVER_INFO_COUNT) continue;
    const port = socks[0].localPort;
    const o = listenerOwner(s, port);
    const ages = ageStats(socks, os);
    const { peers, distinct } = topPeers(socks, false, 5);
    const closes = closesFromTimeWait(socks, os, timeWaitLenMs(os));
    const seen = rateText(closes, tx('closes', '关闭'), adviceOs(s) === 'linux');
    out.push({
      id: 'time_wait_pressure', severity: 'info',
      // TIME-WAIT has no owner (the application closed it): name who it was left by, never "held by".
      summary: join([tx(`${socks.length} TIME-WAIT on listening port ${port}, left by`, `监听端口 ${port} 上有 ${socks.length} 个 TIME-WAIT，由`),
        o ? inferredOwnerText(o, 'listener') : owner(o), tx('', '留下'),
        tx('(the server closes first): harmless for the port', '（服务端主动关闭）：对该端口无害')]),
      evidence: {
        state: 'TIME-WAIT', count: socks.length, side: 'server', localPort: port,
        ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}), attribution: 'listener' as const, inferred: true } : {}),
        peers, distinctPeers: distinct, ...(ages ? { ages } : {}),
        rates: [{ what: 'closes', ...closes }],
        figures: { closesPerSec: closes.perSec, timeWaitSeconds: lenS },
      },
      explanation: tx(
        `The server side closes these connections first (it is the active closer), so it holds TIME-WAIT for ${lenS} s each — ${seen.en}. Server-side TIME-WAIT never exhausts the listening port: each entry blocks only its own 4-tuple (client ip:port), and costs a ~200-byte minisocket, no file descriptor.`,
        `这些连接由服务端先关闭（主动关闭），因此每个都在 TIME-WAIT 停留 ${lenS} 秒——${seen.zh}。服务端的 TIME-WAIT 永远不会耗尽监听端口：每个条目只占用它自己的四元组（客户端 ip:端口），只是约 200 字节的迷你套接字，不占文件描述符。`),
      fixes: [
        {
          text: tx('Usually nothing to do. To have fewer, let clients close first or keep connections alive longer (e.g. nginx keepalive_requests above the default 100, longer keepalive_timeout).',
            '通常无需处理。想减少它们，可以让客户端先关闭，或延长长连接（如把 nginx keepalive_requests 调到默认 100 以上、加大 keepalive_timeout）。'),
          caveat: tx('tcp_tw_reuse does not apply here: it only helps outgoing connect().', 'tcp_tw_reuse 对这里无效：它只作用于主动发起的 connect()。'),
        },
        ...notFixes(s),
      ],
    });
  }
  return out;
}

function bucketPressure(s: HostSnapshot): FindingText[] {
  const max = sysctlNum(s, 'net.ipv4.tcp_max_tw_buckets');
  if (max === undefined || max <= 0) return [];
  // sockstat `tw` counts TIME-WAIT and FIN-WAIT-2 minisockets, exactly what the limit counts.
  const tw = s.sockstat?.tw ?? inState(s, 'TIME-WAIT').length + inState(s, 'FIN-WAIT-2').filter((k) => k.timer?.kind === 'timewait').length;
  if (tw < TW_BUCKETS_WARN * max) return [];
  return [{
    id: 'time_wait_pressure', severity: 'warning',
    summary: tx(`TIME-WAIT table ${pct(tw / max)} full (${tw} of tcp_max_tw_buckets ${max}): past the limit closing connections skip TIME-WAIT`,
      `TIME-WAIT 表已满 ${pct(tw / max)}（${tw}/${max}，tcp_max_tw_buckets）：超出后关闭的连接将跳过 TIME-WAIT`),
    evidence: { state: 'TIME-WAIT', count: tw, sysctls: { 'net.ipv4.tcp_max_tw_buckets': String(max) }, figures: { usage: Math.round((tw / max) * 1000) / 1000 } },
    explanation: tx('When the limit is reached the kernel destroys the TIME-WAIT entry at once and counts TCPTimeWaitOverflow (older kernels log "TCP: time wait bucket table overflow"). The connection then loses the protection TIME-WAIT gives against old duplicate segments and a lost last ACK.',
      '达到上限后，内核会立即销毁 TIME-WAIT 条目并累加 TCPTimeWaitOverflow（旧内核会打印 "TCP: time wait bucket table overflow"）。连接因此失去 TIME-WAIT 对旧重复报文和最后一个 ACK 丢失的保护。'),
    fixes: [
      { text: tx('Reduce the churn (connection reuse), or raise tcp_max_tw_buckets if memory allows (each entry is ~200 bytes).', '减少连接的频繁建立与关闭（复用连接），或在内存允许时调大 tcp_max_tw_buckets（每个条目约 200 字节）。'),
        caveat: tx('Never lower it "to kill TIME-WAIT": the kernel documentation says you must not lower the limit artificially.', '不要为了“清掉 TIME-WAIT”而调小它：内核文档明确说不要人为调低该上限。') },
    ],
  }];
}

function pickSysctls(s: HostSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_fin_timeout']) {
    const v = sysctl(s, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

function checkTimeWait(s: HostSnapshot): FindingText[] {
  const tw = inState(s, 'TIME-WAIT');
  const out = bucketPressure(s);
  if (tw.length === 0) return out;
  const range = portRange(s);
  const sideOf = sideJudge(s);
  const client = tw.filter((k) => sideOf(k) === 'client');
  const server = tw.filter((k) => sideOf(k) === 'server');
  return [...out, ...clientSide(s, client, range), ...serverSide(s, server)];
}

export const timeWaitPressure: Rule = {
  id: 'time_wait_pressure',
  title: tx('TIME-WAIT and ephemeral-port exhaustion per destination', 'TIME-WAIT 与按目的地址的临时端口耗尽'),
  thresholds: tx(
    `client side, per destination ip:port: ports in use ≥ ${TW_WARN_USAGE * 100} % of ip_local_port_range ⇒ warning, ≥ ${TW_CRIT_USAGE * 100} % ⇒ critical, ≥ ${TW_INFO_COUNT} TIME-WAIT ⇒ info; server side ≥ ${TW_SERVER_INFO_COUNT} on one port ⇒ info; TIME-WAIT ≥ ${TW_BUCKETS_WARN * 100} % of tcp_max_tw_buckets ⇒ warning`,
    `客户端、按目的 ip:端口：占用端口 ≥ ip_local_port_range 的 ${TW_WARN_USAGE * 100}% 为警告，≥ ${TW_CRIT_USAGE * 100}% 为严重，TIME-WAIT ≥ ${TW_INFO_COUNT} 个为提示；服务端单端口 ≥ ${TW_SERVER_INFO_COUNT} 个为提示；TIME-WAIT ≥ tcp_max_tw_buckets 的 ${TW_BUCKETS_WARN * 100}% 为警告`),
  check: checkTimeWait,
};
