// READ THIS FIRST — Windows `netstat -an` / `-ano` / `-anob` / `-anoq`, any language (netstat.exe).
//
// Rules this parser keeps:
// - Rows are indented and start with TCP or UDP; everything above the first row (blank line, the
//   translated title `Active Connections` / `活动连接` / `Aktive Verbindungen`, the header) is skipped.
// - States go through model/states.ts SPELLINGS (German ABHÖREN, HERGESTELLT, WARTEND ...). Output
//   is in the console OEM code page: German `Ö` arrives as byte 0x99 and reaches us as U+0099, U+FFFD
//   or `™` depending on who decoded it, so an unknown word is retried with such bytes removed
//   (`ABHREN`). A still-unknown word on a `0.0.0.0:0` / `[::]:0` peer is LISTENING.
// - The last column is the PID with -o. PID 0 is "System Idle Process": TIME-WAIT rows carry it, and
//   it owns nothing, so it is not attached as a process.
// - -b prints the component and `[exe]` on the lines after a row; the bracketed name is the process.
// - UDP rows have no state; they are skipped quietly.
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord, type TcpState } from '../model/states.js';
import { parseEndpoint } from './address.js';
import { badRow, readPaste } from './text.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';

// Indented by two spaces; `findstr` keeps that, some copy-pastes lose it. `[\s\S]*`, not `.*`: a
// line may hold U+2028, which `.` does not match, and the failed match would backtrack quadratically.
const ROW = /^\s*(TCP|UDP)\s+(\S+)\s+(\S+)\s*([\s\S]*)$/;

/** `host:port` with something on both sides of a colon (`0.0.0.0:135`, `[::]:0`, `*:*`). */
const hostPort = (w: string | undefined): boolean => w !== undefined && w.length >= 3 && w.slice(1, -1).includes(':');

/** The sniffer's row shape, word by word (a regex with two `\S+:\S+` is quadratic on a long line of colons). */
function rowShape(line: string): boolean {
  const w = line.trim().split(/\s+/, 3);
  return (w[0] === 'TCP' || w[0] === 'UDP') && hostPort(w[1]) && hostPort(w[2]);
}

/**
 * A line that is no row but carries what rows carry (a protocol word first, or a `host:port`): a row
 * damaged in the paste, to be reported. -b continuation lines (` RpcSs`, ` [svchost.exe]`, ` Can not
 * obtain ownership information`) carry neither.
 */
function damagedRow(line: string): boolean {
  return /^\s*(TCP|UDP)/i.test(line) || /\S:(\d+|\*)(\s|$)/.test(line);
}

/** The state word, tolerating OEM-code-page damage. */
export function windowsState(word: string): TcpState | undefined {
  return stateFromWord(word) ?? stateFromWord(word.replace(/[^A-Za-z0-9_\-ÄÖÜäöü]/g, ''));
}

export function parseNetstatWindows(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'netstat-windows', source: { kind: 'netstat-windows', origin: file, os: 'windows', format: 'netstat-windows' },
    sockets: [], problems: [],
  };
  let prev: SocketRecord | undefined;
  let sawRow = false;
  let sinceRow = 0; // non-blank lines since the last row: -b prints at most two under each
  const notRow = (line: typeof lines[number]): void => {
    part.problems.push(badRow(file, line, last, truncated, msg.notRow('netstat', 'Proto Local Foreign State PID')));
  };
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '') continue;
    const m = ROW.exec(t);
    if (!m) {
      // Title and header, in whatever language, carry no `host:port`.
      if (!sawRow) { if (damagedRow(t)) notRow(line); continue; }
      sinceRow++;
      // -b continuation: ` [chrome.exe]`, ` RpcSs`, ` Can not obtain ownership information`.
      const exe = /^\s*\[(.+)\]\s*$/.exec(t);
      if (exe && sinceRow <= 2 && prev?.processes?.length) prev.processes[0].name = exe[1];
      else if (exe && sinceRow <= 2 && prev) (prev.extra ??= {}).exe = exe[1];
      else if (sinceRow > 2 || damagedRow(t) || (!/^\s/.test(t) && !prev)) notRow(line);
      continue;
    }
    sawRow = true;
    sinceRow = 0;
    prev = undefined;
    if (m[1] === 'UDP') continue;
    const local = parseEndpoint(m[2], ':', 'ipv4');
    const remote = parseEndpoint(m[3], ':', local?.family ?? 'ipv4');
    if (!local || !remote) {
      part.problems.push(badRow(file, line, last, truncated, msg.badAddress(!local ? m[2] : m[3])));
      continue;
    }
    const words = m[4].trim().split(/\s+/).filter((w) => w !== '');
    let pid: number | undefined;
    if (words.length >= 2 && /^\d+$/.test(words[words.length - 1])) pid = Number(words.pop());
    const word = words.join('_');
    let state = word ? windowsState(word) : undefined;
    if (!state && /^(0\.0\.0\.0|::)$/.test(remote.address) && remote.port === 0) state = 'LISTEN';
    if (!state) {
      part.problems.push(badRow(file, line, last, truncated, msg.unknownState(word)));
      continue;
    }
    const s: SocketRecord = {
      state, family: local.family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
    };
    if (pid !== undefined) {
      part.hasProcesses = true;
      if (pid > 0) s.processes = [{ pid }];
    }
    part.sockets!.push(s);
    prev = s;
  }
  return part;
}

export const netstatWindowsParser: FormatParser = {
  id: 'netstat-windows',
  description: 'Windows netstat -an / -ano / -anob, any language',
  example: 'netstat -ano',
  sniff(lines) {
    const rows = lines.filter(rowShape).length;
    if (rows === 0) return 0;
    const header = lines.some((l) => /^\s+(Proto|协议|Protokoll)\s/.test(l));
    return header ? 0.95 : 0.8;
  },
  parse: parseNetstatWindows,
};
