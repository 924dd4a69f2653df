// READ THIS FIRST — dangerous_sysctl: settings (often copied from blog posts and forum answers)
// that hurt, and counters that show the damage. One row of CHECKS per setting; each row cites why.
//
// | check                   | fires when                                            | severity |
// |-------------------------|-------------------------------------------------------|----------|
// | tcp_tw_recycle          | present and 1 (removed in 4.12; drops SYNs behind NAT)| warning  |
// | tcp_tw_recycle          | present and 0 (kernel older than 4.12)                | info     |
// | tcp_max_tw_buckets      | < 4096 (lowered "to kill TIME-WAIT")                  | warning  |
// | TCPTimeWaitOverflow     | > 0 (TIME-WAIT skipped; info if sampled and not rising)| warning  |
// | tcp_abort_on_overflow   | 1 (RST at the first accept-queue burst)               | warning  |
// | tcp_syncookies          | 0 (no defence when the SYN queue overflows)           | warning  |
// | TCPAbortOnData          | ≥ 5 % of opens and ≥ 1000 (SO_LINGER 0 / RST closes)  | warning  |
// |                         | ≥ 1 % of opens and ≥ 100                              | info     |
// | TCPAbortOnLinger        | > 0 (TCP_LINGER2 < 0 resets FIN-WAIT-2)               | info     |
// | tcp_fin_timeout         | ≠ 60 (does not shorten TIME-WAIT, only FIN-WAIT-2)    | info     |
// | tcp_keepalive_time      | < 60 (probes everything; does not cure CLOSE-WAIT)    | info     |
// | tcp_max_orphans         | < 4096 (orphans reset early)                          | info, warning with TCPAbortOnMemory > 0 |
// | tcp_timestamps          | 0 while tcp_tw_reuse ≠ 0 (reuse cannot work)          | info     |
// | net.core.somaxconn      | ≤ 128 (pre-5.4 default caps every listen backlog)     | info     |
import type { HostSnapshot } from '../../model/snapshot.js';
import type { Text } from '../../i18n/lang.js';
import type { FindingText, FixOf, Severity } from '../finding.js';
import { counter, sysctl, sysctlNum } from '../facts.js';
import { join, pct, tx } from '../words.js';
import { counterRise } from '../samples.js';
import type { Rule } from '../rule.js';

interface Hit {
  severity: Severity;
  summary: Text;
  explanation: Text;
  fixes: FixOf<Text>[];
  sysctls?: Record<string, string>;
  counters?: Record<string, number>;
}

type Check = (s: HostSnapshot) => Hit | undefined;

const setTo = (name: string, v: string): Record<string, string> => ({ [name]: v });

