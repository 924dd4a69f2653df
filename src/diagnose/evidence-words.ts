// The words a person reads for each evidence key of a finding, in English and Chinese. The JSON
// keeps the stable keys (`withUnread`, `portsInUse`, `TcpExt:ListenOverflows`); the text report
// says "40 with unread data (Recv-Q ≥ 1)" instead. A key missing here (a rule added a figure)
// still prints, as its name split into words, so nothing is ever hidden.
import type { Lang, Text } from '../i18n/lang.js';
import { duration, pct } from './words.js';

type Unit = 'count' | 'ratio' | 'ms' | 's' | 'rate' | 'flag';
/** `{n}` is replaced by the value in its unit. */
interface Words { en: string; zh: string; unit?: Unit }

export const EVIDENCE_WORDS: Readonly<Record<string, Words>> = {
  // queues
  withUnread: { en: '{n} with unread data (Recv-Q ≥ 1: never read to EOF)', zh: '{n} 个有未读数据（Recv-Q ≥ 1：没有读到 EOF）' },
  withoutUnread: { en: '{n} read to EOF (Recv-Q 0: close() missing)', zh: '{n} 个已读到 EOF（Recv-Q 为 0：缺少 close()）' },
  acceptQueue: { en: 'accept queue {n}', zh: '全连接队列 {n}' },
  backlog: { en: 'limit {n}', zh: '上限 {n}' },
  synRecv: { en: '{n} half-open (SYN-RECEIVED)', zh: '{n} 个半连接（SYN-RECEIVED）' },
  // figures
  samples: { en: '{n} samples', zh: '采样 {n} 次' },
  growingEverySample: { en: 'growing in every sample', zh: '每次采样都在增长', unit: 'flag' },
  newInWindow: { en: '{n} new since the first sample', zh: '自第一次采样起新增 {n} 个' },
  windowMs: { en: 'over {n}', zh: '历时 {n}', unit: 'ms' },
  windowSeconds: { en: 'over {n}', zh: '历时 {n}', unit: 's' },
  perMinute: { en: '{n} per minute', zh: '每分钟 {n} 个', unit: 'rate' },
  overflowsDuringSampling: { en: '{n} overflows while sampling', zh: '采样期间溢出 {n} 次' },
  cookiesDuringSampling: { en: '{n} SYN cookies sent while sampling', zh: '采样期间发出 {n} 个 SYN cookie' },
  dropsDuringSampling: { en: '{n} SYNs dropped while sampling', zh: '采样期间丢弃 {n} 个 SYN' },
  orphaned: { en: '{n} orphaned (no process)', zh: '{n} 个孤儿（没有进程）' },
  pairedWithLocalCloseWait: { en: '{n} whose other end is a CLOSE-WAIT on this host', zh: '{n} 个的另一端是本机上的 CLOSE-WAIT' },
  unattributed: { en: '{n} without an owner in the input', zh: '{n} 个在输入中没有属主' },
  usage: { en: '{n} used', zh: '已用 {n}', unit: 'ratio' },
  withoutKeepalive: { en: '{n} without keepalive', zh: '{n} 个没有保活' },
  idleKnown: { en: 'idle time known for {n}', zh: '{n} 个已知空闲时长' },
  idleOver30min: { en: '{n} idle for 30 min or more', zh: '{n} 个空闲 30 分钟以上' },
  maxIdleMs: { en: 'longest idle {n}', zh: '最长空闲 {n}', unit: 'ms' },
  deadPeerAfterSeconds: { en: 'a dead peer is noticed after {n}', zh: '对端死亡 {n} 后才被发现', unit: 's' },
  establishedWithKeepalive: { en: '{n} use keepalive', zh: '{n} 个启用了保活' },
  established: { en: 'of {n} ESTABLISHED', zh: '共 {n} 个 ESTABLISHED' },
  synAckRetransmitted: { en: '{n} SYN-ACKs retransmitted', zh: '{n} 个 SYN-ACK 被重传' },
  synRetransmitted: { en: '{n} SYNs retransmitted', zh: '{n} 个 SYN 被重传' },
  tcpSynRetries: { en: 'gives up after {n} retries', zh: '重试 {n} 次后放弃' },
  portRangeSize: { en: '{n} ephemeral ports', zh: '临时端口共 {n} 个' },
  portsInUse: { en: '{n} in use', zh: '占用 {n} 个' },
  sustainableConnsPerSec: { en: 'at most {n} new connections/s', zh: '最多每秒 {n} 个新连接', unit: 'rate' },
  observedClosesPerSec: { en: 'about {n} closes/s', zh: '约每秒关闭 {n} 个', unit: 'rate' },
  closesPerSec: { en: 'about {n} closes/s', zh: '约每秒关闭 {n} 个', unit: 'rate' },
  timeWaitSeconds: { en: 'TIME-WAIT lasts {n}', zh: 'TIME-WAIT 持续 {n}', unit: 's' },
  // kernel counters (cumulative since boot)
  'TcpExt:ListenOverflows': { en: 'accept queue overflowed {n} times (ListenOverflows)', zh: '全连接队列溢出 {n} 次（ListenOverflows）' },
  'TcpExt:ListenDrops': { en: '{n} connections dropped at listen (ListenDrops)', zh: '监听时丢弃 {n} 个连接（ListenDrops）' },
  'TcpExt:SyncookiesSent': { en: '{n} SYN cookies sent (SyncookiesSent)', zh: '发出 {n} 个 SYN cookie（SyncookiesSent）' },
  'TcpExt:SyncookiesFailed': { en: '{n} bad SYN cookies (SyncookiesFailed)', zh: '{n} 个无效的 SYN cookie（SyncookiesFailed）' },
  'TcpExt:TCPReqQFullDrop': { en: '{n} SYNs dropped, SYN queue full (TCPReqQFullDrop)', zh: 'SYN 队列满丢弃 {n} 个 SYN（TCPReqQFullDrop）' },
  'TcpExt:TCPReqQFullDoCookies': { en: '{n} SYN cookies, SYN queue full (TCPReqQFullDoCookies)', zh: 'SYN 队列满改发 {n} 个 cookie（TCPReqQFullDoCookies）' },
  'TcpExt:TCPTimeWaitOverflow': { en: '{n} TIME-WAIT skipped, table full (TCPTimeWaitOverflow)', zh: 'TIME-WAIT 表满跳过 {n} 次（TCPTimeWaitOverflow）' },
  'TcpExt:TCPAbortOnData': { en: '{n} closed with unread data, RST sent (TCPAbortOnData)', zh: '{n} 个带未读数据关闭并发送 RST（TCPAbortOnData）' },
  'TcpExt:TCPAbortOnLinger': { en: '{n} reset by SO_LINGER 0 (TCPAbortOnLinger)', zh: '{n} 个被 SO_LINGER 0 重置（TCPAbortOnLinger）' },
  'TcpExt:TCPAbortOnMemory': { en: '{n} reset for lack of memory or orphan limit (TCPAbortOnMemory)', zh: '{n} 个因内存或孤儿上限被重置（TCPAbortOnMemory）' },
  'Tcp:ActiveOpens+PassiveOpens': { en: '{n} connections opened (Active+PassiveOpens)', zh: '共建立 {n} 个连接（Active+PassiveOpens）' },
};

