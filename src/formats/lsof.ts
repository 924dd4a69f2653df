// READ THIS FIRST — `lsof -i` / `lsof -iTCP -n -P` (Linux, macOS, BSD; see lsof(8)).
//
// Rules this parser keeps:
// - Columns are read from both ends: COMMAND and PID from the left, then from the protocol word
//   (`TCP`) rightwards NAME = `local[->remote] (STATE)`; to its left SIZE/OFF DEVICE TYPE FD USER.
//   The optional TID/TASKCMD columns (Linux threads) thereby never shift anything.
// - One socket may show on several rows (threads, forked processes sharing the fd): rows are merged
//   by PID+FD, and by 4-tuple into one socket with several processes.
// - lsof sees only sockets held open by a process: no TIME-WAIT, no orphans, no request sockets.
// - DEVICE is the socket inode on Linux (decimal); on macOS it is a kernel address (0x...).
// - UDP rows and non-IP rows are skipped quietly.
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord } from '../model/states.js';
import { tupleKey, parseEndpoint } from './address.js';
import { badRow, readPaste } from './text.js';
import { socketValueProblem } from './validate.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart, ParseOptions } from './types.js';

const HEADER = /^COMMAND\s+PID\s+.*\bNAME\s*$/;
const MAX_ROW = 2000;
const PROTOCOLS = new Set(['TCP', 'UDP', 'UDPLITE', 'SCTP']);

interface Row { command: string; pidText: string; cols: string[]; proto: string; name: string; stateWord?: string }

/**
 * `COMMAND PID ... PROTO NAME [(STATE)]` split into words (lsof escapes spaces in every column as
 * `\x20`), read from both ends. Words, not one regex: a regex with a lazy middle and an optional
 * tail backtracks quadratically on a long line that is not a row.
 */
function splitRow(t: string): Row | undefined {
  // No lsof row is this long (an IPv6 NAME with both ends is ~110 characters): such a line is not
  // a row, and splitting it into words would cost what a row never pays for.
  if (t.length > MAX_ROW) return undefined;
  const w = t.trim().split(/\s+/);
  const n = w.length;
  const stated = n >= 2 && /^\(\S+\)$/.test(w[n - 1]);
  const p = stated ? n - 3 : n - 2;
  if (p < 2 || !PROTOCOLS.has(w[p]) || !/^\d+$/.test(w[1]) || /^\s/.test(t)) return undefined;
  return { command: w[0], pidText: w[1], cols: w.slice(2, p), proto: w[p], name: w[p + 1], stateWord: stated ? w[n - 1].slice(1, -1) : undefined };
}

export function parseLsof(file: string, raw: string, options: ParseOptions = {}): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'lsof', source: { kind: 'lsof', origin: file, format: 'lsof' }, sockets: [], problems: [], hasProcesses: true,
  };
  const byTuple = new Map<string, SocketRecord>();
  const seenFd = new Set<string>();
  let macos = false;
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '' || HEADER.test(t)) continue;
    if (/^lsof: WARNING/.test(t)) continue; // "can't stat() fuse..." notes on stderr pasted along
    const m = splitRow(t);
    if (!m) {
      // A protocol-less row (unix sockets, files) is not ours; anything else is a problem.
      if (/^\S+\s+\d+\s/.test(t) && !/\s(IPv4|IPv6)\s/.test(t)) continue;
      part.problems.push(badRow(file, line, last, truncated, msg.notRow('lsof', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME')));
      continue;
    }
    if (m.proto !== 'TCP') continue;
    const { command, pidText, cols, name, stateWord } = m;
    // ... USER FD TYPE DEVICE SIZE/OFF, counted from the right.
    const sizeOff = cols[cols.length - 1];
    const device = cols[cols.length - 2];
    const type = cols[cols.length - 3];
    const fd = cols[cols.length - 4];
    const user = cols[cols.length - 5];
    if (cols.length < 5 || !/^IPv[46]$/.test(type ?? '')) {
      part.problems.push(badRow(file, line, last, truncated, msg.noTypeColumns));
      continue;
    }
    void sizeOff;
    if (!stateWord) {
      part.problems.push(badRow(file, line, last, truncated, msg.noLsofState));
      continue;
    }
    const state = stateFromWord(stateWord);
    if (!state) { part.problems.push(badRow(file, line, last, truncated, msg.unknownState(stateWord))); continue; }
    const fam = type === 'IPv6' ? 'ipv6' : 'ipv4';
    const [l, r] = name.split('->');
    const names = { names: true, services: options.services };
    const local = parseEndpoint(l, ':', fam, names);
    const remote = r === undefined ? parseEndpoint(fam === 'ipv6' ? '[::]:*' : '0.0.0.0:*') : parseEndpoint(r, ':', fam, names);
    if (!local || !remote) {
      part.problems.push(badRow(file, line, last, truncated, msg.badAddress(name, msg.hintNamesOrCut('lsof -n -P'))));
      continue;
    }
    const pid = Number(pidText);
    // FD is the number and its mode (`6u`, `12w`); `cwd`, `txt`, `mem` are no socket's.
    const fdm = /^(-?\d+)\D*$/.exec(fd);
    const fdKey = `${pid}/${fd}`;
    if (seenFd.has(fdKey)) continue; // the same fd listed once per thread
    const s: SocketRecord = {
      state, family: local.family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
    };
    if (local.service !== undefined) s.localService = local.service;
    if (remote.service !== undefined) s.remoteService = remote.service;
    if (/^\d+$/.test(device)) s.inode = Number(device);
    const ref = { pid, name: command.replace(/\\x20/g, ' '), ...(fdm ? { fd: Number(fdm[1]) } : {}) };
    s.processes = [ref];
    if (user && !/^-?\d+$/.test(user)) (s.extra ??= {}).user = user;
    else if (user) s.uid = Number(user);
    // A pid 0, a negative fd or uid, 20 digits: no lsof prints it, so the row is an error.
    const bad = socketValueProblem(s);
    if (bad) { part.problems.push(badRow(file, line, last, truncated, bad)); continue; }
    seenFd.add(fdKey);
    if (/^0x/.test(device)) macos = true;
    const k = tupleKey(s) + '|' + (s.inode ?? '');
    const have = byTuple.get(k);
    if (have) { have.processes!.push(ref); continue; }
    byTuple.set(k, s);
    part.sockets!.push(s);
  }
  if (macos) part.source.os = 'macos';
  return part;
}

export const lsofParser: FormatParser = {
  id: 'lsof',
  description: 'lsof -i / lsof -iTCP -n -P',
  example: 'lsof -iTCP -n -P',
  sniff(lines) {
    if (lines.some((l) => HEADER.test(l))) return 0.95;
    const rows = lines.filter((l) => { const r = splitRow(l); return r?.proto === 'TCP' && r.cols.some((c) => c === 'IPv4' || c === 'IPv6'); }).length;
    return rows > 0 && rows >= lines.length * 0.6 ? 0.75 : 0;
  },
  parse: parseLsof,
};
