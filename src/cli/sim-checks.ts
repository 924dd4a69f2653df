// `tcplens sim --set` values checked against what Linux accepts before a run starts: a lab run with
// a value no Linux host can have (ip_local_port_range=70000 10, tcp_syn_retries=300) would teach
// something false. The bounds are the kernel's own (src/formats/sysctl-ranges.ts: each sysctl's
// proc handler and extra1/extra2); times in seconds must also not be negative here, because Linux
// stores a negative tcp_fin_timeout or tcp_keepalive_time but never acts on it as written (the
// FIN-WAIT-2 timer, for one, is floored at 3.5 × RTO), so the run would show something else.
import type { Lang } from '../i18n/lang.js';
import { TUNABLES, tunableByName } from '../core/config.js';
import { SYSCTL_RANGES } from '../formats/sysctl-ranges.js';

/** Why `--set name=value` is refused, or undefined when the value is one Linux takes. */
export function simSettingRefusal(name: string, value: string, lang: Lang): string | undefined {
  const key = tunableByName(name.trim());
  if (!key) return undefined; // configFrom names an unknown setting itself
  const t = TUNABLES[key];
  const words = value.trim().split(/[\s,]+/).filter(Boolean);
  if (words.some((w) => !/^-?\d+$/.test(w))) return undefined; // configFrom says "needs a number"
  const nums = words.map(Number);
  const r = SYSCTL_RANGES[t.sysctl];
  const seconds = t.unit === 's';
  const min = r ? (seconds ? Math.max(0, r.min) : r.min) : 0;
  const max = r?.max;
  const range = max === undefined ? (lang === 'zh' ? `${min} 或更大` : `${min} or more`) : `${min}..${max}`;
  const head = `--set ${name}=${value}`;
  const valid = lang === 'zh' ? `${t.sysctl} 的有效范围是 ${range}` : `${t.sysctl} takes ${range}`;
  for (const n of nums) {
    if (n < min || (max !== undefined && n > max)) {
      if (seconds && n < 0 && r && r.min < 0) {
        return lang === 'zh'
          ? `${head}：${valid}（Linux 会存下负数，但从不按它行事，例如 FIN-WAIT-2 定时器最少是 3.5 × RTO）`
          : `${head}: ${valid} (Linux stores a negative value but never acts on it as written: the FIN-WAIT-2 timer, for one, is at least 3.5 × RTO)`;
      }
      return lang === 'zh' ? `${head}：Linux 不接受这个值（EINVAL），${valid}` : `${head}: Linux refuses this value (EINVAL); ${valid}`;
    }
  }
  if (r?.count === 2 && nums.length === 2 && nums[0] > nums[1]) {
    return lang === 'zh' ? `${head}：Linux 不接受这个值（EINVAL）：下限 ${nums[0]} 高于上限 ${nums[1]}；两端都在 ${range} 内且下限不高于上限`
      : `${head}: Linux refuses this value (EINVAL): the low end ${nums[0]} is above the high end ${nums[1]}; both ends in ${range}, low ≤ high`;
  }
  return undefined;
}
