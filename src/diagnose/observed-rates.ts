// Rates from what the input shows, each labelled with how it was obtained, instead of a count
// divided by a period the sockets may not have filled:
// - TIME-WAIT entries carry their timer: on Linux age = 60 s − remaining (TCP_TIMEWAIT_LEN), so N
//   entries aged 0.1–0.5 s are N closes in the last 0.5 s, not N / 60 per second. The timer's
//   resolution is the source's: /proc and netlink give milliseconds, `ss -o` whole seconds.
// - A counter read twice (doctor --samples keeps each sample's counters): its delta over the time
//   between the reads, e.g. Tcp:ActiveOpens for connect() calls.
// - Only when neither is there: the count spread evenly over the period, labelled `assumed`.
// EADDRNOTAVAIL has no kernel counter (__inet_hash_connect returns it to the caller and counts
// nothing), so its evidence is an application's error text pasted with the input, or a port range
// that the sockets show was full at some moment.
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import type { Text } from '../i18n/lang.js';
import { counter, socketAgeMs, type Os } from './facts.js';
import { duration, tx } from './words.js';

export type RateBasis = 'timewait-timers' | 'counter-delta' | 'assumed-even';

export interface ObservedRate {
  /** Events seen (closes, connects). */
  count: number;
  /** Over how long (ms): since the oldest event for timers, between the reads for counters. */
  overMs: number;
  perSec: number;
  basis: RateBasis;
  /** The counter, for `counter-delta`. */
  counter?: string;
  /** For timers: how long ago the youngest of them closed, when that is a second or more (a burst that is over). */
  agoMs?: number;
}

/** The finest step the timers of these sockets show: 1000 ms when every remaining time is whole seconds (ss -o). */
function timerStepMs(socks: readonly SocketRecord[]): number {
  let whole = true; let any = false;
  for (const k of socks) {
    if (k.timer?.kind !== 'timewait') continue;
    any = true;
    if (k.timer.remainingMs % 1000 !== 0) { whole = false; break; }
  }
  return any && whole ? 1000 : 1;
}

/**
 * Closes seen in TIME-WAIT entries: from their ages where the timers show them, else the count over
 * the whole TIME-WAIT length (assumed even).
 */
export function closesFromTimeWait(socks: readonly SocketRecord[], os: Os, lenMs: number): ObservedRate {
  const ages = socks.map((k) => socketAgeMs(k, os)).filter((a): a is number => a !== undefined);
  if (ages.length === 0 || ages.length < socks.length / 2) {
    return { count: socks.length, overMs: lenMs, perSec: round1(socks.length / (lenMs / 1000)), basis: 'assumed-even' };
  }
  const step = timerStepMs(socks);
  let max = 0; let min = Infinity;
  for (const a of ages) { if (a > max) max = a; if (a < min) min = a; }
  // Rounded to what the timers can tell apart. A burst that ended a while ago is told as such
  // ("within 0.4 s, 17 s ago"); closes still coming in as "in the last N s".
  const unit = Math.max(step, 100);
  const up = (ms: number): number => Math.max(unit, Math.ceil(ms / unit) * unit);
  if (min >= Math.max(1000, step)) {
    const overMs = up(max - min);
    return { count: ages.length, overMs, agoMs: Math.floor(min / step) * step, perSec: round1(ages.length / (overMs / 1000)), basis: 'timewait-timers' };
  }
  const overMs = up(max);
  return { count: ages.length, overMs, perSec: round1(ages.length / (overMs / 1000)), basis: 'timewait-timers' };
}

/** The most entries whose ages fall within any `windowMs` (a burst inside tcp_tw_reuse's delay). */
export function peakWithin(socks: readonly SocketRecord[], os: Os, windowMs: number): { count: number; agoMs: number } | undefined {
  const ages = socks.map((k) => socketAgeMs(k, os)).filter((a): a is number => a !== undefined).sort((a, b) => a - b);
  if (ages.length === 0) return undefined;
  let best = 0; let at = 0;
  for (let i = 0, j = 0; j < ages.length; j++) {
    while (ages[j] - ages[i] >= windowMs) i++;
    if (j - i + 1 > best) { best = j - i + 1; at = ages[i]; }
  }
  return { count: best, agoMs: at };
}

