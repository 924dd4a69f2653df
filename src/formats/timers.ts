// Timer spellings -> SocketTimer. One table per tool; the kinds are those of SocketTimer.
//
// /proc/net/tcp `tr` codes come from get_tcp4_sock() in net/ipv4/tcp_ipv4.c: 0 none, 1 retransmit
// (also RACK reorder / tail-loss probe), 2 sk_timer (keepalive, or the orphaned FIN-WAIT-2 timer),
// 3 TIME-WAIT, 4 zero-window probe. ss names them through tmr_name[] in misc/ss.c; net-tools netstat
// prints off/on/keepalive/timewait/probe (netstat.c tcp_do_one()).
import type { SocketTimer } from '../model/snapshot.js';

export const PROC_TIMER_CODES: Readonly<Record<number, SocketTimer['kind']>> = {
  0: 'off', 1: 'on', 2: 'keepalive', 3: 'timewait', 4: 'persist',
};

/** ss `timer:(name,...)` and netstat `-o` words. `probe` is netstat's name for the persist timer. */
export const TIMER_WORDS: Readonly<Record<string, SocketTimer['kind']>> = {
  off: 'off', on: 'on', keepalive: 'keepalive', timewait: 'timewait', persist: 'persist', probe: 'persist',
};

/**
 * ss's print_ms_timer() text -> milliseconds: `1min30sec`, `119min`, `59sec`, `9.373sec`, `676ms`.
 * Before iproute2 6.11 (commit 3e807112) values under ten seconds printed as `9.373ms` meaning
 * 9.373 s (FORMATS.md §4): a dotted `ms` value is therefore read as seconds.
 */
export function ssTimerMs(text: string): number | undefined {
  const m = /^(?:(\d+)min)?(?:(\d+(?:\.\d+)?)sec)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  let ms = 0;
  if (m[1]) ms += Number(m[1]) * 60_000;
  if (m[2]) ms += Number(m[2]) * 1000;
  if (m[3]) ms += m[3].includes('.') ? Number(m[3]) * 1000 : Number(m[3]);
  return Math.round(ms);
}
