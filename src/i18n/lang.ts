// Text a person reads comes in English and Chinese. Each module keeps its own catalog as
// `{ en: ..., zh: ... }` objects; this file only names the languages and picks the default.
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** A message in both languages. */
export interface Text { en: string; zh: string }

export function t(text: Text, lang: Lang): string {
  return text[lang];
}

/** The default follows the locale (LC_ALL, LC_MESSAGES, LANG, as a caller passes them): zh* gives Chinese. */
export function langFromLocale(env: { LC_ALL?: string; LC_MESSAGES?: string; LANG?: string }): Lang {
  const loc = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(loc) ? 'zh' : 'en';
}

export function parseLang(s: string): Lang | undefined {
  return s === 'en' || s === 'zh' ? s : undefined;
}
