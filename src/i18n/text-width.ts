// Text laid out for a terminal: how many columns a string takes (a CJK character takes two, as
// every terminal draws it) and paragraphs wrapped to a width. English wraps at spaces; Chinese has
// no spaces between words, so it may break between any two CJK characters, but never before
// closing punctuation (，。：；）) — the line-breaking rule of Chinese typesetting (禁则).
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
const NO_LINE_START = /[，。、：；！？）」』】〉》,.;:!?)\]·]/;
const NO_LINE_END = /[（「『【〈《([]/;
const ANSI = /\u001b\[[0-9;]*m/g;

/** Columns the text takes on a terminal (escape sequences take none). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ANSI, '')) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/** `s` padded with spaces to `width` columns. */
export function padEnd(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/** `s` cut to `width` columns, ending with `…` when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = WIDE.test(ch) ? 2 : 1;
    if (w + cw > width - 1) break;
    out += ch; w += cw;
  }
  return out + '…';
}

/** Pieces a line may break between: a word with the spaces after it, or one CJK character. */
function tokens(text: string): string[] {
  const chars = [...text];
  const out: string[] = [];
  let cur = '';
  chars.forEach((ch, i) => {
    const prev = chars[i - 1];
    const breakBefore = cur !== '' && !NO_LINE_START.test(ch) && !(prev !== undefined && NO_LINE_END.test(prev))
      && ((prev === ' ' && ch !== ' ') || WIDE.test(ch) || (prev !== undefined && WIDE.test(prev) && ch !== ' '));
    if (breakBefore) { out.push(cur); cur = ''; }
    cur += ch;
  });
  if (cur) out.push(cur);
  return out;
}

/**
 * One paragraph wrapped to `width` columns: the first line starts with `first`, the others with
 * `rest` (a hanging indent). A word longer than a line is left whole rather than cut.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let lineW = displayWidth(first);
  let empty = true;
  for (const tok of tokens(text)) {
    const t: string = empty ? tok.replace(/^ +/, '') : tok;
    const w = displayWidth(t.replace(/ +$/, ''));
    if (!empty && lineW + w > width) {
      lines.push(line.replace(/ +$/, ''));
      const u: string = t.replace(/^ +/, '');
      line = rest + u;
      lineW = displayWidth(rest) + displayWidth(u);
      empty = u === '';
      continue;
    }
    line += t;
    lineW += displayWidth(t);
    if (t !== '') empty = false;
  }
  lines.push(line.replace(/ +$/, ''));
  return lines;
}
