// The counter files: /proc/net/netstat and /proc/net/snmp (pairs of `Prefix: names` / `Prefix: values`
// lines, net/ipv4/proc.c `netstat_seq_show`, `snmp_seq_show`) and /proc/net/sockstat
// (`TCP: inuse N orphan N tw N alloc N mem N`, `sockstat_seq_show`). Pure text in, numbers out.
// A pair whose lines disagree in length, or a value that is not a number, is reported, not thrown.
import type { HostSnapshot, ParseProblem } from '../model/snapshot.js';

/**
 * `TcpExt: SyncookiesSent ListenOverflows ...` followed by `TcpExt: 0 12 ...` → `TcpExt:ListenOverflows` → 12.
 * Both files have the same shape; their prefixes do not overlap (Tcp: vs TcpExt:).
 */
export function parseCounterPairs(text: string, file: string, into: Record<string, number> = {}, problems: ParseProblem[] = []): Record<string, number> {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const names = lines[i], values = lines[i + 1];
    const c1 = names.indexOf(':'), c2 = values.indexOf(':');
    if (c1 <= 0 || c2 <= 0) continue;
    const prefix = names.slice(0, c1);
    if (values.slice(0, c2) !== prefix) continue;
    const n = names.slice(c1 + 1).trim().split(/\s+/);
    const v = values.slice(c2 + 1).trim().split(/\s+/);
    i++;
    // Counters are added to the kernel over time, so a line cut short by a racing read keeps what
    // it has; only a non-number is a problem.
    if (n.length !== v.length) {
      problems.push({ file, line: i + 1, message: `${prefix}: ${n.length} names but ${v.length} values` });
    }
    for (let k = 0; k < Math.min(n.length, v.length); k++) {
      const num = Number(v[k]);
      if (v[k] === '' || !Number.isFinite(num)) {
        problems.push({ file, line: i + 1, message: `${prefix}:${n[k]}: not a number '${v[k]}'` });
        continue;
      }
      into[`${prefix}:${n[k]}`] = num;
    }
  }
  return into;
}

/** The `TCP:` line of /proc/net/sockstat. Fields absent from the line stay absent. */
export function parseSockstat(text: string): NonNullable<HostSnapshot['sockstat']> | undefined {
  const line = text.split('\n').find((l) => l.startsWith('TCP:'));
  if (line === undefined) return undefined;
  const out: NonNullable<HostSnapshot['sockstat']> = {};
  const words = line.slice(4).trim().split(/\s+/);
  for (let k = 0; k + 1 < words.length; k += 2) {
    const key = words[k], num = Number(words[k + 1]);
    if (!Number.isFinite(num)) continue;
    if (key === 'inuse' || key === 'orphan' || key === 'tw' || key === 'alloc' || key === 'mem') out[key] = num;
  }
  return out;
}
