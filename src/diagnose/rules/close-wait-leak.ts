// READ THIS FIRST — close_wait_leak: sockets the peer has closed and this host's application has not.
//
// Rules this file keeps:
// - CLOSE-WAIT has no kernel timer (tcp_timer.c arms none for it): it ends only when the owning process calls
//   close() or exits. So no sysctl is ever offered as the fix; keepalive in particular cannot end it
//   (the peer is alive and ACKs the probes) — the common `tcp_keepalive_*` advice is called out.
// - Sockets are grouped by owner and by side: on a listening port (server side, grouped by local
//   port) or toward one destination ip:port (client side). One group, one finding.
// - On Linux, Recv-Q tells which bug it is: the FIN takes one sequence number and copied_seq only
//   moves past it when recv() returns 0 (tcp_recvmsg, `found_fin_ok`), so Recv-Q ≥ 1 ⇒ never read to
//   EOF, Recv-Q = 0 ⇒ saw EOF and did not close. BSD/macOS count bytes only, so there 0 proves nothing.
// Thresholds: warning at ≥ 20 sockets in one group, or ≥ 3 when the oldest has been there ≥ 5 min,
// or when the count grew across every earlier sample; critical at ≥ 500. A healthy server closes
// within milliseconds of the peer's FIN and shows a handful at most.
import type { HostSnapshot, SocketRecord } from '../../model/snapshot.js';
import type { FindingText, FixOf, Severity } from '../finding.js';
import type { Text } from '../../i18n/lang.js';
import { ageStats, endpoint, groupBy, listenerOwner, listeningPorts, localPortText, osOf, ownerOf, portRange, sysctlNum, topPeers, type Owner, inState } from '../facts.js';
import { agesText, join, NO_PROCESS_INFO, owner, tx } from '../words.js';
import type { Rule } from '../rule.js';
import { adviceOs } from '../os-advice.js';

export const CLOSE_WAIT_WARN = 20;
export const CLOSE_WAIT_CRIT = 500;
export const CLOSE_WAIT_OLD_MS = 5 * 60_000;
export const CLOSE_WAIT_OLD_MIN = 3;

/**
 * Which side of the connection this host is, for every socket of a snapshot. A listening local port
 * makes it the server. When the source has no LISTEN rows (e.g. `ss -tan state close-wait`), a local
 * port shared by several connections is a server port (a client's ephemeral port is per connection),
 * and otherwise a non-ephemeral local port facing an ephemeral or higher remote port is.
 */
export function sideJudge(s: HostSnapshot): (k: SocketRecord) => 'server' | 'client' {
  const listening = listeningPorts(s);
  const range = portRange(s);
  const shared = new Set<number>();
  if (listening.size === 0) {
    const seen = new Set<number>();
    for (const k of s.sockets) {
      if (seen.has(k.localPort)) shared.add(k.localPort);
      seen.add(k.localPort);
    }
  }
  return (k) => {
    if (listening.has(k.localPort)) return 'server';
    if (listening.size > 0) return 'client';
    if (shared.has(k.localPort)) return 'server';
    const localEph = k.localPort >= range.lo && k.localPort <= range.hi;
    const remoteEph = k.remotePort >= range.lo && k.remotePort <= range.hi;
    return !localEph && (remoteEph || k.remotePort > k.localPort) ? 'server' : 'client';
  };
}

/** True when every earlier sample had fewer of `state` than the one after it (growth, not a blip). */
function grewEverySample(s: HostSnapshot, current: number): boolean {
  const h = s.history ?? [];
  if (h.length === 0) return false;
  const series = [...h.map((x) => x.stateCounts['CLOSE-WAIT'] ?? 0), current];
  return series.every((v, i) => i === 0 || v > series[i - 1]);
}

const WHY_UNREAD: Text = tx(
  'The peer sent its FIN and this application never read the socket to the end: Recv-Q is at least 1 because the FIN takes one sequence number that only a read returning 0 (EOF) consumes. The application stopped reading these sockets — a stuck worker thread, a leaked descriptor, an event loop that no longer watches the fd.',
  '对端已发送 FIN，但本端应用从未把这个套接字读到结尾：Recv-Q 至少为 1，因为 FIN 占用一个序号，只有 read 返回 0（EOF）时才会被消费。应用已不再读取这些套接字——工作线程卡住、描述符泄漏，或事件循环不再监视该 fd。',
);
const WHY_EOF: Text = tx(
  'The peer sent its FIN, this application read to EOF (Recv-Q is 0) and then never called close(): a missing close() on the EOF or error path. Until close(), the kernel cannot send our FIN, so the socket stays in CLOSE-WAIT and keeps its file descriptor.',
  '对端已发送 FIN，本端应用已读到 EOF（Recv-Q 为 0），却没有调用 close()：EOF 或异常分支漏掉了 close()。在 close() 之前内核无法发出本端的 FIN，套接字就一直停在 CLOSE-WAIT 并占着文件描述符。',
);
const WHY_GENERIC: Text = tx(
  'CLOSE-WAIT means the peer has closed its half (we received and ACKed its FIN: this side is the passive closer) and is waiting for this application to call close(). The kernel has no timer for this state: it lasts until the process closes the socket or exits.',
  'CLOSE-WAIT 表示对端已关闭它的一半（我们收到并确认了它的 FIN——被动关闭），正等待本端应用调用 close()。内核对这个状态没有定时器：它会一直持续，直到进程关闭套接字或退出。',
);