/** A counter's rise between the first sample that has it and now, per second. */
export function counterRate(s: HostSnapshot, key: string): ObservedRate | undefined {
  const now = counter(s, key);
  if (now === undefined || !s.history) return undefined;
  for (const h of s.history) {
    const then = h.counters?.[key];
    const overMs = s.takenAt - h.takenAt;
    if (then === undefined || overMs <= 0 || now < then) continue;
    return { count: now - then, overMs, perSec: round1((now - then) / (overMs / 1000)), basis: 'counter-delta', counter: key };
  }
  return undefined;
}

/** "300 closes in the last 0.4 s, from TIME-WAIT timers" and its Chinese. */
export function rateText(r: ObservedRate, what: Text, linux = true): Text {
  const d = secs(r.overMs);
  const per = tx(`${fmt(r.perSec)}/s`, `每秒 ${fmt(r.perSec)} 个`);
  switch (r.basis) {
    case 'timewait-timers': {
      if (r.agoMs !== undefined) {
        const ago = secs(r.agoMs);
        return tx(`${r.count} ${what.en} within ${d.en}, ${ago.en} ago (${per.en}), from TIME-WAIT timers`, `${ago.zh}前的 ${d.zh}内${what.zh} ${r.count} 个（${per.zh}），由 TIME-WAIT 定时器得出`);
      }
      return tx(`${r.count} ${what.en} in the last ${d.en} (${per.en}), from TIME-WAIT timers`, `最近 ${d.zh}内${what.zh} ${r.count} 个（${per.zh}），由 TIME-WAIT 定时器得出`);
    }
    case 'counter-delta':
      return tx(`${r.count} ${what.en} in ${d.en} between reads (${per.en}), from ${r.counter}`, `两次读取之间的 ${d.zh}内${what.zh} ${r.count} 个（${per.zh}），由 ${r.counter} 计数器得出`);
    case 'assumed-even':
      // Only Linux's ss shows TIME-WAIT timers; Windows' and the BSDs' netstat have none to paste.
      return linux
        ? tx(`about ${per.en} if the ${r.count} ${what.en} spread evenly over ${d.en} (the input shows no TIME-WAIT timers: paste ss -tano)`,
          `假设这 ${r.count} 个${what.zh}均匀分布在 ${d.zh} 内，约${per.zh}（输入中没有 TIME-WAIT 定时器：请粘贴 ss -tano）`)
        : tx(`about ${per.en} if the ${r.count} ${what.en} spread evenly over ${d.en} (this system's tools show no TIME-WAIT timers)`,
          `假设这 ${r.count} 个${what.zh}均匀分布在 ${d.zh} 内，约${per.zh}（该系统的工具不显示 TIME-WAIT 定时器）`);
  }
}

/** Pasted lines that carry connect()'s EADDRNOTAVAIL: the lines the parsers could not read. */
export function eaddrnotavailLines(s: HostSnapshot): { count: number; example: string } | undefined {
  const re = /EADDRNOTAVAIL|Cannot assign requested address|无法分配请求的地址|Address not available/i;
  let count = 0; let example = '';
  for (const p of s.problems) {
    if (p.text && re.test(p.text)) { count++; if (!example) example = p.text.trim().slice(0, 160); }
  }
  return count > 0 ? { count, example } : undefined;
}

/** A burst is told in tenths of a second ("2.4 s", not "2 s"), longer spans as durations. */
function secs(ms: number): Text {
  return ms < 10_000 ? tx(`${(ms / 1000).toFixed(1)} s`, `${(ms / 1000).toFixed(1)} 秒`) : duration(ms);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function fmt(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(round1(x));
}
