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
export function checkReadable(snap: HostSnapshot, lang: Lang, needSockets: boolean, socketCount = snap.sockets.length): void {
  const listings = snap.sources.filter((s) => s.format !== undefined && LISTING_FORMATS.has(s.format));
  if (socketCount === 0 && listings.length > 0) {
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

/** A listing of which a third or more of the rows could not be read: its counts would be wrong. */
export interface PartialRead { file: string; format?: string; rowsRead: number; rowsUnread: number }

export function partialReads(snap: HostSnapshot): PartialRead[] {
  const out: PartialRead[] = [];
  for (const s of snap.sources) {
    if (!s.rows || s.rows.unread === 0) continue;
    if (s.rows.unread * 3 >= s.rows.read + s.rows.unread) out.push({ file: s.origin, format: s.format, rowsRead: s.rows.read, rowsUnread: s.rows.unread });
  }
  return out;
}

function readsText(reads: readonly PartialRead[], lang: Lang): string {
  return reads.map((r) => say(lang,
    `${r.file}: ${r.rowsUnread} of ${r.rowsRead + r.rowsUnread} rows could not be read`,
    `${r.file}：${r.rowsRead + r.rowsUnread} 行中有 ${r.rowsUnread} 行无法读取`)).join('; ');
}

/**
 * A partial read is an error (exit 2) unless the user asked for `--partial`: "no problems found"
 * from a third of a paste would be a wrong answer given in silence. Returns the partial reads.
 */
export function checkPartial(snap: HostSnapshot, lang: Lang, allowed: boolean): PartialRead[] {
  const reads = partialReads(snap);
  if (reads.length === 0 || allowed) return reads;
  throw new UsageError(say(lang,
    `partial read: ${readsText(reads, lang)} (a third or more), so every count and finding would be wrong. Fix the paste (the unreadable lines are listed with --partial), or give --partial to see what was read, labelled partial`,
    `读取不完整：${readsText(reads, lang)}（三分之一或更多），所有计数和发现都会是错的。请修正粘贴内容（加 --partial 可列出无法读取的行），或加 --partial 查看已读取的部分（会标注为不完整）`));
}

/** The first line of a partial read's human output. */
export function partialBanner(reads: readonly PartialRead[], lang: Lang): string {
  if (reads.length === 0) return '';
  return say(lang, `PARTIAL READ — counts below are from the rows that could be read only: ${readsText(reads, lang)}\n`,
    `读取不完整——以下计数只来自能读取的行：${readsText(reads, lang)}\n`);
}

/** What a partial read adds to a JSON document: `partial: true` and rows read/unread per file. */
export function partialJson(reads: readonly PartialRead[]): { partial?: true; reads?: PartialRead[] } {
  return reads.length === 0 ? {} : { partial: true, reads: [...reads] };
}