const CHECKS: Check[] = [
  (s) => {
    const v = sysctlNum(s, 'net.ipv4.tcp_tw_recycle');
    if (v === undefined) return undefined;
    const on = v !== 0;
    return {
      severity: on ? 'warning' : 'info',
      summary: on ? tx('net.ipv4.tcp_tw_recycle = 1: SYNs from clients behind NAT are silently dropped', 'net.ipv4.tcp_tw_recycle = 1：NAT 后面客户端的 SYN 会被悄悄丢弃')
        : tx('net.ipv4.tcp_tw_recycle exists: this kernel is older than 4.12; keep it 0', '存在 net.ipv4.tcp_tw_recycle：内核早于 4.12；请保持为 0'),
      explanation: tx('tcp_tw_recycle rejected SYNs whose timestamp was not newer than the last one seen from the same IP; hosts behind one NAT have different timestamp clocks, so all but one were refused (PAWSPassive rises). It was removed in Linux 4.12. Advice that sets it is out of date.',
        'tcp_tw_recycle 会拒绝时间戳不比同一 IP 上次更新的 SYN；同一个 NAT 后面的主机时间戳时钟不同，结果只有一台能连上（PAWSPassive 增长）。Linux 4.12 已删除它。设置它的建议已经过时。'),
      fixes: [{ text: tx('Set net.ipv4.tcp_tw_recycle = 0 and remove it from /etc/sysctl.conf.', '设置 net.ipv4.tcp_tw_recycle = 0，并从 /etc/sysctl.conf 删除。'),
        caveat: tx('For client-side port pressure use connection reuse or tcp_tw_reuse instead.', '客户端端口压力请改用连接复用或 tcp_tw_reuse。') }],
      sysctls: setTo('net.ipv4.tcp_tw_recycle', String(v)),
    };
  },
  (s) => {
    const v = sysctlNum(s, 'net.ipv4.tcp_max_tw_buckets');
    if (v === undefined || v >= 4096) return undefined;
    return {
      severity: 'warning',
      summary: tx(`net.ipv4.tcp_max_tw_buckets = ${v} is tiny: past it closing connections skip TIME-WAIT`, `net.ipv4.tcp_max_tw_buckets = ${v} 过小：超过后关闭的连接会跳过 TIME-WAIT`),
      explanation: tx('The limit exists against DoS; the kernel documentation says "you must not lower the limit artificially". Entries past it are destroyed at once (TCPTimeWaitOverflow), losing TIME-WAIT\'s protection against old duplicates and a lost last ACK.',
        '该上限是为防御 DoS 而设；内核文档说“绝不能人为调低该上限”。超过上限的条目会被立即销毁（TCPTimeWaitOverflow），失去 TIME-WAIT 对旧重复报文和最后 ACK 丢失的保护。'),
      fixes: [{ text: tx('Restore the default (established-hash size ÷ 2, e.g. 131072) and reduce churn with connection reuse.', '恢复默认值（established 哈希表大小 ÷ 2，如 131072），并通过连接复用减少频繁建连。') }],
      sysctls: setTo('net.ipv4.tcp_max_tw_buckets', String(v)),
    };
  },
  (s) => {
    const v = counter(s, 'TcpExt:TCPTimeWaitOverflow');
    if (v === undefined || v <= 0) return undefined;
    const r = counterRise(s, 'TcpExt:TCPTimeWaitOverflow');
    const secs = r ? Math.round(r.windowMs / 1000) : 0;
    const now: Text = !r ? tx('', '') : r.rise > 0 ? tx(`, rising: +${r.rise} in the last ${secs} s`, `，正在增长：最近 ${secs} 秒 +${r.rise}`)
      : tx(`, not rising in the last ${secs} s`, `，最近 ${secs} 秒内没有增长`);
    return {
      // Sampled and not rising: it happened before, not now.
      severity: r && r.rise === 0 ? 'info' : 'warning',
      summary: join([tx(`TCPTimeWaitOverflow = ${v}`, `TCPTimeWaitOverflow = ${v}`), now,
        tx(': the TIME-WAIT table overflowed and connections skipped TIME-WAIT', '：TIME-WAIT 表溢出，连接跳过了 TIME-WAIT')], tx('', '')),
      explanation: tx('Counted each time tcp_max_tw_buckets was reached (older kernels also log "TCP: time wait bucket table overflow"). The counter is cumulative since boot: compare two snapshots to see whether it is still rising.',
        '每次达到 tcp_max_tw_buckets 时计数（旧内核还会打印 "TCP: time wait bucket table overflow"）。该计数器自开机累计：比较两次快照才能判断是否仍在增长。'),
      fixes: [{ text: tx('Reduce connection churn (reuse connections); raise tcp_max_tw_buckets if it was lowered.', '减少频繁建连（复用连接）；如果 tcp_max_tw_buckets 被调低过，请调回。') }],
      counters: { 'TcpExt:TCPTimeWaitOverflow': v },
      ...(sysctl(s, 'net.ipv4.tcp_max_tw_buckets') !== undefined ? { sysctls: setTo('net.ipv4.tcp_max_tw_buckets', sysctl(s, 'net.ipv4.tcp_max_tw_buckets') as string) } : {}),
    };
  },
  (s) => {
    if (sysctlNum(s, 'net.ipv4.tcp_abort_on_overflow') !== 1) return undefined;
    return {
      severity: 'warning',
      summary: tx('net.ipv4.tcp_abort_on_overflow = 1: clients get RST whenever an accept queue is full', 'net.ipv4.tcp_abort_on_overflow = 1：全连接队列一满客户端就会收到 RST'),
      explanation: tx('With 0 (the default) the kernel drops the final ACK and the client retries, which rides out short bursts; with 1 every burst becomes "connection reset by peer". The kernel documentation: enable it only if the listening daemon really cannot be tuned.',
        '默认 0 时内核丢弃最后的 ACK、客户端重试，能扛过短暂的突发；设为 1 时每次突发都变成 "connection reset by peer"。内核文档：只有确实无法调优监听服务时才启用。'),
      fixes: [{ text: tx('Set it back to 0; fix accept speed and the backlog instead.', '改回 0；改为提高 accept 速度并调大 backlog。') }],
      sysctls: setTo('net.ipv4.tcp_abort_on_overflow', '1'),
    };
  },
  (s) => {
    if (sysctlNum(s, 'net.ipv4.tcp_syncookies') !== 0) return undefined;
    return {
      severity: 'warning',
      summary: tx('net.ipv4.tcp_syncookies = 0: a SYN flood fills the SYN queue and drops every new client', 'net.ipv4.tcp_syncookies = 0：SYN 洪水会占满半连接队列，所有新客户端都会被丢弃'),
      explanation: tx('With cookies on (1, the default) the kernel answers SYNs statelessly once a listener\'s SYN queue overflows; with 0 it drops them (TCPReqQFullDrop).',
        '开启 cookies（默认 1）时，监听队列溢出后内核用无状态方式应答 SYN；为 0 时直接丢弃（TCPReqQFullDrop）。'),
      fixes: [{ text: tx('Set net.ipv4.tcp_syncookies = 1.', '设置 net.ipv4.tcp_syncookies = 1。'),
        caveat: tx('Cookies are a flood fallback, not a capacity tool: size backlogs for legitimate load.', 'SYN cookies 是洪水的后备手段，不是扩容手段：backlog 要按正常负载来配。') }],
      sysctls: setTo('net.ipv4.tcp_syncookies', '0'),
    };
  },
  (s) => {
    const data = counter(s, 'TcpExt:TCPAbortOnData');
    const opens = (counter(s, 'Tcp:ActiveOpens') ?? 0) + (counter(s, 'Tcp:PassiveOpens') ?? 0);
    if (data === undefined || opens <= 0) return undefined;
    const r = data / opens;
    const severity: Severity | undefined = r >= 0.05 && data >= 1000 ? 'warning' : r >= 0.01 && data >= 100 ? 'info' : undefined;
    if (!severity) return undefined;
    return {
      severity,
      summary: tx(`${data} connections closed with RST while data was pending (TCPAbortOnData, ${pct(r)} of all opens)`, `${data} 个连接在数据未处理完时以 RST 关闭（TCPAbortOnData，占全部建连的 ${pct(r)}）`),
      explanation: tx('TCPAbortOnData counts closes that had to send RST because data was still in flight or arrived after close — typically SO_LINGER with l_linger = 0, a trick often recommended to avoid TIME-WAIT. The peer sees "connection reset" and unsent or unread data is lost.',
        'TCPAbortOnData 统计因数据仍在途或关闭后又有数据到达而不得不发送 RST 的关闭——典型原因是 l_linger = 0 的 SO_LINGER，这是网上常被推荐用来避免 TIME-WAIT 的技巧。对端看到 "connection reset"，未发送或未读取的数据丢失。'),
      fixes: [{ text: tx('Stop using SO_LINGER 0 to close; close normally (FIN) and reuse connections to avoid TIME-WAIT.', '不要用 SO_LINGER 0 关闭；正常关闭（FIN），用连接复用来避免 TIME-WAIT。'),
        caveat: tx('Counters are cumulative since boot; compare two snapshots for a rate.', '计数器自开机累计；比较两次快照才能得到速率。') }],
      counters: { 'TcpExt:TCPAbortOnData': data, 'Tcp:ActiveOpens+PassiveOpens': opens },
    };
  },
  (s) => {
    const v = counter(s, 'TcpExt:TCPAbortOnLinger');
    if (v === undefined || v <= 0) return undefined;
    return {
      severity: 'info',
      summary: tx(`TCPAbortOnLinger = ${v}: some application sets TCP_LINGER2 < 0 and resets FIN-WAIT-2 at once`, `TCPAbortOnLinger = ${v}：有应用设置了 TCP_LINGER2 < 0，FIN-WAIT-2 会被立即重置`),
      explanation: tx('TCP_LINGER2 < 0 makes close() abort with RST instead of waiting in FIN-WAIT-2 for the peer\'s FIN.', 'TCP_LINGER2 < 0 使 close() 以 RST 中止连接，而不是在 FIN-WAIT-2 等待对端的 FIN。'),
      fixes: [{ text: tx('Check which program sets TCP_LINGER2; a negative value trades a clean close for an RST.', '检查哪个程序设置了 TCP_LINGER2；负值会用 RST 取代正常关闭。') }],
      counters: { 'TcpExt:TCPAbortOnLinger': v },
    };
  },
  (s) => {
    const v = sysctlNum(s, 'net.ipv4.tcp_fin_timeout');
    if (v === undefined || v === 60) return undefined;
    return {
      severity: 'info',
      summary: tx(`net.ipv4.tcp_fin_timeout = ${v}: this shortens orphaned FIN-WAIT-2 only, not TIME-WAIT`, `net.ipv4.tcp_fin_timeout = ${v}：它只缩短孤儿 FIN-WAIT-2，不缩短 TIME-WAIT`),
      explanation: tx('Blog advice often sets tcp_fin_timeout to shorten TIME-WAIT. On Linux TIME-WAIT is TCP_TIMEWAIT_LEN, fixed at 60 s; tcp_fin_timeout is how long an orphaned connection may wait in FIN-WAIT-2 for the peer\'s FIN.',
        '很多博客用 tcp_fin_timeout 来缩短 TIME-WAIT。在 Linux 上 TIME-WAIT 是 TCP_TIMEWAIT_LEN，固定 60 秒；tcp_fin_timeout 是孤儿连接在 FIN-WAIT-2 等待对端 FIN 的时长。'),
      fixes: [{ text: tx('Keep it if you meant orphaned FIN-WAIT-2; for TIME-WAIT pressure see time_wait_pressure (connection reuse, port range, tcp_tw_reuse).', '如果本意是孤儿 FIN-WAIT-2 就保留；TIME-WAIT 压力请看 time_wait_pressure（连接复用、端口范围、tcp_tw_reuse）。') }],
      sysctls: setTo('net.ipv4.tcp_fin_timeout', String(v)),
    };
  },
  (s) => {
    const v = sysctlNum(s, 'net.ipv4.tcp_keepalive_time');
    if (v === undefined || v >= 60) return undefined;
    return {
      severity: 'info',
      summary: tx(`net.ipv4.tcp_keepalive_time = ${v} s: aggressive, and it does not cure CLOSE-WAIT`, `net.ipv4.tcp_keepalive_time = ${v} 秒：过于激进，而且治不了 CLOSE-WAIT`),
      explanation: tx('This is common advice against CLOSE-WAIT, and it does not work. Keepalive probes go to a peer that already closed but is alive and answers them; CLOSE-WAIT ends only when the application calls close(). Meanwhile every idle SO_KEEPALIVE connection is probed every few seconds.',
        '这是网上针对 CLOSE-WAIT 的常见建议，但它无效。保活探测发给的是已经关闭但仍存活、会应答的对端；CLOSE-WAIT 只有在应用调用 close() 时才结束。与此同时，每个空闲的 SO_KEEPALIVE 连接每隔几秒就被探测一次。'),
      fixes: [{ text: tx('Restore the defaults (7200/75/9) and fix the application\'s close path; use per-socket TCP_KEEPIDLE where fast dead-peer detection is needed.', '恢复默认值（7200/75/9）并修复应用的关闭逻辑；需要快速发现死连接时使用套接字级 TCP_KEEPIDLE。') }],
      sysctls: setTo('net.ipv4.tcp_keepalive_time', String(v)),
    };
  },
  (s) => {
    const v = sysctlNum(s, 'net.ipv4.tcp_max_orphans');
    if (v === undefined || v >= 4096) return undefined;
    const mem = counter(s, 'TcpExt:TCPAbortOnMemory') ?? 0;
    return {
      severity: mem > 0 ? 'warning' : 'info',
      summary: tx(`net.ipv4.tcp_max_orphans = ${v} is low${mem > 0 ? ` and TCPAbortOnMemory = ${mem}` : ''}: orphans past it are reset`, `net.ipv4.tcp_max_orphans = ${v} 偏低${mem > 0 ? `，且 TCPAbortOnMemory = ${mem}` : ''}：超过后孤儿连接会被重置`),
      explanation: tx('A proxy that closes many connections with data in flight needs many orphans; past the limit the kernel resets them and logs "too many orphaned sockets".', '关闭大量仍有在途数据连接的代理需要大量孤儿；超过上限内核会重置它们并打印 "too many orphaned sockets"。'),
      fixes: [{ text: tx('Raise tcp_max_orphans (default: established-hash size ÷ 2).', '调大 tcp_max_orphans（默认：established 哈希表大小 ÷ 2）。'), caveat: tx('Each orphan can hold up to ~64 KB of unswappable memory.', '每个孤儿最多可占约 64 KB 不可换出内存。') }],
      sysctls: setTo('net.ipv4.tcp_max_orphans', String(v)),
      ...(mem > 0 ? { counters: { 'TcpExt:TCPAbortOnMemory': mem } } : {}),
    };
  },
  (s) => {
    const ts = sysctlNum(s, 'net.ipv4.tcp_timestamps');
    const reuse = sysctlNum(s, 'net.ipv4.tcp_tw_reuse');
    if (ts !== 0 || reuse === undefined || reuse === 0) return undefined;
    return {
      severity: 'info',
      summary: tx(`net.ipv4.tcp_timestamps = 0 makes tcp_tw_reuse = ${reuse} ineffective`, `net.ipv4.tcp_timestamps = 0 使 tcp_tw_reuse = ${reuse} 失效`),
      explanation: tx('tcp_tw_reuse decides that reusing a TIME-WAIT 4-tuple is safe by its timestamps (tcp_twsk_unique); without timestamps it never reuses.', 'tcp_tw_reuse 依靠时间戳判断复用 TIME-WAIT 四元组是否安全（tcp_twsk_unique）；没有时间戳就永不复用。'),
      fixes: [{ text: tx('Enable net.ipv4.tcp_timestamps = 1 if you rely on tcp_tw_reuse.', '如果依赖 tcp_tw_reuse，请开启 net.ipv4.tcp_timestamps = 1。') }],
      sysctls: { 'net.ipv4.tcp_timestamps': '0', 'net.ipv4.tcp_tw_reuse': String(reuse) },
    };
  },
  (s) => {
    const v = sysctlNum(s, 'net.core.somaxconn');
    if (v === undefined || v > 128) return undefined;
    return {
      severity: 'info',
      summary: tx(`net.core.somaxconn = ${v}: every listen() backlog is capped at ${v}`, `net.core.somaxconn = ${v}：所有 listen() 的 backlog 都被限制为 ${v}`),
      explanation: tx('The accept-queue limit is min(backlog, somaxconn), silently truncated. 128 was the default before Linux 5.4 (now 4096).', '全连接队列上限是 min(backlog, somaxconn)，超出部分被悄悄截断。128 是 Linux 5.4 之前的默认值（现在是 4096）。'),
      fixes: [{ text: tx('Raise net.core.somaxconn (e.g. 4096) on servers with bursty accepts.', '在有突发连接的服务器上调大 net.core.somaxconn（如 4096）。') }],
      sysctls: setTo('net.core.somaxconn', String(v)),
    };
  },
];

