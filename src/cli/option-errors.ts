// Node's parseArgs errors as tcplens's own sentences, in the user's language: an unknown flag, a
// flag without its value (`--pid` last, or `--pid -3`, which parseArgs reads as another flag), a
// value given to a flag that takes none, a stray argument. Exit status 2, like every usage error.
import { langFromLocale, parseLang, type Lang } from '../i18n/lang.js';

/** The language asked for on the command line (`--lang zh`, `--lang=zh`), else the locale's. */
export function langOfArgv(argv: readonly string[], env: Record<string, string | undefined>): Lang {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = a === '--lang' ? argv[i + 1] : a.startsWith('--lang=') ? a.slice(7) : undefined;
    const l = v === undefined ? undefined : parseLang(v);
    if (l) return l;
  }
  return langFromLocale(env);
}

/** True for the errors node:util parseArgs throws. */
export function isParseArgsError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

export function optionErrorText(err: Error & { code: string }, command: string, argv: readonly string[], lang: Lang): string {
  const flag = /'(?:-\w, )?(--?[^' <,]+)/.exec(err.message)?.[1] ?? '';
  const zh = lang === 'zh';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return zh ? `未知选项 '${flag}'（tcplens ${command} --help 列出所有选项）` : `unknown option '${flag}' (tcplens ${command} --help lists the options)`;
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(err.message)?.[1] ?? '';
    return zh ? `多余的参数 '${arg}'（tcplens ${command} --help 列出用法）` : `unexpected argument '${arg}' (tcplens ${command} --help shows the usage)`;
  }
  if (/does not take an argument/.test(err.message)) {
    return zh ? `${flag} 不接受值` : `${flag} takes no value`;
  }
  // A missing value, or one that starts with '-' (parseArgs refuses `--pid -3` as ambiguous).
  const i = argv.indexOf(flag);
  const next = i >= 0 ? argv[i + 1] : undefined;
  if (next !== undefined && next.startsWith('-')) {
    return zh ? `${flag} 需要一个值，收到的是 '${next}'（以 - 开头的值请写成 ${flag}=${next}）`
      : `${flag} needs a value, got '${next}' (a value that starts with - is written ${flag}=${next})`;
  }
  return zh ? `${flag} 需要一个值（${flag} 值）` : `${flag} needs a value (${flag} VALUE)`;
}
