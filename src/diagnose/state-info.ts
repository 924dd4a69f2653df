// What each of the eleven states means, who sees it, what ends it on Linux, and what many of them
// mean on a server — the prose `tcplens explain STATE` prints around the transitions table. The
// claims follow the Linux source and ip-sysctl.rst; where common advice says otherwise the text says
// what Linux really does. Every give-up time in it comes from give-up-figures.ts (core's
// arithmetic), with Linux's defaults unless the caller has a host's settings.
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import type { RuleId } from './finding.js';
import { giveUpFigures, LINUX_GIVE_UP_DEFAULTS, sameAsDefaults, type GiveUpSettings } from './give-up-figures.js';

export interface StateInfo {
  meaning: Text;
  /** Which end of a connection is in this state. */
  who: Text;
  /** What ends the state on Linux, with its timer if any. */
  ends: Text;
  /** What many sockets in this state mean on a server, and what to do. */
  many: Text;
  /** Doctor rules that look at this state. */
  rules: RuleId[];
}

const x = (en: string, zh: string): Text => ({ en, zh });

/** The state pages with the give-up times of settings `s` (Linux's defaults unless given). */
export function stateInfo(s: Readonly<GiveUpSettings> = LINUX_GIVE_UP_DEFAULTS): Readonly<Record<TcpState, StateInfo>> {
  const f = giveUpFigures(s);
  const keepaliveDefault = sameAsDefaults(s, 'keepaliveTimeS', 'keepaliveIntvlS', 'keepaliveProbes');
  return {
    CLOSED: {
      meaning: x('No connection: the socket is new, or everything is over.', '没有连接：套接字是新的，或一切已经结束。'),
      who: x('Either end, before and after.', '任一端，连接之前和之后。'),
      ends: x('listen() or connect().', 'listen() 或 connect()。'),
      many: x('ss shows unconnected TCP sockets as UNCONN; many of them are sockets an application created and never used (a leak of descriptors, not of connections).', 'ss 把未连接的 TCP 套接字显示为 UNCONN；大量出现说明应用创建了套接字却从未使用（泄漏的是描述符而不是连接）。'),
      rules: [],
    },
    LISTEN: {
      meaning: x('A server socket waiting for connection requests. Recv-Q is the accept queue (connections the kernel completed, waiting for accept()), Send-Q in ss its limit = min(backlog, somaxconn).', '等待连接请求的服务端套接字。Recv-Q 是全连接队列（内核已完成握手、等待 accept() 的连接），ss 中的 Send-Q 是其上限 = min(backlog, somaxconn)。'),
      who: x('The server.', '服务端。'),
      ends: x('The application closes it.', '应用将其关闭。'),
      many: x('Many listeners is normal. What matters is Recv-Q: near its limit the application does not accept() fast enough and the kernel drops handshakes (ListenOverflows) — see accept_queue_overflow.', '监听套接字多是正常的。关键是 Recv-Q：接近上限说明应用 accept() 不够快，内核会丢弃握手（ListenOverflows）——见 accept_queue_overflow。'),
      rules: ['accept_queue_overflow', 'syn_flood'],
    },
    'SYN-SENT': {
      meaning: x('connect() sent a SYN and waits for the SYN-ACK.', 'connect() 已发出 SYN，正在等待 SYN-ACK。'),
      who: x('The client.', '客户端。'),
      ends: x(`SYN-ACK (→ ESTABLISHED), RST (ECONNREFUSED), or unanswered SYNs (ETIMEDOUT): Linux 6.x retries tcp_syn_linear_timeouts (${s.synLinearTimeouts}) times at 1 s, then tcp_syn_retries (${s.synRetries}) times doubling — ${f.syn.syns} SYNs, ~${f.syn.text.en} (${f.synWithoutLinear.text.en} on kernels without the linear timeouts).`, `SYN-ACK（→ ESTABLISHED）、RST（ECONNREFUSED），或 SYN 无应答（ETIMEDOUT）：Linux 6.x 先以 1 秒间隔重传 tcp_syn_linear_timeouts（${s.synLinearTimeouts}）次，再以翻倍的间隔重传 tcp_syn_retries（${s.synRetries}）次——共 ${f.syn.syns} 个 SYN，约 ${f.syn.text.zh}（没有线性超时的内核为 ${f.synWithoutLinear.text.zh}）。`),
      many: x('Many SYN-SENT toward one destination: it is down, filtered by a firewall, or its accept/SYN queue is full (its kernel drops our SYNs). Check that host with tcplens doctor.', '大量连向同一目的地的 SYN-SENT：对方宕机、被防火墙过滤，或其全连接/半连接队列已满（其内核丢弃了我们的 SYN）。请在那台主机上运行 tcplens doctor。'),
      rules: ['syn_sent_stall'],
    },
    'SYN-RECEIVED': {
      meaning: x('A SYN arrived and was answered with SYN-ACK; the client\'s final ACK has not arrived yet (SYN_RCVD).', '收到 SYN 并已回复 SYN-ACK；客户端的最后一个 ACK 尚未到达（SYN_RCVD，"SYN收到"）。'),
      who: x('The server (a request socket in the listener\'s SYN queue on Linux).', '服务端（Linux 上是监听套接字半连接队列里的请求套接字）。'),
      ends: x(`The ACK (→ ESTABLISHED, into the accept queue), RST, or tcp_synack_retries (${s.synackRetries} ≈ ${f.synAck.text.en}) unanswered SYN-ACKs.`, `ACK（→ ESTABLISHED，进入全连接队列）、RST，或 tcp_synack_retries 次（${s.synackRetries} 次约 ${f.synAck.text.zh}）SYN-ACK 无应答。`),
      many: x('Normally lasts one round trip. Hundreds on one port: a SYN flood (many sources) or a listen queue too small for the load (few sources) — see syn_flood. Keep tcp_syncookies = 1.', '正常只持续一个往返。单端口上有数百个：SYN 洪水（来源很多）或监听队列相对负载太小（来源很少）——见 syn_flood。保持 tcp_syncookies = 1。'),
      rules: ['syn_flood'],
    },
    ESTABLISHED: {
      meaning: x('The connection is open; data flows both ways.', '连接已建立，数据双向流动。'),
      who: x('Both ends.', '双方。'),
      ends: x(`Either side closes (FIN), an RST, tcp_retries2 failed retransmissions (~${f.data.text.en}), or keepalive (SO_KEEPALIVE sockets only; ${f.keepalive.text.en} ${keepaliveDefault ? 'by default' : 'with these settings'}) finds the peer dead. Without those it lasts forever.`, `任一方关闭（FIN）、RST、tcp_retries2 次重传失败（约 ${f.data.text.zh}），或保活（仅 SO_KEEPALIVE 套接字；${keepaliveDefault ? '默认' : '按这些设置'} ${f.keepalive.text.zh}）发现对端已死。否则它会永远存在。`),
      many: x('Usually healthy (keep-alive, pools). A problem when they are idle and nothing ends them: a missing or too long application timeout (a Tomcat server whose connectionTimeout/keepAliveTimeout never closes idle connections) or peers that vanished — see idle_established.', '通常是健康的（长连接、连接池）。当它们空闲且没有任何机制结束时才是问题：应用超时缺失或过长（例如 Tomcat 的 connectionTimeout/keepAliveTimeout 从不关闭空闲连接）或对端已消失——见 idle_established。'),
      rules: ['idle_established', 'keepalive_defaults'],
    },
    'FIN-WAIT-1': {
      meaning: x('This end closed first and sent FIN; it waits for the ACK of that FIN.', '本端先关闭并发出 FIN，正在等待对该 FIN 的 ACK。'),
      who: x('The side that closes first (active close).', '主动关闭的一方。'),
      ends: x(`The ACK (→ FIN-WAIT-2), the peer's FIN (→ CLOSING; a FIN carrying the ACK of ours goes → FIN-WAIT-2 → TIME-WAIT), an RST, or tcp_orphan_retries retransmissions of the FIN (orphans; 0 means 8; ${f.orphan.retries} take ~${f.orphan.text.en}).`, `ACK（→ FIN-WAIT-2）、对端的 FIN（→ CLOSING；捎带对本端 FIN 的 ACK 的 FIN 则 → FIN-WAIT-2 → TIME-WAIT）、RST，或 FIN 重传 tcp_orphan_retries 次（孤儿；0 表示 8 次；${f.orphan.retries} 次约 ${f.orphan.text.zh}）。`),
      many: x('Normally fleeting. Many: the peers do not ACK — they are gone, or their receive windows are full and our unsent data is stuck behind the FIN (slow clients of a proxy). They are orphans and count against tcp_max_orphans.', '通常一闪而过。大量出现：对端不回 ACK——对端已离开，或其接收窗口已满、我方未发送的数据卡在 FIN 之前（代理面对慢客户端）。它们是孤儿，计入 tcp_max_orphans。'),
      rules: ['fin_wait2_orphans'],
    },
    'FIN-WAIT-2': {
      meaning: x('Our FIN was ACKed; we wait for the peer\'s FIN (the peer is in CLOSE-WAIT).', '本端 FIN 已被确认，正在等待对端的 FIN（对端处于 CLOSE-WAIT）。'),
      who: x('The side that closes first (active close).', '主动关闭的一方。'),
      ends: x(`The peer's FIN (→ TIME-WAIT). Orphaned (application closed): Linux keeps only a minisocket and drops it after tcp_fin_timeout (${f.finWait2.ms / 1000} s) — it does not last "until reboot" as is often said. Half-closed and still owned: no timer at all.`, `对端的 FIN（→ TIME-WAIT）。已成孤儿（应用已关闭）：Linux 只保留一个迷你套接字，tcp_fin_timeout（${f.finWait2.ms / 1000} 秒）后丢弃——并不像常说的那样“一直保持到重启”。半关闭且仍被持有：完全没有定时器。`),
      many: x('Many orphans toward one peer: that peer\'s application is stuck in CLOSE-WAIT — look there. Many still owned by one process: it half-closes and waits forever; fix the application — see fin_wait2_orphans.', '大量连向同一对端的孤儿：该对端的应用卡在 CLOSE-WAIT——去那边查。大量被同一进程持有：它半关闭后无限等待；修改应用——见 fin_wait2_orphans。'),
      rules: ['fin_wait2_orphans'],
    },
    'CLOSE-WAIT': {
      meaning: x('The peer closed its half (its FIN arrived and was ACKed); the kernel waits for this application to call close().', '对端已关闭它的一半（收到并确认了它的 FIN）；内核在等待本端应用调用 close()。'),
      who: x('The side that is closed on (passive close).', '被动关闭的一方。'),
      ends: x('Only the application\'s close() (→ LAST-ACK), the process exiting, or an RST. No kernel timer: keepalive does not end it (the peer is alive and answers probes).', '只有应用的 close()（→ LAST-ACK）、进程退出，或 RST。没有内核定时器：保活也结束不了它（对端活着并会应答探测）。'),
      many: x('A bug in the application that owns them — it never closes after the peer does ("check the code"). Recv-Q ≥ 1: it never read to EOF; Recv-Q 0: it read EOF and forgot close(). No sysctl fixes it — see close_wait_leak.', '持有它们的应用有缺陷——对端关闭后它从不关闭（“查代码”）。Recv-Q ≥ 1：从未读到 EOF；Recv-Q 为 0：读到了 EOF 却忘了 close()。没有哪个 sysctl 能修好它——见 close_wait_leak。'),
      rules: ['close_wait_leak'],
    },
    CLOSING: {
      meaning: x('Both ends sent FIN at the same time (simultaneous close); we wait for the ACK of ours.', '双方同时发出 FIN（同时关闭）；本端在等待对自己 FIN 的 ACK。'),
      who: x('Both ends of a simultaneous close.', '同时关闭的双方。'),
      ends: x('The ACK (→ TIME-WAIT), or retransmissions give up (orphan retries).', 'ACK（→ TIME-WAIT），或重传放弃（孤儿重试）。'),
      many: x('Rare. Many: lost ACKs on the path, or a peer that stopped answering.', '很少见。大量出现：路径上 ACK 丢失，或对端已不再应答。'),
      rules: [],
    },
    'LAST-ACK': {
      meaning: x('The side that was closed on has closed too and sent its FIN; it waits for the last ACK.', '被动关闭方也已关闭并发出 FIN，正在等待最后一个 ACK。'),
      who: x('The side that is closed on (passive close).', '被动关闭的一方。'),
      ends: x('The ACK (→ CLOSED), or FIN retransmissions give up.', 'ACK（→ CLOSED），或 FIN 重传放弃。'),
      many: x('The peers went away after sending their FIN (crashed clients, NAT timeouts); they clear after the retransmissions. A steady count is a path or peer problem, not an application leak.', '对端发出 FIN 后就离开了（客户端崩溃、NAT 超时）；重传结束后会清除。数量持续不变是路径或对端的问题，不是应用泄漏。'),
      rules: [],
    },
    'TIME-WAIT': {
      meaning: x('This end closed first and has ACKed the peer\'s FIN; it keeps the 4-tuple for 2MSL so a lost last ACK can be resent and old duplicates die out.', '本端先关闭，并已确认对端的 FIN；它在 2MSL 内保留该四元组，以便重发丢失的最后一个 ACK，并让旧的重复报文消失。'),
      who: x('Only the side that closes first (active close) — the client or the server, whichever closed first.', '只有主动关闭的一方——客户端或服务端，谁先关闭就是谁。'),
      ends: x('Its timer: fixed 60 s on Linux (TCP_TIMEWAIT_LEN). tcp_fin_timeout does not change it, whatever blog posts say. tcp_tw_reuse lets connect() reuse an entry older than 1 s.', '它的定时器：Linux 上固定 60 秒（TCP_TIMEWAIT_LEN）。不管博客怎么说，tcp_fin_timeout 都改变不了它。tcp_tw_reuse 允许 connect() 复用超过 1 秒的条目。'),
      many: x('On a server that closes first: harmless for its listening port (each entry blocks only one client 4-tuple, ~200 bytes, no fd). On a client: each blocks a local port toward that ip:port — about 470 new connections/s per destination with the default range. Reuse connections — see time_wait_pressure.', '在主动关闭的服务端：对其监听端口无害（每个条目只占一个客户端四元组，约 200 字节，不占 fd）。在客户端：每个条目占住一个连向该 ip:端口 的本地端口——默认范围下每个目的地每秒约 470 个新连接。请复用连接——见 time_wait_pressure。'),
      rules: ['time_wait_pressure'],
    },
  };
}

export const STATE_INFO: Readonly<Record<TcpState, StateInfo>> = stateInfo();
