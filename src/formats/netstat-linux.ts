// READ THIS FIRST — net-tools `netstat -ant` with any of -p -o -e -W, in any locale (net-tools netstat(8)).
//
// Rules this parser keeps:
// - Rows start with `tcp` or `tcp6` (udp/raw rows are skipped quietly; the UNIX-socket section ends
//   the TCP part). Header and title lines are translated by gettext, so they are recognised by their
//   shape (`Recv-Q`), never by their words.
// - The state word is translated too (cs `POSLEDNÍ ACK` holds a space): it goes through
//   `stateFromWord` (model/states.ts SPELLINGS) one word, then two words. An unknown word on a row
//   whose peer is a wildcard is a listener.
// - After the state come, each optional: `User Inode` (-e), `PID/Program name` (-p; the name may
//   hold spaces; `-` when not permitted), `Timer` (-o: `keepalive (7171.45/0/0)` = seconds left /
//   retransmits / probes).
// - LISTEN: Recv-Q is the accept queue; Send-Q is always 0 (ecki/net-tools#24), so it is not kept.
// - A figure netstat never prints (pid 0, a negative uid, an inode that is not a number, 20-digit
//   queues) makes its row an error on its line, never a socket (values.ts, validate.ts).
// - Non-root netstat says "(Not all processes could be identified ...)": attribution is partial.
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord, type TcpState } from '../model/states.js';
import { parseEndpoint } from './address.js';
import { TIMER_WORDS } from '../model/timers.js';
import { badRow, problem, readPaste } from './text.js';
import { outOfRange, wholeNumber } from './values.js';
import { socketValueProblem, U32_MAX } from './validate.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart, ParseOptions } from './types.js';

const ROW = /^(tcp6?|udp6?|raw6?|udpl6?)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/;
const MAX_ROW = 2000;
const TIMER = /^(\S+)\s+\((\d+(?:\.\d+)?)\/(\d+)\/(\d+)\)\s*$/;
const WILDCARD_PEER = /^(0\.0\.0\.0:\*|:::\*|\[::\]:\*|\*:\*|0\.0\.0\.0:0|\[::\]:0)$/;

/**
 * Where `word (a/b/c)` (-o's Timer column) starts at the end of a row, or -1: found from the last
 * `(` rather than by an unanchored regex, which a long line would make quadratic.
 */
function timerStart(rest: string): number {
  const end = rest.trimEnd();
  if (!end.endsWith(')')) return -1;
  const open = end.lastIndexOf('(');
  if (open <= 0) return -1;
  let i = open - 1;
  while (i >= 0 && (rest[i] === ' ' || rest[i] === '\t')) i--;
  while (i >= 0 && rest[i] !== ' ' && rest[i] !== '\t') i--;
  return i + 1;
}

/** State from the first one or two words of `rest`; returns how many words it used. */
export function leadingState(words: readonly string[]): { state: TcpState; used: number } | undefined {
  const one = words[0] !== undefined ? stateFromWord(words[0]) : undefined;
  if (one) return { state: one, used: 1 };
  if (words.length >= 2) {
    const two = stateFromWord(words[0] + words[1]);
    if (two) return { state: two, used: 2 };
  }
  return undefined;
}

