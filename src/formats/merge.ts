// READ THIS FIRST — many pasted files taken on one host at one moment -> one HostSnapshot.
//
// Rules this file keeps:
// - Each file's format is recognised by its content (detect.ts); a file in no known format is a
//   problem of the snapshot (and an error when no file at all is readable).
// - Parts of the same format are one source (tcp + tcp6 are two files of one /proc/net/tcp view).
// - The socket list comes from the best socket source: the one that names processes, then the one
//   that sees every state (lsof sees no TIME-WAIT or orphans). The other sources fill what it lacks
//   (pid/name, inode, uid, timer) for the same 4-tuple, and add sockets only they saw.
// - sysctls, counters and sockstat are unions (later files win on a clash); ps/tasklist fill process
//   names for pids that a socket source gave without a name (Windows netstat -o, PowerShell).
// - Owners without states (FreeBSD sockstat) attach to listed sockets only; none is invented.
// - A pasted session is split into sections (session.ts). The same command's listing repeated is a
//   time series: the last is the snapshot, earlier dated ones are `history`, undated ones are set
//   aside with a problem. A `date` line or a capture manifest says when it was taken, over the
//   caller's `takenAt` (a file's mtime).
// - Problems are sorted by file (in the order given) and line.
import type { HostSnapshot, ProcessInfo, SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type { Text } from '../i18n/lang.js';
import { tupleKey } from './address.js';
import { parseAny } from './detect.js';
import { splitSessions } from './session.js';
import { notTextReasonOfString } from './binary.js';
import { note } from './text.js';
import { msg } from './messages.js';
import type { FormatId, ParsedPart, ParseOptions } from './types.js';

/** Thrown when no input is in a known format; `message` is for a person, `exitCode` for the CLI. */
export class UnknownFormatError extends Error {
  readonly exitCode = 2;
  constructor(readonly messages: Text[], readonly files: string[]) {
    super(messages.map((m) => m.en).join('\n'));
    this.name = 'UnknownFormatError';
  }
}

/** How good a socket list each format gives (before process info, which adds 10). */
const SOCKET_RANK: Partial<Record<FormatId, number>> = {
  ss: 5, 'proc-net-tcp': 4, 'netstat-linux': 3, 'netstat-windows': 3, powershell: 3, 'netstat-bsd': 3, lsof: 1,
};

interface Group { format: FormatId; parts: ParsedPart[]; sockets: SocketRecord[]; hasProcesses: boolean }

function fill(into: SocketRecord, from: SocketRecord): void {
  if (into.id === undefined && from.id !== undefined) into.id = from.id;
  if (!into.processes?.length && from.processes?.length) into.processes = from.processes.map((p) => ({ ...p }));
  if (into.inode === undefined && from.inode !== undefined) into.inode = from.inode;
  if (into.uid === undefined && from.uid !== undefined) into.uid = from.uid;
  if (!into.timer && from.timer) into.timer = { ...from.timer };
  if (into.recvQ === undefined && from.recvQ !== undefined) into.recvQ = from.recvQ;
  if (into.sendQ === undefined && from.sendQ !== undefined) into.sendQ = from.sendQ;
  if (into.ageMs === undefined && from.ageMs !== undefined) into.ageMs = from.ageMs;
  if (from.extra) into.extra = { ...from.extra, ...into.extra };
}

function mergeSockets(groups: Group[]): SocketRecord[] {
  const withSockets = groups.filter((g) => g.sockets.length > 0);
  if (withSockets.length === 0) return [];
  if (withSockets.length === 1) return withSockets[0].sockets;
  const score = (g: Group): number => (SOCKET_RANK[g.format] ?? 0) + (g.hasProcesses ? 10 : 0);
  withSockets.sort((a, b) => score(b) - score(a) || b.sockets.length - a.sockets.length);
  const out: SocketRecord[] = [];
  const byKey = new Map<string, SocketRecord>();
  for (const g of withSockets) {
    for (const s of g.sockets) {
      const k = tupleKey(s);
      const have = byKey.get(k);
      if (have) fill(have, s);
      else {
        // The parts were parsed for this snapshot alone: their records are taken over, not copied.
        byKey.set(k, s);
        out.push(s);
      }
    }
  }
  return out;
}

/** One group per format; sockets within a group deduplicated by 4-tuple (first wins). */
function groupParts(parts: ParsedPart[]): Group[] {
  const groups = new Map<FormatId, Group>();
  for (const p of parts) {
    let g = groups.get(p.format);
    if (!g) { g = { format: p.format, parts: [], sockets: [], hasProcesses: false }; groups.set(p.format, g); }
    g.parts.push(p);
    if (p.hasProcesses) g.hasProcesses = true;
    if (g.parts.length === 1) { g.sockets = p.sockets ? [...p.sockets] : []; continue; }
    const seen = new Set(g.sockets.map(tupleKey));
    for (const s of p.sockets ?? []) {
      const k = tupleKey(s);
      if (!seen.has(k)) { seen.add(k); g.sockets.push(s); }
    }
  }
  return [...groups.values()];
}

/**
 * A socket listing's source says how many of its rows were read and how many lines could not be:
 * the CLI calls a read partial from these (a third or more unread) and says so wherever it counts.
 */
function sourceWithRows(p: ParsedPart): HostSnapshot['sources'][number] {
  if (p.sockets === undefined || SOCKET_RANK[p.format] === undefined) return p.source;
  return { ...p.source, rows: { read: p.sockets.length, unread: p.problems.filter((x) => x.line > 0).length } };
}

/** Build a snapshot from parts already parsed (it takes over their socket records; pass fresh parts). */
export function snapshotFromParts(parts: ParsedPart[], takenAt: number, extraProblems: HostSnapshot['problems'] = []): HostSnapshot {
  const snap: HostSnapshot = {
    takenAt, sources: parts.map(sourceWithRows), sockets: [], sysctls: {}, counters: {}, processes: [],
    processAttributionComplete: false, problems: [...extraProblems],
  };
  const groups = groupParts(parts);
  snap.sockets = mergeSockets(groups);
  const owners = parts.flatMap((p) => p.owners ?? []);
  if (owners.length) {
    const byKey = new Map(snap.sockets.map((s) => [tupleKey(s), s]));
    const unplaced: typeof owners = [];
    for (const o of owners) {
      const s = byKey.get(tupleKey(o));
      // A socket no listing shows: its state is unknown, so it is not invented.
      if (!s) { unplaced.push(o); continue; }
      const have = s.processes ?? (s.processes = []);
      for (const r of o.processes) if (!have.some((h) => h.pid === r.pid && h.fd === r.fd)) have.push({ ...r });
    }
    if (unplaced.length) {
      snap.problems.push(note(unplaced[0].file, unplaced[0].line, msg.ownersWithoutState(unplaced.length)));
    }
  }
  const procs = new Map<number, ProcessInfo>();
  for (const p of parts) {
    // A capture manifest knows when the folder was really taken: it wins over the caller's guess.
    if (p.takenAt !== undefined) snap.takenAt = p.takenAt;
    if (p.hostname !== undefined && (snap.hostname === undefined || p.format === 'tcplens-manifest')) snap.hostname = p.hostname;
    Object.assign(snap.sysctls, p.sysctls);
    Object.assign(snap.counters, p.counters);
    if (p.sockstat) snap.sockstat = { ...snap.sockstat, ...p.sockstat };
    for (const pr of p.processes ?? []) procs.set(pr.pid, { ...procs.get(pr.pid), ...pr });
    for (const pr of p.problems) snap.problems.push(pr); // a loop: a big paste may hold more than a call takes
  }
  // Problems in reading order: files as given, lines ascending within each.
  const fileOrder = new Map<string, number>();
  for (const p of snap.problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  snap.problems.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line);
  // Processes named by the socket sources but absent from ps.
  for (const s of snap.sockets) {
    for (const r of s.processes ?? []) {
      const known = procs.get(r.pid);
      if (known && !r.name) r.name = known.name;
      else if (!known && r.name && r.pid > 0) procs.set(r.pid, { pid: r.pid, name: r.name });
    }
  }
  snap.processes = [...procs.values()].sort((a, b) => a.pid - b.pid);
  // Get-NetTCPConnection's CreationTime gives the connection's age, when its text
  // carries a zone: `\/Date(ms)\/` (PowerShell 5.1 JSON) or ISO 8601 with an offset (PowerShell 7).
  for (const s of snap.sockets) {
    const created = s.extra?.creationTime;
    if (s.ageMs !== undefined || typeof created !== 'string' || snap.takenAt <= 0) continue;
    const ms = creationMs(created);
    if (ms !== undefined && ms <= snap.takenAt) s.ageMs = snap.takenAt - ms;
  }
  // Complete when some source names processes, none said it could not see them all, and every
  // socket that has a file has an owner: inode > 0 where the inode is known, else every listener
  // (a listener always has a file; TIME-WAIT, orphans and not-yet-accepted children have none).
  const namer = parts.some((p) => p.hasProcesses);
  const partial = parts.some((p) => p.attributionPartial);
  const orphanFile = snap.sockets.some((s) => !s.processes?.length &&
    (s.inode !== undefined ? s.inode > 0 : s.state === 'LISTEN'));
  snap.processAttributionComplete = namer && !partial && !orphanFile;
  return snap;
}

/**
 * Any mix of the supported formats, taken on one host at one moment, into one snapshot. Files in no
 * known format become problems; if none is readable, UnknownFormatError (exit status 2).
 */
export function snapshotFromTexts(files: Array<{ name: string; text: string }>, takenAt: number, options?: ParseOptions): HostSnapshot {
  const parts: ParsedPart[] = [];
  const unknown: Text[] = [];
  const names: string[] = [];
  const problems: HostSnapshot['problems'] = [];
  const history: NonNullable<HostSnapshot['history']> = [];
  let latestStamp: number | undefined;
  for (const f of files) {
    // Bytes that are no text (an archive, a program, random data) are named and go no further:
    // splitting them into sessions and sniffing every format would only waste time.
    const notText = notTextReasonOfString(f.text);
    if (notText) { unknown.push({ en: `${f.name}: ${notText.en}`, zh: `${f.name}：${notText.zh}` }); names.push(f.name); continue; }
    const sections = splitSessions(f.text);
    const fromFile: Array<{ part: ParsedPart; stamp?: number; line: number; command?: string }> = [];
    for (const sec of sections) {
      const r = parseAny(f.name, sec.text, options);
      if (r.ok) {
        const { ok: _ok, ...part } = r;
        shiftLines(part, sec.lineOffset);
        if (sec.hostname && !part.hostname) part.hostname = sec.hostname;
        fromFile.push({ part, stamp: sec.stamp, line: sec.promptLine, command: sec.command?.replace(/\s+/g, ' ') });
      } else if (sections.length > 1 && sec.promptLine > 0) {
        // One unreadable command in a pasted session does not spoil the others.
        problems.push({ ...note(f.name, sec.promptLine, msg.sessionUnknown(sec.command ?? '')), text: sec.command });
      } else { unknown.push(r.message); names.push(f.name); }
    }
    // The same socket listing (same format, same command) repeated in one paste is a time series,
    // not more sockets: the last is now, the earlier ones are history (when a `date` line says when
    // they were taken). Different commands (`ss -tlnp`, then `ss -tanp`) are one moment: merged.
    const seriesKey = (x: (typeof fromFile)[number]): string => `${x.part.format}|${x.command ?? ''}`;
    const lastOf = new Map<string, number>();
    fromFile.forEach((x, i) => { if (SOCKET_RANK[x.part.format] !== undefined) lastOf.set(seriesKey(x), i); });
    const unstamped = new Map<string, number>();
    fromFile.forEach((x, i) => {
      const last = lastOf.get(seriesKey(x));
      if (last === undefined || last === i) {
        parts.push(x.part);
        if (x.stamp !== undefined) latestStamp = Math.max(latestStamp ?? x.stamp, x.stamp);
        return;
      }
      if (x.stamp !== undefined) history.push({ takenAt: x.stamp, stateCounts: countStates({ sockets: x.part.sockets ?? [] }) });
      else unstamped.set(seriesKey(x), (unstamped.get(seriesKey(x)) ?? 0) + 1);
      for (const pr of x.part.problems) problems.push(pr);
    });
    for (const [key, n] of unstamped) {
      const at = fromFile[lastOf.get(key)!];
      problems.push(note(f.name, Math.max(1, at.line), msg.earlierListings(n, at.command ?? at.part.format)));
    }
  }
  if (parts.length === 0) {
    throw new UnknownFormatError(unknown.length ? unknown : [{ en: 'no input files', zh: '没有输入文件' }], names);
  }
  problems.unshift(...unknown.map((m, i) => note(names[i], 1, m)));
  // A `date` printed with the output says when it was taken better than the file's time.
  const snap = snapshotFromParts(parts, latestStamp ?? takenAt, problems);
  if (history.length) {
    snap.history = history.filter((h) => h.takenAt < snap.takenAt).sort((a, b) => a.takenAt - b.takenAt);
    if (snap.history.length === 0) delete snap.history;
  }
  if (files.length > 1) snap.sources.unshift({ kind: 'folder', origin: commonDir(files.map((f) => f.name)) });
  return snap;
}

/** A section's line numbers become the file's. */
function shiftLines(part: ParsedPart, offset: number): void {
  if (offset === 0) return;
  for (const p of part.problems) if (p.line > 0) p.line += offset;
  for (const o of part.owners ?? []) if (o.line > 0) o.line += offset;
}

/** One pasted text (a file or stdin `-`). Throws UnknownFormatError when it is in no known format. */
export function snapshotFromText(name: string, text: string, takenAt = 0, options?: ParseOptions): HostSnapshot {
  return snapshotFromTexts([{ name, text }], takenAt, options);
}

function creationMs(text: string): number | undefined {
  const dotnet = /^\\?\/?Date\((-?\d+)(?:[+-]\d{4})?\)\\?\/?$/.exec(text);
  if (dotnet) return Number(dotnet[1]);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined; // "11/21/2026 9:14:03 AM": local time of an unknown zone and locale
}

function commonDir(names: string[]): string {
  const dirs = names.map((n) => n.split('/').slice(0, -1).join('/'));
  return dirs.every((d) => d === dirs[0]) && dirs[0] ? dirs[0] : '.';
}

/** Sockets per RFC state: what `netstat -n | awk '{++S[$NF]}'` meant to count. */
export function countStates(snap: Pick<HostSnapshot, 'sockets'>): Partial<Record<TcpState, number>> {
  const out: Partial<Record<TcpState, number>> = {};
  for (const s of snap.sockets) out[s.state] = (out[s.state] ?? 0) + 1;
  return out;
}
