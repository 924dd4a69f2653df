// READ THIS FIRST — every tunable of the engine and the simulated host, in one typed table, under
// its Linux name, with Linux 6.x's default and a one-line doc. `tcplens sim --set`, packetdrill
// backtick lines and the doctor's sysctl checks all read this table; docs are drawn from it.
// Sources: Documentation/networking/ip-sysctl.rst; net/ipv4/tcp_ipv4.c tcp_sk_init();
// include/net/tcp.h. Host-size-dependent defaults
// (tcp_max_syn_backlog, tcp_max_tw_buckets, tcp_max_orphans) use a 262144-bucket ehash.

import { parseFastopenKey } from './fastopen.js';

type Triple = readonly [number, number, number];
type Pair = readonly [number, number];
type Quad = readonly [number, number, number, number];

interface Tunable<V> {
  /** Full sysctl name, or `profile.X` for a constant that is not a sysctl on Linux. */
  sysctl: string;
  default: V;
  unit?: 's' | 'ms' | 'us' | 'bytes' | 'count' | 'bool' | 'mode' | 'ports';
  doc: string;
}

function n(sysctl: string, def: number, unit: Tunable<number>['unit'], doc: string): Tunable<number> {
  return { sysctl, default: def, unit, doc };
}

export const TUNABLES = {
  // Handshake
  tcp_syn_retries: n('net.ipv4.tcp_syn_retries', 6, 'count', 'SYN retransmissions of an active open before connect() fails with ETIMEDOUT; Linux 6.x adds tcp_syn_linear_timeouts to it (6 + 4: ~131 s; ~127 s before 6.5).'),
  tcp_synack_retries: n('net.ipv4.tcp_synack_retries', 5, 'count', 'SYN-ACK retransmissions of a passive open before the request is dropped (~63 s at 5).'),
  tcp_syn_linear_timeouts: n('net.ipv4.tcp_syn_linear_timeouts', 4, 'count', 'Linux 6.x: the first N SYN/SYN-ACK retransmissions use a linear 1 s timeout before exponential backoff.'),
  tcp_timestamps: n('net.ipv4.tcp_timestamps', 1, 'mode', 'Offer RFC 7323 timestamps (1 = with random per-connection offset).'),
  tcp_window_scaling: n('net.ipv4.tcp_window_scaling', 1, 'bool', 'Offer RFC 7323 window scaling.'),
  tcp_sack: n('net.ipv4.tcp_sack', 1, 'bool', 'Offer selective acknowledgements (RFC 2018).'),
  tcp_dsack: n('net.ipv4.tcp_dsack', 1, 'bool', 'Send duplicate SACKs (RFC 2883).'),
  tcp_ecn: n('net.ipv4.tcp_ecn', 2, 'mode', 'ECN: 0 off, 1 request on outgoing (RFC 3168), 2 accept when the peer asks; 3 (AccECN) requests as 1 does.'),
  tcp_base_mss: n('net.ipv4.tcp_base_mss', 1024, 'bytes', 'Starting MSS for path MTU probing.'),
  tcp_min_snd_mss: n('net.ipv4.tcp_min_snd_mss', 48, 'bytes', 'Lower bound of the MSS a peer may announce.'),
  tcp_syncookies: n('net.ipv4.tcp_syncookies', 1, 'mode', '0 never, 1 send SYN cookies when the SYN queue overflows, 2 always.'),
  tcp_fastopen: n('net.ipv4.tcp_fastopen', 1, 'mode', 'TCP Fast Open bits: 0x1 client, 0x2 server, 0x200 server without cookie, 0x400 server on every listener (without TCP_FASTOPEN).'),
  tcp_fastopen_key: { sysctl: 'net.ipv4.tcp_fastopen_key', default: [0, 0, 0, 0] as Quad, unit: 'mode', doc: 'Fast Open cookie key, written as four hex words a-b-c-d (random at boot on Linux; fixed here so runs repeat).' } as Tunable<Quad>,
  tcp_max_syn_backlog: n('net.ipv4.tcp_max_syn_backlog', 2048, 'count', 'Per-listener bound on request sockets in SYN-RECEIVED.'),
  tcp_abort_on_overflow: n('net.ipv4.tcp_abort_on_overflow', 0, 'bool', 'Reset the connection when the accept queue is full instead of dropping the final ACK.'),
  somaxconn: n('net.core.somaxconn', 4096, 'count', 'Upper bound of the listen() backlog (128 before Linux 5.4).'),
  tcp_migrate_req: n('net.ipv4.tcp_migrate_req', 0, 'bool', 'Migrate queued requests to another SO_REUSEPORT listener when one closes.'),

  // Retransmission and timers
  tcp_rto_min_us: n('net.ipv4.tcp_rto_min_us', 200_000, 'us', 'Minimum retransmission timeout (TCP_RTO_MIN, 200 ms).'),
  tcp_rto_max_ms: n('net.ipv4.tcp_rto_max_ms', 120_000, 'ms', 'Maximum retransmission timeout (TCP_RTO_MAX, 120 s).'),
  tcp_retries1: n('net.ipv4.tcp_retries1', 3, 'count', 'Retransmissions before the route is re-checked (negative advice to the network layer).'),
  tcp_retries2: n('net.ipv4.tcp_retries2', 15, 'count', 'Retransmissions of an established connection before it is aborted with ETIMEDOUT (~924.6 s at 15).'),
  tcp_orphan_retries: n('net.ipv4.tcp_orphan_retries', 0, 'count', 'Retransmissions of an orphan (FIN-WAIT-1, CLOSING, LAST-ACK); 0 means 8.'),
  tcp_fin_timeout: n('net.ipv4.tcp_fin_timeout', 60, 's', 'Lifetime of an orphaned FIN-WAIT-2 connection. Does not change TIME-WAIT on Linux.'),
  tcp_keepalive_time: n('net.ipv4.tcp_keepalive_time', 7200, 's', 'Idle time before the first keepalive probe (SO_KEEPALIVE sockets only).'),
  tcp_keepalive_intvl: n('net.ipv4.tcp_keepalive_intvl', 75, 's', 'Interval between keepalive probes.'),
  tcp_keepalive_probes: n('net.ipv4.tcp_keepalive_probes', 9, 'count', 'Unanswered probes before the connection is reset (7200+9*75 s = 2 h 11 min 15 s).'),
  tcp_delack_min_ms: n('profile.tcp_delack_min_ms', 40, 'ms', 'Delayed-ACK timeout (TCP_DELACK_MIN; not a sysctl on Linux).'),
  tcp_init_cwnd: n('profile.tcp_init_cwnd', 10, 'count', 'Initial congestion window in segments (TCP_INIT_CWND, RFC 6928).'),
  tcp_pingpong_thresh: n('net.ipv4.tcp_pingpong_thresh', 1, 'count', 'Replies sent within the ACK timeout of a received segment before ACKs are delayed as "interactive" (pingpong mode).'),

  // Teardown and TIME-WAIT
  time_wait_ms: n('profile.time_wait_ms', 60_000, 'ms', 'TIME-WAIT length: fixed 60 s on Linux (TCP_TIMEWAIT_LEN); 2*MSL elsewhere.'),
  fin_wait2_timer: n('profile.fin_wait2_timer', 1, 'bool', 'Whether an orphaned FIN-WAIT-2 has a timer at all (1 on Linux, BSD and Windows).'),
  tcp_rfc1337: n('net.ipv4.tcp_rfc1337', 0, 'bool', 'Ignore RSTs in TIME-WAIT (RFC 1337 "TIME-WAIT assassination" fix); 0 lets an RST end TIME-WAIT.'),
  tcp_max_tw_buckets: n('net.ipv4.tcp_max_tw_buckets', 131_072, 'count', 'TIME-WAIT entries held at once; past it a closing connection skips TIME-WAIT (TCPTimeWaitOverflow).'),
  tcp_max_orphans: n('net.ipv4.tcp_max_orphans', 131_072, 'count', 'Orphaned connections held at once; past it orphans are reset.'),
  tcp_tw_reuse: n('net.ipv4.tcp_tw_reuse', 2, 'mode', 'Let connect() reuse a TIME-WAIT 4-tuple when timestamps make it safe: 0 off, 1 on, 2 loopback only.'),
  tcp_tw_reuse_delay: n('net.ipv4.tcp_tw_reuse_delay', 1000, 'ms', 'How old a TIME-WAIT entry must be before tcp_tw_reuse may take it.'),

  // Rate limits
  tcp_challenge_ack_limit: n('net.ipv4.tcp_challenge_ack_limit', 2_147_483_647, 'count', 'Challenge ACKs per second (RFC 5961); effectively unlimited per host since Linux 6.0, rate-limited per socket.'),
  tcp_invalid_ratelimit: n('net.ipv4.tcp_invalid_ratelimit', 500, 'ms', 'Minimum gap between duplicate ACKs sent for invalid segments (per socket).'),

  // Buffers
  tcp_congestion_control: { sysctl: 'net.ipv4.tcp_congestion_control', default: 'cubic' as 'cubic' | 'reno', unit: 'mode', doc: 'Congestion control of new connections: cubic (the default since Linux 2.6.19) or reno.' } as Tunable<'cubic' | 'reno'>,
  tcp_reordering: n('net.ipv4.tcp_reordering', 3, 'count', 'Initial reordering degree: duplicate ACKs (or SACKed segments) that prove a loss without RACK timing.'),
  tcp_early_retrans: n('net.ipv4.tcp_early_retrans', 3, 'mode', 'Tail loss probes: 3 or 4 on (RFC 8985 TLP), other values off.'),
  tcp_rmem: { sysctl: 'net.ipv4.tcp_rmem', default: [4096, 131_072, 6_291_456] as Triple, unit: 'bytes', doc: 'Receive buffer min, default, max; the default sizes the initial window and window scale.' } as Tunable<Triple>,
  tcp_wmem: { sysctl: 'net.ipv4.tcp_wmem', default: [4096, 16_384, 4_194_304] as Triple, unit: 'bytes', doc: 'Send buffer min, default, max.' } as Tunable<Triple>,
  tcp_adv_win_scale: n('net.ipv4.tcp_adv_win_scale', 1, 'count', 'Share of the receive buffer advertised as window (1: half is overhead).'),
  tcp_moderate_rcvbuf: n('net.ipv4.tcp_moderate_rcvbuf', 1, 'bool', 'Auto-tune the receive buffer.'),
  tcp_min_tso_segs: n('net.ipv4.tcp_min_tso_segs', 2, 'count', 'Fewest segments one TSO/GSO send may carry (tcp_tso_autosize); the send buffer is charged per such skb.'),
  tcp_notsent_lowat: n('net.ipv4.tcp_notsent_lowat', 4_294_967_295, 'bytes', 'Unsent bytes above which the socket is not writable.'),

  // Ports
  ip_local_port_range: { sysctl: 'net.ipv4.ip_local_port_range', default: [32_768, 60_999] as Pair, unit: 'ports', doc: 'Ephemeral ports for connect() and bind(port 0): 28,232 by default.' } as Tunable<Pair>,
  ip_unprivileged_port_start: n('net.ipv4.ip_unprivileged_port_start', 1024, 'ports', 'Lowest port an unprivileged process may bind.'),
} as const;

