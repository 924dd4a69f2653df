// READ THIS FIRST — the shape of a parsed packetdrill script (SYNTAX.md in ../shared/conformance).
// One `ScriptEvent` is one timed line of the script; the runner turns each into exactly one action
// (inject a segment, expect a segment, make a call), so this file is the runner's whole input.
// Times are integer microseconds, as packetdrill keeps them (run.c), so `+.01` is exact.

export interface Loc { line: number; column: number }

/** When an event happens, before the base (previous event, or script start) is known. */
export type TimeSpec =
  | { kind: 'absolute'; us: number }
  | { kind: 'relative'; us: number }
  /** `*`: an outbound packet at any time; the next relative time counts from when it appeared. */
  | { kind: 'any' };

export interface EventTime {
  start: TimeSpec;
  /** `a~b`: the upper end of a window (outbound packets only). */
  rangeEnd?: TimeSpec;
  /** `start...end`: a blocking call that must return at `end`, measured from the same base as `start`. */
  blockingEnd?: { us: number };
}

/** A value in a system-call line. */
export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'symbol'; name: string }
  | { kind: 'ellipsis' }
  | { kind: 'null' }
  | { kind: 'string'; value: string }
  /** `A|B|C`, symbolic flags OR-ed together. */
  | { kind: 'or'; terms: Expr[] }
  /** `[1]`: a pointer to a scalar (in) or the value expected back (out). */
  | { kind: 'array'; items: Expr[] }
  /** `{onoff=1, linger=0}` or `{..., 1000}`. */
  | { kind: 'struct'; fields: StructField[] };

export interface StructField {
  /** Undefined for a positional item. */
  name?: string;
  /** `msg_iov(1)=...`: the parenthesised part after a field name. */
  nameArgs?: Expr[];
  value: Expr;
}

export type OptionSpec =
  | { kind: 'nop' }
  | { kind: 'eol' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackOK' }
  | { kind: 'sack'; blocks: Array<[number, number]> }
  | { kind: 'timestamp'; val: number; ecr: number }
  /** TCP Fast Open: a hex cookie, a `-D` symbol, or empty (a cookie request). */
  | { kind: 'fastopen'; cookie: string; /** `FOEXP`: the experimental option (kind 254, magic 0xF989). */ exp?: boolean }
  /** `md5 HEX`: the TCP-MD5 signature option (RFC 2385, kind 19, a 16-byte digest). */
  | { kind: 'md5'; digest: string };

export interface PacketEvent {
  kind: 'packet';
  /** `<` the scripted peer sends it (inbound), `>` the engine must send it (outbound). */
  direction: 'inbound' | 'outbound';
  /** As written: `S.`, `FP.`, `-`. */
  flags: string;
  /** `[noecn]`, `[ect0]`, `[ect1]`, `[ce]` before the flags: the IP ECN codepoint; unwritten, not checked. */
  ecn?: 'noecn' | 'ect0' | 'ect1' | 'ce';
  seqStart: number;
  seqEnd: number;
  length: number;
  ack?: number;
  win?: number;
  urg?: number;
  /** undefined: no list written (outbound: the segment must carry no options); 'any': `<...>`. */
  options?: OptionSpec[] | 'any';
}

export interface SyscallEvent {
  kind: 'syscall';
  name: string;
  args: Expr[];
  result: Expr;
  /** `= -1 EPIPE (Broken pipe)`: the errno name. */
  errno?: string;
  /** The free text in parentheses after the result, a comment. */
  note?: string;
}

export interface ShellEvent { kind: 'shell'; command: string }
export interface PythonEvent { kind: 'python'; code: string }

export type EventBody = PacketEvent | SyscallEvent | ShellEvent | PythonEvent;

export type ScriptEvent = EventBody & { time: EventTime; loc: Loc; /** The line as written, for messages. */ text: string };

export interface ShellCommand { command: string; loc: Loc }

export interface Script {
  file: string;
  /** Top-of-file `--name=value` flags (value '' for a bare `--name`). */
  options: Record<string, string>;
  /** Backtick lines before the first event. */
  init: ShellCommand[];
  events: ScriptEvent[];
  /** Backtick lines after the last event. */
  cleanup: ShellCommand[];
}

export interface ParseError { file: string; line: number; column: number; message: string }

export function formatParseError(e: ParseError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}
