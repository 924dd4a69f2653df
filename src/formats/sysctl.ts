// `sysctl -a` / `sysctl net.ipv4.tcp_fin_timeout ...` (`name = value`), `sysctl -n`-less dumps, and
// `grep -r . /proc/sys/net/ipv4/` (`/proc/sys/net/ipv4/tcp_fin_timeout:60`) -> sysctls by dotted name.
// Multi-number values (ip_local_port_range is tab-separated in /proc) are kept with single spaces.
import { badRow, problem, readPaste } from './text.js';
import { msg } from './messages.js';
import { outOfRange, wholeNumber } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

const SYSCTL = /^([a-z0-9_]+(?:\.[A-Za-z0-9_\-]+)+)\s*=\s?(.*)$/;
const PROC_SYS = /^\/proc\/sys\/([A-Za-z0-9_\-/]+):(.*)$/;

/**
 * What Linux accepts for the tunables the doctor reasons with (net/ipv4/sysctl_net_ipv4.c,
 * net/core/sysctl_net_core.c): a value outside is refused by the kernel (EINVAL), so it cannot be
 * what the host runs with. The u8 ones are proc_dou8vec_minmax; tcp_syn_retries stops at
 * MAX_TCP_SYNCNT; the rest are ints (proc_dointvec), each figure of a vector alike.
 */
const RANGES: Record<string, [number, number]> = {
  'net.ipv4.tcp_syn_retries': [1, 127],
  'net.ipv4.tcp_synack_retries': [0, 255],
  'net.ipv4.tcp_retries1': [0, 255],
  'net.ipv4.tcp_retries2': [0, 255],
  'net.ipv4.tcp_orphan_retries': [0, 255],
  'net.ipv4.ip_local_port_range': [1, 65535],
  'net.ipv4.tcp_fin_timeout': [0, 2_147_483_647],
  'net.ipv4.tcp_keepalive_time': [0, 2_147_483_647],
  'net.ipv4.tcp_keepalive_intvl': [0, 2_147_483_647],
  'net.ipv4.tcp_keepalive_probes': [0, 255],
  'net.ipv4.tcp_max_syn_backlog': [0, 2_147_483_647],
  'net.ipv4.tcp_max_tw_buckets': [0, 2_147_483_647],
  'net.ipv4.tcp_max_orphans': [0, 2_147_483_647],
  'net.core.somaxconn': [0, 2_147_483_647],
};

/** The reason a value cannot be the host's, or undefined when it can. */
function refused(name: string, value: string): ReturnType<typeof outOfRange> | undefined {
  const range = RANGES[name];
  if (!range) return undefined;
  const bad = value.split(' ').find((w) => wholeNumber(w, range[0], range[1]) === undefined);
  return bad === undefined ? undefined : outOfRange(name, bad, `Linux accepts ${range[0]} to ${range[1]}`);
}

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
      const why = refused(name, value);
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
