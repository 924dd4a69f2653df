// READ THIS FIRST — accept_queue_overflow: connections the kernel completed that the application
// does not accept() fast enough.
//
// Rules this file keeps (ip-sysctl.rst somaxconn and tcp_abort_on_overflow; include/net/sock.h
// sk_acceptq_is_full; tcp_diag.c tcp_diag_get_info):
// - For a LISTEN row, ss shows Recv-Q = sk_ack_backlog (completed connections waiting for accept())
//   and Send-Q = sk_max_ack_backlog, the effective limit = min(listen() backlog, net.core.somaxconn),
//   silently truncated. /proc and netstat show Send-Q 0 for a listener: the limit is then unknown.
// - The queue is full only when sk_ack_backlog > sk_max_ack_backlog (sk_acceptq_is_full), so a
//   listener can hold backlog + 1. Then Linux drops the SYN or the final ACK (ListenOverflows and
//   ListenDrops count it), the client retransmits: latency while the process looks idle.
// - ListenOverflows/ListenDrops are cumulative since boot (per netns): alone they only say "it
//   happened at some time", so they give info, and strengthen a finding on a queue that is filling now.
// Thresholds per listener: Recv-Q ≥ 50 % of its limit (and ≥ 8) ⇒ warning, ≥ the limit ⇒ critical;
// limit unknown (/proc, netstat): Recv-Q ≥ 128, or ≥ 3 while ListenOverflows > 0, or ≥ 1 while
// ListenOverflows rose between samples ⇒ warning (an event
// loop keeps its accept queue at 0; three connections left waiting plus counted overflows is a stuck acceptor). ListenOverflows > 0 with no queue filling ⇒ info.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, FixOf, Severity } from '../finding.js';
import type { Text } from '../../i18n/lang.js';
import { counter, endpoint, ownerOf, presentCounters, sysctlNum, inState } from '../facts.js';
import { join, NO_PROCESS_INFO, owner, pct, tx } from '../words.js';
import type { Rule } from '../rule.js';
import { counterRise } from '../samples.js';

export const ACCEPT_WARN = 0.5;
export const ACCEPT_MIN = 8;
export const ACCEPT_UNKNOWN_LIMIT_WARN = 128;
export const ACCEPT_UNKNOWN_WITH_OVERFLOWS = 3;
const LISTEN_COUNTERS = ['TcpExt:ListenOverflows', 'TcpExt:ListenDrops'];

const WHY: Text = tx(
  'The kernel finishes the three-way handshake by itself (SYN → SYN-ACK → ACK) and puts the new connection in the listener\'s accept queue until the application calls accept(). When the application is slower than the arrivals, the queue fills; past the limit Linux drops the SYN or the final ACK (counted in ListenOverflows and ListenDrops) and the client retransmits after 1 s, 3 s, … — latency and timeouts while the process looks idle. The limit is min(listen() backlog, net.core.somaxconn).',
  '三次握手（SYN → SYN-ACK → ACK）由内核独立完成，新连接放进监听套接字的全连接队列（accept 队列），直到应用调用 accept()。应用处理得比到达慢时队列会满；超过上限后 Linux 丢弃 SYN 或最后的 ACK（计入 ListenOverflows 和 ListenDrops），客户端在 1 秒、3 秒……后重传——表现为延迟和超时，而进程看起来很空闲。上限为 min(listen() 的 backlog, net.core.somaxconn)。',
);

