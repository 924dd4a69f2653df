// READ THIS FIRST — timers are data. A connection has a fixed set of timer kinds; each is either
// off (undefined) or armed with an absolute deadline in ms. `nextDeadline` is the earliest one;
// `dueTimers` lists the ones due at `now` in one stable firing order, so two runs of the same
// inputs fire the same timers in the same order (quinn-proto's timer table).
//
// The kinds and the Linux timer each stands for (include/net/inet_connection_sock.h, tcp_timer.c):
//   delayed-ack  ICSK_TIME_DACK          tcp_delack_timer
//   retransmit   ICSK_TIME_RETRANS       tcp_retransmit_timer (SYN, SYN-ACK, data, FIN)
//   loss-probe   ICSK_TIME_LOSS_PROBE    tcp_send_loss_probe (RFC 8985 tail loss probe)
//   persist      ICSK_TIME_PROBE0        tcp_probe_timer (zero-window probes)
//   keepalive    sk_timer                tcp_keepalive_timer (SO_KEEPALIVE)
//   fin-wait-2   tw timer, substate FIN_WAIT2   tcp_fin_timeout / TCP_LINGER2 for orphans
//   time-wait    tw timer, substate TIME_WAIT   TCP_TIMEWAIT_LEN (60 s)

import type { SocketTimerKind } from '../model/timers.js';
import type { Millis } from './time.js';

export const TIMER_KINDS = ['delayed-ack', 'retransmit', 'loss-probe', 'persist', 'keepalive', 'fin-wait-2', 'time-wait'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export type TimerTable = Record<TimerKind, Millis | undefined>;

export function emptyTimers(): TimerTable {
  return { 'delayed-ack': undefined, retransmit: undefined, 'loss-probe': undefined, persist: undefined, keepalive: undefined, 'fin-wait-2': undefined, 'time-wait': undefined };
}

export function arm(t: TimerTable, kind: TimerKind, at: number): void {
  t[kind] = at;
}

export function cancel(t: TimerTable, kind: TimerKind): void {
  t[kind] = undefined;
}

export function cancelAll(t: TimerTable): void {
  for (const k of TIMER_KINDS) t[k] = undefined;
}

/** The earliest armed deadline. Asked after every input: each kind read by name, not in a loop over TIMER_KINDS (named reads are cheaper). */
export function nextDeadline(t: TimerTable): number | undefined {
  return earlier(earlier(earlier(t['delayed-ack'], t.retransmit), earlier(t['loss-probe'], t.persist)),
    earlier(earlier(t.keepalive, t['fin-wait-2']), t['time-wait']));
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined || a <= b ? a : b;
}

/** The kinds due at `now`, in TIMER_KINDS order (the stable firing order). */
export function dueTimers(t: TimerTable, now: number): TimerKind[] {
  return TIMER_KINDS.filter((k) => t[k] !== undefined && (t[k] as number) <= now);
}

/**
 * How /proc/net/tcp's `tr` and ss -o's `timer:(...)` would name the pending timer; the tail-loss
 * probe, which Linux shows as `on`, keeps its own `loss-probe` here so the lab can tell them apart.
 */
export function procTimerKind(t: TimerTable): { kind: SocketTimerKind; at: number | undefined } {
  if (t.retransmit !== undefined) return { kind: 'on', at: t.retransmit };
  if (t['loss-probe'] !== undefined) return { kind: 'loss-probe', at: t['loss-probe'] };
  if (t.persist !== undefined) return { kind: 'persist', at: t.persist };
  if (t['time-wait'] !== undefined) return { kind: 'timewait', at: t['time-wait'] };
  if (t['fin-wait-2'] !== undefined) return { kind: 'timewait', at: t['fin-wait-2'] };
  if (t.keepalive !== undefined) return { kind: 'keepalive', at: t.keepalive };
  return { kind: 'off', at: undefined };
}
