// READ THIS FIRST — advice for the OS the input came from. The rules reason in Linux's terms (its
// sysctls, counters, ss, /proc); a Windows `netstat -ano` or a macOS/FreeBSD `netstat -an` paste
// describes a host where none of that exists. After the rules run, each finding from such a host
// gets that OS's fixes, caveats and "how to get what is missing":
//   Windows  — registry values under HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters
//              (TcpTimedWaitDelay, MaxUserPort, KeepAliveTime), `netsh int ipv4 show dynamicport
//              tcp`, `netsh int tcp show global`, `tasklist /FI "PID eq N"` for a pid's name;
//   macOS, FreeBSD — `sysctl net.inet.tcp.*` (msl, keepidle, keepintvl, fast_finwait2_recycle,
//              finwait2_timeout, keepinit), `net.inet.ip.portrange.*`, `kern.ipc.somaxconn` /
//              `kern.ipc.soacceptqueue`, `netstat -Lan` for listen queues, `sockstat` (FreeBSD) and
//              `lsof` (macOS) for owners.
// A BSD `netstat -an` does not say whether it is macOS or FreeBSD: advice names both where they differ.
// Rules this file keeps: no Linux-only name (net.ipv4.*, net.core.*, tcp_* sysctls, ulimit, /proc,
// ss, bcc, tcplens capture) reaches the text of a non-Linux finding; evidence and severity are
// never changed here, only words.
import type { Text } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import type { FindingText, FixOf, RuleId } from './finding.js';
import { osOf } from './facts.js';
import { tx } from './words.js';

export type AdviceOs = 'linux' | 'windows' | 'bsd';

/** Whose advice a snapshot gets: Windows, the BSDs (macOS, FreeBSD, or a BSD netstat that does not say), else Linux's. */
export function adviceOs(s: HostSnapshot): AdviceOs {
  const os = osOf(s);
  if (os === 'windows') return 'windows';
  if (os === 'macos' || os === 'freebsd') return 'bsd';
  if (os === 'unknown' && s.sources.some((x) => x.kind === 'netstat-bsd')) return 'bsd';
  return 'linux';
}