function fixes(limit: number | undefined, somaxconn: number | undefined): FixOf<Text>[] {
  const backlogNote: Text = limit !== undefined && somaxconn !== undefined && limit < somaxconn
    ? tx(` The application asked for backlog ${limit}, below somaxconn ${somaxconn} (Node's default is 511, Java's 50, Tomcat acceptCount 100): raise the application's value.`,
      ` 应用设置的 backlog 是 ${limit}，低于 somaxconn ${somaxconn}（Node 默认 511，Java 默认 50，Tomcat acceptCount 默认 100）：请调大应用的值。`)
    : tx('', '');
  return [
    {
      text: tx('Accept faster: more acceptor threads/workers, never block the accept loop on slow work.', '加快 accept：增加 accept 线程/工作进程，不要在 accept 循环里做耗时操作。'),
      caveat: tx('The only fix when the application is simply too slow.', '应用本身太慢时，这是唯一的修复。'),
    },
    {
      text: join([tx('Raise the listen() backlog in the application (nginx listen … backlog=N, Tomcat acceptCount, Node server.listen(port, host, backlog)) and net.core.somaxconn to match.',
        '调大应用中 listen() 的 backlog（nginx listen … backlog=N、Tomcat acceptCount、Node server.listen(port, host, backlog)），并相应调大 net.core.somaxconn。'), backlogNote], tx('', '')),
      caveat: tx('A longer queue absorbs bursts only; if the application is too slow it just adds waiting time.', '更长的队列只能吸收突发；应用太慢时它只会增加排队时间。'),
    },
    {
      text: tx('Leave net.ipv4.tcp_abort_on_overflow at 0.', 'net.ipv4.tcp_abort_on_overflow 保持为 0。'),
      caveat: tx('With 1 clients get an RST at the first burst instead of retrying; enable it only if the daemon truly cannot be tuned.', '设为 1 时，客户端在第一次突发时就会收到 RST 而不是重试；只有确实无法调优服务时才启用。'),
    },
  ];
}

function listenerFinding(s: HostSnapshot, k: SocketRecord, severity: Severity, limit: number | undefined, somaxconn: number | undefined): FindingText {
  const o = ownerOf(s, k);
  const q = k.recvQ ?? 0;
  const where = endpoint(k.localAddress, k.localPort, k.localService);
  const counters = presentCounters(s, LISTEN_COUNTERS);
  const f: FindingText = {
    id: 'accept_queue_overflow', severity,
    summary: limit !== undefined
      ? join([tx(`Accept queue of ${where} ${q >= limit ? 'full' : pct(q / limit) + ' full'}: ${q} connections waiting for accept() (limit ${limit}) in`,
        `${where} 的全连接队列${q >= limit ? '已满' : `已满 ${pct(q / limit)}`}：${q} 个连接等待 accept()（上限 ${limit}），进程 `), owner(o)])
      : join([tx(`Accept queue of ${where} backing up: ${q} connections waiting for accept() in`, `${where} 的全连接队列积压：${q} 个连接等待 accept()，进程 `), owner(o)]),
    evidence: {
      state: 'LISTEN', count: q, localAddress: k.localAddress, localPort: k.localPort,
      ...(k.localService !== undefined ? { localService: k.localService } : {}),
      ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}) } : {}),
      queues: { acceptQueue: q, ...(limit !== undefined ? { backlog: limit } : {}) },
      ...(Object.keys(counters).length ? { counters } : {}),
      ...(somaxconn !== undefined ? { sysctls: { 'net.core.somaxconn': String(somaxconn) } } : {}),
    },
    explanation: WHY,
    fixes: fixes(limit, somaxconn),
  };
  const missing: Text[] = [];
  if (!o) missing.push(NO_PROCESS_INFO);
  if (limit === undefined) missing.push(tx('The queue limit is unknown (netstat and /proc show 0 for a listener): paste `ss -ltn`, whose Send-Q is the limit.', '队列上限未知（netstat 和 /proc 对监听套接字显示 0）：请粘贴 `ss -ltn`，其 Send-Q 就是上限。'));
  if (missing.length) f.missing = missing;
  return f;
}

