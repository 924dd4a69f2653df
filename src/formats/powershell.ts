// READ THIS FIRST — PowerShell `Get-NetTCPConnection` in the shapes people paste:
// the default table, `| Format-Table -AutoSize`, `| Format-List`, `| ConvertTo-Csv` and
// `| ConvertTo-Json`.
//
// Rules this parser keeps:
// - Tables are cut by the dashes line under the header (`------------   ---------`): a column's
//   text lies between its dashes' start and the next column's start, so the blank AppliedSetting of
//   a Listen row does not shift the columns after it.
// - State is the enum name (`Established`, `TimeWait`, `Bound`, ...) through SPELLINGS, or in JSON
//   from Windows PowerShell 5.1 its number (model/states.ts WINDOWS_MIB_STATE_CODES).
// - OwningProcess 0 owns nothing (TIME-WAIT). CreationTime, where present, is kept in `extra`.
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord, WINDOWS_MIB_STATE_CODES, type TcpState } from '../model/states.js';
import { canonicalHost } from './address.js';
import { badRow, endsMidLine, lastLineNumber, note, numberedLines, problem, repairText, type Line } from './text.js';
import { msg } from './messages.js';
import type { Text } from '../i18n/lang.js';
import type { FormatParser, ParsedPart } from './types.js';
import { jsonDepth } from './json-depth.js';

type Fields = Record<string, string>;
const REQUIRED = ['LocalAddress', 'LocalPort', 'RemoteAddress', 'RemotePort', 'State'];

/** Numbers only where PowerShell 5.1's ConvertTo-Json writes the enum as one; text shapes print its name. */
function stateOf(v: string, numeric: boolean): TcpState | undefined {
  if (/^\d+$/.test(v)) return numeric ? WINDOWS_MIB_STATE_CODES[Number(v)] : undefined;
  return stateFromWord(v);
}

/** Columns that hold numbers, right-aligned by Format-Table. */
const NUMERIC = /^(LocalPort|RemotePort|OwningProcess)$/;

/** More columns than `Get-NetTCPConnection | Format-Table *` prints. */
const MAX_COLUMNS = 64;

/** ConvertTo-Json nests at most -Depth levels (default 2, at most 100). */
const MAX_JSON_DEPTH = 100;

/** One record (whatever shape it came in) -> socket, or the reason it cannot be one. */
function toSocket(f: Fields, numericState = false): SocketRecord | Text {
  for (const k of REQUIRED) if (f[k] === undefined || f[k] === '') return msg.missingField(k);
  const state = stateOf(f.State, numericState);
  if (!state) return msg.unknownState(f.State);
  const local = canonicalHost(f.LocalAddress, 'ipv6');
  const remote = canonicalHost(f.RemoteAddress, local?.family ?? 'ipv6');
  if (!local || !remote) {
    const bad = !local ? f.LocalAddress : f.RemoteAddress;
    // The default table cuts long IPv6 addresses with `...` (5.1) or `…` (7).
    return /(\.\.\.|…)$/.test(bad) ? msg.cutByTable(bad) : msg.badAddress(bad);
  }
  const lp = port(f.LocalPort); const rp = port(f.RemotePort);
  if (lp === undefined || rp === undefined) return msg.notNumber('LocalPort/RemotePort', `${f.LocalPort}/${f.RemotePort}`);
  const s: SocketRecord = {
    state, family: local.family, localAddress: local.address, localPort: lp, remoteAddress: remote.address, remotePort: rp,
  };
  const pid = f.OwningProcess;
  if (pid !== undefined && /^\d{1,10}$/.test(pid) && Number(pid) > 0) s.processes = [{ pid: Number(pid) }];
  if (f.CreationTime) (s.extra ??= {}).creationTime = f.CreationTime;
  if (f.AppliedSetting) (s.extra ??= {}).appliedSetting = f.AppliedSetting;
  return s;
}

/** A port as Get-NetTCPConnection prints it: a whole number 0..65535, written in digits. */
function port(v: string): number | undefined {
  return /^\d{1,5}$/.test(v) && Number(v) <= 65535 ? Number(v) : undefined;
}

function newPart(file: string): ParsedPart {
  return {
    format: 'powershell', source: { kind: 'powershell', origin: file, os: 'windows', format: 'powershell' },
    sockets: [], problems: [],
  };
}

function add(part: ParsedPart, file: string, line: Line, last: number, truncated: boolean, f: Fields): void {
  const s = toSocket(f);
  if (!('state' in s)) part.problems.push(badRow(file, line, last, truncated, s));
  else {
    part.sockets!.push(s);
    if (f.OwningProcess !== undefined) part.hasProcesses = true;
  }
}

