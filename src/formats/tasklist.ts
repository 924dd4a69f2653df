// Windows process lists, the `ps` of a Windows capture: `tasklist` (table with a `====` rule, or
// `/fo csv`, any language: the image name is always the first column and the PID the second) and
// PowerShell `Get-Process` (`Id` ... `ProcessName` columns). They name the PIDs that
// `netstat -ano` and Get-NetTCPConnection give bare.
import type { ProcessInfo } from '../model/snapshot.js';
import type { Text } from '../i18n/lang.js';
import { badRow, readPaste, type Line } from './text.js';
import { msg } from './messages.js';
import { wholeNumber } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

const RULE = /^=+( +=+)+\s*$/;
const CSV_ROW = /^"([^"]*)","(\d+)"/;
const GP_HEADER = /^\s*Handles\s+.*\bId\b.*\bProcessName\s*$/;

export function parseTasklist(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'tasklist', source: { kind: 'proc-file', origin: file, os: 'windows', format: 'tasklist' }, processes: [], problems: [],
  };
  const out = new Map<number, ProcessInfo>();
  const bad = (l: Line, why: Text): void => { part.problems.push(badRow(file, l, last, truncated, why)); };
  let ruleCols: number[] | undefined; // start of each column, from the ==== rule
  let gp: { id: number; name: number } | undefined; // Get-Process token positions
  let header = true;
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '') continue;
    if (RULE.test(t)) {
      ruleCols = [];
      const re = /=+/g;
      for (let m = re.exec(t); m; m = re.exec(t)) ruleCols.push(m.index);
      header = false;
      continue;
    }
    if (GP_HEADER.test(t)) {
      const h = t.trim().split(/\s+/);
      gp = { id: h.indexOf('Id'), name: h.indexOf('ProcessName') };
      continue;
    }
    if (gp && /^-+(\s+-+)*\s*$/.test(t)) { header = false; continue; }
    const csv = CSV_ROW.exec(t);
    const csvPid = csv ? wholeNumber(csv[2], 0, 4_294_967_295) : undefined;
    if (csv && csvPid !== undefined) { out.set(csvPid, { pid: csvPid, name: csv[1] }); continue; }
    if (csv) { bad(line, msg.notRow('tasklist', 'Image Name, PID, ...')); continue; }
    if (/^"/.test(t)) continue; // the CSV header, in whatever language
    if (header) continue;
    if (gp) {
      const w = t.trim().split(/\s+/);
      // Windows process ids are DWORDs.
      const pid = wholeNumber(w[gp.id] ?? '', 0, 4_294_967_295);
      const name = w.slice(gp.name).join(' ');
      if (pid === undefined || !name) { bad(line, msg.notRow('Get-Process', 'Handles ... Id ... ProcessName')); continue; }
      out.set(pid, { pid, name });
    } else if (ruleCols && ruleCols.length >= 2) {
      // The image name may hold spaces ("System Idle Process"); the PID is right-aligned in column 2.
      const name = t.slice(0, ruleCols[1]).trim();
      const pidText = t.slice(ruleCols[1], ruleCols[2]).trim();
      const pid = wholeNumber(pidText, 0, 4_294_967_295);
      if (pid === undefined || !name) { bad(line, msg.notRow('tasklist', 'Image Name, PID, ...')); continue; }
      out.set(pid, { pid, name });
    }
  }
  // PID 0 is the "System Idle Process": it owns TIME-WAIT rows on Windows and nothing else.
  out.delete(0);
  part.processes = [...out.values()];
  return part;
}

export const tasklistParser: FormatParser = {
  id: 'tasklist',
  description: 'Windows tasklist (table or /fo csv) or PowerShell Get-Process (process names for PIDs)',
  example: 'tasklist',
  sniff(lines) {
    if (lines.some((l) => RULE.test(l))) return 0.9;
    if (lines.some((l) => GP_HEADER.test(l))) return 0.9;
    const csv = lines.filter((l) => CSV_ROW.test(l)).length;
    return csv > 0 && csv >= (lines.length - 1) * 0.9 && /\.exe"/i.test(lines.join('\n')) ? 0.85 : 0;
  },
  parse: parseTasklist,
};
