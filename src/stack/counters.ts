// The MIB counters the simulated host keeps, under their /proc/net/netstat (`TcpExt:`) and
// /proc/net/snmp (`Tcp:`) names, so the doctor reads a simulated host with the same rules as a real
// one. Where each is incremented in Linux is noted; the host increments them at the same points
// (`count()`), and derives those Linux counts at a state change from the change itself
// (`countStateChange()`, called by service.ts for every change a connection reports).
// Source: net/ipv4/proc.c snmp4_net_list[] / snmp4_tcp_list[]; Documentation/networking/snmp_counter.rst.
import type { CauseId } from '../core/transitions.js';
import type { TcpState } from '../model/states.js';
import { counterForCause } from './cause-counters.js';
import type { HostState } from './host-state.js';
import type { Entry } from './sockets.js';

export const COUNTER_NAMES = [
  // tcp_v4_syn_recv_sock() exit_overflow / tcp_conn_request() on a full accept queue
  'TcpExt:ListenOverflows',
  // tcp_listendrop(): every drop at a listener (a superset of ListenOverflows)
  'TcpExt:ListenDrops',
  // cookie_v4_init_sequence() / cookie_v4_check() success / failure
  'TcpExt:SyncookiesSent',
  'TcpExt:SyncookiesRecv',
  'TcpExt:SyncookiesFailed',
  // tcp_syn_flood_action(): SYN queue full, dropped vs answered with a cookie
  'TcpExt:TCPReqQFullDrop',
  'TcpExt:TCPReqQFullDoCookies',
  // inet_twsk_alloc() failed: tcp_max_tw_buckets reached
  'TcpExt:TCPTimeWaitOverflow',
  // TIME-WAIT ended by its timer (inet_twsk_kill via tw_timer_handler)
  'TcpExt:TW',
  // __inet_check_established(): a TIME-WAIT 4-tuple reused by connect() (tcp_tw_reuse)
  'TcpExt:TWRecycled',
  // a TIME-WAIT killed early (an RST, tcp_rfc1337=0)
  'TcpExt:TWKilled',
  'TcpExt:TCPAbortOnClose',
  'TcpExt:TCPAbortOnData',
  'TcpExt:TCPAbortOnLinger',
  'TcpExt:TCPAbortOnTimeout',
  // tcp_check_oom(): too many orphans
  'TcpExt:TCPAbortOnMemory',
  // tcp_check_req() RST received for a request socket
  'TcpExt:EmbryonicRsts',
  // tcp_validate_incoming(): a segment beyond the receive window dropped (tcp_sequence)
  'TcpExt:BeyondWindow',
  // tcp_try_fastopen(): a child made from a SYN, a bad cookie, a cookie request, a full TFO queue
  'TcpExt:TCPFastOpenPassive',
  'TcpExt:TCPFastOpenPassiveFail',
  'TcpExt:TCPFastOpenCookieReqd',
  'TcpExt:TCPFastOpenListenOverflow',
  // tcp_rcv_fastopen_synack(): the SYN's data acknowledged, or sent again
  'TcpExt:TCPFastOpenActive',
  'TcpExt:TCPFastOpenActiveFail',
  'Tcp:ActiveOpens',
  'Tcp:PassiveOpens',
  'Tcp:AttemptFails',
  'Tcp:EstabResets',
  'Tcp:CurrEstab',
  'Tcp:InSegs',
  'Tcp:OutSegs',
  'Tcp:OutRsts',
  'TcpExt:TCPMD5Unexpected',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

export type Counters = Record<CounterName, number>;

export function zeroCounters(): Counters {
  const c = {} as Record<string, number>;
  for (const n of COUNTER_NAMES) c[n] = 0;
  return c as Counters;
}

export function count(h: HostState, n: CounterName, by = 1): void {
  h.mib[n] += by;
}

/** Every counter by name, with Tcp:CurrEstab counted now (it is a gauge, not an event count). */
export function counterValues(h: HostState): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of COUNTER_NAMES) c[n] = h.mib[n];
  let estab = 0;
  for (const e of h.conns.values()) if (e.state === 'ESTABLISHED' || e.state === 'CLOSE-WAIT') estab++;
  c['Tcp:CurrEstab'] = estab;
  return c;
}

/**
 * The counters a state change adds: EstabResets and AttemptFails follow the states, as Linux counts
 * them where a connection reaches CLOSED; the rest follow the change's cause (cause-counters.ts).
 * `wasTw`: the entry counted as TIME-WAIT before.
 */
export function countStateChange(h: HostState, e: Entry, from: TcpState, to: TcpState, cause: CauseId, wasTw: boolean): void {
  if (to === 'CLOSED') {
    if (from === 'ESTABLISHED' || from === 'CLOSE-WAIT') count(h, 'Tcp:EstabResets');
    if ((from === 'SYN-SENT' || from === 'SYN-RECEIVED') && e.phase !== 'request') count(h, 'Tcp:AttemptFails');
  }
  const k = counterForCause(cause, { from, orphan: e.phase === 'orphan', request: e.phase === 'request', timeWaitClass: wasTw });
  if (k) count(h, k);
}
