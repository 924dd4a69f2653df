// Lines of a pasted input that could not be read — the one path `doctor`, `states` and `ls` share,
// so no command drops them silently:
//   - human output: each unreadable line on stderr as `file:line: reason` (first 20, then a count);
//   - --json: the same problems in the document's `problems` array (ParseProblem: file, line,
//     message in English, zh, the line's text cut to 200 characters);
//   - a socket listing whose header was recognised but of which no row could be read is an error
//     (exit 2), never a silent "TOTAL 0";
//   - `states` and `ls` need a socket listing: an input of only sysctls or counters is an error for them.
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot, ParseProblem } from '../model/snapshot.js';
import { UsageError, type CliIO } from './io.js';

/** Offline formats that list sockets (src/formats FormatId); the others add sysctls, counters, names. */
const LISTING_FORMATS: ReadonlySet<string> = new Set(['ss', 'netstat-linux', 'netstat-windows', 'netstat-bsd', 'lsof', 'powershell', 'proc-net-tcp']);

/** How many unreadable lines are printed one by one before the rest is only counted. */
export const MAX_SHOWN = 20;

const say = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

export function problemText(p: ParseProblem, lang: Lang): string {
  return lang === 'zh' ? p.zh ?? p.message : p.message;
}

/**
 * Throws (exit 2) when a pasted input cannot give what the command needs: a listing was recognised
 * but not one of its rows could be read, or (`needSockets`) there is no socket listing at all.
 */
export function checkReadable(snap: HostSnapshot, lang: Lang, needSockets: boolean): void {
  const listings = snap.sources.filter((s) => s.format !== undefined && LISTING_FORMATS.has(s.format));
  if (snap.sockets.length === 0 && listings.length > 0) {
    const files = new Set(listings.map((s) => s.origin));
    const bad = snap.problems.filter((p) => files.has(p.file));
    if (bad.length > 0) {
      const src = listings.find((s) => s.origin === bad[0].file) ?? listings[0];
      throw new UsageError(say(lang,
        `${src.origin}: looks like ${src.format} output but no row could be read (${bad.length} unreadable line(s); the first, line ${bad[0].line}: ${bad[0].message})`,
        `${src.origin}：看起来是 ${src.format} 的输出，但没有一行能读取（${bad.length} 行无法读取；第一处在第 ${bad[0].line} 行：${problemText(bad[0], 'zh')}）`));
    }
  }
  if (needSockets && listings.length === 0) {
    const kinds = [...new Set(snap.sources.map((s) => s.format ?? s.kind))].join(', ');
    throw new UsageError(say(lang,
      `the input lists no sockets (recognised: ${kinds}); give ss -tan, netstat -ant, lsof -i, /proc/net/tcp or Get-NetTCPConnection output`,
      `输入中没有套接字列表（识别为：${kinds}）；请提供 ss -tan、netstat -ant、lsof -i、/proc/net/tcp 或 Get-NetTCPConnection 的输出`));
  }
}

/** Unreadable lines for stderr: `file:line: reason`, the first MAX_SHOWN, then how many more. */
export function renderProblems(problems: readonly ParseProblem[], lang: Lang): string {
  if (problems.length === 0) return '';
  const out = [say(lang, `${problems.length} input line(s) could not be read:`, `${problems.length} 行输入无法读取：`)];
  // Line 0: the problem is the whole file (a live /proc file that could not be read).
  for (const p of problems.slice(0, MAX_SHOWN)) out.push(`  ${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${problemText(p, lang)}`);
  if (problems.length > MAX_SHOWN) out.push(say(lang, `  … and ${problems.length - MAX_SHOWN} more (--json lists them all)`, `  ……另有 ${problems.length - MAX_SHOWN} 行（--json 会全部列出）`));
  return out.join('\n') + '\n';
}

/** Print the unreadable lines on stderr (human output only; --json carries them in `problems`). */
export function warnProblems(io: CliIO, snap: HostSnapshot, lang: Lang): void {
  const text = renderProblems(snap.problems, lang);
  if (text) io.stderr(text);
}
