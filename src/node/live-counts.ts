// `tcplens states` on a live host: sockets per state without a snapshot, no records, no process
// walk — the hot path the benchmark compares with `ss -tan | awk`. Kept apart from
// live-snapshot.ts so a count loads only this, the namespace files and the netlink addon: the
// text parsers are loaded only when /proc must be read instead (no addon, a /proc tree).
import { LINUX_STATE_CODES, type TcpState } from '../model/states.js';
import { netnsFile, netnsProcFiles, type NetnsOptions } from './netns.js';
import { dirProcFiles, streamFile, type ProcFiles } from './proc-files.js';
import { nativeTallyStates } from './native/sock-diag.js';

/** Where a live read looks (a subset of live-snapshot.ts's LiveOptions, which documents each). */
export interface CountOptions {
  procRoot?: string;
  netns?: string;
  netnsMembers?: NetnsOptions['members'];
  netnsNetlink?: boolean;
}

/** The /proc files of the source: a /proc tree (default /proc) or another namespace's view. */
export async function procFilesFor(opts: Pick<CountOptions, 'procRoot' | 'netns' | 'netnsMembers'>): Promise<ProcFiles> {
  const root = opts.procRoot ?? '/proc';
  return opts.netns !== undefined
    ? netnsProcFiles(opts.netns, { hostRoot: root, ...(opts.netnsMembers ? { members: opts.netnsMembers } : {}) })
    : dirProcFiles(root);
}

/** Counts per state straight from the kernel: netlink's per-state tally, else /proc's bytes. */
export async function readLiveStateCounts(opts: CountOptions = {}): Promise<Partial<Record<TcpState, number>>> {
  const byCode = new Float64Array(256);
  // The namespace's name is checked (and a missing one refused) before netlink is tried.
  const files = await procFilesFor(opts);
  const target = nativeTarget(opts);
  if (target && nativeTallyStates(byCode, target.netnsPath)) return countsOfCodes(byCode);
  const { tallyStateCodes } = await import('../formats/proc-net-tcp.js');
  for (const [rel, family] of [['net/tcp', 'ipv4'], ['net/tcp6', 'ipv6']] as const) {
    const p = files.path?.(rel);
    if (p !== undefined && streamFile(p, (buf, len) => tallyStateCodes(buf, len, family, byCode))) continue;
    const b = await files.read(rel);
    if (b) tallyStateCodes(b, b.length, family, byCode);
  }
  return countsOfCodes(byCode);
}

/** A per-code tally as per-state counts (the codes /proc never shows are left out). */
function countsOfCodes(byCode: Float64Array): Partial<Record<TcpState, number>> {
  const counts: Partial<Record<TcpState, number>> = {};
  for (let code = 0; code < byCode.length; code++) {
    const s = byCode[code] === 0 ? undefined : LINUX_STATE_CODES[code];
    if (s !== undefined) counts[s] = (counts[s] ?? 0) + byCode[code];
  }
  return counts;
}

/**
 * Where netlink can answer: our own namespace (`{}`), another one through its file, or nowhere
 * (undefined) for a /proc tree, which may be a capture or another host's.
 */
export function nativeTarget(opts: Pick<CountOptions, 'procRoot' | 'netns' | 'netnsNetlink'>): { netnsPath?: string } | undefined {
  if (opts.procRoot !== undefined) return undefined;
  if (opts.netns === undefined) return {};
  // Another namespace through netlink lists the same sockets as its /proc (the owners are the same:
  // they come from the same /proc/PID/fd walk) but adds tcp_info, which the callers' findings
  // and tests were written without: opt-in.
  return opts.netnsNetlink === true ? { netnsPath: netnsFile(opts.netns) } : undefined;
}