function checkAcceptQueue(s: HostSnapshot): FindingText[] {
  const somaxconn = sysctlNum(s, 'net.core.somaxconn');
  const overflows = counter(s, 'TcpExt:ListenOverflows') ?? 0;
  const drops = counter(s, 'TcpExt:ListenDrops') ?? 0;
  // With several samples (doctor --samples), a rise means overflowing now, not some time since boot.
  const rise = counterRise(s, 'TcpExt:ListenOverflows');
  const risingNow = rise !== undefined && rise.rise > 0;
  const out: FindingText[] = [];
  for (const k of inState(s, 'LISTEN')) {
    if (k.recvQ === undefined) continue;
    const limit = k.sendQ !== undefined && k.sendQ > 0 ? k.sendQ : undefined;
    let severity: Severity | undefined;
    if (limit !== undefined) {
      if (k.recvQ >= limit) severity = 'critical';
      else if (k.recvQ >= ACCEPT_WARN * limit && k.recvQ >= ACCEPT_MIN) severity = 'warning';
    } else if (k.recvQ >= ACCEPT_UNKNOWN_LIMIT_WARN || (overflows > 0 && k.recvQ >= ACCEPT_UNKNOWN_WITH_OVERFLOWS) || (risingNow && k.recvQ >= 1)) {
      // /proc and netstat cannot show the limit; a queue that is not draining plus overflows counted is enough.
      severity = 'warning';
    }
    if (severity) out.push(listenerFinding(s, k, severity, limit, somaxconn));
  }
  if (out.length === 0 && risingNow) {
    const secs = Math.round(rise.windowMs / 1000);
    out.push({
      id: 'accept_queue_overflow', severity: 'warning',
      summary: tx(`Listen queues overflowed ${rise.rise} times in the last ${secs} s (ListenOverflows rising), though no listener's queue was caught full`,
        `最近 ${secs} 秒内监听队列溢出 ${rise.rise} 次（ListenOverflows 在增长），但采样时没有看到已满的队列`),
      evidence: { counters: presentCounters(s, LISTEN_COUNTERS), figures: { overflowsDuringSampling: rise.rise, windowSeconds: secs } },
      explanation: join([WHY, tx(' The queue fills in bursts shorter than the sampling interval; the listener with the busiest port is the usual suspect.', ' 队列在比采样间隔更短的突发中被填满；最繁忙端口的监听进程通常就是原因。')], tx('', '')),
      fixes: fixes(undefined, somaxconn),
      missing: [tx('Which listener overflowed is not recorded by the kernel counter: sample `ss -ltn` during a burst (its Recv-Q vs Send-Q) or trace with bcc tcpsynbl.', '内核计数器不记录是哪个监听套接字溢出：请在突发期间采样 `ss -ltn`（比较 Recv-Q 与 Send-Q），或用 bcc tcpsynbl 跟踪。')],
    });
  } else if (out.length === 0 && (overflows > 0 || drops > 0)) {
    const quiet = rise !== undefined ? tx(`, none in the last ${Math.round(rise.windowMs / 1000)} s`, `，最近 ${Math.round(rise.windowMs / 1000)} 秒内没有`) : tx('', '');
    out.push({
      id: 'accept_queue_overflow', severity: 'info',
      summary: join([tx(`Listen queues overflowed ${overflows} time${overflows === 1 ? '' : 's'} since boot (ListenDrops ${drops})`,
        `自开机以来监听队列溢出 ${overflows} 次（ListenDrops ${drops}）`), quiet,
      tx('; no accept queue is filling now', '；目前没有正在积压的全连接队列')], tx('', '')),
      evidence: { counters: presentCounters(s, LISTEN_COUNTERS) },
      explanation: join([WHY, tx(' These counters are cumulative, so they cannot say when it happened: compare two snapshots taken a minute apart.', ' 这些计数器是累计值，无法说明何时发生：请间隔一分钟取两次快照比较。')], tx('', '')),
      fixes: fixes(undefined, somaxconn),
    });
  }
  return out;
}

export const acceptQueueOverflow: Rule = {
  id: 'accept_queue_overflow',
  title: tx('Accept queue filling: the application does not accept() fast enough', '全连接队列积压：应用 accept() 不够快'),
  thresholds: tx(
    `per listener: Recv-Q ≥ ${ACCEPT_WARN * 100} % of its limit (Send-Q in ss) and ≥ ${ACCEPT_MIN} ⇒ warning, ≥ the limit ⇒ critical; limit unknown: Recv-Q ≥ ${ACCEPT_UNKNOWN_LIMIT_WARN}, or ≥ ${ACCEPT_UNKNOWN_WITH_OVERFLOWS} with ListenOverflows > 0 ⇒ warning; ListenOverflows rising between samples ⇒ warning; ListenOverflows/ListenDrops > 0 alone ⇒ info`,
    `按监听套接字：Recv-Q ≥ 上限（ss 的 Send-Q）的 ${ACCEPT_WARN * 100}% 且 ≥ ${ACCEPT_MIN} 为警告，≥ 上限为严重；上限未知时 Recv-Q ≥ ${ACCEPT_UNKNOWN_LIMIT_WARN}，或 ListenOverflows > 0 且 Recv-Q ≥ ${ACCEPT_UNKNOWN_WITH_OVERFLOWS} 为警告；采样期间 ListenOverflows 增长为警告；仅有 ListenOverflows/ListenDrops > 0 为提示`),
  check: checkAcceptQueue,
};
