// The TIME-WAIT table and the orphans: what each entry counts as (sockstat's inuse / orphan / tw),
// the two Linux limits on them, and the swap of an unowned TIME-WAIT connection for its minisocket.
//
// Rules (Linux):
// - tcp_max_tw_buckets counts TIME-WAIT entries and orphaned FIN-WAIT-2 sockets whose timeout is at
//   most 60 s (they become timewait minisockets, tcp_time_wait(sk, TCP_FIN_WAIT2, tmo)); past it a
//   connection entering TIME-WAIT is destroyed at once (TCPTimeWaitOverflow).
// - tcp_max_orphans counts orphaned full sockets; past it a close() resets the connection
//   (tcp_check_oom, TCPAbortOnMemory).
// - A connection in TIME-WAIT that no application holds is swapped for its minisocket
//   (Connection.toTimeWait, src/core/time-wait-sock.ts) as tcp_time_wait() does: same answers,
//   a fraction of the memory.
import { count } from './counters.js';
import { Connection } from './engine.js';
import type { HostState } from './host-state.js';
import type { Entry, EntryClass } from './sockets.js';
import { TimeWaitEntry } from './time-wait-entry.js';

const TCP_TIMEWAIT_LEN_MS = 60_000;

/** Which limit an entry counts against now. */
function classify(h: HostState, e: Entry): EntryClass {
  if (e.freed) return 'none';
  if (e.phase === 'request') return 'request';
  if (e.state === 'TIME-WAIT') return 'tw';
  if (e.phase === 'orphan') {
    if (e.state === 'CLOSED') return 'none';
    if (e.state === 'FIN-WAIT-2' && finTimeMs(h, e) <= TCP_TIMEWAIT_LEN_MS) return 'tw';
    return 'orphan';
  }
  return 'full';
}

/** tcp_fin_time(): TCP_LINGER2 if set, else tcp_fin_timeout. */
function finTimeMs(h: HostState, e: Entry): number {
  const l2 = e.conn.options.linger2;
  const s = l2 !== undefined && l2 > 0 ? l2 : h.config.tcp_fin_timeout;
  return s * 1000;
}

/** Re-count an entry after its state or owner changed. */
export function reclass(h: HostState, e: Entry): void {
  const to = classify(h, e);
  if (to === e.cls) return;
  h.classCount[e.cls]--;
  h.classCount[to]++;
  e.cls = to;
}

/**
 * After a state change: true when the entry has just become TIME-WAIT (or a short FIN-WAIT-2
 * orphan) past tcp_max_tw_buckets — inet_twsk_alloc() failed, so tcp_time_wait() destroys the
 * socket instead (tcp_done). The caller frees it.
 */
export function timeWaitOverflow(h: HostState, e: Entry, wasTw: boolean): boolean {
  if (wasTw || e.cls !== 'tw' || h.classCount.tw <= h.config.tcp_max_tw_buckets) return false;
  count(h, 'TcpExt:TCPTimeWaitOverflow');
  return true;
}

/** After close(): tcp_check_oom() → tcp_too_many_orphans(): true when this newest orphan must be reset. */
export function tooManyOrphans(h: HostState, e: Entry): boolean {
  if (e.freed || e.cls !== 'orphan' || h.classCount.orphan <= h.config.tcp_max_orphans) return false;
  count(h, 'TcpExt:TCPAbortOnMemory');
  return true;
}

/**
 * tcp_time_wait(): no application holds the connection any more, so only TIME-WAIT's rules remain —
 * the full connection gives way to its minisocket (time-wait-entry.ts), which takes the entry's
 * place in every table (inet_twsk_hashdance: the established hash, the bind bucket) and its timer.
 * Returns the new entry when it was swapped; the old one is left freed and in no table.
 */
export function toMinisocket(h: HostState, e: Entry): TimeWaitEntry | undefined {
  const c = e.conn;
  if (!h.minisockets || e.sock !== undefined || e.phase !== 'orphan' || !(c instanceof Connection) || c.state !== 'TIME-WAIT') return undefined;
  const init = c.timeWaitInit(h);
  if (!init) return undefined;
  const tw = new TimeWaitEntry(init, e);
  h.conns.set(e.key, tw);
  h.ports.replace(e, tw);
  h.heap.replace(e, tw);
  for (const [fd, w] of h.lingerWaits) if (w === e) h.lingerWaits.set(fd, tw);
  // The class count moves with the entry (still 'tw'); the old record is inert from now on.
  e.freed = true;
  e.cls = 'none';
  return tw;
}
