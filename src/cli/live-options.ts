// The live source's flags, checked before anything is read: --proc-root must exist, be a directory
// and look like /proc. Kept apart from snapshot-input.ts so `states`' fast path can use it without
// loading the text parsers.
import { existsSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../i18n/lang.js';
import { UsageError } from './io.js';

const say = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

export interface LiveFlags { netns?: string; 'proc-root'?: string }

/** stat() with a clear message that names the flag the path came from. */
export function statOrThrow(p: string, lang: Lang, flag = '--input'): Stats {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(say(lang, `${flag}: no such file or directory: ${p}`, `${flag}：文件或目录不存在：${p}`));
    if (code === 'EACCES') throw new UsageError(say(lang, `${flag}: permission denied: ${p}`, `${flag}：没有权限：${p}`));
    throw new UsageError(`${flag}: ${p}: ${(err as Error).message}`);
  }
}

/**
 * The live source's options, checked: --proc-root must be a directory laid out like /proc (with
 * net/tcp or net/tcp6), or every command would report an empty host instead of a wrong path.
 */
export function liveOptions(flags: LiveFlags, lang: Lang): { netns?: string; procRoot?: string } {
  const opts: { netns?: string; procRoot?: string } = {};
  if (flags.netns !== undefined) opts.netns = flags.netns;
  const root = flags['proc-root'];
  if (root !== undefined) {
    const st = statOrThrow(root, lang, '--proc-root');
    if (!st.isDirectory()) throw new UsageError(say(lang, `--proc-root: ${root} is not a directory`, `--proc-root：${root} 不是目录`));
    if (!existsSync(path.join(root, 'net/tcp')) && !existsSync(path.join(root, 'net/tcp6'))) {
      throw new UsageError(say(lang, `--proc-root: ${root} is not laid out like /proc (no net/tcp or net/tcp6)`, `--proc-root：${root} 的结构不像 /proc（没有 net/tcp 或 net/tcp6）`));
    }
    opts.procRoot = root;
  }
  return opts;
}