function parseTable(file: string, lines: Line[], truncated: boolean, part: ParsedPart): void {
  const last = lastLineNumber(lines);
  let cols: Array<{ name: string; start: number }> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text;
    if (t.trim() === '') continue;
    if (/^-+(\s+-+)*\s*$/.test(t) && i > 0) {
      const head = lines[i - 1].text;
      cols = [];
      const re = /-+/g;
      // Get-NetTCPConnection has some twenty properties; a rule of hundreds of dashes groups is no header.
      for (let m = re.exec(t); m && cols.length <= MAX_COLUMNS; m = re.exec(t)) cols.push({ name: '', start: m.index });
      if (cols.length > MAX_COLUMNS) { cols = undefined; continue; }
      // The header word for each column: the text under the previous column's end .. this column's dashes.
      for (let c = 0; c < cols.length; c++) {
        const from = c === 0 ? 0 : cols[c].start;
        const to = c + 1 < cols.length ? cols[c + 1].start : head.length;
        cols[c].name = head.slice(from, to).trim();
      }
      continue;
    }
    if (!cols) continue; // banner or header line
    if (i + 1 < lines.length && /^-+(\s+-+)*\s*$/.test(lines[i + 1].text)) continue; // a repeated header
    const f: Fields = {};
    for (let c = 0; c < cols.length; c++) {
      const from = c === 0 ? 0 : cols[c].start;
      const to = c + 1 < cols.length ? cols[c + 1].start : undefined;
      // Right-aligned numbers may start left of their dashes: cut at the previous column's start + its text.
      f[cols[c].name] = t.slice(from, to).trim();
    }
    // A number right-aligned into the space before its dashes lands in the previous cell: move it,
    // into a column of numbers only (a row missing its State must not take a stray digit for one).
    for (let c = 1; c < cols.length; c++) {
      const prevName = cols[c - 1].name;
      if (!NUMERIC.test(cols[c].name)) continue;
      const m = /^(.*\S)\s+(\d+)$/.exec(f[prevName] ?? '');
      if (m && f[cols[c].name] === '' ) { f[prevName] = m[1]; f[cols[c].name] = m[2]; }
    }
    add(part, file, lines[i], last, truncated, f);
  }
  if (!cols) part.problems.push(note(file, 1, msg.noDashes));
}

function parseList(file: string, lines: Line[], truncated: boolean, part: ParsedPart): void {
  const last = lastLineNumber(lines);
  let f: Fields = {}; let first: Line | undefined;
  const flush = (): void => {
    if (first) add(part, file, first, last, truncated, f);
    f = {}; first = undefined;
  };
  for (const line of lines) {
    if (line.text.trim() === '') { flush(); continue; }
    const m = /^(\w+)\s*:\s?(.*)$/.exec(line.text);
    if (!m) { part.problems.push(badRow(file, line, last, truncated, msg.notLine('a "Name : value" line'))); continue; }
    if (f[m[1]] !== undefined) flush();
    first ??= line;
    f[m[1]] = m[2].trim();
  }
  flush();
}

function csvCells(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^,]*))\s*(,|$)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    if (m[3] === '' || re.lastIndex >= s.length) break;
  }
  return out;
}

function parseCsv(file: string, lines: Line[], truncated: boolean, part: ParsedPart): void {
  const last = lastLineNumber(lines);
  let head: string[] | undefined;
  for (const line of lines) {
    if (line.text.trim() === '' || line.text.startsWith('#TYPE')) continue;
    const cells = csvCells(line.text);
    if (!head) { head = cells; continue; }
    if (cells.length !== head.length) { part.problems.push(badRow(file, line, last, truncated, msg.fieldCount(head.length, cells.length))); continue; }
    const f: Fields = {};
    head.forEach((h, i) => { f[h] = cells[i]; });
    add(part, file, line, last, truncated, f);
  }
}

/** The line each element of a top-level JSON array starts on (1-based), so a bad entry is reported where it is. */
function elementLines(text: string): number[] {
  const out: number[] = [];
  let depth = 0; let line = 1; let inString = false; let escaped = false; let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    // An element of the top-level array starts at the first character after '[' or ','.
    if (expecting && c !== ']') { out.push(line); expecting = false; }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') { depth++; if (depth === 1) expecting = true; }
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return out;
}

function parseJson(file: string, text: string, part: ParsedPart): void {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    part.problems.push(note(file, 1, msg.badJson(`nested deeper than ${MAX_JSON_DEPTH} levels, which ConvertTo-Json never writes`)));
    return;
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    part.problems.push(note(file, 1, msg.badJson((e as Error).message)));
    return;
  }
  const rows = Array.isArray(data) ? data : [data];
  const starts = Array.isArray(data) ? elementLines(text) : [];
  rows.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) { part.problems.push(note(file, 1, msg.notObject(i + 1))); return; }
    const f: Fields = {};
    for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      // ConvertTo-Json of a DateTime in 5.1 is "\/Date(1700000000000)\/"; of an enum, a number.
      f[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    const s = toSocket(f, true);
    if (!('state' in s)) part.problems.push(problem(file, { n: starts[i] ?? 1, text: JSON.stringify(r).slice(0, 200) }, msg.entry(i + 1, s)));
    else { part.sockets!.push(s); if (f.OwningProcess !== undefined) part.hasProcesses = true; }
  });
}

export function parsePowershell(file: string, raw: string): ParsedPart {
  const text = repairText(raw);
  const lines = numberedLines(text);
  const truncated = endsMidLine(text);
  const part = newPart(file);
  const first = lines.find((l) => l.text.trim() !== '')?.text.trim() ?? '';
  if (first.startsWith('[') || first.startsWith('{')) parseJson(file, text, part);
  else if (first.startsWith('#TYPE') || first.startsWith('"')) parseCsv(file, lines, truncated, part);
  else if (/^\w+\s*:\s/.test(first)) parseList(file, lines, truncated, part);
  else parseTable(file, lines, truncated, part);
  return part;
}

export const powershellParser: FormatParser = {
  id: 'powershell',
  description: 'PowerShell Get-NetTCPConnection: table, Format-List, ConvertTo-Csv, ConvertTo-Json',
  example: 'Get-NetTCPConnection',
  sniff(lines) {
    const all = lines.join('\n');
    const has = (k: string): boolean => all.includes(k);
    if (has('LocalAddress') && has('RemotePort') && (has('State') || has('OwningProcess'))) return 0.95;
    return 0;
  },
  parse: parsePowershell,
};
