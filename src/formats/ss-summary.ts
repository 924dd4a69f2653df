// `ss -s` (iproute2 misc/ss.c): `TCP:   25 (estab 12, closed 4, orphaned 0, timewait 3)`, computed by ss
// from /proc/net/sockstat and Tcp CurrEstab: total = alloc + tw. Older iproute2 (< 4.17) printed
// `Total: N (kernel M)` and `timewait T/U` plus `synrecv S`, `ports P`.
import { note, numberedLines, problem, repairText } from './text.js';
import { counterNumber, outOfRange } from './values.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';

const TCP = /^TCP:\s+(\d+)\s+\((.*)\)/;

export function parseSsSummary(file: string, raw: string): ParsedPart {
  const text = repairText(raw);
  const part: ParsedPart = {
    format: 'ss-summary', source: { kind: 'ss', origin: file, os: 'linux', format: 'ss-summary' }, counters: {}, problems: [],
  };
  let sawTcp = false;
  for (const line of numberedLines(text)) {
    const t = line.text.trim();
    const total = /^Total:\s+(\d+)/.exec(t);
    if (total) {
      // A count of sockets: a 400-digit "total" is no ss output (it would read as Infinity).
      const n = counterNumber(total[1]);
      if (n === undefined) part.problems.push(problem(file, line, outOfRange('Total', total[1], '0 or more, at most 20 digits')));
      else part.counters!['ss:Total'] = n;
      continue;
    }
    const m = TCP.exec(t);
    if (!m) continue; // transport table rows (RAW UDP TCP INET FRAG) repeat what sockstat says
    sawTcp = true;
    const v: Record<string, number> = {};
    for (const kv of m[2].split(',')) {
      const p = /^\s*([a-z]+)\s+(\d+)/.exec(kv);
      if (p) v[p[1]] = Number(p[2]);
    }
    const tw = v.timewait ?? 0;
    const all = Number(m[1]);
    // ss prints total = alloc + tw; a total below its own timewait figure is no ss output.
    if (!Number.isSafeInteger(all) || Object.values(v).some((n) => !Number.isSafeInteger(n)) || all < tw) {
      part.problems.push(problem(file, line, outOfRange('TCP total', m[1], `at least timewait ${tw}`)));
      continue;
    }
    part.sockstat = { orphan: v.orphaned, tw: v.timewait, alloc: all - tw };
    if (v.estab !== undefined) part.counters!['Tcp:CurrEstab'] = v.estab;
    for (const [k, n] of Object.entries(v)) part.counters![`ss:TCP:${k}`] = n;
    part.counters!['ss:TCP:total'] = Number(m[1]);
  }
  if (!sawTcp) part.problems.push(note(file, 1, msg.noTcpLine));
  return part;
}

export const ssSummaryParser: FormatParser = {
  id: 'ss-summary',
  description: 'ss -s (socket summary)',
  example: 'ss -s',
  sniff(lines) {
    const total = lines.some((l) => /^Total:\s+\d+/.test(l));
    const tcp = lines.some((l) => TCP.test(l.trim()));
    return total && tcp ? 0.97 : tcp ? 0.7 : 0;
  },
  parse: parseSsSummary,
};