function fixes(s: HostSnapshot): FixOf<Text>[] {
  const ka = sysctlNum(s, 'net.ipv4.tcp_keepalive_time');
  const kaNote = ka !== undefined && ka < 7200
    ? tx(` (this host already has tcp_keepalive_time = ${ka} s and still has these sockets)`, `（本机 tcp_keepalive_time 已是 ${ka} 秒，这些套接字依然存在）`)
    : tx('', '');
  return [
    {
      text: tx('Fix the application: close the socket when a read returns 0 (EOF) and on every error path (finally / defer / using); for HTTP clients, always consume or close the response so the connection returns to the pool.',
        '修改应用（查代码）：read 返回 0（EOF）时以及所有异常分支都要关闭套接字（finally / defer / using）；HTTP 客户端要始终读完或关闭响应，让连接回到连接池。'),
      caveat: tx('This is the only real fix; everything else only postpones the exhaustion of file descriptors.', '这是唯一真正的修复；其他做法都只是推迟文件描述符耗尽的时间。'),
    },
    {
      text: tx('Give every request an application-level idle/read timeout so a stuck worker releases its connection.',
        '为每个请求设置应用层空闲/读超时，让卡住的工作线程释放连接。'),
    },
    {
      text: tx('Short-term relief: restart the owning process; the kernel then closes all its sockets.',
        '临时缓解：重启所属进程，内核会随之关闭它的全部套接字。'),
      caveat: tx('They come back at the same rate; sockets with unread data are reset (TCPAbortOnClose).',
        '它们会以同样的速度再次出现；有未读数据的套接字会被重置（TCPAbortOnClose）。'),
    },
    {
      text: join([tx('Not a fix: lowering tcp_keepalive_time/intvl/probes', '不是修复：调小 tcp_keepalive_time/intvl/probes'), kaNote], tx('', '')),
      caveat: tx('Keepalive probes go to a peer that is alive and answers them, so they never end CLOSE-WAIT; only close() does. Raising `ulimit -n` likewise only delays EMFILE.',
        '保活探测发给的是仍然存活、会应答的对端，因此永远结束不了 CLOSE-WAIT；只有 close() 可以。调大 `ulimit -n` 同样只是推迟 EMFILE。'),
    },
  ];
}

type Scope = 'port' | 'destination' | 'spread';

/**
 * Sockets of the group that entered CLOSE-WAIT between the samples (followed by id, diagnose/ages.ts:
 * an upper bound on their age means they were not there at the first read), and the rate that makes.
 */
function arrivalsOf(s: HostSnapshot, socks: SocketRecord[]): { newInWindow: number; windowMs: number; perMinute: number } | undefined {
  const first = s.history?.[0];
  if (!first) return undefined;
  const windowMs = s.takenAt - first.takenAt;
  if (windowMs <= 0 || !socks.some((k) => k.ageRange)) return undefined;
  const n = socks.filter((k) => k.ageRange?.seenEntering === true).length;
  return { newInWindow: n, windowMs, perMinute: Math.round((n / windowMs) * 600_000) / 10 };
}

/** Severity for a group of CLOSE-WAIT sockets, or undefined below the thresholds. */
function severityOf(s: HostSnapshot, socks: SocketRecord[], growing: boolean): Severity | undefined {
  const ages = ageStats(socks, osOf(s));
  const old = ages !== undefined && ages.maxMs >= CLOSE_WAIT_OLD_MS && socks.length >= CLOSE_WAIT_OLD_MIN;
  if (socks.length >= CLOSE_WAIT_CRIT) return 'critical';
  if (socks.length >= CLOSE_WAIT_WARN || old || (growing && socks.length >= CLOSE_WAIT_OLD_MIN)) return 'warning';
  return undefined;
}

const WHY_QUEUED: Text = tx(
  ' These sockets have no file yet (inode 0): they were never accept()ed. The clients gave up and closed while their connections waited in the accept queue — the "backlog too large" case: the application accepts too slowly for its queue.',
  ' 这些套接字还没有文件（inode 为 0）：它们从未被 accept()。客户端在连接排队等待 accept 时放弃并关闭了——即所谓“BACKLOG 太大”：应用 accept 的速度跟不上队列。',
);

