// READ THIS FIRST — the two queues of a listening socket and the Linux rules that decide, per
// arriving SYN and per final ACK, whether a connection gets in. Pure decisions over counts; the
// host (passive-open.ts) applies them and keeps the counters.
//
// Rules (Linux 6.12+, net/ipv4/tcp_input.c tcp_conn_request(), tcp_minisocks.c tcp_check_req(),
// tcp_ipv4.c tcp_v4_syn_recv_sock(), include/net/sock.h sk_acceptq_is_full(),
// include/net/inet_connection_sock.h inet_csk_reqsk_queue_is_full()):
// - backlog = min(listen() backlog, net.core.somaxconn) (__sys_listen), never below 0.
// - The accept queue is full only when its length is GREATER than the backlog
//   (sk_ack_backlog > sk_max_ack_backlog), so backlog 4 holds 5 completed connections.
// - The SYN queue (request sockets in SYN-RECEIVED) is full when its length is greater than the
//   same backlog (6.12 made the test `>` like the accept queue's; it was `>=` before).
// - A SYN: if tcp_syncookies=2, or the SYN queue is full, a SYN cookie is sent when
//   tcp_syncookies != 0 (TCPReqQFullDoCookies) else it is dropped (TCPReqQFullDrop + ListenDrops).
//   Then, cookie or not, a SYN finding the accept queue full is dropped (ListenOverflows +
//   ListenDrops). Without cookies, the last quarter of tcp_max_syn_backlog is kept for peers proven
//   alive (tcp_peer_is_proven; none are in the simulator): a SYN is dropped (ListenDrops) when fewer
//   than tcp_max_syn_backlog/4 slots remain. A SYN that re-opens a TIME-WAIT 4-tuple (isn given)
//   skips the SYN-queue tests.
// - The final ACK of a request socket: if the accept queue is full, tcp_v4_syn_recv_sock() fails
//   (ListenOverflows + ListenDrops); with tcp_abort_on_overflow=0 the ACK is dropped and the
//   request stays, so its SYN-ACK timer keeps retransmitting (tcp_synack_retries); with 1 the
//   request is dropped and an RST sent.
import type { TcpConfig } from '../core/config.js';
import type { CounterName } from './counters.js';

export interface QueueCounts {
  backlog: number;
  synQueue: number;
  acceptQueue: number;
}

export type SynVerdict =
  | { action: 'request'; counters: CounterName[] }
  | { action: 'cookie'; counters: CounterName[] }
  | { action: 'drop'; counters: CounterName[]; why: string };

export type AckVerdict =
  | { action: 'accept'; counters: CounterName[] }
  | { action: 'drop'; counters: CounterName[]; why: string }
  | { action: 'reset'; counters: CounterName[]; why: string };

export function effectiveBacklog(requested: number, config: TcpConfig): number {
  const b = Math.min(Math.trunc(requested), config.somaxconn);
  return Math.max(0, b);
}

export function acceptQueueFull(q: QueueCounts): boolean {
  return q.acceptQueue > q.backlog;
}

export function synQueueFull(q: QueueCounts): boolean {
  return q.synQueue > q.backlog;
}

/** tcp_conn_request(): what happens to a SYN that reached a listener. */
export function onSyn(q: QueueCounts, config: TcpConfig, fromTimeWait: boolean): SynVerdict {
  const cookies = config.tcp_syncookies;
  let wantCookie = false;
  const counters: CounterName[] = [];
  if ((cookies === 2 || synQueueFull(q)) && !fromTimeWait) {
    // tcp_syn_flood_action()
    if (cookies) {
      wantCookie = true;
      counters.push('TcpExt:TCPReqQFullDoCookies');
    } else {
      counters.push('TcpExt:TCPReqQFullDrop', 'TcpExt:ListenDrops');
      return { action: 'drop', counters, why: 'SYN queue full and tcp_syncookies=0' };
    }
  }
  if (acceptQueueFull(q)) {
    counters.push('TcpExt:ListenOverflows', 'TcpExt:ListenDrops');
    return { action: 'drop', counters, why: 'accept queue full' };
  }
  if (!wantCookie && !fromTimeWait) {
    const max = config.tcp_max_syn_backlog;
    if (!cookies && max - q.synQueue < (max >> 2)) {
      counters.push('TcpExt:ListenDrops');
      return { action: 'drop', counters, why: 'last quarter of tcp_max_syn_backlog is kept for proven peers' };
    }
  }
  if (wantCookie) return { action: 'cookie', counters: [...counters, 'TcpExt:SyncookiesSent'] };
  return { action: 'request', counters };
}

/** tcp_check_req() → syn_recv_sock(): the final ACK of a request socket (or a valid cookie ACK). */
export function onFinalAck(q: QueueCounts, config: TcpConfig): AckVerdict {
  if (!acceptQueueFull(q)) return { action: 'accept', counters: [] };
  const counters: CounterName[] = ['TcpExt:ListenOverflows', 'TcpExt:ListenDrops'];
  if (config.tcp_abort_on_overflow) return { action: 'reset', counters, why: 'accept queue full and tcp_abort_on_overflow=1' };
  return { action: 'drop', counters, why: 'accept queue full: final ACK dropped, SYN-ACK will be retransmitted' };
}
