// READ THIS FIRST — the `%{ python }%` blocks of packetdrill scripts, evaluated without Python.
// packetdrill (code.c) runs each block in a Python interpreter after defining the socket under
// test's TCP_INFO fields as variables (`tcpi_snd_cwnd`, ...), plus the TCP_CA_*, TCPI_OPT_* and
// TCP_* state names. The suites use a small slice of the language, and that slice is what this
// file evaluates:
//   statements   `assert E` / `assert E, MSG`, `NAME = E`, `NAME += E`, `NAME -= E`, `print(...)`,
//                separated by newlines or `;`, `\` continuing a line, `#` comments
//   expressions  integers (decimal, 0x), strings, names, ( ), tuples, `not`/`and`/`or`,
//                chained comparisons (`990 <= x <= 1010`), | ^ & << >> + - * / // % ** ~
// Rules:
// - Anything outside the slice is "not evaluated", never passed: the block's outcome says which
//   construct, so the report can name it.
// - A name the engine does not model (a TCP_INFO field it does not keep) is "not evaluated" too,
//   naming the field; a name nobody defines is Python's NameError, a failure of the script.
// - Variables a block assigns live on for the later blocks of the script (packetdrill keeps one
//   interpreter per script).

/** A Python value of the slice: ints and floats, strings, booleans, tuples, None. */
export type PyValue = number | string | boolean | null | PyValue[];

export type PyOutcome =
  | { kind: 'ok' }
  /** An assertion was false: the statement as written and its message, evaluated as Python would. */
  | { kind: 'assert'; statement: string; message: string }
  /** The block cannot be evaluated here: an unmodelled field, a construct outside the slice. */
  | { kind: 'unevaluated'; reason: string }
  /** Python itself would raise (NameError, ZeroDivisionError, TypeError). */
  | { kind: 'error'; message: string };

/** Where a block's names come from, after the script's own variables. */
export interface PyScope {
  /** The script's variables (kept between blocks). */
  vars: Map<string, PyValue>;
  /** A name packetdrill defines: a number, `'unmodelled'` (a field the engine does not keep), or undefined (undefined name). */
  lookup: (name: string) => number | 'unmodelled' | undefined;
}

class Unevaluated extends Error {}
class PyError extends Error {}

type Tok = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'name'; v: string } | { t: 'op'; v: string } | { t: 'nl' };

