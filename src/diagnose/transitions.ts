// READ THIS FIRST — the one table of TCP state transitions that `tcplens explain` draws from.
//
// Rules this file keeps:
// - Rows are RFC 9293 §3.3.2 (Figure 5) plus the ways Linux leaves a state that the RFC figure
//   does not draw (timers, RSTs, limits), each marked `linux: true` and citing the mechanism.
// - "Ways in" and "ways out" of a state are filters of this table, never written by hand.
// - Texts are in English and Chinese; `event` is what happens, `action` what this end sends.
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';

export interface Transition {
  from: TcpState;
  to: TcpState;
  event: Text;
  /** What this end sends, if anything. */
  action?: Text;
  /** A path the RFC figure does not draw but Linux takes (timer, limit, RST). */
  linux?: boolean;
}

const T = (from: TcpState, to: TcpState, en: string, zh: string, send?: [string, string], linux?: boolean): Transition => {
  const t: Transition = { from, to, event: { en, zh } };
  if (send) t.action = { en: send[0], zh: send[1] };
  if (linux) t.linux = true;
  return t;
};

export const TRANSITIONS: readonly Transition[] = [
  T('CLOSED', 'LISTEN', 'the application calls listen() (passive open)', '应用调用 listen()（被动打开）'),
  T('CLOSED', 'SYN-SENT', 'the application calls connect() (active open)', '应用调用 connect()（主动打开）', ['SYN', 'SYN']),
  T('LISTEN', 'SYN-RECEIVED', 'a SYN arrives (Linux keeps a request socket in the SYN queue)', '收到 SYN（Linux 在半连接队列中保存一个请求套接字）', ['SYN-ACK', 'SYN-ACK']),
  T('LISTEN', 'CLOSED', 'the application closes the listener (queued connections are reset)', '应用关闭监听套接字（队列中的连接被重置）'),
  T('SYN-SENT', 'ESTABLISHED', 'the SYN-ACK arrives', '收到 SYN-ACK', ['ACK', 'ACK']),
  T('SYN-SENT', 'SYN-RECEIVED', 'a SYN arrives without ACK (simultaneous open)', '收到不带 ACK 的 SYN（同时打开）', ['SYN-ACK', 'SYN-ACK']),
  T('SYN-SENT', 'CLOSED', 'RST arrives (ECONNREFUSED), close(), or tcp_syn_retries SYNs go unanswered (~127 s, ETIMEDOUT)', '收到 RST（ECONNREFUSED）、调用 close()，或 tcp_syn_retries 次 SYN 无应答（约 127 秒，ETIMEDOUT）', undefined, true),
  T('SYN-RECEIVED', 'ESTABLISHED', 'the client\'s ACK arrives; the connection waits in the accept queue for accept()', '收到客户端的 ACK；连接进入全连接队列等待 accept()'),
  T('SYN-RECEIVED', 'LISTEN', 'RST arrives (the request is dropped; the listener stays)', '收到 RST（请求被丢弃，监听继续）'),
  T('SYN-RECEIVED', 'FIN-WAIT-1', 'the application closes (simultaneous-open case)', '应用关闭（同时打开的情形）', ['FIN', 'FIN']),
  T('SYN-RECEIVED', 'CLOSED', 'tcp_synack_retries SYN-ACKs go unanswered (~63 s), or the accept queue is full and the ACK is dropped until then', 'tcp_synack_retries 次 SYN-ACK 无应答（约 63 秒），或全连接队列已满、ACK 一直被丢弃', undefined, true),
  T('ESTABLISHED', 'FIN-WAIT-1', 'the application calls close() or shutdown(SHUT_WR) first (active close)', '应用先调用 close() 或 shutdown(SHUT_WR)（主动关闭）', ['FIN', 'FIN']),
  T('ESTABLISHED', 'CLOSE-WAIT', 'the peer\'s FIN arrives (passive close); read() will return 0', '收到对端的 FIN（被动关闭）；read() 将返回 0', ['ACK', 'ACK']),
  T('ESTABLISHED', 'CLOSED', 'RST arrives, tcp_retries2 retransmissions fail (~15 min), keepalive finds the peer dead, or close() with SO_LINGER 0 (sends RST)', '收到 RST、tcp_retries2 次重传失败（约 15 分钟）、保活发现对端已死，或带 SO_LINGER 0 的 close()（发送 RST）', undefined, true),
  T('FIN-WAIT-1', 'FIN-WAIT-2', 'the ACK of our FIN arrives', '收到对本端 FIN 的 ACK'),
  T('FIN-WAIT-1', 'CLOSING', 'the peer\'s FIN arrives before the ACK of ours (simultaneous close)', '在对本端 FIN 的 ACK 之前收到对端的 FIN（同时关闭）', ['ACK', 'ACK']),
  T('FIN-WAIT-1', 'TIME-WAIT', 'the peer\'s FIN arrives together with the ACK of ours', '对端的 FIN 与对本端 FIN 的 ACK 一起到达', ['ACK', 'ACK']),
  T('FIN-WAIT-1', 'CLOSED', 'RST arrives, or the FIN is retransmitted tcp_orphan_retries times (orphans) without an ACK', '收到 RST，或 FIN 重传 tcp_orphan_retries 次（孤儿）仍无 ACK', undefined, true),
  T('FIN-WAIT-2', 'TIME-WAIT', 'the peer\'s FIN arrives', '收到对端的 FIN', ['ACK', 'ACK']),
  T('FIN-WAIT-2', 'CLOSED', 'orphaned (the application closed): tcp_fin_timeout (60 s) expires; or RST arrives; a half-closed socket the application still holds has no timer', '已成孤儿（应用已关闭）：tcp_fin_timeout（60 秒）到期；或收到 RST；应用仍持有的半关闭套接字没有定时器', undefined, true),
  T('CLOSE-WAIT', 'LAST-ACK', 'the application calls close()', '应用调用 close()', ['FIN', 'FIN']),
  T('CLOSE-WAIT', 'CLOSED', 'RST arrives (e.g. after writing to a peer that is gone) or the process exits and the kernel aborts', '收到 RST（例如向已离开的对端写数据后）或进程退出后由内核中止', undefined, true),
  T('CLOSING', 'TIME-WAIT', 'the ACK of our FIN arrives', '收到对本端 FIN 的 ACK'),
  T('LAST-ACK', 'CLOSED', 'the ACK of our FIN arrives (or retransmissions give up, or RST)', '收到对本端 FIN 的 ACK（或重传放弃，或收到 RST）'),
  T('TIME-WAIT', 'CLOSED', 'the 2MSL timer expires: fixed 60 s on Linux (TCP_TIMEWAIT_LEN), not tcp_fin_timeout; an RST also ends it unless tcp_rfc1337 = 1; tcp_tw_reuse or a new SYN with higher sequence/timestamp can take the 4-tuple over', '2MSL 定时器到期：Linux 上固定 60 秒（TCP_TIMEWAIT_LEN），与 tcp_fin_timeout 无关；收到 RST 也会结束（除非 tcp_rfc1337 = 1）；tcp_tw_reuse 或序号/时间戳更大的新 SYN 可以接管该四元组'),
];

export function waysIn(state: TcpState): Transition[] {
  return TRANSITIONS.filter((t) => t.to === state);
}

export function waysOut(state: TcpState): Transition[] {
  return TRANSITIONS.filter((t) => t.from === state);
}
