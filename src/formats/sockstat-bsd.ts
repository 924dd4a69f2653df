// READ THIS FIRST — FreeBSD/DragonFly `sockstat` (-4 -6 -c -l -s -q) (sockstat(1)): who holds
// which socket — the process attribution BSD netstat lacks.
//
// Rules this parser keeps:
// - Columns: USER COMMAND PID FD PROTO LOCAL-ADDRESS FOREIGN-ADDRESS [state columns with -s].
//   Addresses are `host:port`, `*:22`, `*:*` (split on the last colon). Only tcp rows are read.
// - With -s the TCP state is printed and the row becomes a socket. Without it the state is not in the
//   text: the row only names the owner of a 4-tuple, and merge.ts attaches it to the socket another
//   source (netstat -an) lists. Nothing is guessed: sockstat also omits most non-LISTEN/SYN_SENT/
//   ESTABLISHED sockets (sockstat(1)).
// - `?` in USER/COMMAND/PID marks a socket no process holds (newer FreeBSD lists those too).
// - One socket may be listed by several processes (fork): one owner entry per row.
import type { ProcessRef, SocketRecord } from '../model/snapshot.js';
import { stateFromWord } from '../model/states.js';
import { parseEndpoint } from './address.js';
import { badRow, readPaste } from './text.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';

const HEADER = /^USER\s+COMMAND\s+PID\s+FD\s+PROTO\s+LOCAL ADDRESS\s+FOREIGN ADDRESS/;
const ID = /^(\d+|\?)$/;
const MAX_WORDS = 64;
/** PROTO's words as a set: a long line of words is tried word by word, a lookup each. */
const PROTO_WORDS = new Set(['tcp4', 'tcp6', 'tcp46', 'tcp', 'udp4', 'udp6', 'udp46', 'udp', 'sctp4', 'sctp6', 'stream', 'dgram', 'seqpac']);

interface Row { command: string; pid: string; fd: string; proto: string; local: string; foreign: string; rest: string }

/**
 * One row, read word by word: COMMAND may hold spaces, so the row is anchored on the first PROTO
 * word that follows two PID/FD words. (A single regex with a lazy COMMAND between `\s+` runs
 * backtracks cubically on a long run of spaces.)
 */
export function sockstatRow(line: string): Row | undefined {
  if (/^\s/.test(line)) return undefined; // USER is the first column
  // A row has a dozen words (COMMAND may hold a few spaces); a line of hundreds is no row, and is
  // not split further than that.
  const w = line.trim().split(/\s+/, MAX_WORDS + 1);
  if (w.length > MAX_WORDS) return undefined;
  for (let p = 4; p < w.length - 1; p++) {
    if (!PROTO_WORDS.has(w[p]) || !ID.test(w[p - 1]) || !ID.test(w[p - 2])) continue;
    return {
      command: w.slice(1, p - 2).join(' '), pid: w[p - 2], fd: w[p - 1], proto: w[p],
      local: w[p + 1], foreign: w[p + 2] ?? '', rest: w.slice(p + 3).join(' '),
    };
  }
  return undefined;
}

export function parseSockstatBsd(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'sockstat-bsd', source: { kind: 'netstat-bsd', origin: file, os: 'freebsd', format: 'sockstat-bsd' },
    sockets: [], owners: [], problems: [], hasProcesses: true,
  };
  const byTuple = new Map<string, SocketRecord>();
  const heldBy = new Map<string, Set<string>>(); // pid/fd already listed per 4-tuple
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '' || HEADER.test(t)) continue;
    const m = sockstatRow(t);
    if (!m) { part.problems.push(badRow(file, line, last, truncated, msg.notRow('sockstat', 'USER COMMAND PID FD PROTO LOCAL FOREIGN'))); continue; }
    if (!m.proto.startsWith('tcp')) continue;
    const fam = m.proto === 'tcp4' ? 'ipv4' : 'ipv6';
    const local = parseEndpoint(m.local, ':', fam);
    const remote = parseEndpoint(m.foreign || '*:*', ':', local?.family ?? fam);
    if (!local || !remote) {
      part.problems.push(badRow(file, line, last, truncated, msg.badAddress(!local ? m.local : m.foreign, msg.hintNamesOrCut('sockstat -n', 'sockstat -w'))));
      continue;
    }
    const tuple = { localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port };
    const processes: ProcessRef[] = m.pid === '?' || Number(m.pid) <= 0 || !Number.isSafeInteger(Number(m.pid)) ? []
      : [{ pid: Number(m.pid), name: m.command, ...(m.fd !== '?' && Number.isSafeInteger(Number(m.fd)) ? { fd: Number(m.fd) } : {}) }];
    const state = m.rest.split(/\s+/).map((w) => stateFromWord(w)).find((s) => s !== undefined);
    if (!state) {
      if (processes.length) part.owners!.push({ ...tuple, processes, file, line: line.n });
      continue;
    }
    const key = `${tuple.localAddress}|${tuple.localPort}|${tuple.remoteAddress}|${tuple.remotePort}`;
    const have = byTuple.get(key);
    if (have) {
      // Several processes may hold one socket (fork): add each once, in place — a paste that repeats
      // its rows must stay linear and must not list an owner twice.
      const held = (have.processes ??= []);
      const seen = heldBy.get(key) ?? new Set<string>();
      heldBy.set(key, seen);
      for (const p of processes) {
        const id = `${p.pid}/${p.fd ?? ''}`;
        if (!seen.has(id)) { seen.add(id); held.push(p); }
      }
      continue;
    }
    const s: SocketRecord = { state, family: local.family, ...tuple };
    if (processes.length) s.processes = processes;
    heldBy.set(key, new Set(processes.map((p) => `${p.pid}/${p.fd ?? ''}`)));
    byTuple.set(key, s);
    part.sockets!.push(s);
  }
  return part;
}

export const sockstatBsdParser: FormatParser = {
  id: 'sockstat-bsd',
  description: 'FreeBSD sockstat (-46cls): which process holds which socket',
  example: 'sockstat -46s',
  sniff(lines) {
    if (lines.some((l) => HEADER.test(l))) return 0.95;
    const rows = lines.filter((l) => /\s(tcp|udp)(4|6|46)\s/.test(l) && sockstatRow(l) !== undefined).length;
    return rows > 0 && rows >= lines.length * 0.8 ? 0.75 : 0;
  },
  parse: parseSockstatBsd,
};
