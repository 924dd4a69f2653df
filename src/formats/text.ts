// Small text helpers every parser shares: lines with their 1-based numbers, problems that name the
// line, and the repair of pastes that arrive in the wrong encoding.

import type { ParseProblem } from '../model/snapshot.js';
import type { Text } from '../i18n/lang.js';
import { msg } from './messages.js';

export interface Line { n: number; text: string }

/**
 * Undo what a paste commonly suffers before it reaches us: a UTF-8 or UTF-16 byte-order mark, and
 * UTF-16LE text (what Windows PowerShell's `>` writes) decoded as UTF-8, which leaves a NUL after
 * every ASCII character.
 */
export function repairText(text: string): string {
  let s = text.replace(/^(\uFEFF|\uFFFD\uFFFD|\u00FF\u00FE)/, '');
  const sample = s.slice(0, 400);
  const nuls = sample.split('\u0000').length - 1;
  if (nuls > sample.length / 4) s = s.replace(/\u0000/g, '');
  return s;
}

/** Lines with 1-based numbers; CRLF and CR are accepted; the empty tail after a final newline is dropped. */
export function numberedLines(text: string): Line[] {
  const parts = text.split(/\r\n|\r|\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ n: i + 1, text: t }));
}

/** The first `max` non-blank lines, for sniffing. */
export function headLines(text: string, max = 40): string[] {
  const out: string[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  for (let m = re.exec(text); m && out.length < max; m = re.exec(text)) {
    if (m[1].trim() !== '') out.push(m[1]);
    if (m[2] === '') break;
  }
  return out;
}

/** True when the text does not end with a newline: its last line may be cut off. */
export function endsMidLine(text: string): boolean {
  return text.length > 0 && !/[\r\n]$/.test(text);
}

/** The number of the last line, 0 when there is none: where a truncated paste was cut off. */
export function lastLineNumber(lines: Line[]): number {
  return lines.length ? lines[lines.length - 1].n : 0;
}

/** A paste as the row parsers read it: repaired, in numbered lines, whether it ends mid-line, its last line's number. */
export function readPaste(raw: string): { text: string; lines: Line[]; truncated: boolean; last: number } {
  const text = repairText(raw);
  const lines = numberedLines(text);
  return { text, lines, truncated: endsMidLine(text), last: lastLineNumber(lines) };
}

export function problem(file: string, line: Line, message: Text): ParseProblem {
  return {
    file, line: line.n, message: message.en, zh: message.zh,
    text: line.text.length > 200 ? line.text.slice(0, 200) + '…' : line.text,
  };
}

/** A problem that belongs to a file or entry rather than one line of text. */
export function note(file: string, line: number, message: Text): ParseProblem {
  return { file, line, message: message.en, zh: message.zh };
}

/**
 * A row that failed to parse: say whether it is the cut-off end of a truncated paste (the most common
 * reason in pasted text), else the reason the parser gave.
 */
export function badRow(file: string, line: Line, lastLine: number, truncated: boolean, why: Text): ParseProblem {
  return problem(file, line, truncated && line.n === lastLine ? msg.cutOff(why) : why);
}