function checkSysctls(s: HostSnapshot): FindingText[] {
  const out: FindingText[] = [];
  for (const c of CHECKS) {
    const h = c(s);
    if (!h) continue;
    out.push({
      id: 'dangerous_sysctl', severity: h.severity, summary: h.summary,
      evidence: { ...(h.sysctls ? { sysctls: h.sysctls } : {}), ...(h.counters ? { counters: h.counters } : {}) },
      explanation: h.explanation, fixes: h.fixes,
    });
  }
  return out;
}

export const dangerousSysctl: Rule = {
  id: 'dangerous_sysctl',
  title: tx('Settings that hurt, and counters that show the damage', '有害的设置，以及显示其后果的计数器'),
  thresholds: tx('tcp_tw_recycle=1, tcp_max_tw_buckets < 4096, TCPTimeWaitOverflow > 0 (info when sampled and not rising), tcp_abort_on_overflow=1, tcp_syncookies=0, TCPAbortOnData ≥ 5 % of opens and ≥ 1000 ⇒ warning; tcp_tw_recycle present and 0, TCPAbortOnData ≥ 1 % of opens and ≥ 100, TCPAbortOnLinger > 0, tcp_fin_timeout ≠ 60, tcp_keepalive_time < 60, tcp_max_orphans < 4096 (warning when TCPAbortOnMemory > 0), tcp_timestamps=0 while tcp_tw_reuse ≠ 0, net.core.somaxconn ≤ 128 ⇒ info',
    'tcp_tw_recycle=1、tcp_max_tw_buckets < 4096、TCPTimeWaitOverflow > 0（有采样且未增长时为提示）、tcp_abort_on_overflow=1、tcp_syncookies=0、TCPAbortOnData ≥ 建连数的 5% 且 ≥ 1000 为警告；tcp_tw_recycle 存在且为 0、TCPAbortOnData ≥ 建连数的 1% 且 ≥ 100、TCPAbortOnLinger > 0、tcp_fin_timeout ≠ 60、tcp_keepalive_time < 60、tcp_max_orphans < 4096（TCPAbortOnMemory > 0 时为警告）、tcp_tw_reuse ≠ 0 时 tcp_timestamps=0、net.core.somaxconn ≤ 128 为提示'),
  check: checkSysctls,
};
