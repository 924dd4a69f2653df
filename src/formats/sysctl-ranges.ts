// The values Linux accepts for the sysctls the doctor reads: a write outside them fails with EINVAL
// (net/ipv4/sysctl_net_ipv4.c and net/core/sysctl_net_core.c, each entry's proc handler and its
// extra1/extra2 bounds), so a pasted value outside them was never the host's. A value a rule would
// otherwise loop over (tcp_syn_retries = 1000000000) stops here, as a problem on its line.
//
// proc_dou8vec_minmax stores a u8: 0..255 unless extra1/extra2 say less. proc_dointvec_jiffies
// refuses a value whose jiffies overflow an int: INT_MAX / HZ, widest with the smallest HZ (100).

import type { Text } from '../i18n/lang.js';

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
const U8 = { min: 0, max: 255 } as const;
const JIFFIES_SECS = { min: -Math.floor(INT_MAX / 100), max: Math.floor(INT_MAX / 100) } as const;
const INT = { min: INT_MIN, max: INT_MAX } as const;
/** MAX_TCP_SYNCNT (include/net/tcp.h): the bound of tcp_syn_retries and tcp_syn_linear_timeouts. */
const MAX_TCP_SYNCNT = 127;

export interface SysctlRange { min: number; max: number; /** How many whitespace-separated numbers (ip_local_port_range: 2). */ count?: number }

export const SYSCTL_RANGES: Readonly<Record<string, SysctlRange>> = {
  // .extra1 = &tcp_syn_retries_min (1), .extra2 = &tcp_syn_retries_max (MAX_TCP_SYNCNT)
  'net.ipv4.tcp_syn_retries': { min: 1, max: MAX_TCP_SYNCNT },
  // .extra1 = SYSCTL_ZERO, .extra2 = &tcp_syn_linear_timeouts_max (MAX_TCP_SYNCNT)
  'net.ipv4.tcp_syn_linear_timeouts': { min: 0, max: MAX_TCP_SYNCNT },
  'net.ipv4.tcp_synack_retries': U8,
  'net.ipv4.tcp_retries1': U8,
  'net.ipv4.tcp_retries2': U8,
  // .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_TWO
  'net.ipv4.tcp_tw_reuse': { min: 0, max: 2 },
  'net.ipv4.tcp_keepalive_probes': U8,
  'net.ipv4.tcp_syncookies': U8,
  'net.ipv4.tcp_timestamps': U8,
  'net.ipv4.tcp_abort_on_overflow': U8,
  'net.ipv4.tcp_orphan_retries': U8,
  'net.ipv4.tcp_fin_timeout': JIFFIES_SECS,
  'net.ipv4.tcp_keepalive_time': JIFFIES_SECS,
  'net.ipv4.tcp_keepalive_intvl': JIFFIES_SECS,
  'net.ipv4.tcp_max_orphans': INT,
  'net.ipv4.tcp_max_tw_buckets': INT,
  'net.ipv4.tcp_max_syn_backlog': INT,
  // Removed in Linux 4.12; before, a plain proc_dointvec.
  'net.ipv4.tcp_tw_recycle': INT,
  // proc_dointvec_minmax, .extra1 = SYSCTL_ZERO (net/core/sysctl_net_core.c)
  'net.core.somaxconn': { min: 0, max: INT_MAX },
  // ipv4_local_port_range(): each end in ip_local_port_range_min/max (1..65535), low <= high
  'net.ipv4.ip_local_port_range': { min: 1, max: 65535, count: 2 },
};

/** Why Linux would refuse this value for this sysctl, or undefined when it would take it (or the name is not in the table). */
export function sysctlOutOfRange(name: string, value: string): Text | undefined {
  const r = SYSCTL_RANGES[name];
  if (!r) return undefined;
  const words = value.trim().split(/\s+/);
  const want = r.count ?? 1;
  const refused = (en: string, zh: string): Text => ({
    en: `${name} = ${value}: Linux refuses this value (${en}), so no host has it`,
    zh: `${name} = ${value}：Linux 不接受这个值（${zh}），不可能是主机上的设置`,
  });
  if (words.length !== want) return refused(`it takes ${want} number(s)`, `需要 ${want} 个数`);
  const nums = words.map((w) => (/^-?\d+$/.test(w) ? Number(w) : NaN));
  for (const n of nums) {
    if (!Number.isSafeInteger(n)) return refused('not a whole number', '不是整数');
    if (n < r.min || n > r.max) return refused(`outside ${r.min}..${r.max}`, `超出 ${r.min}..${r.max}`);
  }
  if (want === 2 && nums[0] > nums[1]) return refused('the low end is above the high end', '下限高于上限');
  return undefined;
}
