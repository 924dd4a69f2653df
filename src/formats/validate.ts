// READ THIS FIRST — values no tool prints are errors on their line, never facts.
//
// Every parser's part passes through here (parseAny, detect.ts) before it is merged, so the check is
// made once for every format: a socket whose port is above 65535 or negative, whose pid is 0 or
// below, or whose inode, uid, queue, fd or timer is negative, not whole, `1e+21`, `Infinity` or
// `NaN`, is taken out of the part and becomes a problem on the line that holds the value; the same
// for process ids, counters (negative only where the kernel prints -1: Tcp:MaxConn, "no limit"),
// sockstat figures, and sysctls Linux would refuse (sysctl-ranges.ts).
//
// Records do not keep their line numbers; a bad one is rare, so its line is found by looking for
// the offending value's text (and its port) in the text it came from, only then.
import type { Text } from '../i18n/lang.js';
import type { ParseProblem, SocketRecord } from '../model/snapshot.js';
import { sysctlOutOfRange } from './sysctl-ranges.js';
import { note, numberedLines, problem, type Line } from './text.js';
import type { ParsedPart } from './types.js';

/** The largest pid or uid any system prints (32 bits: Windows pids, Linux uids). */
export const U32_MAX = 2 ** 32 - 1;
/** Counters the kernel prints signed: RFC 2012's tcpMaxConn is -1 for "no fixed limit". */
const SIGNED_COUNTERS = new Set(['Tcp:MaxConn']);

interface Bad { field: string; value: number; why: Text; anchor?: number }

const isWhole = (v: number): boolean => Number.isSafeInteger(v);

function check(field: string, v: number | undefined, min: number, max: number, out: Bad[], anchor?: number): void {
  if (v === undefined) return;
  if (!Number.isFinite(v)) out.push({ field, value: v, why: { en: 'not a finite number', zh: '不是有限的数' }, anchor });
  else if (v < min || v > max) out.push({ field, value: v, why: { en: `outside ${min}..${max}`, zh: `超出 ${min}..${max}` }, anchor });
  else if (!isWhole(v)) out.push({ field, value: v, why: { en: 'not a whole number', zh: '不是整数' }, anchor });
}

/** What is wrong with one socket record, field by field. */
export function socketValueErrors(s: SocketRecord): Bad[] {
  const out: Bad[] = [];
  const anchor = Number.isSafeInteger(s.localPort) && s.localPort > 0 ? s.localPort : undefined;
  check('local port', s.localPort, 0, 65535, out);
  check('remote port', s.remotePort, 0, 65535, out, anchor);
  check('Recv-Q', s.recvQ, 0, Number.MAX_SAFE_INTEGER, out, anchor);
  check('Send-Q', s.sendQ, 0, Number.MAX_SAFE_INTEGER, out, anchor);
  check('inode', s.inode, 0, Number.MAX_SAFE_INTEGER, out, anchor);
  check('uid', s.uid, 0, U32_MAX, out, anchor);
  for (const p of s.processes ?? []) {
    check('pid', p.pid, 1, U32_MAX, out, anchor);
    check('fd', p.fd, 0, U32_MAX, out, anchor);
  }
  if (s.timer) {
    check('timer', s.timer.remainingMs, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, out, anchor);
    check('retransmits', s.timer.retransmits, 0, U32_MAX, out, anchor);
  }
  if (s.ageMs !== undefined && !(Number.isFinite(s.ageMs) && s.ageMs >= 0)) {
    out.push({ field: 'age', value: s.ageMs, why: { en: 'not a time a socket can have', zh: '不是套接字可能有的时长' }, anchor });
  }
  return out;
}

/**
 * The first value of a socket record no tool prints, as the problem its row becomes (or undefined):
 * the parsers check each row as they read it, so the problem names the row's own line.
 */
export function socketValueProblem(s: SocketRecord): Text | undefined {
  const bad = socketValueErrors(s);
  return bad.length ? badText(bad[0]) : undefined;
}

function badText(b: Bad): Text {
  const v = String(b.value);
  return { en: `${b.field} ${v} is ${b.why.en}: no tool prints it, so the row is not counted`, zh: `${b.field} ${v} ${b.why.zh}：没有工具会打印这样的值，此行不计入` };
}

/** How a value may have been written: 1e21 as `1e+21` or `1000000000000000000000`, NaN as `nan`. */
function spellings(v: number): string[] {
  if (Number.isNaN(v)) return ['NaN', 'nan', 'NAN'];
  if (!Number.isFinite(v)) return v > 0 ? ['Infinity', 'inf', 'Inf'] : ['-Infinity', '-inf', '-Inf'];
  const out = [String(v)];
  if (out[0].includes('e+')) out.push(out[0].replace('e+', 'e'), out[0].replace('e+', 'E+'), out[0].replace('e+', 'E'));
  if (Math.abs(v) >= 1e21 && Number.isInteger(v)) out.push(BigInt(v).toString());
  return out;
}