/** The pid holding most of the sockets, and every pid holding some. */
function mainOwner(s: HostSnapshot, socks: SocketRecord[]): { o?: Owner; pids: number[] } {
  const n = new Map<number, number>();
  for (const k of socks) { const pid = k.processes?.[0]?.pid; if (pid !== undefined) n.set(pid, (n.get(pid) ?? 0) + 1); }
  const pids = [...n.keys()].sort((a, b) => a - b);
  let best: number | undefined;
  for (const [pid, c] of n) if (best === undefined || c > (n.get(best) ?? 0)) best = pid;
  const k = best === undefined ? undefined : socks.find((x) => x.processes?.[0]?.pid === best);
  return { o: k ? ownerOf(s, k) : undefined, pids };
}

function describe(s: HostSnapshot, sideOf: (k: SocketRecord) => 'server' | 'client', socks: SocketRecord[], severity: Severity, scope: Scope, growing: boolean, queued: boolean): FindingText {
  const os = osOf(s);
  const first = socks[0];
  const side = sideOf(first);
  const { o, pids } = queued ? { o: listenerOwner(s, first.localPort), pids: [] } : mainOwner(s, socks);
  const ages = ageStats(socks, os);
  const withUnread = socks.filter((k) => k.recvQ !== undefined && k.recvQ >= 1).length;
  const withoutUnread = socks.filter((k) => k.recvQ === 0).length;
  // BSD netstat's Recv-Q counts bytes only and Windows netstat has none: the FIN rule is Linux's.
  const linuxQ = adviceOs(s) === 'linux';
  // Both bugs at once (some never read to EOF, some read EOF and did not close) get both reasons.
  const known = withUnread + withoutUnread;
  const mixed = known > 0 && Math.min(withUnread, withoutUnread) >= 0.2 * known;
  const recvQWhy: Text = !linuxQ || known === 0 ? tx('', '')
    : mixed ? join([tx(` ${withUnread} of them:`, ` 其中 ${withUnread} 个：`), WHY_UNREAD, tx(` The other ${withoutUnread}:`, ` 另外 ${withoutUnread} 个：`), WHY_EOF])
      : withUnread >= withoutUnread ? WHY_UNREAD : WHY_EOF;
  const why = join([WHY_GENERIC, recvQWhy, queued ? WHY_QUEUED : tx('', '')]);
  const { peers, distinct } = topPeers(socks, scope === 'destination', 5);
  const dest = endpoint(first.remoteAddress, first.remotePort, first.remoteService);
  const ports = new Set(socks.map((k) => (side === 'server' ? localPortText(k) : k.remoteService ?? k.remotePort))).size;
  const where = scope === 'port' ? tx(`on local port ${localPortText(first)}`, `在本地 ${localPortText(first)} 端口上`)
    : scope === 'destination' ? tx(`toward ${dest}`, `连向 ${dest} 时`)
      : tx(`spread over ${distinct} peers and ${ports} ${side === 'server' ? 'local' : 'remote'} port${ports === 1 ? '' : 's'}`, `在 ${distinct} 个对端、${ports} 个${side === 'server' ? '本地' : '远端'}端口上`);
  const sideText = side === 'server'
    ? tx('(server side): clients closed, the application did not', '（服务端）：客户端已关闭，应用没有关闭')
    : tx('(client side): the server closed, the application did not', '（客户端）：服务器已关闭，应用没有关闭');
  const who = owner(o);
  const more = pids.length > 1 ? tx(` and ${pids.length - 1} more ${o?.name ?? ''} processes`, `等 ${pids.length} 个 ${o?.name ?? ''} 进程`) : tx('', '');
  // "java (pid 4711) holds 40 CLOSE-WAIT on local port 8080" reads naturally in Chinese with the owner first.
  const summary: Text = queued
    ? tx(`${socks.length} CLOSE-WAIT sockets waiting unaccepted in the queue of ${who.en} ${where.en} ${sideText.en}`,
      `${socks.length} 个 CLOSE-WAIT 套接字未被 accept，排在监听进程 ${who.zh}的队列中，${where.zh}${sideText.zh}`)
    : tx(`${socks.length} CLOSE-WAIT sockets held by ${who.en}${more.en} ${where.en} ${sideText.en}`,
      `${who.zh}${more.zh}${where.zh}持有 ${socks.length} 个 CLOSE-WAIT 套接字${sideText.zh}`);
  const at = agesText(ages);
  const arrivals = arrivalsOf(s, socks);
  const finding: FindingText = {
    id: 'close_wait_leak', severity, summary,
    evidence: {
      state: 'CLOSE-WAIT', count: socks.length, side,
      ...(o ? { pid: o.pid, ...(o.name ? { process: o.name } : {}), attribution: queued ? 'listener' as const : 'socket' as const } : {}),
      ...(pids.length > 1 ? { pids } : {}),
      ...(scope === 'port' ? { localPort: first.localPort, ...(first.localService !== undefined ? { localService: first.localService } : {}) } : scope === 'destination' ? { destination: dest } : {}),
      peers, distinctPeers: distinct,
      queues: { withUnread, withoutUnread },
      ...(ages ? { ages } : {}),
      ...(growing || arrivals ? { figures: { ...(growing ? { samples: (s.history?.length ?? 0) + 1, growingEverySample: 1 } : {}), ...(arrivals ?? {}) } } : {}),
    },
    explanation: join([why, at ? join([tx(' Age:', ' 时长：'), at]) : tx('', ''),
      arrivals ? tx(` ${arrivals.newInWindow} of them appeared in the last ${Math.round(arrivals.windowMs / 1000)} s (${arrivals.perMinute} per minute).`,
        ` 其中 ${arrivals.newInWindow} 个是最近 ${Math.round(arrivals.windowMs / 1000)} 秒内出现的（每分钟 ${arrivals.perMinute} 个）。`) : tx('', '')], tx('', '')),
    fixes: fixes(s),
  };
  const missing: Text[] = [];
  if (!o) missing.push(NO_PROCESS_INFO);
  if (!ages) {
    missing.push(tx(
      'How long they have been stuck is unknown (Linux keeps no timestamp for CLOSE-WAIT): take two snapshots a minute apart (`tcplens capture`) and compare, or trace with bcc tcpstates.',
      '无法得知它们卡住了多久（Linux 不记录进入 CLOSE-WAIT 的时间）：隔一分钟取两次快照（`tcplens capture`）比较，或用 bcc tcpstates 跟踪。'));
  }
  if (missing.length) finding.missing = missing;
  return finding;
}

