// Ages as people read them: an interval [at least, at most] in the fewest words that stay true.
// "≥1m15s" (there at the first read), "12s" (known to the second), "2s–4s" (appeared between reads).
import type { Lang } from '../i18n/lang.js';
import type { AgeRange } from '../model/snapshot.js';
import { duration } from './words.js';

/** 75_000 → "1m15s"; kept short so a range fits a column. */
export function shortDuration(ms: number, lang: Lang): string {
  const u = lang === 'zh' ? { s: '秒', m: '分', h: '时', d: '天' } : { s: 's', m: 'm', h: 'h', d: 'd' };
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}${u.s}`;
  if (s < 3600) return `${Math.floor(s / 60)}${u.m}${s % 60 ? `${String(s % 60).padStart(2, '0')}${u.s}` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}${u.h}${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}${u.m}`;
  return `${Math.floor(s / 86400)}${u.d}${Math.floor((s % 86400) / 3600)}${u.h}`;
}

/** The short form of an interval (`tcplens watch`). */
export function ageText(r: AgeRange | undefined, lang: Lang): string {
  if (!r) return '-';
  const lo = shortDuration(r.atLeastMs, lang);
  if (r.atMostMs === undefined) return `≥${lo}`;
  const hi = shortDuration(r.atMostMs, lang);
  return hi === lo ? lo : `${lo}–${hi}`;
}

/**
 * The long form (`ls`, `states`): the source's own figure when the interval is within a second of
 * it (a TIME-WAIT timer), else "≥ 5 min 3 s" or "2 s – 4 s"; undefined when nothing is known.
 */
export function ageRangeLong(r: AgeRange | undefined, ageMs: number | undefined, lang: Lang): string | undefined {
  if (!r || (r.atMostMs === undefined && r.atLeastMs === 0)) return ageMs === undefined ? undefined : duration(ageMs)[lang];
  if (r.atMostMs === undefined) return `≥ ${duration(r.atLeastMs)[lang]}`;
  if (r.atMostMs - r.atLeastMs <= 1000) return duration(ageMs ?? r.atLeastMs)[lang];
  return `${duration(r.atLeastMs)[lang]} – ${duration(r.atMostMs)[lang]}`;
}
