// How the text report is laid out for where it goes: the terminal's width (80 when standard output
// is not a terminal, as ls and git do), colour (`--color=auto|always|never`; auto means a terminal
// and no NO_COLOR, https://no-color.org), and how much to show (`--brief`, `-v`).
import type { Lang } from '../i18n/lang.js';
import type { Detail, RenderOptions } from '../diagnose/render-report.js';
import { UsageError, type CliIO } from './io.js';

/** The parseArgs option table of the commands that print a report. */
export const REPORT_OPTIONS = {
  brief: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  color: { type: 'string' },
} as const;

export interface ReportFlags { brief?: boolean; verbose?: boolean; color?: string }

export function renderOptions(flags: ReportFlags, io: CliIO, lang: Lang): RenderOptions {
  const mode = flags.color ?? 'auto';
  if (mode !== 'auto' && mode !== 'always' && mode !== 'never') {
    throw new UsageError(lang === 'zh' ? `--color 只能是 auto、always 或 never，收到 '${mode}'` : `--color must be auto, always or never, got '${mode}'`);
  }
  if (flags.brief && flags.verbose) {
    throw new UsageError(lang === 'zh' ? '--brief 与 -v/--verbose 不能同时使用' : 'use --brief or -v/--verbose, not both');
  }
  const tty = io.stdoutTTY;
  const noColor = (io.env.NO_COLOR ?? '') !== '' || io.env.TERM === 'dumb';
  const color = mode === 'always' || (mode === 'auto' && tty !== undefined && !noColor);
  const detail: Detail = flags.brief ? 'brief' : flags.verbose ? 'verbose' : 'normal';
  return { width: tty?.columns && tty.columns > 0 ? tty.columns : 80, color, detail };
}