/**
 * Group by owner, then by local port (server side) or destination (client side). A sub-group over
 * the thresholds is one finding; what is left of an owner's sockets, spread over many ports or
 * peers, is one more finding if it is over the thresholds on its own — a leak never hides by spreading.
 */
function checkCloseWait(s: HostSnapshot): FindingText[] {
  const cw = inState(s, 'CLOSE-WAIT');
  if (cw.length === 0) return [];
  const sideOf = sideJudge(s);
  const growing = grewEverySample(s, cw.length);
  // inode 0 on the server side: never accepted (still in the accept queue); their "owner" is the listener.
  const queued = (k: SocketRecord): boolean => k.inode === 0 && !k.processes?.length && sideOf(k) === 'server';
  // Owners are grouped by process name when known, so 300 pre-forked workers leaking alike are one finding.
  const byOwner = groupBy(cw, (k) => {
    if (queued(k)) return `Q${k.localPort}`;
    const o = ownerOf(s, k);
    return o ? (o.name !== undefined ? `N${o.name}` : `P${o.pid}`) : '?';
  });
  const out: FindingText[] = [];
  for (const [ownerKey, mine] of byOwner) {
    const isQueued = ownerKey.startsWith('Q');
    const leftovers: SocketRecord[] = [];
    for (const g of groupBy(mine, (k) => (sideOf(k) === 'server' ? `L${localPortText(k)}` : `D${endpoint(k.remoteAddress, k.remotePort, k.remoteService)}`)).values()) {
      const sev = severityOf(s, g, growing);
      if (sev) out.push(describe(s, sideOf, g, sev, sideOf(g[0]) === 'server' ? 'port' : 'destination', growing, isQueued));
      else for (const x of g) leftovers.push(x);
    }
    const sev = leftovers.length ? severityOf(s, leftovers, growing) : undefined;
    if (sev) out.push(describe(s, sideOf, leftovers, sev, 'spread', growing, isQueued));
  }
  return out;
}

export const closeWaitLeak: Rule = {
  id: 'close_wait_leak',
  title: tx('CLOSE-WAIT piling up: the peer closed, the application did not', 'CLOSE-WAIT 堆积：对端已关闭，应用未关闭'),
  thresholds: tx(
    `per owner and local port (server) or destination (client): warning ≥ ${CLOSE_WAIT_WARN} sockets, or ≥ ${CLOSE_WAIT_OLD_MIN} older than 5 min, or growing in every sample; critical ≥ ${CLOSE_WAIT_CRIT}`,
    `按属主与本地端口（服务端）或目的地址（客户端）分组：≥ ${CLOSE_WAIT_WARN} 个为警告，或 ≥ ${CLOSE_WAIT_OLD_MIN} 个超过 5 分钟，或每次采样都在增长；≥ ${CLOSE_WAIT_CRIT} 个为严重`),
  check: checkCloseWait,
};
