// Ages and rates as people read them, in the page's language.
import type { AgeRange, Lang } from '../public/index.js';

export function duration(ms: number, lang: Lang): string {
  const zh = lang === 'zh';
  const sec = ms / 1000;
  if (sec < 1) return zh ? `${Math.round(ms)}毫秒` : `${Math.round(ms)}ms`;
  if (sec < 60) return zh ? `${sec < 10 ? sec.toFixed(1) : Math.round(sec)}秒` : `${sec < 10 ? sec.toFixed(1) : Math.round(sec)}s`;
  const min = sec / 60;
  if (min < 60) return zh ? `${Math.floor(min)}分` : `${Math.floor(min)}m`;
  const hr = min / 60;
  if (hr < 48) return zh ? `${Math.floor(hr)}小时` : `${Math.floor(hr)}h`;
  return zh ? `${Math.floor(hr / 24)}天` : `${Math.floor(hr / 24)}d`;
}

/** `≥5m` (there since before the first read), `2s–4s`, or one value where both ends agree. */
export function ageText(a: AgeRange | undefined, lang: Lang): string {
  if (!a) return '–';
  if (a.atMostMs === undefined) return `≥${duration(a.atLeastMs, lang)}`;
  const lo = duration(a.atLeastMs, lang);
  const hi = duration(a.atMostMs, lang);
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** 0 under a minute, 1 under ten minutes, 2 under an hour, 3 beyond: the node's age colour. */
export function ageLevel(a: AgeRange | undefined): number {
  if (!a) return 0;
  const m = a.atLeastMs / 60_000;
  return m < 1 ? 0 : m < 10 ? 1 : m < 60 ? 2 : 3;
}

/** 0 for none, then one step per power of ten. */
export function countLevel(n: number): number {
  return n === 0 ? 0 : Math.min(5, 1 + Math.floor(Math.log10(n)));
}