/** Text that only makes sense on Linux: what this file must keep away from other hosts. */
export const LINUX_ONLY = /net\.ipv4|net\.core|\bulimit\b|\/proc\b|`ss |\bss -|\bbcc\b|tcplens capture|\btcp_(?:fin_timeout|tw_|keepalive_|syn|max_|abort_|orphan|synack)|TCPAbortOn|ip_local_|TCP_TIMEWAIT_LEN|netstat -antp/;

const PARAMS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';

interface Ctx { f: FindingText; os: 'windows' | 'bsd' }
interface Words { explanation?: Text; fixes?: FixOf<Text>[] }

// ---- the fixes every OS shares (application changes), as the rules word them ----

const APP_CLOSE: FixOf<Text> = {
  text: tx('Fix the application: close the socket when a read returns 0 (EOF) and on every error path (finally / defer / using); for HTTP clients, always consume or close the response so the connection returns to the pool.',
    '修改应用（查代码）：read 返回 0（EOF）时以及所有异常分支都要关闭套接字（finally / defer / using）；HTTP 客户端要始终读完或关闭响应，让连接回到连接池。'),
  caveat: tx('This is the only real fix; everything else only postpones running out of handles.', '这是唯一真正的修复；其他做法都只是推迟句柄耗尽的时间。'),
};
const APP_TIMEOUT: FixOf<Text> = {
  text: tx('Give every request an application-level idle/read timeout so a stuck worker releases its connection.', '为每个请求设置应用层空闲/读超时，让卡住的工作线程释放连接。'),
};
const RESTART: FixOf<Text> = {
  text: tx('Short-term relief: restart the owning process; the OS then closes all its sockets.', '临时缓解：重启所属进程，操作系统会随之关闭它的全部套接字。'),
  caveat: tx('They come back at the same rate; connections with unread data are reset.', '它们会以同样的速度再次出现；有未读数据的连接会被重置。'),
};
const NO_LINGER0: FixOf<Text> = {
  text: tx('Avoid SO_LINGER with l_linger = 0 to skip TIME-WAIT', '不要用 l_linger = 0 的 SO_LINGER 来跳过 TIME-WAIT'),
  caveat: tx('close() then sends RST instead of FIN: unsent and in-flight data is lost and the peer sees "connection reset by peer".',
    'close() 会发送 RST 而不是 FIN：未发送和在途的数据会丢失，对端看到 "connection reset by peer"。'),
};
const FILTER_UPSTREAM: FixOf<Text> = {
  text: tx('If it is a flood: filter upstream (firewall rate limits, DDoS protection).', '如果是洪水攻击：在上游过滤（防火墙限速、DDoS 防护）。'),
};
const ACCEPT_FASTER: FixOf<Text> = {
  text: tx('Accept faster: more acceptor threads/workers, never block the accept loop on slow work.', '加快 accept：增加 accept 线程/工作进程，不要在 accept 循环里做耗时操作。'),
  caveat: tx('The only fix when the application is simply too slow.', '应用本身太慢时，这是唯一的修复。'),
};

// ---- Windows ----

function windowsWords(c: Ctx): Words {
  const dest = c.f.evidence.destination ?? 'the destination';
  switch (c.f.id) {
    case 'close_wait_leak':
      return {
        fixes: [APP_CLOSE, APP_TIMEOUT, RESTART, {
          text: tx(`Not a fix: lowering KeepAliveTime (registry ${PARAMS}\\KeepAliveTime, in ms)`, `不是修复：调小 KeepAliveTime（注册表 ${PARAMS}\\KeepAliveTime，单位毫秒）`),
          caveat: tx('Keepalive probes go to a peer that is alive and answers them, so they never end CLOSE-WAIT; only closesocket() does.',
            '保活探测发给的是仍然存活、会应答的对端，因此永远结束不了 CLOSE-WAIT；只有 closesocket() 可以。'),
        }],
      };
    case 'time_wait_pressure':
      // The client side already speaks Windows (time-wait-pressure.ts); the server side and the table do not.
      if (c.f.evidence.side === 'client') return {};
      return {
        fixes: [{
          text: tx('Usually nothing to do: server-side TIME-WAIT blocks only its own client ip:port. To have fewer, let clients close first or keep connections alive longer.',
            '通常无需处理：服务端的 TIME-WAIT 只占用它自己的客户端 ip:端口。想减少它们，可以让客户端先关闭，或延长长连接。'),
          caveat: tx(`TIME-WAIT lasts TcpTimedWaitDelay (${PARAMS}\\TcpTimedWaitDelay, 30–300 s, 120 by default); shortening it is possible on Windows but rarely needed on a server.`,
            `TIME-WAIT 的时长是 TcpTimedWaitDelay（${PARAMS}\\TcpTimedWaitDelay，30–300 秒，默认 120）；Windows 允许缩短它，但服务端很少需要。`),
        }, NO_LINGER0],
      };
    case 'syn_sent_stall':
      return {
        explanation: tx(`These connections sent SYN and got neither SYN-ACK nor RST. ${dest} is down or unreachable, a firewall drops the SYNs, or its queues are full and its kernel drops them. A closed port would answer RST at once (WSAECONNREFUSED). Windows retransmits the SYN MaxSynRetransmissions times (2 by default, \`netsh int tcp show global\`) and then fails connect() with WSAETIMEDOUT, after about 21 s.`,
          `这些连接发出了 SYN，却既没收到 SYN-ACK 也没收到 RST。${dest} 宕机或不可达、防火墙丢弃了 SYN，或者它的队列已满、内核丢弃了它们。端口关闭时会立刻回 RST（WSAECONNREFUSED）。Windows 重传 SYN MaxSynRetransmissions 次（默认 2 次，见 \`netsh int tcp show global\`），约 21 秒后 connect() 以 WSAETIMEDOUT 失败。`),
        fixes: [
          { text: tx(`Check ${dest}: is it up, is a firewall dropping, and run tcplens doctor there.`, `检查 ${dest}：是否在线、是否有防火墙丢包，并在那里运行 tcplens doctor。`) },
          { text: tx('Give connect() a timeout in the client (a few seconds) and back off, so callers do not pile up behind a dead upstream.', '在客户端为 connect() 设置超时（几秒）并退避，避免调用方在失效的上游后面堆积。'),
            caveat: tx('`netsh int tcp set global maxsynretransmissions=N` changes every connect() on the host, over lossy links too.', '`netsh int tcp set global maxsynretransmissions=N` 会改变本机所有 connect()，包括丢包链路上的。') },
        ],
      };
    case 'fin_wait2_orphans':
      return {
        fixes: [
          { text: tx('Look at the peer: it received this host\'s FIN and never closed its side; its application is probably leaking CLOSE-WAIT (run tcplens doctor there).', '检查对端：它收到了本机的 FIN 却一直没有关闭自己这一端，它的应用很可能在泄漏 CLOSE-WAIT（在那里运行 tcplens doctor）。') },
          { text: tx('In this application: after a half-close (shutdown SD_SEND), read with a timeout and closesocket() when it expires.', '在本应用中：半关闭（shutdown SD_SEND）后带超时地读，超时即 closesocket()。') },
        ],
      };
    case 'syn_flood':
      return {
        explanation: tx('A connection is in SYN-RECEIVED after this server answered a SYN with SYN-ACK and before the client\'s final ACK arrives; normally this lasts one round trip. A pile-up means final ACKs are not coming: a SYN flood from spoofed addresses, or a listener whose queue is too small for its load. Windows turns its SYN attack protection on by itself when half-open connections pile up.',
          '服务器用 SYN-ACK 回应 SYN 之后、收到客户端最后的 ACK 之前，连接处于 SYN-RECEIVED 状态，正常只持续一个往返时间。大量堆积说明最后的 ACK 没有到来：来自伪造地址的 SYN 洪水攻击，或者监听队列相对负载太小。半连接堆积时 Windows 会自动启用 SYN 攻击防护。'),
        fixes: [FILTER_UPSTREAM, { text: tx('If the sources are few and legitimate: raise the listen() backlog in the application (SOMAXCONN_HINT(N) on Windows).', '如果来源不多且合法：调大应用中 listen() 的 backlog（Windows 上用 SOMAXCONN_HINT(N)）。') }],
      };
    case 'accept_queue_overflow':
      return {
        fixes: [ACCEPT_FASTER, { text: tx('Raise the listen() backlog in the application (SOMAXCONN_HINT(N) on Windows; IIS and http.sys have their own queue length settings).', '调大应用中 listen() 的 backlog（Windows 上用 SOMAXCONN_HINT(N)；IIS 和 http.sys 有各自的队列长度设置）。'),
          caveat: tx('A longer queue absorbs bursts only; if the application is too slow it just adds waiting time.', '更长的队列只能吸收突发；应用太慢时它只会增加排队时间。') }],
      };
    default:
      return {};
  }
}

