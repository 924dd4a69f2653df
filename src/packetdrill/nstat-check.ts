// The `nstat` lines of the Linux selftests, read as checks of the host's MIB counters. packetdrill
// runs them in a shell; tcplens reads the few forms the suites write and answers them from the
// engine's counters (SocketApi.counters()):
//   `nstat -n`, `nstat > /dev/null`       remember the counters now (nstat's history file)
//   `nstat [-s] | grep NAME | grep -q " N "`   the counter NAME grew by exactly N since then
//   `nstat [-s] | grep NAME > /dev/null`        the counter NAME grew at all since then
// nstat (iproute2) prints `TcpExtBeyondWindow  3  0.0`: the /proc/net/netstat group and name run
// together, the increase since the history, and only counters that grew; without -s it then
// updates the history. A counter the engine does not keep cannot be checked, and says so.

export type NstatLine =
  /** Not an nstat command. */
  | { kind: 'other' }
  /** History updated, nothing checked. */
  | { kind: 'reset' }
  | { kind: 'check'; name: string; value?: number; update: boolean }
  | { kind: 'unsupported'; reason: string };

/** One backtick command read as an nstat form above. */
export function readNstat(command: string): NstatLine {
  const parts = command.trim().split('|').map((p) => p.trim());
  const head = parts[0].replace(/\s*>\s*\/dev\/null\s*$/, '').split(/\s+/);
  if (head[0] !== 'nstat') return { kind: 'other' };
  const flags = head.slice(1);
  if (flags.some((f) => !['-n', '-s', '-a', '-z'].includes(f))) return { kind: 'unsupported', reason: `nstat ${flags.join(' ')}: options other than -n, -s` };
  if (flags.includes('-a') || flags.includes('-z')) return { kind: 'unsupported', reason: 'nstat -a / -z (absolute or zero counters)' };
  const update = !flags.includes('-s');
  if (parts.length === 1) return flags.includes('-n') || /\/dev\/null/.test(command) ? { kind: 'reset' } : { kind: 'unsupported', reason: 'nstat output that is not checked' };
  const grep1 = /^grep\s+(?:-q\s+)?([A-Za-z0-9]+)(?:\s*>\s*\/dev\/null)?$/.exec(parts[1]);
  if (!grep1) return { kind: 'unsupported', reason: `nstat filtered by '${parts[1]}'` };
  if (parts.length === 2) return { kind: 'check', name: grep1[1], update };
  const grep2 = /^grep\s+-q\s+(["'])\s(\d+)\s\1$/.exec(parts[2]);
  if (!grep2 || parts.length > 3) return { kind: 'unsupported', reason: `nstat filtered by '${parts.slice(2).join(' | ')}'` };
  return { kind: 'check', name: grep1[1], value: Number(grep2[2]), update };
}

/** `TcpExt:BeyondWindow` as nstat prints it: `TcpExtBeyondWindow`. */
export function nstatName(counter: string): string {
  return counter.replace(':', '');
}
