// ss's filter expression as `tcplens ls` takes it after the command: the shell has split it into
// words (`state close-wait sport = :8080`, or one quoted `'( dport = :443 or sport = :443 )'`), so
// the words are joined with spaces and read by src/formats/ss-filter.ts; an error points at the
// token with a caret under it, exit status 2.
import type { Lang } from '../i18n/lang.js';
import { parseSocketFilter, SocketFilterError, type SocketFilterSpec } from '../formats/ss-filter.js';
import type { ServiceTable } from '../formats/services.js';
import { UsageError } from './io.js';

export function filterFromWords(words: readonly string[], lang: Lang, services?: ServiceTable): SocketFilterSpec {
  const text = words.join(' ');
  try {
    return parseSocketFilter(text, services);
  } catch (err) {
    if (!(err instanceof SocketFilterError)) throw err;
    const caret = `  ${text}\n  ${' '.repeat(Math.max(0, err.column - 1))}${'^'.repeat(Math.max(1, err.token.length))}`;
    throw new UsageError(`${err.text[lang]}\n${caret}`);
  }
}