/** `observedClosesPerSec` → `observed closes per sec`: the fallback for a key without words. */
function splitName(key: string): string {
  const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
  return bare.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

/**
 * `1234567` → `1,234,567`, as `toLocaleString('en-US')` writes it. Whole numbers are grouped here:
 * the first toLocaleString call of a process loads ICU's number formats, ~80 ms on a small machine,
 * more than the doctor's whole report. Anything else keeps toLocaleString.
 */
export function thousands(v: number): string {
  if (!Number.isInteger(v) || Math.abs(v) >= 1e21) return v.toLocaleString('en-US');
  const digits = String(Math.abs(v));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return v < 0 ? '-' + out : out;
}

function valueText(v: number, unit: Unit | undefined, lang: Lang): string {
  if (unit === 'ratio') return pct(v);
  if (unit === 'ms') return duration(v)[lang];
  if (unit === 's') return duration(v * 1000)[lang];
  if (unit === 'rate') return String(Math.round(v * 10) / 10);
  return thousands(v);
}

/** One evidence value in words. */
export function evidenceWords(key: string, value: number | string, lang: Lang): string {
  const w = EVIDENCE_WORDS[key];
  if (!w) return `${splitName(key)} ${value}`;
  if (w.unit === 'flag') return w[lang];
  const n = typeof value === 'number' ? valueText(value, w.unit, lang) : value;
  return w[lang].replace('{n}', n);
}

/** The words of every key of a record, in its order. */
export function recordWords(o: Record<string, number | string>, lang: Lang): string[] {
  return Object.entries(o).map(([k, v]) => evidenceWords(k, v, lang));
}

export const UNKNOWN: Text = { en: 'unknown', zh: '未知' };
