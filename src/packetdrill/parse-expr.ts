// The argument language of system-call lines (SYNTAX.md §3): numbers, symbols OR-ed with `|`,
// `...`, NULL, "strings", `[pointer]` arrays and `{struct}` literals with `name=value` fields.
import type { Cursor } from './cursor.js';
import type { Expr, StructField } from './ast.js';

const MAX_DEPTH = 32;

/** `depth` 0 is a call's result, which must stay on its line; inside brackets lines may break. */
export function parseExpr(c: Cursor, depth = 0): Expr {
  if (depth > MAX_DEPTH) c.fail('a shallower expression (nesting too deep)');
  const lines = depth > 0;
  const first = parseTerm(c, depth);
  c.skip(lines);
  if (c.peek() !== '|') return first;
  const terms = [first];
  while (c.eat('|')) {
    c.skip(lines);
    terms.push(parseTerm(c, depth));
    c.skip(lines);
  }
  return { kind: 'or', terms };
}

function parseTerm(c: Cursor, depth: number): Expr {
  c.skip(depth > 0);
  if (c.eat('...')) return { kind: 'ellipsis' };
  const ch = c.peek();
  if (ch === '[') {
    c.pos++;
    return { kind: 'array', items: parseList(c, ']', depth) };
  }
  if (ch === '{') {
    c.pos++;
    return { kind: 'struct', fields: parseFields(c, depth) };
  }
  if (ch === '"') {
    const start = c.pos;
    c.pos++;
    const end = c.src.indexOf('"', c.pos);
    const nl = c.src.indexOf('\n', c.pos);
    if (end < 0 || (nl >= 0 && nl < end)) c.fail('a closing \'"\'', start);
    const value = c.src.slice(c.pos, end);
    c.pos = end + 1;
    return { kind: 'string', value };
  }
  if (ch === '-' || /[0-9]/.test(ch)) {
    const neg = c.eat('-');
    const n = c.uint('a number');
    return { kind: 'number', value: neg ? -n : n };
  }
  const id = c.ident();
  if (id === undefined) c.fail('an argument (a number, a symbol, ..., NULL, [..] or {..})');
  if (id === 'NULL') return { kind: 'null' };
  return { kind: 'symbol', name: id };
}

/** Items up to `close`, comma-separated; the opening bracket is already consumed. */
export function parseList(c: Cursor, close: string, depth: number): Expr[] {
  const items: Expr[] = [];
  c.skip(true);
  if (c.eat(close)) return items;
  for (;;) {
    items.push(parseExpr(c, depth + 1));
    c.skip(true);
    if (c.eat(close)) return items;
    c.expect(',', `',' or '${close}'`);
  }
}

function parseFields(c: Cursor, depth: number): StructField[] {
  const fields: StructField[] = [];
  c.skip(true);
  if (c.eat('}')) return fields;
  for (;;) {
    c.skip(true);
    const save = c.pos;
    const name = c.ident();
    let field: StructField | undefined;
    if (name !== undefined) {
      c.skip(true);
      let nameArgs: Expr[] | undefined;
      if (c.peek() === '(') {
        c.pos++;
        nameArgs = parseList(c, ')', depth + 1);
        c.skip(true);
      }
      if (c.eat('=')) field = { name, nameArgs, value: parseExpr(c, depth + 1) };
      else if (nameArgs !== undefined) c.fail("'=' after the field name");
    }
    if (!field) {
      c.pos = save;
      field = { value: parseExpr(c, depth + 1) };
    }
    fields.push(field);
    c.skip(true);
    if (c.eat('}')) return fields;
    c.expect(',', "',' or '}'");
  }
}