// ---- macOS and FreeBSD ----

function bsdWords(c: Ctx): Words {
  const dest = c.f.evidence.destination ?? 'the destination';
  switch (c.f.id) {
    case 'close_wait_leak':
      return {
        fixes: [APP_CLOSE, APP_TIMEOUT, RESTART, {
          text: tx('Not a fix: lowering net.inet.tcp.keepidle / net.inet.tcp.keepintvl', '不是修复：调小 net.inet.tcp.keepidle / net.inet.tcp.keepintvl'),
          caveat: tx('Keepalive probes go to a peer that is alive and answers them, so they never end CLOSE-WAIT; only close() does. Raising kern.maxfilesperproc likewise only delays EMFILE.',
            '保活探测发给的是仍然存活、会应答的对端，因此永远结束不了 CLOSE-WAIT；只有 close() 可以。调大 kern.maxfilesperproc 同样只是推迟 EMFILE。'),
        }],
      };
    case 'time_wait_pressure': {
      const msl = {
        text: tx('TIME-WAIT lasts 2 × net.inet.tcp.msl (macOS 2 × 15 s, FreeBSD 2 × 30 s); lowering msl shortens it.', 'TIME-WAIT 持续 2 × net.inet.tcp.msl（macOS 2 × 15 秒，FreeBSD 2 × 30 秒）；调小 msl 可以缩短它。'),
        caveat: tx('Below 2 × MSL old duplicates may reach a new connection on the same 4-tuple; msl also paces other timers.', '低于 2 × MSL 时旧的重复报文可能进入同一四元组上的新连接；msl 还影响其他定时器。'),
      };
      if (c.f.evidence.side === 'server') {
        return { fixes: [{ text: tx('Usually nothing to do: server-side TIME-WAIT blocks only its own client ip:port. To have fewer, let clients close first or keep connections alive longer.',
          '通常无需处理：服务端的 TIME-WAIT 只占用它自己的客户端 ip:端口。想减少它们，可以让客户端先关闭，或延长长连接。') }, msl, NO_LINGER0] };
      }
      return {
        fixes: [
          { text: tx(`Reuse connections toward ${dest} (keep-alive, a connection pool).`, `复用连向 ${dest} 的连接（keep-alive、连接池）。`),
            caveat: tx('The real cure: a reused connection creates no TIME-WAIT at all.', '根本办法：复用的连接根本不会产生 TIME-WAIT。') },
          { text: tx('Widen the ephemeral range: sysctl net.inet.ip.portrange.first=10000 (and net.inet.ip.portrange.last=65535), or spread load over more destination ports/IPs.',
            '扩大临时端口范围：sysctl net.inet.ip.portrange.first=10000（以及 net.inet.ip.portrange.last=65535），或把负载分散到更多目的端口/IP。'),
            caveat: tx('Keep the range clear of ports your services listen on.', '端口范围要避开本机服务监听的端口。') },
          msl,
          { text: tx('FreeBSD: net.inet.tcp.nolocaltimewait=1 skips TIME-WAIT for connections to this host\'s own addresses (loopback benchmarks, sidecars).', 'FreeBSD：net.inet.tcp.nolocaltimewait=1 让连向本机地址的连接（回环压测、sidecar）跳过 TIME-WAIT。') },
          NO_LINGER0,
        ],
      };
    }
    case 'syn_sent_stall':
      return {
        explanation: tx(`These connections sent SYN and got neither SYN-ACK nor RST. ${dest} is down or unreachable, a firewall drops the SYNs, or its queues are full and its kernel drops them. A closed port would answer RST at once (ECONNREFUSED). connect() gives up with ETIMEDOUT after net.inet.tcp.keepinit (75 s by default).`,
          `这些连接发出了 SYN，却既没收到 SYN-ACK 也没收到 RST。${dest} 宕机或不可达、防火墙丢弃了 SYN，或者它的队列已满、内核丢弃了它们。端口关闭时会立刻回 RST（ECONNREFUSED）。connect() 在 net.inet.tcp.keepinit（默认 75 秒）后以 ETIMEDOUT 失败。`),
        fixes: [
          { text: tx(`Check ${dest}: is it up, is a firewall dropping, and run tcplens doctor there.`, `检查 ${dest}：是否在线、是否有防火墙丢包，并在那里运行 tcplens doctor。`) },
          { text: tx('Give connect() a timeout in the client (a few seconds) and back off, so callers do not pile up behind a dead upstream.', '在客户端为 connect() 设置超时（几秒）并退避，避免调用方在失效的上游后面堆积。'),
            caveat: tx('Lowering net.inet.tcp.keepinit host-wide also shortens connects over lossy links.', '全局调小 net.inet.tcp.keepinit 也会缩短丢包链路上的连接尝试。') },
        ],
      };
    case 'fin_wait2_orphans':
      return {
        fixes: [
          { text: tx('Look at the peer: it received this host\'s FIN and never closed its side; its application is probably leaking CLOSE-WAIT (run tcplens doctor there).', '检查对端：它收到了本机的 FIN 却一直没有关闭自己这一端，它的应用很可能在泄漏 CLOSE-WAIT（在那里运行 tcplens doctor）。') },
          { text: tx('In this application: after shutdown(SHUT_WR), read with a timeout and close() when it expires.', '在本应用中：shutdown(SHUT_WR) 后带超时地读，超时即 close()。') },
          { text: tx('FreeBSD: net.inet.tcp.fast_finwait2_recycle=1 and net.inet.tcp.finwait2_timeout reap closed sockets stuck in FIN-WAIT-2 sooner.', 'FreeBSD：net.inet.tcp.fast_finwait2_recycle=1 与 net.inet.tcp.finwait2_timeout 可以更快回收卡在 FIN-WAIT-2 的已关闭套接字。'),
            caveat: tx('They do not touch sockets the application still holds open.', '它们不影响应用仍然打开着的套接字。') },
        ],
      };
    case 'syn_flood':
      return {
        explanation: tx('A connection is in SYN-RECEIVED after this server answered a SYN with SYN-ACK and before the client\'s final ACK arrives; normally this lasts one round trip. A pile-up means final ACKs are not coming: a SYN flood from spoofed addresses, or a listener whose queue is too small for its load. With net.inet.tcp.syncookies=1 (the default) the kernel answers with SYN cookies when its SYN cache is full.',
          '服务器用 SYN-ACK 回应 SYN 之后、收到客户端最后的 ACK 之前，连接处于 SYN-RECEIVED 状态，正常只持续一个往返时间。大量堆积说明最后的 ACK 没有到来：来自伪造地址的 SYN 洪水攻击，或者监听队列相对负载太小。net.inet.tcp.syncookies=1（默认）时，SYN 缓存满后内核用 SYN cookies 应答。'),
        fixes: [{ text: tx('Keep net.inet.tcp.syncookies=1.', '保持 net.inet.tcp.syncookies=1。') }, FILTER_UPSTREAM,
          { text: tx('If the sources are few and legitimate: raise the listen() backlog and kern.ipc.soacceptqueue (FreeBSD) / kern.ipc.somaxconn (macOS).', '如果来源不多且合法：调大 listen() 的 backlog 以及 kern.ipc.soacceptqueue（FreeBSD）/ kern.ipc.somaxconn（macOS）。') }],
      };
    case 'accept_queue_overflow':
      return {
        explanation: tx('The kernel finishes the three-way handshake by itself and puts the new connection in the listener\'s accept queue until the application calls accept(). When the application is slower than the arrivals, the queue fills and new handshakes are dropped; the client retransmits its SYN — latency and timeouts while the process looks idle. The limit is min(listen() backlog, kern.ipc.soacceptqueue on FreeBSD, kern.ipc.somaxconn on macOS); `netstat -Lan` shows each listener\'s queue and limit.',
          '三次握手由内核独立完成，新连接放进监听套接字的全连接队列，直到应用调用 accept()。应用处理得比到达慢时队列会满，新的握手被丢弃，客户端重传 SYN——进程看起来很空闲，却出现延迟和超时。上限是 min(listen() 的 backlog，FreeBSD 的 kern.ipc.soacceptqueue，macOS 的 kern.ipc.somaxconn)；`netstat -Lan` 显示每个监听套接字的队列和上限。'),
        fixes: [ACCEPT_FASTER, { text: tx('Raise the listen() backlog in the application and kern.ipc.soacceptqueue (FreeBSD) / kern.ipc.somaxconn (macOS) to match.', '调大应用中 listen() 的 backlog，并相应调大 kern.ipc.soacceptqueue（FreeBSD）/ kern.ipc.somaxconn（macOS）。'),
          caveat: tx('A longer queue absorbs bursts only; if the application is too slow it just adds waiting time.', '更长的队列只能吸收突发；应用太慢时它只会增加排队时间。') }],
      };
    default:
      return {};
  }
}

