// `sysctl -a` / `sysctl net.ipv4.tcp_fin_timeout ...` (`name = value`), `sysctl -n`-less dumps, and
// `grep -r . /proc/sys/net/ipv4/` (`/proc/sys/net/ipv4/tcp_fin_timeout:60`) -> sysctls by dotted name.
// Multi-number values (ip_local_port_range is tab-separated in /proc) are kept with single spaces.
import { badRow, problem, readPaste } from './text.js';
import { msg } from './messages.js';
import { sysctlOutOfRange } from './sysctl-ranges.js';
import type { FormatParser, ParsedPart } from './types.js';

const SYSCTL = /^([a-z0-9_]+(?:\.[A-Za-z0-9_\-]+)+)\s*=\s?(.*)$/;
const PROC_SYS = /^\/proc\/sys\/([A-Za-z0-9_\-/]+):(.*)$/;

export function parseSysctl(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'sysctl', source: { kind: 'proc-file', origin: file, os: 'linux', format: 'sysctl' }, sysctls: {}, problems: [],
  };
  for (const line of lines) {
    const t = line.text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = SYSCTL.exec(t);
    const p = m ? undefined : PROC_SYS.exec(t);
    if (m || p) {
      const name = m ? m[1] : p![1].replace(/\//g, '.');
      const value = (m ? m[2] : p![2]).trim().replace(/\s+/g, ' ');
      // Linux refuses a value outside these bounds (EINVAL), so it cannot be what the host runs with.
      const why = sysctlOutOfRange(name, value);
      if (why) part.problems.push(problem(file, line, why));
      else part.sysctls![name] = value;
    } else if (/^sysctl: /.test(t)) part.problems.push(problem(file, line, msg.sysctlSays(t.slice(8))));
    else part.problems.push(badRow(file, line, last, truncated, msg.notLine('a sysctl line (name = value)')));
  }
  return part;
}

export const sysctlParser: FormatParser = {
  id: 'sysctl',
  description: 'sysctl output (name = value) or grep . /proc/sys/... dumps',
  example: 'sysctl -a',
  sniff(lines) {
    const ok = lines.filter((l) => SYSCTL.test(l.trim()) || PROC_SYS.test(l.trim())).length;
    return ok > 0 && ok >= lines.length * 0.8 ? 0.9 : 0;
  },
  parse: parseSysctl,
};
