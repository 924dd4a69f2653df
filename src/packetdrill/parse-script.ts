// READ THIS FIRST — the packetdrill script parser (SYNTAX.md in ../shared/conformance; packetdrill's
// parser.y and lexer.l). Rules it keeps:
// - It never throws and never loops without consuming input: any text, however corrupt or
//   truncated, yields a `Script` or one `ParseError` naming file:line:column and what was expected.
// - One timed line is one `ScriptEvent`; an event ends at the end of its line, except inside
//   (), [] and {} where it may continue (recvmsg's struct literals).
// - It reads no files: backtick lines are kept as text and interpreted later (shell-settings.ts).
import { Cursor, SyntaxFailure } from './cursor.js';
import { parseExpr, parseList } from './parse-expr.js';
import { parsePacket } from './parse-packet.js';
import type { EventBody, EventTime, ParseError, Script, ScriptEvent, ShellCommand, SyscallEvent, TimeSpec } from './ast.js';

export type ParseResult = { ok: true; script: Script } | { ok: false; error: ParseError };

export function parseScript(text: string, file = '<script>'): ParseResult {
  const c = new Cursor(text);
  const script: Script = { file, options: {}, init: [], events: [], cleanup: [] };
  try {
    for (;;) {
      c.skip(true);
      if (c.eof()) break;
      if (c.startsWith('--')) { parseFlag(c, script); continue; }
      if (c.peek() === '`') {
        const cmd = parseBacktick(c);
        (script.events.length === 0 ? script.init : script.cleanup).push(cmd);
        c.endOfLine();
        continue;
      }
      if (script.cleanup.length > 0) c.fail('only backtick commands after the cleanup command');
      script.events.push(parseEvent(c));
    }
    // packetdrill's grammar (parser.y: `events: event | events event`) needs one event at least;
    // an empty or comment-only file is not a test that passed.
    if (script.events.length === 0) c.fail('at least one timed event (such as `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3`)');
    return { ok: true, script };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: { file, line: e.loc.line, column: e.loc.column, message: e.message } };
    // A bug in the parser must still come back as a located error, never a crash.
    const loc = c.loc();
    return { ok: false, error: { file, line: loc.line, column: loc.column, message: `internal parser error: ${String(e)}` } };
  }
}

/** Flags the runner reads as numbers: a value that is not one is an error here, never a silent default. */
const NUMERIC_FLAGS: Record<string, { re: RegExp; what: string }> = {
  tolerance_usecs: { re: /^[0-9]+$/, what: 'a whole number of microseconds (0 allowed)' },
  tolerance_percent: { re: /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/, what: 'a percentage such as 12.5 (0 allowed)' },
  tcp_ts_tick_usecs: { re: /^0*[1-9][0-9]*$/, what: 'a whole number of microseconds above 0' },
  mss: { re: /^0*[1-9][0-9]*$/, what: 'a whole number of bytes above 0' },
};

function parseFlag(c: Cursor, script: Script): void {
  c.expect('--');
  const name = c.match(/[A-Za-z0-9_-]+/);
  if (name === undefined) c.fail('an option name after --');
  let value = '';
  const at = c.pos + 1;
  if (c.eat('=')) value = c.match(/[^\s]+/) ?? '';
  const numeric = NUMERIC_FLAGS[name];
  if (numeric && !numeric.re.test(value)) c.fail(`${numeric.what} after --${name}=`, at);
  script.options[name] = value;
  c.endOfLine();
}

function parseBacktick(c: Cursor): ShellCommand {
  const loc = c.loc();
  const start = c.pos;
  c.expect('`');
  const end = c.src.indexOf('`', c.pos);
  if (end < 0) c.unterminated('shell command', '`', start);
  const command = c.src.slice(c.pos, end);
  c.pos = end + 1;
  return { command, loc };
}