export type TunableName = keyof typeof TUNABLES;
export type TcpConfig = { -readonly [K in TunableName]: (typeof TUNABLES)[K]['default'] };

export function defaultConfig(): TcpConfig {
  const c = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(TUNABLES)) c[k] = Array.isArray(v.default) ? [...v.default] : v.default;
  return c as TcpConfig;
}

/** Find a tunable by short name (`tcp_fin_timeout`) or full sysctl name (`net.ipv4.tcp_fin_timeout`, `net/ipv4/...`). */
export function tunableByName(name: string): TunableName | undefined {
  const dotted = name.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  if (dotted in TUNABLES) return dotted as TunableName;
  for (const [k, v] of Object.entries(TUNABLES)) if (v.sysctl === dotted) return k as TunableName;
  return undefined;
}

/**
 * Apply `name=value` (a sysctl assignment as written in `sysctl -w`, `--set` or a packetdrill script).
 * Returns an error message naming the problem instead of throwing.
 */
export function applySetting(config: TcpConfig, name: string, value: string): string | undefined {
  const key = tunableByName(name.trim());
  if (!key) return `unknown setting '${name}'`;
  const def = TUNABLES[key].default as unknown;
  if (key === 'tcp_fastopen_key') {
    // proc_tcp_fastopen_key reads "%x-%x-%x-%x".
    const k = parseFastopenKey(value);
    if (!k) return `'${name}' needs four hex words a-b-c-d, got '${value}'`;
    config.tcp_fastopen_key = k;
    return undefined;
  }
  if (key === 'tcp_congestion_control') {
    const v = value.trim();
    if (v !== 'cubic' && v !== 'reno') return `'${name}' is cubic or reno here, got '${value}'`;
    config.tcp_congestion_control = v;
    return undefined;
  }
  const parts = value.trim().split(/[\s,]+/).filter(Boolean).map(Number);
  if (parts.length === 0 || parts.some((p) => !Number.isFinite(p))) return `'${name}' needs a number, got '${value}'`;
  if (Array.isArray(def)) {
    if (parts.length !== def.length) return `'${name}' needs ${def.length} numbers, got '${value}'`;
    (config as Record<string, unknown>)[key] = parts;
  } else {
    if (parts.length !== 1) return `'${name}' needs one number, got '${value}'`;
    (config as Record<string, unknown>)[key] = parts[0];
  }
  return undefined;
}
