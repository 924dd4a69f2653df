// /proc/net/netstat and /proc/net/snmp: pairs of lines `Prefix: Name1 Name2 ...` then
// `Prefix: v1 v2 ...` (net/ipv4/proc.c) -> counters `TcpExt:ListenOverflows`, `Tcp:CurrEstab`.
// Also `nstat -az` (`TcpExtListenDrops  15  0.0`), whose names glue the prefix on.
import { badRow, problem, readPaste } from './text.js';
import { msg } from './messages.js';
import { counterNumber, outOfRange, wholeNumber } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

const PAIR = /^([A-Za-z0-9]+):\s+(.*)$/;

/** The one signed figure of these files: Tcp MaxConn, -1 for "no limit" (RFC 2012; net/ipv4/proc.c). */
const SIGNED = new Set(['Tcp:MaxConn']);

/** Counters are unsigned (printed with %lu); only the signed figures may be negative. */
function counterValue(name: string, text: string): number | undefined {
  return SIGNED.has(name) ? wholeNumber(text, -Number.MAX_SAFE_INTEGER) : counterNumber(text);
}

export function parseProcCounters(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'proc-net-counters', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'proc-net-counters' },
    counters: {}, problems: [],
  };
  const rows = lines.filter((l) => l.text.trim() !== '');
  for (let i = 0; i < rows.length; i++) {
    const names = PAIR.exec(rows[i].text);
    if (!names) { part.problems.push(badRow(file, rows[i], last, truncated, msg.notLine('a "Prefix: names" line'))); continue; }
    const valuesLine = rows[i + 1];
    const values = valuesLine && PAIR.exec(valuesLine.text);
    if (!values || values[1] !== names[1] || !/^-?\d/.test(values[2].trim())) {
      // An empty section (`MPTcpExt:` with no names) has no value line.
      if (names[2].trim() === '') continue;
      part.problems.push(badRow(file, rows[i], last, truncated, msg.namesWithoutValues(names[1])));
      continue;
    }
    i++;
    const n = names[2].trim().split(/\s+/);
    const v = values[2].trim().split(/\s+/);
    if (n.length !== v.length) {
      part.problems.push(badRow(file, valuesLine, last, truncated, msg.namesValuesMismatch(names[1], n.length, v.length)));
    }
    for (let k = 0; k < Math.min(n.length, v.length); k++) {
      const name = `${names[1]}:${n[k]}`;
      const num = counterValue(name, v[k]);
      if (num !== undefined) part.counters![name] = num;
      else part.problems.push(problem(file, valuesLine, outOfRange(name, v[k], SIGNED.has(name) ? 'a whole number' : '0 or more')));
    }
  }
  return part;
}

export const procCountersParser: FormatParser = {
  id: 'proc-net-counters',
  description: '/proc/net/netstat or /proc/net/snmp (name line + value line pairs)',
  example: 'cat /proc/net/netstat',
  sniff(lines) {
    let pairs = 0;
    for (let i = 0; i + 1 < lines.length; i++) {
      const a = PAIR.exec(lines[i]); const b = PAIR.exec(lines[i + 1]);
      if (a && b && a[1] === b[1] && /^[A-Za-z]/.test(a[2]) && /^-?\d/.test(b[2])) pairs++;
    }
    return pairs > 0 && /^(TcpExt|Ip|Icmp|Tcp|Udp|IpExt|MPTcpExt|UdpLite|IcmpMsg):/.test(lines[0]) ? 0.95 : 0;
  },
  parse: parseProcCounters,
};

/** nstat's names glue the /proc prefix on: `TcpExtListenDrops`. Longest prefix first. */
const NSTAT_PREFIXES = ['MPTcpExt', 'TcpExt', 'IpExt', 'IcmpMsg', 'UdpLite6', 'UdpLite', 'Icmp6', 'Udp6', 'Ip6', 'Icmp', 'Tcp', 'Udp', 'Ip'];
const NSTAT_ROW = /^([A-Za-z][A-Za-z0-9_]*)\s+(-?\d+)(?:\s+(-?\d+(?:\.\d+)?))?\s*$/;

export function splitNstatName(name: string): string {
  for (const p of NSTAT_PREFIXES) {
    if (name.startsWith(p) && name.length > p.length && /[A-Z0-9]/.test(name[p.length])) return `${p}:${name.slice(p.length)}`;
  }
  return name;
}

export function parseNstat(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'nstat', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'nstat' }, counters: {}, problems: [],
  };
  for (const line of lines) {
    const t = line.text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = NSTAT_ROW.exec(t);
    if (!m) { part.problems.push(badRow(file, line, last, truncated, msg.notLine('an nstat line (Name value rate)'))); continue; }
    const name = splitNstatName(m[1]);
    const v = counterValue(name, m[2]);
    if (v === undefined) { part.problems.push(problem(file, line, outOfRange(name, m[2], '0 or more'))); continue; }
    part.counters![name] = v;
  }
  return part;
}

export const nstatParser: FormatParser = {
  id: 'nstat',
  description: 'nstat -az, or /proc/net/snmp6 (kernel SNMP counters, one per line)',
  example: 'nstat -az',
  sniff(lines) {
    const rows = lines.filter((l) => NSTAT_ROW.test(l.trim())).length;
    // /proc/net/snmp6 has the same shape (`Ip6InReceives  12`).
    const prefixed = lines.filter((l) => /^(TcpExt|Tcp|Ip|Udp|Icmp|MPTcp)[A-Z0-9]/.test(l)).length;
    if (lines[0]?.trim() === '#kernel' && rows > 0) return 0.97;
    return rows >= lines.length * 0.8 && prefixed >= rows * 0.8 && rows > 0 ? 0.8 : 0;
  },
  parse: parseNstat,
};