// ---- what is missing, and how to get it on that OS ----

function ownerMissing(c: Ctx): Text | undefined {
  const e = c.f.evidence;
  if (e.pid !== undefined && e.process !== undefined) return undefined;
  if (e.state === undefined && e.count === undefined) return undefined;
  if (c.os === 'windows') {
    return e.pid !== undefined
      ? tx(`The input names pid ${e.pid} but not its program: add \`tasklist\` output to the folder, or run \`tasklist /FI "PID eq ${e.pid}"\`.`,
        `输入只给出了 pid ${e.pid}，没有程序名：把 \`tasklist\` 的输出放进目录，或运行 \`tasklist /FI "PID eq ${e.pid}"\`。`)
      : tx('No owning process in the input: paste `netstat -ano` (-o adds the PID column) run as Administrator, or `Get-NetTCPConnection | Select *`, with `tasklist` for the names.',
        '输入中没有所属进程：请粘贴以管理员身份运行的 `netstat -ano`（-o 会加上 PID 列）或 `Get-NetTCPConnection | Select *`，再加上 `tasklist` 得到进程名。');
  }
  return e.pid !== undefined
    ? tx(`The input names pid ${e.pid} but not its program: add \`ps -p ${e.pid} -o comm=\` (or \`ps ax\`) output.`,
      `输入只给出了 pid ${e.pid}，没有程序名：请加入 \`ps -p ${e.pid} -o comm=\`（或 \`ps ax\`）的输出。`)
    : tx('No owning process in the input (BSD netstat shows none): add `sockstat -46` (FreeBSD) or `lsof -nP -iTCP` (macOS) output taken as root.',
      '输入中没有所属进程（BSD 的 netstat 不显示）：请加入以 root 执行的 `sockstat -46`（FreeBSD）或 `lsof -nP -iTCP`（macOS）的输出。');
}

