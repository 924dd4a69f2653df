// A scannerless reader over script text: the packetdrill language is context-sensitive (`.` is a
// flag in a packet line, a decimal point in a time), so each parser reads exactly the piece it
// expects at the cursor. Every read either consumes input or fails with the position, so no loop
// built on it can spin forever on corrupt input.
import type { Loc } from './ast.js';

export class SyntaxFailure extends Error {
  constructor(message: string, readonly loc: Loc) { super(message); }
}

export class Cursor {
  pos = 0;
  constructor(readonly src: string) {}

  private lineStarts: number[] | undefined;

  /** Line and column (1-based) of an offset; line starts are indexed once, so a long script stays linear. */
  loc(at = this.pos): Loc {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.src.indexOf('\n'); i >= 0; i = this.src.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    const p = Math.min(at, this.src.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= p) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: p - starts[lo] + 1 };
  }

  eof(): boolean { return this.pos >= this.src.length; }
  peek(n = 0): string { return this.src[this.pos + n] ?? ''; }
  startsWith(s: string): boolean { return this.src.startsWith(s, this.pos); }

  fail(expected: string, at = this.pos): never {
    throw new SyntaxFailure(`expected ${expected}, found ${this.describe(at)}`, this.loc(at));
  }

  /** Well-formed text with a value no real run can have: `message` says why, located at `at`. */
  invalid(message: string, at = this.pos): never {
    throw new SyntaxFailure(message, this.loc(at));
  }

  /** A construct opened at `start` and never closed: located at end of file, naming where it began. */
  unterminated(what: string, closer: string, start: number): never {
    const s = this.loc(start);
    throw new SyntaxFailure(`unterminated ${what} starting at ${s.line}:${s.column}: expected '${closer}' before end of file`, this.loc(this.src.length));
  }

  describe(at = this.pos): string {
    if (at >= this.src.length) return 'end of file';
    const c = this.src[at];
    if (c === '\n') return 'end of line';
    const word = /^[A-Za-z0-9_.+-]+/.exec(this.src.slice(at, at + 40));
    const shown = word ? word[0] : c;
    // Control or binary bytes are shown by code so the message stays one readable line.
    return /^[\x20-\x7e]+$/.test(shown) ? `'${shown}'` : `byte 0x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }

  /** Skips blanks and comments; newlines too when `lines` is set (inside brackets, between events). */
  skip(lines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || (lines && c === '\n')) { this.pos++; continue; }
      if (this.startsWith('//')) {
        const nl = this.src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.src.length : nl;
        continue;
      }
      if (this.startsWith('/*')) {
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.unterminated('comment', '*/', this.pos);
        this.pos = end + 2;
        continue;
      }
      return;
    }
  }

  eat(s: string): boolean {
    if (this.startsWith(s)) { this.pos += s.length; return true; }
    return false;
  }

  expect(s: string, what = `'${s}'`): void {
    if (!this.eat(s)) this.fail(what);
  }

  match(re: RegExp): string | undefined {
    const sticky = new RegExp(re.source, 'y');
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.src);
    if (!m || m[0].length === 0) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  ident(): string | undefined { return this.match(/[A-Za-z_][A-Za-z0-9_]*/); }

  /** An unsigned integer (decimal or 0x hex). */
  uint(what = 'a number'): number {
    const s = this.match(/0[xX][0-9a-fA-F]+|[0-9]+/);
    if (s === undefined) this.fail(what);
    const n = Number(s);
    if (!Number.isSafeInteger(n)) this.fail(what);
    return n;
  }

  /** A decimal number of seconds (`0`, `.01`, `1.5`) as integer microseconds. */
  seconds(what = 'a time in seconds'): number {
    const at = this.pos;
    const s = this.match(/[0-9]+(?:\.[0-9]+)?|\.[0-9]+/);
    if (s === undefined) this.fail(what);
    const us = Math.round(Number(s) * 1e6);
    // More microseconds than a double counts exactly (about 285 years): no run lasts that long.
    if (!Number.isSafeInteger(us)) this.invalid(`time ${s} s is out of range: at most ${Math.floor(Number.MAX_SAFE_INTEGER / 1e6)} s`, at);
    return us;
  }

  /** Up to (not including) the end of the current line. */
  restOfLine(): string {
    const nl = this.src.indexOf('\n', this.pos);
    return this.src.slice(this.pos, nl < 0 ? this.src.length : nl);
  }

  /** After an event: only blanks or a comment may follow on its line. */
  endOfLine(): void {
    this.skip(false);
    if (this.eof()) return;
    if (this.peek() === '\n') { this.pos++; return; }
    this.fail('end of line');
  }
}
