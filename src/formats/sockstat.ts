// /proc/net/sockstat (and sockstat6): `TCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1` (net/ipv4/proc.c sockstat_seq_show).
// inuse excludes TIME-WAIT minisockets; orphan and alloc are host-global; mem is in pages.
// The other lines (sockets:, UDP:, RAW:, FRAG:, TCP6: ...) are kept as counters `sockstat:UDP:inuse`.
import type { HostSnapshot } from '../model/snapshot.js';
import { badRow, problem, readPaste } from './text.js';
import { outOfRange, wholeNumber } from './values.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';

const LINE = /^([A-Za-z0-9]+):((?:\s+[a-z_]+\s+-?\d+)+)\s*$/;

export function parseSockstat(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'sockstat', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'sockstat' }, counters: {}, problems: [],
  };
  for (const line of lines) {
    if (line.text.trim() === '') continue;
    const m = LINE.exec(line.text.trim());
    if (!m) { part.problems.push(badRow(file, line, last, truncated, msg.notLine('a sockstat line (PROTO: name value ...)'))); continue; }
    const words = m[2].trim().split(/\s+/);
    const values: Record<string, number> = {};
    for (let i = 0; i + 1 < words.length; i += 2) {
      // sockstat_seq_show prints every figure with %d of a count that is never negative.
      const v = wholeNumber(words[i + 1]);
      if (v === undefined) part.problems.push(problem(file, line, outOfRange(`${m[1]} ${words[i]}`, words[i + 1], '0 or more')));
      else values[words[i]] = v;
    }
    if (m[1] === 'TCP') {
      const ss: NonNullable<HostSnapshot['sockstat']> = {};
      for (const k of ['inuse', 'orphan', 'tw', 'alloc', 'mem'] as const) if (values[k] !== undefined) ss[k] = values[k];
      part.sockstat = ss;
    }
    for (const [k, v] of Object.entries(values)) part.counters![`sockstat:${m[1]}:${k}`] = v;
  }
  return part;
}

export const sockstatParser: FormatParser = {
  id: 'sockstat',
  description: '/proc/net/sockstat or /proc/net/sockstat6',
  example: 'cat /proc/net/sockstat',
  sniff(lines) {
    const tcp = lines.some((l) => /^TCP6?:\s+inuse\s+\d+/.test(l));
    const all = lines.every((l) => LINE.test(l.trim()));
    return tcp && all ? 0.95 : 0;
  },
  parse: parseSockstat,
};