function agesMissing(c: Ctx): Text | undefined {
  const e = c.f.evidence;
  if (e.ages || e.state !== 'CLOSE-WAIT') return undefined;
  const paste = c.os === 'windows' ? '`netstat -ano`' : '`netstat -an`';
  return tx(`How long they have been stuck is unknown (the OS keeps no timestamp for CLOSE-WAIT): paste ${paste} twice a minute apart and compare.`,
    `无法得知它们卡住了多久（操作系统不记录进入 CLOSE-WAIT 的时间）：隔一分钟粘贴两次 ${paste} 的输出进行比较。`);
}

const LINUX_FIX = (x: FixOf<Text>): boolean => LINUX_ONLY.test(x.text.en) || (x.caveat !== undefined && LINUX_ONLY.test(x.caveat.en));

const HALF_CLOSED: Text = tx(
  'These sockets still belong to the application: it half-closed the connection (shutdown for sending) and kept the socket to read the rest. No timer applies to a socket the application still holds, so they stay until the peer closes its side or the application closes the socket.',
  '这些套接字仍由应用持有：它半关闭了连接（关闭发送方向），留着套接字读取剩余数据。应用仍持有的套接字不受任何定时器约束，所以它们会一直存在，直到对端关闭它那一端，或应用关闭套接字。');

