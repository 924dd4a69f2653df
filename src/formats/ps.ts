// `ps -eo pid,comm,...` and `ps aux` -> processes (pid, name, cmdline, uid). Columns are found by the
// header; the last column (args/COMMAND/CMD) may hold spaces. With both comm and args, comm is the name;
// with args only, the name is the program's base name (`[kworker/0:1]` keeps its brackets off).
import type { ProcessInfo } from '../model/snapshot.js';
import { badRow, readPaste } from './text.js';
import { msg } from './messages.js';
import { outOfRange, wholeNumber } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

const NAME_COLS = new Set(['COMMAND', 'COMM', 'CMD', 'ARGS', 'UCOMM']);

export function elapsedSeconds(text: string): number | undefined {
  if (/^\d+$/.test(text)) return wholeNumber(text);
  const m = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!m) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3])) * 60 + Number(m[4]);
}

export function parsePs(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'ps', source: { kind: 'proc-file', origin: file, format: 'ps' }, processes: [], problems: [],
  };
  let cols: string[] | undefined;
  for (const line of lines) {
    const t = line.text.trim();
    if (t === '') continue;
    if (!cols) {
      cols = t.split(/\s+/).map((c) => c.toUpperCase());
      if (!cols.includes('PID')) { part.problems.push(badRow(file, line, last, truncated, msg.psNoPid)); return part; }
      continue;
    }
    const words = t.split(/\s+/);
    if (words.length < cols.length - 1) { part.problems.push(badRow(file, line, last, truncated, msg.psColumns(cols.length))); continue; }
    const cells = [...words.slice(0, cols.length - 1), words.slice(cols.length - 1).join(' ')];
    const get = (c: string): string | undefined => { const i = cols!.indexOf(c); return i >= 0 ? cells[i] : undefined; };
    // Linux pids are 1..2^22 (PID_MAX_LIMIT); ps never lists pid 0.
    const pid = wholeNumber(get('PID') ?? '', 1, 4_194_304);
    if (pid === undefined) { part.problems.push(badRow(file, line, last, truncated, outOfRange('PID', get('PID') ?? '', '1 to 4194304'))); continue; }
    const nameIdx = cols.findIndex((c) => NAME_COLS.has(c));
    const lastCol = cols.length - 1;
    const lastIsName = NAME_COLS.has(cols[lastCol]);
    let name = nameIdx >= 0 ? cells[nameIdx] : '';
    const cmdline = lastIsName ? cells[lastCol] : undefined;
    if (nameIdx === lastCol && cmdline) {
      // args only: the program's base name.
      const prog = cmdline.startsWith('[') ? cmdline.replace(/^\[|\]$/g, '') : cmdline.split(' ')[0].split('/').pop()!;
      name = prog.replace(/:$/, '');
    }
    const p: ProcessInfo = { pid, name };
    if (cmdline && cmdline !== name) p.cmdline = cmdline;
    // etimes (ELAPSED, seconds) or etime ([[dd-]hh:]mm:ss): how long the process has run.
    const el = get('ELAPSED') ?? get('ETIMES') ?? get('ETIME');
    const secs = el === undefined ? undefined : elapsedSeconds(el);
    if (secs !== undefined) p.uptimeMs = secs * 1000;
    const uid = get('UID');
    if (uid !== undefined && wholeNumber(uid, 0, 4_294_967_295) !== undefined) p.uid = Number(uid);
    part.processes!.push(p);
  }
  return part;
}

export const psParser: FormatParser = {
  id: 'ps',
  description: 'ps -eo pid,comm,args / ps aux (process names for pids)',
  example: 'ps -eo pid,ppid,user,comm,args',
  sniff(lines) {
    // A header of a few dozen columns at most: a long line is looked at no further than that.
    const h = lines[0]?.trim().split(/\s+/, 64).map((c) => c.toUpperCase()) ?? [];
    if (!h.includes('PID') || !h.some((c) => NAME_COLS.has(c))) return 0;
    if (h.includes('COMMAND') && h.includes('FD') && h.includes('NAME')) return 0; // lsof
    const pidAt = h.indexOf('PID');
    const rows = lines.slice(1).filter((l) => /^\d+$/.test(l.trim().split(/\s+/, pidAt + 1)[pidAt] ?? '')).length;
    return rows >= (lines.length - 1) * 0.8 ? 0.85 : 0.3;
  },
  parse: parsePs,
};