export function parseNetstatLinux(file: string, raw: string, options: ParseOptions = {}): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'netstat-linux', source: { kind: 'netstat-linux', origin: file, os: 'linux', format: 'netstat-linux' },
    sockets: [], problems: [],
  };
  let header = '';
  let sawRows = false;
  let inUnix = false;
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '') continue;
    if (/Recv-Q/.test(t) && /Send-Q/.test(t)) { header = t; continue; }
    if (/^\(.*\)$/.test(t.trim()) || /you would have to be root|non-owned process info/i.test(t)) {
      part.attributionPartial = true;
      continue;
    }
    // No netstat row is this long (-W addresses are at most 45+6 characters, the program 20): such a
    // line is not a row, and splitting it into words would cost what the row never pays for.
    const m = t.length <= MAX_ROW ? ROW.exec(t) : null;
    if (!m) {
      if (/^unix\s/.test(t) || /UNIX/.test(t)) { inUnix = true; continue; }
      if (inUnix) continue;
      // Titles ("Active Internet connections ...", translated) sit above the header.
      if (!sawRows && !header) continue;
      if (!sawRows && /^\S/.test(t) && !/^\s*tcp/.test(t)) continue;
      part.problems.push(badRow(file, line, last, truncated, msg.notRow('netstat', 'Proto Recv-Q Send-Q Local Foreign State ...')));
      continue;
    }
    inUnix = false;
    sawRows = true;
    if (!m[1].startsWith('tcp')) continue;
    let rest = m[6];
    const names = { names: true, services: options.services };
    const local = parseEndpoint(m[4], ':', m[1] === 'tcp6' ? 'ipv6' : 'ipv4', names);
    const peer = parseEndpoint(m[5], ':', local?.family ?? 'ipv4', names);
    if (!local || !peer) {
      part.problems.push(badRow(file, line, last, truncated, msg.badAddress(!local ? m[4] : m[5], msg.hintNamesOrCut('netstat -n', 'netstat -W'))));
      continue;
    }
    const s: SocketRecord = {
      state: 'CLOSED', family: local.family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: peer.address, remotePort: peer.port,
      recvQ: Number(m[2]),
    };
    if (local.service !== undefined) s.localService = local.service;
    if (peer.service !== undefined) s.remoteService = peer.service;
    const at = timerStart(rest);
    const tm = at >= 0 ? TIMER.exec(rest.slice(at)) : null;
    if (tm && (TIMER_WORDS[tm[1]] !== undefined || /^unkn-/.test(tm[1]))) {
      const kind = TIMER_WORDS[tm[1]];
      if (kind) s.timer = { kind, remainingMs: Math.round(Number(tm[2]) * 1000), retransmits: Number(tm[3]) };
      else (s.extra ??= {}).timer = tm[0].trim();
      rest = rest.slice(0, at);
    }
    const words = rest.trim().split(/\s+/).filter((w) => w !== '');
    const st = leadingState(words);
    if (!st) {
      if (words.length && WILDCARD_PEER.test(m[5])) {
        s.state = 'LISTEN';
        words.shift();
      } else {
        part.problems.push(badRow(file, line, last, truncated, msg.unknownState(words[0] ?? '')));
        continue;
      }
    } else {
      s.state = st.state;
      words.splice(0, st.used);
    }
    if (s.state !== 'LISTEN') s.sendQ = Number(m[3]);
    // -e: User Inode come before PID/Program name.
    const hasE = /Inode/i.test(header) || (words.length >= 2 && /^\d+$/.test(words[1]) && (words.length === 2 || /^(\d+\/|-$)/.test(words[2])));
    if (hasE) {
      const user = words.shift();
      const inode = words.shift();
      // -e prints the user's name, or its number with -n; an inode is a plain count (%lu).
      const ino = inode === undefined ? undefined : wholeNumber(inode);
      const uid = user !== undefined && /^-?\d+$/.test(user) ? wholeNumber(user, 0, U32_MAX) : undefined;
      if (ino === undefined || (uid === undefined && /^-?\d+$/.test(user ?? ''))) {
        const why = ino === undefined ? (inode === undefined ? msg.missingField('Inode') : outOfRange('Inode', inode, '0 or more'))
          : outOfRange('User', user!, '0 to 4294967295');
        part.problems.push(badRow(file, line, last, truncated, why));
        continue;
      }
      if (uid !== undefined) s.uid = uid;
      else (s.extra ??= {}).user = user!;
      s.inode = ino;
    }
    if (words.length) {
      const prog = words.join(' ');
      const pm = /^(-?\d+)\/(.*)$/.exec(prog);
      if (pm) {
        const pid = wholeNumber(pm[1], 1, U32_MAX);
        if (pid === undefined) { part.problems.push(badRow(file, line, last, truncated, outOfRange('PID', pm[1], '1 or more'))); continue; }
        s.processes = [{ pid, name: pm[2].trim() || undefined }];
        part.hasProcesses = true;
      } else if (prog === '-') {
        part.hasProcesses = true;
      } else {
        part.problems.push(problem(file, line, msg.badProgram(prog)));
      }
    }
    // Queues of 20 digits, a timer of 1e+21 s: no netstat prints them, so the row is an error.
    const bad = socketValueProblem(s);
    if (bad) { part.problems.push(badRow(file, line, last, truncated, bad)); continue; }
    part.sockets!.push(s);
  }
  if (/PID\//.test(header)) part.hasProcesses = true;
  return part;
}

export const netstatLinuxParser: FormatParser = {
  id: 'netstat-linux',
  description: 'net-tools netstat -ant, with any of -p -o -e -W, any locale',
  example: 'netstat -antp',
  sniff(lines) {
    let rows = 0;
    // Word by word: a regex of `\S+:\S+` pairs is quadratic on a long token full of colons.
    for (const l of lines) {
      if (!/^tcp6?\s/.test(l)) continue;
      const w = l.slice(0, 600).split(/\s+/, 5);
      if (w.length === 5 && /^\d+$/.test(w[1]) && /^\d+$/.test(w[2]) && w[3].includes(':') && w[4].includes(':')) rows++;
    }
    if (rows === 0) return 0;
    return lines.some((l) => /Recv-Q/.test(l)) ? 0.9 : 0.7;
  },
  parse: parseNetstatLinux,
};
