// Every problem message the parsers report, in English and Chinese (a person reads them: `--lang`).
// Tool names, flags and the quoted text stay as they are in both languages.
import type { Text } from '../i18n/lang.js';

export const msg = {
  notRow: (tool: string, shape: string): Text => ({
    en: `not a ${tool} row (${shape})`, zh: `不是 ${tool} 的数据行（应为 ${shape}）`,
  }),
  notLine: (what: string): Text => ({ en: `not ${what}`, zh: `无法识别：应为 ${what}` }),
  unknownState: (word: string): Text => ({ en: `unknown state word '${word}'`, zh: `未知的状态词 '${word}'` }),
  unknownStateCode: (code: string): Text => ({ en: `unknown state code ${code}`, zh: `未知的状态码 ${code}` }),
  unknownTimerCode: (code: number): Text => ({ en: `tr: unknown timer code ${code}`, zh: `tr：未知的定时器代码 ${code}` }),
  badAddress: (addr: string, hint?: Text): Text => ({
    en: `cannot read the address '${addr}'${hint ? ` (${hint.en})` : ''}`,
    zh: `无法读取地址 '${addr}'${hint ? `（${hint.zh}）` : ''}`,
  }),
  hintNamesOrCut: (nameFlag: string, cutFlag?: string): Text => ({
    en: `a host or service name? use ${nameFlag}${cutFlag ? `; cut off? use ${cutFlag}` : ''}`,
    zh: `是主机名或服务名？请加 ${nameFlag}${cutFlag ? `；被截断？请加 ${cutFlag}` : ''}`,
  }),
  hintCut: (flag: string): Text => ({ en: `cut off? use ${flag}`, zh: `被截断？请加 ${flag}` }),
  cutByTable: (addr: string): Text => ({
    en: `the address '${addr}' was cut by the table view (use | Format-Table -AutoSize, or ConvertTo-Csv)`,
    zh: `地址 '${addr}' 被表格视图截断（请用 | Format-Table -AutoSize 或 ConvertTo-Csv）`,
  }),
  missingField: (field: string): Text => ({ en: `no ${field}`, zh: `缺少 ${field}` }),
  notNumber: (what: string, value: string): Text => ({ en: `${what} is not a number ('${value}')`, zh: `${what} 不是数字（'${value}'）` }),
  fieldCount: (want: number, got: number): Text => ({ en: `expected ${want} fields, found ${got}`, zh: `应有 ${want} 列，实际 ${got} 列` }),
  namesWithoutValues: (prefix: string): Text => ({
    en: `the names of ${prefix}: have no value line after them`, zh: `${prefix}: 的名称行后面缺少数值行`,
  }),
  namesValuesMismatch: (prefix: string, n: number, v: number): Text => ({
    en: `${prefix}: ${n} names but ${v} values`, zh: `${prefix}: 有 ${n} 个名称却有 ${v} 个数值`,
  }),
  badJson: (why: string): Text => ({ en: `not valid JSON: ${why}`, zh: `不是有效的 JSON：${why}` }),
  entry: (i: number, inner: Text): Text => ({ en: `entry ${i}: ${inner.en}`, zh: `第 ${i} 项：${inner.zh}` }),
  notObject: (i: number): Text => ({ en: `entry ${i} is not an object`, zh: `第 ${i} 项不是对象` }),
  noDashes: { en: 'a Get-NetTCPConnection table without its dashes line', zh: 'Get-NetTCPConnection 表格缺少表头下的虚线行' } as Text,
  orphanContinuation: { en: 'a continuation line with no row before it', zh: '续行前面没有数据行' } as Text,
  noStateColumn: (rows: number): Text => ({
    en: `this ss output has no State column (ss prints none when a single state is filtered, e.g. \`state close-wait\`), so its ${rows} rows cannot be placed; run it without the state filter`,
    zh: `这份 ss 输出没有 State 列（只筛选一个状态时 ss 不打印它，例如 \`state close-wait\`），其中 ${rows} 行无法归类；请去掉状态筛选重新运行`,
  }),
  noTcpLine: { en: 'ss -s output without a TCP: line', zh: 'ss -s 输出中没有 TCP: 行' } as Text,
  noLsofState: { en: 'a TCP row without a (STATE)', zh: 'TCP 行缺少 (状态)' } as Text,
  noTypeColumns: { en: 'cannot find the TYPE/DEVICE columns', zh: '找不到 TYPE/DEVICE 列' } as Text,
  badProgram: (prog: string): Text => ({ en: `cannot read the PID/Program name column '${prog}'`, zh: `无法读取 PID/Program name 列 '${prog}'` }),
  psNoPid: { en: 'a ps header must have a PID column', zh: 'ps 的表头必须有 PID 列' } as Text,
  psColumns: (n: number): Text => ({ en: `expected ${n} columns`, zh: `应有 ${n} 列` }),
  sysctlSays: (t: string): Text => ({ en: `sysctl reported: ${t}`, zh: `sysctl 报告：${t}` }),
  netstatSUnread: (n: number): Text => ({
    en: `${n} netstat -s sentences were not read (only key counters are; /proc/net/netstat has them all)`,
    zh: `${n} 句 netstat -s 的描述未读取（只读取关键计数器；/proc/net/netstat 有全部计数器）`,
  }),
  manifestJson: (why: string): Text => ({ en: `manifest is not valid JSON: ${why}`, zh: `manifest 不是有效的 JSON：${why}` }),
  manifestDate: (v: string): Text => ({ en: `takenAt '${v}' is not a date`, zh: `takenAt '${v}' 不是日期` }),
  ownersWithoutState: (n: number): Text => ({
    en: `${n} sockets have an owner but no state (sockstat without -s): add \`netstat -an\` output taken at the same time, or use \`sockstat -s\``,
    zh: `${n} 个套接字只有属主没有状态（sockstat 未加 -s）：请同时提供同一时刻的 \`netstat -an\` 输出，或使用 \`sockstat -s\``,
  }),
  sessionUnknown: (command: string): Text => ({
    en: `the output of \`${command}\` is in no known format`, zh: `\`${command}\` 的输出不是已知格式`,
  }),
  earlierListings: (n: number, what: string): Text => ({
    en: `${n} earlier \`${what}\` listing(s) in this paste were set aside: only the last one is used (print \`date\` before each to keep them as history)`,
    zh: `这份粘贴中较早的 ${n} 份 \`${what}\` 列表被搁置：只使用最后一份（在每次之前打印 \`date\` 可将它们保留为历史）`,
  }),
  cutOff: (why: Text): Text => ({
    en: `the paste ends in the middle of this line (cut off?): ${why.en}`,
    zh: `粘贴内容在这一行中间结束（被截断了？）：${why.zh}`,
  }),
};