const OPS = ['**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '=', ';', '[', ']', ':', '.'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && src[i + 1] === '\n') { i += 2; continue; }
    if (c === '\n') { if (depth === 0) out.push({ t: 'nl' }); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    const num = /^(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(src.slice(i));
    if (num && /[\d.]/.test(c) && !(c === '.' && !/\d/.test(src[i + 1] ?? ''))) {
      const s = num[0].replace(/_/g, '');
      out.push({ t: 'num', v: /^0[oO]/.test(s) ? parseInt(s.slice(2), 8) : /^0[bB]/.test(s) ? parseInt(s.slice(2), 2) : Number(s) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) { out.push({ t: 'name', v: name[0] }); i += name[0].length; continue; }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new Unevaluated('an unterminated string');
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Unevaluated(`the character '${c}'`);
    if (op === ';') out.push({ t: 'nl' });
    else {
      if (op === '(' || op === '[') depth++;
      if (op === ')' || op === ']') depth = Math.max(0, depth - 1);
      out.push({ t: 'op', v: op });
    }
    i += op.length;
  }
  out.push({ t: 'nl' });
  return out;
}

const truthy = (v: PyValue): boolean => (Array.isArray(v) ? v.length > 0 : v === null ? false : typeof v === 'string' ? v.length > 0 : Boolean(v));

function numOf(v: PyValue, op: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new PyError(`TypeError: unsupported operand type for ${op}: ${typeName(v)}`);
}

function typeName(v: PyValue): string {
  return v === null ? 'NoneType' : Array.isArray(v) ? 'tuple' : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int' : 'float';
}

/** Python's str() of a value. */
export function pyStr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
}

/** `'cwnd=%d' % x`, `'%d %s' % (a, b)`: the conversions the suites use (%d %i %u %s %r %x %%). */
function format(fmt: string, arg: PyValue): string {
  const args = Array.isArray(arg) ? arg : [arg];
  let k = 0;
  const s = fmt.replace(/%([-0-9.]*)([diusrxX%])/g, (_m, _w: string, c: string) => {
    if (c === '%') return '%';
    if (k >= args.length) throw new PyError('TypeError: not enough arguments for format string');
    const a = args[k++];
    if (c === 's' || c === 'r') return pyStr(a);
    const n = Math.trunc(numOf(a, '%'));
    return c === 'x' ? n.toString(16) : c === 'X' ? n.toString(16).toUpperCase() : String(n);
  });
  if (k < args.length) throw new PyError('TypeError: not all arguments converted during string formatting');
  return s;
}

function compare(op: string, a: PyValue, b: PyValue): boolean {
  if (op === '==') return pyEq(a, b);
  if (op === '!=') return !pyEq(a, b);
  if (typeof a === 'string' && typeof b === 'string') {
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  const x = numOf(a, op);
  const y = numOf(b, op);
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function pyEq(a: PyValue, b: PyValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) === Number(b);
  return a === b;
}

/** Integer operations on whole numbers as Python's arbitrary-precision ints (the suites stay below 2^53). */
function bitwise(op: string, a: PyValue, b: PyValue): number {
  const x = BigInt(Math.trunc(numOf(a, op)));
  const y = BigInt(Math.trunc(numOf(b, op)));
  const r = op === '&' ? x & y : op === '|' ? x | y : op === '^' ? x ^ y : op === '<<' ? x << y : x >> y;
  return Number(r);
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly scope: PyScope) {}

  private peek(): Tok { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === 'op' && t.v === v; }
  private isName(v: string): boolean { const t = this.peek(); return t.t === 'name' && t.v === v; }
  private eatOp(v: string): void {
    if (!this.isOp(v)) throw new Unevaluated(`'${v}' expected`);
    this.i++;
  }

  run(src: string): PyOutcome {
    const lines = statementTexts(src);
    let n = 0;
    while (this.i < this.toks.length) {
      if (this.peek().t === 'nl') { this.i++; continue; }
      const text = lines[n++] ?? '';
      const r = this.statement(text);
      if (r) return r;
      if (this.peek().t !== 'nl') throw new Unevaluated(`the statement '${text}'`);
    }
    return { kind: 'ok' };
  }

  private statement(text: string): PyOutcome | undefined {
    const t = this.peek();
    if (t.t === 'name' && t.v === 'assert') {
      this.i++;
      const cond = this.expr();
      let msgStart: number | undefined;
      if (this.isOp(',')) { this.i++; msgStart = this.i; }
      // The message is evaluated only when the assertion fails, as in Python.
      if (truthy(cond)) {
        if (msgStart !== undefined) this.skipToEnd();
        return undefined;
      }
      let message = '';
      if (msgStart !== undefined) message = pyStr(this.expr());
      return { kind: 'assert', statement: text, message };
    }
    if (t.t === 'name' && ['import', 'from', 'def', 'for', 'while', 'if', 'class', 'with', 'try', 'lambda', 'global'].includes(t.v)) {
      throw new Unevaluated(`the '${t.v}' statement`);
    }
    const next = this.toks[this.i + 1];
    if (t.t === 'name' && next?.t === 'op' && ['=', '+=', '-=', '*='].includes(next.v)) {
      this.i += 2;
      const v = this.expr();
      const old = next.v === '=' ? undefined : this.name(t.v);
      const val = next.v === '=' ? v
        : next.v === '+=' ? (typeof old === 'string' && typeof v === 'string' ? old + v : numOf(old ?? null, '+=') + numOf(v, '+='))
          : next.v === '-=' ? numOf(old ?? null, '-=') - numOf(v, '-=') : numOf(old ?? null, '*=') * numOf(v, '*=');
      this.scope.vars.set(t.v, val);
      return undefined;
    }
    this.expr();
    return undefined;
  }

  private skipToEnd(): void {
    while (this.peek().t !== 'nl') this.i++;
  }

  /** One expression; a bare tuple (`a, b` without parentheses) is outside the slice: in an assert the comma starts the message. */
  expr(): PyValue {
    return this.or();
  }

  private or(): PyValue {
    let v = this.and();
    while (this.isName('or')) { this.i++; const r = this.and(); v = truthy(v) ? v : r; }
    return v;
  }

  private and(): PyValue {
    let v = this.not();
    while (this.isName('and')) { this.i++; const r = this.not(); v = truthy(v) ? r : v; }
    return v;
  }

  private not(): PyValue {
    if (this.isName('not')) { this.i++; return !truthy(this.not()); }
    return this.comparison();
  }

  private comparison(): PyValue {
    let left = this.bitOr();
    let result: PyValue | undefined;
    for (;;) {
      const t = this.peek();
      let op: string | undefined;
      if (t.t === 'op' && ['<', '>', '<=', '>=', '==', '!='].includes(t.v)) op = t.v;
      else if (t.t === 'name' && (t.v === 'in' || t.v === 'is')) throw new Unevaluated(`the '${t.v}' operator`);
      if (!op) break;
      this.i++;
      const right = this.bitOr();
      const ok = compare(op, left, right);
      result = result === undefined ? ok : (result as boolean) && ok;
      left = right;
    }
    return result ?? left;
  }

  private binary(next: () => PyValue, ops: string[], apply: (op: string, a: PyValue, b: PyValue) => PyValue): PyValue {
    let v = next();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !ops.includes(t.v)) return v;
      this.i++;
      v = apply(t.v, v, next());
    }
  }

  private bitOr(): PyValue { return this.binary(() => this.bitXor(), ['|'], bitwise); }
  private bitXor(): PyValue { return this.binary(() => this.bitAnd(), ['^'], bitwise); }
  private bitAnd(): PyValue { return this.binary(() => this.shift(), ['&'], bitwise); }
  private shift(): PyValue { return this.binary(() => this.sum(), ['<<', '>>'], bitwise); }

  private sum(): PyValue {
    return this.binary(() => this.term(), ['+', '-'], (op, a, b) => {
      if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
      return op === '+' ? numOf(a, op) + numOf(b, op) : numOf(a, op) - numOf(b, op);
    });
  }

  private term(): PyValue {
    return this.binary(() => this.unary(), ['*', '/', '//', '%'], (op, a, b) => {
      if (op === '%' && typeof a === 'string') return format(a, b);
      const x = numOf(a, op);
      const y = numOf(b, op);
      if (op === '*') return x * y;
      if (y === 0) throw new PyError('ZeroDivisionError: division by zero');
      if (op === '/') return x / y;
      if (op === '//') return Math.floor(x / y);
      return x - y * Math.floor(x / y);
    });
  }

  private unary(): PyValue {
    if (this.isOp('-')) { this.i++; return -numOf(this.unary(), '-'); }
    if (this.isOp('+')) { this.i++; return numOf(this.unary(), '+'); }
    if (this.isOp('~')) { this.i++; return -Math.trunc(numOf(this.unary(), '~')) - 1; }
    return this.power();
  }

  private power(): PyValue {
    const base = this.atom();
    if (this.isOp('**')) { this.i++; return numOf(base, '**') ** numOf(this.unary(), '**'); }
    return base;
  }

  private atom(): PyValue {
    const t = this.peek();
    if (t.t === 'num') { this.i++; return t.v; }
    if (t.t === 'str') {
      this.i++;
      let s = t.v;
      // Adjacent literals concatenate ('a' 'b').
      while (this.peek().t === 'str') s += (this.toks[this.i++] as { v: string }).v;
      return s;
    }
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      if (this.isOp(')')) { this.i++; return []; }
      const items = [this.or()];
      let tuple = false;
      while (this.isOp(',')) { this.i++; tuple = true; if (this.isOp(')')) break; items.push(this.or()); }
      this.eatOp(')');
      return tuple ? items : items[0];
    }
    if (t.t === 'name') {
      this.i++;
      if (this.isOp('(')) return this.call(t.v);
      if (this.isOp('.') || this.isOp('[')) throw new Unevaluated(`attribute or index access on '${t.v}'`);
      return this.name(t.v);
    }
    throw new Unevaluated(t.t === 'nl' ? 'an incomplete expression' : `'${t.t === 'op' ? t.v : String((t as { v: unknown }).v)}' in an expression`);
  }

  private call(fn: string): PyValue {
    this.eatOp('(');
    const args: PyValue[] = [];
    while (!this.isOp(')')) {
      args.push(this.or());
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.eatOp(')');
    switch (fn) {
      case 'print': return null;
      case 'int': return Math.trunc(numOf(args[0] ?? 0, 'int'));
      case 'abs': return Math.abs(numOf(args[0] ?? 0, 'abs'));
      case 'min': return Math.min(...args.map((a) => numOf(a, 'min')));
      case 'max': return Math.max(...args.map((a) => numOf(a, 'max')));
      case 'str': return pyStr(args[0] ?? '');
      default: throw new Unevaluated(`the function ${fn}()`);
    }
  }

  private name(n: string): PyValue {
    if (n === 'True') return true;
    if (n === 'False') return false;
    if (n === 'None') return null;
    const own = this.scope.vars.get(n);
    if (own !== undefined) return own;
    const v = this.scope.lookup(n);
    if (v === 'unmodelled') throw new Unevaluated(`${n} is not modelled by the engine`);
    if (v === undefined) throw new PyError(`NameError: name '${n}' is not defined`);
    return v;
  }
}

/** The block's statements as written, one per `;` or line, for messages. */
function statementTexts(src: string): string[] {
  return src.replace(/\\\n/g, ' ').split('\n').flatMap((l) => l.replace(/#.*$/, '').split(';')).map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s !== '');
}

/** Run one `%{ ... }%` block's code against the scope. Never throws. */
export function runPython(code: string, scope: PyScope): PyOutcome {
  try {
    return new Parser(tokenize(code), scope).run(code);
  } catch (e) {
    if (e instanceof Unevaluated) return { kind: 'unevaluated', reason: e.message };
    if (e instanceof PyError) return { kind: 'error', message: e.message };
    return { kind: 'unevaluated', reason: `internal error: ${String(e)}` };
  }
}
