// Numbers as the tools print them. A counter, pid or port is a whole number written in digits in
// the tool's range; anything else (`-1`, `1e+21`, `NaN`, `99999999999999999999`) was never printed
// by the tool and is an error on its line, never a fact.
import type { Text } from '../i18n/lang.js';

/** A whole number `min`..`max` written in plain digits (at most 2^53 - 1), or undefined. */
export function wholeNumber(text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!/^-?\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

export const outOfRange = (what: string, value: string, range: string): Text => ({
  en: `${what} '${value}' is not a value the tool prints (${range})`,
  zh: `${what} '${value}' 不是该工具会输出的值（${range}）`,
});

/**
 * A kernel counter: an unsigned 64-bit figure in digits (`%lu`/`%llu`), kept as the nearest number
 * (above 2^53 a byte counter loses its last digits, not its meaning).
 */
export function counterNumber(text: string): number | undefined {
  if (!/^\d{1,20}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 18_446_744_073_709_551_615 ? n : undefined;
}