function parseEvent(c: Cursor): ScriptEvent {
  const loc = c.loc();
  const lineStart = c.pos;
  const time = parseTime(c);
  c.skip(false);
  let body: EventBody;
  const ch = c.peek();
  if (ch === '<' || ch === '>') {
    c.pos++;
    body = parsePacket(c, ch === '<' ? 'inbound' : 'outbound');
  } else if (ch === '`') {
    body = { kind: 'shell', command: parseBacktick(c).command };
  } else if (c.startsWith('%{')) {
    const end = c.src.indexOf('}%', c.pos + 2);
    if (end < 0) c.unterminated('python block', '}%', c.pos);
    body = { kind: 'python', code: c.src.slice(c.pos + 2, end).trim() };
    c.pos = end + 2;
  } else if (/[A-Za-z_]/.test(ch)) {
    body = parseSyscall(c);
  } else {
    c.fail("'<' or '>' (a packet), a system call, a `shell command` or %{ python }%");
  }
  if (time.rangeEnd && !(body.kind === 'packet' && body.direction === 'outbound')) {
    c.fail('a single time: a time range a~b is allowed on outbound packets only', lineStart);
  }
  if (time.blockingEnd && body.kind !== 'syscall') {
    c.fail('a single time: start...end is allowed on system calls only', lineStart);
  }
  const text = c.src.slice(lineStart, c.pos).replace(/\s+/g, ' ').trim();
  c.endOfLine();
  return { ...body, time, loc, text };
}

function parseTime(c: Cursor): EventTime {
  if (c.eat('*')) return { start: { kind: 'any' } };
  const start = parseOneTime(c);
  const time: EventTime = { start };
  if (c.eat('~')) time.rangeEnd = parseOneTime(c);
  else {
    // `+.002...0.052` and `+.002 ... 0.052` (blanks around the ellipsis) are the same blocking time.
    const back = c.pos;
    c.skip(false);
    if (c.eat('...')) {
      c.skip(false);
      time.blockingEnd = { us: c.seconds('the end time after "..."') };
    } else c.pos = back;
  }
  return time;
}

function parseOneTime(c: Cursor): TimeSpec {
  if (c.eat('+')) return { kind: 'relative', us: c.seconds('a time after "+"') };
  if (c.peek() === '-') c.fail('a time (times cannot be negative)');
  return { kind: 'absolute', us: c.seconds('a time (0, +.1, *, or a range a~b) at the start of the event') };
}

/**
 * Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK): the most one read() or write() moves; a larger
 * count is cut to it by rw_verify_area. packetdrill allocates the whole buffer first, so a count
 * beyond it is not a run anyone makes: the script is refused where the count is written.
 */
export const MAX_RW_COUNT = 0x7ffff000;
/** The calls whose third argument is a byte count of a user buffer. */
const COUNT_ARG: Readonly<Record<string, number>> = { write: 2, read: 2, send: 2, recv: 2, sendto: 2, recvfrom: 2 };

function parseSyscall(c: Cursor): SyscallEvent {
  const name = c.ident() as string;
  c.skip(false);
  c.expect('(', `'(' after '${name}'`);
  const argsAt = c.pos;
  const args = parseList(c, ')', 0);
  const count = COUNT_ARG[name] === undefined ? undefined : args[COUNT_ARG[name]];
  if (count?.kind === 'number' && count.value > MAX_RW_COUNT) {
    const at = c.src.indexOf(String(count.value), argsAt);
    c.invalid(`${name}() of ${count.value} bytes: one call moves at most ${MAX_RW_COUNT} bytes on Linux (MAX_RW_COUNT), and no real run allocates a buffer that size`, at >= 0 ? at : argsAt);
  }
  c.skip(false);
  c.expect('=', "'= result' after the call");
  c.skip(false);
  const result = parseExpr(c);
  const call: SyscallEvent = { kind: 'syscall', name, args, result };
  c.skip(false);
  const errno = c.match(/E[A-Z0-9]+/);
  if (errno !== undefined) {
    call.errno = errno;
    c.skip(false);
  }
  if (c.peek() === '(') {
    // `(Broken pipe)`, `(flags O_RDWR)`: free text, a comment for the reader.
    const close = c.src.indexOf(')', c.pos);
    const nl = c.src.indexOf('\n', c.pos);
    if (close < 0 || (nl >= 0 && nl < close)) c.fail("')' closing the comment on this line");
    call.note = c.src.slice(c.pos + 1, close);
    c.pos = close + 1;
  }
  return call;
}