/** The line of `text` that holds a value (as a word of its own) and, when given, the anchor port. */
class LineFinder {
  private lines: Line[] | undefined;
  private readonly used = new Set<number>();
  constructor(private readonly text: string) {}

  find(words: string[], anchor?: number): Line | undefined {
    this.lines ??= numberedLines(this.text);
    const res = words.map((w) => new RegExp(`(?:^|[^\\w.+-])${w.replace(/[.+*?^$()[\]{}|\\-]/g, '\\$&')}(?![\\w.])`));
    const port = anchor !== undefined ? new RegExp(`[:.\\s]${anchor}(?!\\d)`) : undefined;
    // The value and the port; else the value alone; else (a parser that read garbage as NaN) the port alone.
    const passes: Array<(t: string) => boolean> = [
      (t) => res.some((re) => re.test(t)) && (!port || port.test(t)),
      (t) => res.some((re) => re.test(t)),
      ...(port ? [(t: string) => port.test(t)] : []),
    ];
    for (const pass of passes) {
      for (const l of this.lines) {
        if (this.used.has(l.n) || !pass(l.text)) continue;
        this.used.add(l.n);
        return l;
      }
    }
    return undefined;
  }
}

/** Takes values no tool prints out of a parsed part, each as a problem on its line. */
export function validatePart(file: string, text: string, part: ParsedPart): void {
  const finder = new LineFinder(text);
  const problems: ParseProblem[] = [];
  const report = (words: string[], message: Text, anchor?: number): void => {
    const line = finder.find(words, anchor);
    problems.push(line ? problem(file, line, message) : note(file, 0, message));
  };
  if (part.sockets?.some((s) => socketValueErrors(s).length > 0)) {
    part.sockets = part.sockets.filter((s) => {
      const bad = socketValueErrors(s);
      if (bad.length === 0) return true;
      report(spellings(bad[0].value), badText(bad[0]), bad[0].anchor);
      return false;
    });
  }
  if (part.owners?.length) {
    part.owners = part.owners.filter((o) => {
      const bad: Bad[] = [];
      check('local port', o.localPort, 0, 65535, bad);
      check('remote port', o.remotePort, 0, 65535, bad);
      for (const p of o.processes) { check('pid', p.pid, 1, U32_MAX, bad); check('fd', p.fd, 0, U32_MAX, bad); }
      if (bad.length === 0) return true;
      problems.push(note(file, o.line, badText(bad[0])));
      return false;
    });
  }
  if (part.processes?.length) {
    part.processes = part.processes.filter((p) => {
      const bad: Bad[] = [];
      check('pid', p.pid, 1, U32_MAX, bad);
      check('uid', p.uid, 0, U32_MAX, bad);
      if (p.uptimeMs !== undefined && !(Number.isFinite(p.uptimeMs) && p.uptimeMs >= 0)) bad.push({ field: 'uptime', value: p.uptimeMs, why: { en: 'not a time a process can have', zh: '不是进程可能有的时长' } });
      if (bad.length === 0) return true;
      report(spellings(bad[0].value), badText(bad[0]));
      return false;
    });
  }
  for (const [name, v] of Object.entries(part.counters ?? {})) {
    const bad: Bad[] = [];
    check(name, v, SIGNED_COUNTERS.has(name) ? -1 : 0, Number.MAX_VALUE, bad);
    if (bad.length === 0) continue;
    delete part.counters![name];
    report(spellings(v), badText(bad[0]));
  }
  if (part.sockstat) {
    for (const [name, v] of Object.entries(part.sockstat) as Array<[string, number | undefined]>) {
      const bad: Bad[] = [];
      check(`sockstat ${name}`, v, 0, Number.MAX_VALUE, bad);
      if (bad.length === 0) continue;
      delete (part.sockstat as Record<string, number>)[name];
      report(spellings(v!), badText(bad[0]));
    }
  }
  for (const [name, v] of Object.entries(part.sysctls ?? {})) {
    const why = sysctlOutOfRange(name, v);
    if (!why) continue;
    delete part.sysctls![name];
    const line = finder.find([name, name.replace(/\./g, '/')]);
    problems.push(line ? problem(file, line, why) : note(file, 0, why));
  }
  if (problems.length) part.problems = [...part.problems, ...problems].sort((a, b) => a.line - b.line);
}
