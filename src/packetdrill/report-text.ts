// How a run reads to a person, in English and Chinese: one line per script, the first mismatch,
// and with --verbose the engine's state timeline up to it.
import type { LinuxVerdict } from './conformance-report.js';
import { t, type Lang, type Text } from '../i18n/lang.js';
import type { StateChange } from '../stack/api.js';
import { causeText } from '../core/transitions.js';
import type { RunResult, TraceEntry } from './runner.js';
import { mismatchText } from './mismatch-text.js';

const TXT = {
  pass: { en: 'PASS', zh: '通过' },
  fail: { en: 'FAIL', zh: '失败' },
  error: { en: 'ERROR', zh: '错误' },
  lines: { en: 'events', zh: '个事件' },
  skipped: { en: 'python/shell step(s) not checked', zh: '个 python/shell 步骤未检查' },
  timeline: { en: 'state timeline:', zh: '状态时间线：' },
  trace: { en: 'segments and calls:', zh: '报文与系统调用：' },
  noChanges: { en: '(no state changes)', zh: '（无状态变化）' },
  notes: { en: 'not checked / not modelled:', zh: '未检查 / 未建模：' },
  summary: { en: '{p} passed, {f} failed, {e} unreadable or unparsable', zh: '{p} 个通过，{f} 个失败，{e} 个无法读取或解析' },
  linuxFailsToo: { en: 'Linux {k} fails this script too', zh: 'Linux {k} 运行此脚本同样失败' },
  linuxFailsTooCount: { en: '{n} of the failures fail on Linux too', zh: '其中 {n} 个在 Linux 上同样失败' },
} satisfies Record<string, Text>;

export function resultLine(r: RunResult, lang: Lang): string {
  const head = `${t(r.outcome === 'pass' ? TXT.pass : TXT.fail, lang)}  ${r.file}`;
  if (r.outcome === 'pass' || !r.mismatch) {
    const skipped = r.notes.filter((n) => n.includes('not supported')).length;
    return `${head} (${r.ipVersion}, ${r.lines} ${t(TXT.lines, lang)}${skipped ? `, ${skipped} ${t(TXT.skipped, lang)}` : ''})`;
  }
  return `${head}:${r.mismatch.line}: ${mismatchText(r.mismatch.detail, lang)}`;
}

export function errorLine(file: string, message: string, lang: Lang): string {
  return `${t(TXT.error, lang)} ${message.startsWith(file) ? message : `${file}: ${message}`}`;
}

export function timelineText(timeline: StateChange[], lang: Lang): string {
  const lines = [`  ${t(TXT.timeline, lang)}`];
  if (timeline.length === 0) lines.push(`    ${t(TXT.noChanges, lang)}`);
  for (const c of timeline) {
    const who = `${c.local.port}↔${c.remote.port}${c.fd !== undefined ? ` fd ${c.fd}` : ''}`;
    lines.push(`    ${(c.at / 1000).toFixed(3)}s  ${who}  ${c.from} → ${c.to}  (${causeText(c.cause, lang)})`);
  }
  return lines.join('\n');
}

export function notesText(notes: string[], lang: Lang): string {
  if (notes.length === 0) return '';
  return [`  ${t(TXT.notes, lang)}`, ...notes.map((n) => `    - ${n}`)].join('\n');
}

export function summaryLine(pass: number, fail: number, errors: number, lang: Lang, failLinuxToo = 0): string {
  const s = t(TXT.summary, lang).replace('{p}', String(pass)).replace('{f}', String(fail)).replace('{e}', String(errors));
  return failLinuxToo ? `${s} (${t(TXT.linuxFailsTooCount, lang).replace('{n}', String(failLinuxToo))})` : s;
}

/** The line under a FAIL of a script the real kernel fails too, from the suite's own record of it. */
export function linuxFailsTooLine(v: LinuxVerdict, lang: Lang): string {
  return `  ${t(TXT.linuxFailsToo, lang).replace('{k}', v.kernel)}${v.detail ? `: ${v.detail}` : ''}`;
}

export function traceText(trace: TraceEntry[], lang: Lang): string {
  const lines = [`  ${t(TXT.trace, lang)}`];
  for (const e of trace) lines.push(`    ${e.at.toFixed(3)}s  ${e.kind === 'call' ? '  ' : ''}${e.text}`);
  return lines.join('\n');
}
