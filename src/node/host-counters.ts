// The kernel's counters beside a socket listing: /proc/net/snmp and /proc/net/netstat (Tcp: and
// TcpExt: counters), /proc/net/sockstat (sockets in use, orphans, TIME-WAIT buckets) and the
// uptime, read through the same parsers as a capture of those files (src/formats). Shared by every
// live read: the snapshot (live-snapshot.ts) and the exporter's read from columns.
import type { HostSnapshot, ParseProblem } from '../model/snapshot.js';
import { parseProcCounters } from '../formats/proc-counters.js';
import { parseSockstat } from '../formats/sockstat.js';
import type { ProcFiles } from './proc-files.js';

export interface HostCounters {
  counters: Record<string, number>;
  sockstat?: HostSnapshot['sockstat'];
  /** Milliseconds since boot, where /proc/uptime could be read. */
  uptimeMs?: number;
}

/** Reads the counter files through `files` (named after `origin` in problems, which go to `problems`). */
export async function readHostCounters(files: Pick<ProcFiles, 'read'>, origin: string, problems: ParseProblem[]): Promise<HostCounters> {
  const counters: Record<string, number> = {};
  for (const rel of ['net/snmp', 'net/netstat']) {
    const b = await files.read(rel);
    if (b === undefined) continue;
    const part = parseProcCounters(`${origin}/${rel}`, b.toString('latin1'));
    Object.assign(counters, part.counters);
    for (const p of part.problems) problems.push(p);
  }
  const out: HostCounters = { counters };
  const sockstatText = await files.read('net/sockstat');
  const sockstatPart = sockstatText ? parseSockstat(`${origin}/net/sockstat`, sockstatText.toString('latin1')) : undefined;
  if (sockstatPart) {
    Object.assign(counters, sockstatPart.counters);
    for (const p of sockstatPart.problems) problems.push(p);
    if (sockstatPart.sockstat) out.sockstat = sockstatPart.sockstat;
  }
  const uptime = await files.read('uptime');
  const uptimeS = uptime ? Number(uptime.toString('latin1').split(' ')[0]) : NaN;
  if (Number.isFinite(uptimeS) && uptimeS >= 0) out.uptimeMs = Math.round(uptimeS * 1000);
  return out;
}
