// The exporter's counts read straight from the dump's columns (packed-read.ts), in one pass and
// without an object per socket: the same numbers, in the same shapes, as stateCounts and the
// breakdowns of diagnose/state-breakdown.ts give for the snapshot of that dump (the tests compare
// the two on one dump). Grouping keys are numbers (port, pid, an IPv4 address word with the port);
// text is made once per group, not per socket.
import { LINUX_STATE_CODES, type TcpState } from '../../model/states.js';
import { zeroCounts } from '../../diagnose/state-counts.js';
import { portRange } from '../../diagnose/facts.js';
import { cap, type CappedCounts, type DestinationUse, type ListenQueue, type ProcessKey, type StateGroupCounts } from '../../diagnose/state-breakdown.js';
import type { PackedRead } from './packed-read.js';

const CODE_LISTEN = 10;
const CODE_CLOSED = 7;
/** Kernel state codes run 1..12. */
const CODES = 13;

export interface PackedCountsWanted { port: boolean; process: boolean; destination: boolean; top: number }

export interface PackedCounts {
  states: Record<TcpState, number>;
  byPort?: CappedCounts<number>;
  byProcess?: CappedCounts<ProcessKey>;
  queues?: ListenQueue[];
  use: { range: { lo: number; hi: number; size: number }; top: DestinationUse[]; foldedGroups: number; foldedSockets: number };
  /** Each row's first owner's pid, -1 when none (with `process`): the age histograms' groups. */
  ownerPid?: Int32Array;
}

function toRecord(byCode: Float64Array): { counts: Record<TcpState, number>; total: number } {
  const counts = zeroCounts();
  let total = 0;
  for (let c = 1; c < CODES; c++) {
    const n = byCode[c];
    if (n === 0) continue;
    const st = LINUX_STATE_CODES[c];
    if (st === undefined) continue;
    counts[st] += n;
    total += n;
  }
  return { counts, total };
}

export function packedCounts(read: PackedRead, want: PackedCountsWanted): PackedCounts {
  const p = read.sockets;
  const n = p.length;
  const host = read.host;
  const byCode = new Float64Array(256);
  const listening = new Uint8Array(65536);
  for (let i = 0; i < n; i++) {
    const code = p.stateCode(i);
    byCode[code]++;
    if (code === CODE_LISTEN) listening[p.localPort(i)] = 1;
  }
  const states = zeroCounts();
  for (let c = 0; c < 256; c++) { const st = LINUX_STATE_CODES[c]; if (st !== undefined) states[st] += byCode[c]; }
  const out: PackedCounts = { states, use: { range: portRange(host), top: [], foldedGroups: 0, foldedSockets: 0 } };

  const range = out.use.range;
  const ports = want.port ? new Map<number, Float64Array>() : undefined;
  const pids = want.process ? new Map<number, Float64Array>() : undefined;
  /** A process's command name as its first socket's owner reference gives it (ownerOf). */
  const refNames = new Map<number, string | undefined>();
  const unowned = new Float64Array(CODES);
  let unownedSeen = false;
  const ownerPid = want.process ? new Int32Array(n).fill(-1) : undefined;
  // Destinations: IPv4 rows by (address word, port) as one number; IPv6 rows by their text, which
  // for an IPv4-mapped address is the IPv4 text (merged with the numeric groups at the end).
  const v4Dest = want.destination ? new Map<number, { row: number; used: number }>() : undefined;
  const v6Dest = want.destination ? new Map<string, DestinationUse>() : undefined;
  const owners = read.owners;
  let lastPort = -1, lastPortCounts: Float64Array | undefined;
  let lastPid = -1, lastPidCounts: Float64Array | undefined;
  let lastDest = -1, lastDestEntry: { row: number; used: number } | undefined;
  for (let i = 0; i < n; i++) {
    const code = p.stateCode(i);
    if (code >= CODES || LINUX_STATE_CODES[code] === undefined) continue;
    const lport = p.localPort(i);
    if (ports && listening[lport] === 1) {
      let c: Float64Array | undefined;
      if (lport === lastPort) c = lastPortCounts;
      else {
        c = ports.get(lport);
        if (!c) { c = new Float64Array(CODES); ports.set(lport, c); }
        lastPort = lport; lastPortCounts = c;
      }
      c![code]++;
    }
    if (pids) {
      const inode = p.inode(i);
      const refs = inode === 0 ? undefined : owners.get(inode);
      if (refs !== undefined && refs.length > 0) {
        const o = refs[0];
        const pid = o.pid;
        let c: Float64Array | undefined;
        if (pid === lastPid) c = lastPidCounts;
        else {
          c = pids.get(pid);
          if (!c) { c = new Float64Array(CODES); pids.set(pid, c); refNames.set(pid, o.name); }
          lastPid = pid; lastPidCounts = c;
        }
        c![code]++;
        ownerPid![i] = pid;
      } else { unowned[code]++; unownedSeen = true; }
    }
    if (v4Dest && code !== CODE_LISTEN && code !== CODE_CLOSED && listening[lport] === 0 && lport >= range.lo && lport <= range.hi) {
      const rport = p.remotePort(i);
      if (p.isV6(i)) {
        const address = p.remoteAddress(i);
        const id = `${address}|${rport}`;
        const d = v6Dest!.get(id);
        if (d) d.used++; else v6Dest!.set(id, { address, port: rport, used: 1 });
      } else {
        const key = p.remoteV4(i) * 65536 + rport;
        if (key === lastDest) lastDestEntry!.used++;
        else {
          let d = v4Dest.get(key);
          if (d) d.used++; else { d = { row: i, used: 1 }; v4Dest.set(key, d); }
          lastDest = key; lastDestEntry = d;
        }
      }
    }
  }

  if (ports) {
    const groups = new Map<string, StateGroupCounts<number>>();
    for (const [port, c] of ports) groups.set(String(port), { key: port, ...toRecord(c) });
    out.byPort = cap(groups, want.top);
    out.queues = [];
    for (let i = 0; i < n; i++) {
      if (p.stateCode(i) !== CODE_LISTEN) continue;
      // netlink gives every listener's limit (sk_max_ack_backlog), as `ss -ltn`'s Send-Q.
      out.queues.push({ address: p.localAddress(i), port: p.localPort(i), queued: p.recvQ(i), limit: p.sendQ(i) });
    }
  }
  if (pids) {
    const groups = new Map<string, StateGroupCounts<ProcessKey>>();
    for (const [pid, c] of pids) groups.set(String(pid), { key: { comm: refNames.get(pid) ?? read.processName(pid) ?? '', pid }, ...toRecord(c) });
    if (unownedSeen) groups.set('-', { key: { comm: '' }, ...toRecord(unowned) });
    out.byProcess = cap(groups, want.top);
    out.ownerPid = ownerPid;
  }
  if (v4Dest && v6Dest) {
    for (const d of v4Dest.values()) {
      const address = p.remoteAddress(d.row), port = p.remotePort(d.row);
      const id = `${address}|${port}`;
      const e = v6Dest.get(id);
      if (e) e.used += d.used; else v6Dest.set(id, { address, port, used: d.used });
    }
    const all = [...v6Dest.entries()].sort((a, b) => b[1].used - a[1].used || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
    const kept = all.slice(0, Math.max(0, want.top));
    const rest = all.slice(kept.length);
    out.use = { range, top: kept, foldedGroups: rest.length, foldedSockets: rest.reduce((s, d) => s + d.used, 0) };
  }
  return out;
}