/**
 * One finding with the words of the OS its input came from (unchanged for Linux). Evidence keeps
 * what the input showed; figures that were only Linux's defaults (tcp_syn_retries 6) or that need
 * timers the source does not have (retransmissions) are dropped rather than shown as facts.
 */
export function adviseFor(os: AdviceOs, f: FindingText, hasTimers = false): FindingText {
  if (os === 'linux') return f;
  const c: Ctx = { f, os };
  const w = os === 'windows' ? windowsWords(c) : bsdWords(c);
  const out: FindingText = { ...f, fixes: (w.fixes ?? f.fixes).filter((x) => !LINUX_FIX(x)) };
  if (w.explanation) out.explanation = w.explanation;
  else if (f.id === 'fin_wait2_orphans' && f.evidence.pid !== undefined) out.explanation = HALF_CLOSED;
  if (f.evidence.figures) {
    const figures = { ...f.evidence.figures };
    delete figures.tcpSynRetries;
    if (!hasTimers) { delete figures.synRetransmitted; delete figures.synAckRetransmitted; }
    out.evidence = { ...f.evidence, figures };
  }
  const missing = (f.missing ?? []).filter((m) => !LINUX_ONLY.test(m.en));
  if (os === 'bsd' && f.missing?.some((m) => m.en.startsWith('ip_local_port_range is not in the input'))) {
    missing.push(tx('The ephemeral port range is not in the input; 49152–65535 was assumed (check `sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last`).',
      '输入中没有临时端口范围，按 49152–65535 估算（用 `sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last` 查看）。'));
  }
  for (const m of [ownerMissing(c), agesMissing(c)]) if (m && !missing.some((x) => x.en === m.en)) missing.push(m);
  if (missing.length > 0) out.missing = missing; else delete out.missing;
  return out;
}

/** The rule ids whose words this file rewrites for Windows and the BSDs (the others keep what survives the filter). */
export const OS_ADVICE_RULES: readonly RuleId[] = ['close_wait_leak', 'time_wait_pressure', 'syn_sent_stall', 'fin_wait2_orphans', 'syn_flood', 'accept_queue_overflow'];
