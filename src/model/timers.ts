// READ THIS FIRST — socket timer kinds: one word per timer, named as Linux's tools name them.
//
// /proc/net/tcp's `tr` column and inet_diag's idiag_timer carry the same code (get_tcp4_sock,
// get_timewait4_sock, get_openreq4 in net/ipv4/tcp_ipv4.c; inet_sk_diag_fill in inet_diag.c):
//   0 off        no timer pending
//   1 on         the retransmit timer: ICSK_TIME_RETRANS, and also ICSK_TIME_REO_TIMEOUT (RACK) and
//                ICSK_TIME_LOSS_PROBE (tail-loss probe), which the kernel folds into code 1; and a
//                request socket's SYN-ACK timer
//   2 keepalive  sk_timer: SO_KEEPALIVE, or the FIN-WAIT-2 timer of a socket not yet orphaned
//   3 timewait   a timewait minisocket's timer (TIME-WAIT, or an orphaned FIN-WAIT-2)
//   4 persist    ICSK_TIME_PROBE0, the zero-window probe timer
// ss prints these words (tmr_name[] in iproute2 misc/ss.c); net-tools netstat spells code 4
// `probe`, which is a tool spelling of `persist` (TIMER_WORDS), never a kind of its own.
//
// `loss-probe` is the lab engine's own: it keeps the RFC 8985 tail-loss probe apart from the
// retransmit timer so its diagrams can say which one fired. A real host never reports it.

/** Index = the /proc `tr` code and inet_diag's idiag_timer. */
export const LINUX_TIMER_CODES = ['off', 'on', 'keepalive', 'timewait', 'persist'] as const;

export type LinuxTimerKind = (typeof LINUX_TIMER_CODES)[number];

/** What a snapshot's socket timer can be: Linux's five, or the lab engine's `loss-probe`. */
export type SocketTimerKind = LinuxTimerKind | 'loss-probe';

/** The kind for a /proc or inet_diag timer code, or undefined for a code Linux does not print. */
export function timerKindOfCode(code: number): LinuxTimerKind | undefined {
  return LINUX_TIMER_CODES[code];
}

/**
 * Every spelling of a timer in tool output (`ss -o`'s `timer:(name,...)`, `netstat -o`'s
 * `name (...)`), mapped to the kind. A new spelling goes here, not into a parser.
 */
export const TIMER_WORDS: Readonly<Record<string, LinuxTimerKind>> = {
  off: 'off', on: 'on', keepalive: 'keepalive', timewait: 'timewait', persist: 'persist',
  probe: 'persist', // net-tools netstat's name for code 4, the zero-window probe timer
};
