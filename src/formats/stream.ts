// READ THIS FIRST — a paste of any size, read piece by piece in time linear in its length and with
// memory bounded by what is kept, not by the bytes read.
//
// Rules this file keeps:
// - The first PREFIX_CHARS decide (as detect.ts does from its first lines): text at all
//   (binary.ts), a pasted terminal session (prompt or `date` lines: session.ts), which format.
// - One socket listing without prompts (ss, netstat on Linux, /proc/net/tcp: the big case, hundreds
//   of MB) is parsed in batches of about BATCH_CHARS by its own parser, each batch behind the
//   listing's header lines so the parser reads it as it would the whole; line numbers are the
//   file's. A batch ends before a line that starts a row, never between a row and its
//   continuation lines (ss -i/-m). Counting (`tcplens states`) keeps only the counts.
// - Anything else (sessions, folders' small files, formats read as a whole such as JSON) is kept
//   and read at the end as before, up to MAX_BUFFERED_CHARS; past it the paste is refused with what
//   to do instead, never cut silently.
// - At most MAX_KEPT_PROBLEMS unreadable lines are kept one by one; the rest are counted.
import type { Text } from '../i18n/lang.js';
import type { HostSnapshot, ParseProblem } from '../model/snapshot.js';
import { stateFromWord, type TcpState } from '../model/states.js';
import { notTextReasonOfString } from './binary.js';
import { detectFormat, parseAs } from './detect.js';
import { mayHavePrompts } from './session.js';
import { snapshotFromParts, snapshotFromTexts, UnknownFormatError } from './merge.js';
import { note } from './text.js';
import { plainSsRow, StateWords } from './ss-count.js';
import type { FormatId, ParsedPart } from './types.js';

export const PREFIX_CHARS = 64 * 1024;
export const BATCH_CHARS = 256 * 1024;
/** A pasted session or a whole-document format (JSON) is read as a whole, up to this. */
export const MAX_BUFFERED_CHARS = 512 * 1024 * 1024;
export const MAX_KEPT_PROBLEMS = 10_000;

/** The header line of each listing read in batches; the lines up to it go before every batch. */
const STREAM_HEADERS: Partial<Record<FormatId, RegExp>> = {
  ss: /^\s*(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local/,
  'netstat-linux': /^Proto\s+Recv-Q\s+Send-Q\s+/,
  'proc-net-tcp': /^\s*sl\s+local_address\s+/,
};

/** A paste too large to keep for a whole-text read. */
export class PasteTooLargeError extends Error {
  readonly exitCode = 2;
  constructor(readonly text: Text) { super(text.en); this.name = 'PasteTooLargeError'; }
}

/** What `tcplens states` needs: counts per state and the snapshot's sources and problems, no records. */
export interface Tally { counts: Partial<Record<TcpState, number>>; snapshot: HostSnapshot }

export class PasteReader {
  private prefix = '';
  private decided = false;
  /** Whole-text mode: every piece kept (sessions, JSON, small formats). */
  private whole: string[] | undefined;
  private wholeChars = 0;
  /** Streaming mode. */
  private format: FormatId | undefined;
  private parse: ((text: string) => ParsedPart) | undefined;
  private context = '';
  private contextLines = 0;
  private pending = '';
  /** Lines of the file before `pending`. */
  private linesBefore = 0;
  private merged: ParsedPart | undefined;
  private readonly counts: Partial<Record<TcpState, number>> = {};
  private rowsRead = 0;
  private rowsUnread = 0;
  private dropped = 0;
  private fastCount = false;
  /** State words seen, to their state (a listing uses a handful of words millions of times). */
  private readonly words = new Map<string, TcpState | undefined>();
  private readonly byteWords = new StateWords();
  /** Bytes mode (pushBytes): the start of a line the next bytes complete. */
  private tail: Uint8Array | undefined;
  /** The last line read was a row (or a line the parser got): a line starting with white space after it continues it. */
  private afterRow = true;

  constructor(readonly name: string, private readonly countOnly = false) {}

  push(piece: string): void {
    if (this.tail !== undefined) { if (piece !== '') this.pushBytes(encoder.encode(piece)); return; }
    if (!this.decided) {
      this.prefix += piece;
      if (this.prefix.length >= PREFIX_CHARS) this.decide(false);
      return;
    }
    this.feed(piece, false);
  }

  /**
   * True once the reader counts an ss listing and its first batch is read: from then on the caller
   * may hand UTF-8 bytes (pushBytes) instead of text, and rows are counted without decoding them.
   */
  get wantsBytes(): boolean { return this.fastCount && this.merged !== undefined; }

  /**
   * UTF-8 bytes of the listing, cut anywhere but inside a character (call only when wantsBytes).
   * Each plain row is counted from its bytes (ss-count.ts); other lines are decoded and go to the
   * parser with their line numbers, as countBatch does. A chunk is scanned where it lies: only a
   * line cut between two chunks is copied.
   */
  pushBytes(chunk: Uint8Array): void {
    if (this.tail === undefined) {
      // Leaving text: the whole lines kept as text are read as such; the cut line is carried on as bytes.
      const nl = this.pending.lastIndexOf('\n');
      const whole = this.pending.slice(0, nl + 1);
      const cut = this.pending.slice(nl + 1);
      this.pending = '';
      if (whole !== '') this.readBatch(whole);
      this.tail = encoder.encode(cut);
      this.afterRow = true;
    }
    const slow: string[] = [];
    const slowLines: number[] = [];
    let from = 0;
    if (this.tail.length > 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) { this.tail = concatBytes(this.tail, chunk); return; }
      const line = concatBytes(this.tail, chunk.subarray(0, nl));
      this.countLine(line, 0, line.length, slow, slowLines);
      from = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      this.countLine(chunk, from, nl, slow, slowLines);
      from = nl + 1;
    }
    // A copy (Uint8Array's slice: a Buffer's is a view): the caller fills the chunk again.
    this.tail = Uint8Array.prototype.slice.call(chunk, from);
    if (slow.length) this.readSlow(slow, slowLines, true);
  }

  /** One line of bytes (no newline): counted when plain, else kept for the parser. */
  private countLine(buf: Uint8Array, start: number, end: number, slow: string[], slowLines: number[]): void {
    this.linesBefore++;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end === start) return;
    const c = buf[start];
    // -i/-m continuation lines belong to the row above and change no count.
    if ((c === 0x20 || c === 0x09) && this.afterRow) return;
    this.afterRow = true;
    const st = plainSsRow(buf, start, end, this.byteWords);
    if (st !== undefined) { this.counts[st] = (this.counts[st] ?? 0) + 1; this.rowsRead++; return; }
    slow.push(utf8.decode(buf.subarray(start, end)));
    slowLines.push(this.linesBefore);
  }

  private decide(atEnd: boolean): void {
    this.decided = true;
    const text = this.prefix;
    this.prefix = '';
    const d = notTextReasonOfString(text) || mayHavePrompts(text) ? undefined : detectFormat(text);
    const header = d ? STREAM_HEADERS[d.format] : undefined;
    if (!d || !header) { this.whole = []; this.feed(text, atEnd); return; }
    // The listing's header and the title lines above it (netstat's "Active Internet connections").
    const lines = text.slice(0, 8192).split('\n');
    const at = lines.findIndex((l) => header.test(l.replace(/\r$/, '')));
    this.contextLines = at >= 0 ? at + 1 : 0;
    this.context = at >= 0 ? lines.slice(0, at + 1).join('\n') + '\n' : '';
    this.format = d.format;
    const parser = d.parser;
    this.parse = (t) => parseAs(parser, this.name, t);
    // Counting rows word by word is for the plain ss layout: no Netid column, a State column.
    this.fastCount = this.countOnly && d.format === 'ss' && at >= 0 && !/^\s*Netid/.test(lines[at]);
    this.feed(text, atEnd);
  }

  private feed(piece: string, atEnd: boolean): void {
    if (this.whole) {
      this.wholeChars += piece.length;
      if (this.wholeChars > MAX_BUFFERED_CHARS) {
        const mb = Math.round(MAX_BUFFERED_CHARS / 2 ** 20);
        throw new PasteTooLargeError({
          en: `${this.name}: more than ${mb} MB of text that is not one socket listing (a pasted session of several commands, or JSON) is read only as a whole: save each command's output to its own file and give the folder, or give one listing (ss -tan, netstat -ant, /proc/net/tcp) alone`,
          zh: `${this.name}：超过 ${mb} MB 的非单一套接字列表文本（多条命令的终端会话或 JSON）只能整体读取：请把每条命令的输出各存一个文件并给出目录，或单独给出一份列表（ss -tan、netstat -ant、/proc/net/tcp）`,
        });
      }
      this.whole.push(piece);
      return;
    }
    this.pending += piece;
    if (this.pending.length < BATCH_CHARS && !atEnd) return;
    let cut = this.pending.length;
    if (!atEnd) {
      // End the batch before a line that starts a row (not before a continuation line).
      cut = -1;
      for (let i = this.pending.lastIndexOf('\n'); i >= 0; i = this.pending.lastIndexOf('\n', i - 1)) {
        const c = this.pending.charCodeAt(i + 1);
        if (i + 1 < this.pending.length && c !== 0x20 && c !== 0x09) { cut = i + 1; break; }
        if (i === 0) break;
      }
      if (cut <= 0) return;
    }
    const batch = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.readBatch(batch);
  }

  private readBatch(batch: string): void {
    if (this.fastCount && this.merged !== undefined) { this.countBatch(batch); return; }
    const first = this.merged === undefined;
    // Later batches go behind the header, so the parser reads them as rows of the same listing.
    const part = this.parse!(first ? batch : this.context + batch);
    const lines = countLines(batch);
    const shift = first ? 0 : this.linesBefore - this.contextLines;
    const problems = part.problems.filter((p) => first || p.line > this.contextLines || p.line === 0);
    for (const p of problems) if (p.line > 0) p.line += shift;
    this.linesBefore += lines;
    this.rowsRead += part.sockets?.length ?? 0;
    this.rowsUnread += problems.filter((p) => p.line > 0).length;
    if (this.countOnly) {
      for (const s of part.sockets ?? []) this.counts[s.state] = (this.counts[s.state] ?? 0) + 1;
      part.sockets = [];
    }
    if (first) { this.merged = { ...part, sockets: part.sockets ?? [], problems: [] }; }
    else {
      const m = this.merged!;
      for (const s of part.sockets ?? []) m.sockets!.push(s);
      if (part.hasProcesses) m.hasProcesses = true;
      if (part.attributionPartial) m.attributionPartial = true;
      if (part.owners) { const o = (m.owners ??= []); for (const x of part.owners) o.push(x); } // a loop: batches can be large
    }
    this.keep(problems);
  }

  /**
   * Counting an ss listing: a row in the plain shape (known state word, numeric queues, dotted-quad
   * or `*` addresses, ports 0..65535, no figure a check could refuse) is counted straight from its
   * words; every other line goes to the parser, behind the header, with its own line number, so it
   * is read or reported exactly as in a whole read.
   */
  private countBatch(batch: string): void {
    const slow: string[] = [];
    const slowLines: number[] = [];
    let n = this.linesBefore;
    let afterRow = false;
    let from = 0;
    while (from < batch.length) {
      let to = batch.indexOf('\n', from);
      if (to < 0) to = batch.length;
      const line = batch.charCodeAt(to - 1) === 13 ? batch.slice(from, to - 1) : batch.slice(from, to);
      n++;
      from = to + 1;
      const c = line.charCodeAt(0);
      if (line.length === 0) continue;
      // -i/-m continuation lines belong to the row above and change no count.
      if ((c === 0x20 || c === 0x09) && afterRow) continue;
      const st = fastSsState(line, this.words);
      if (st) { this.counts[st] = (this.counts[st] ?? 0) + 1; this.rowsRead++; afterRow = true; continue; }
      afterRow = true;
      slow.push(line);
      slowLines.push(n);
    }
    this.linesBefore = n;
    if (slow.length) this.readSlow(slow, slowLines, batch.endsWith('\n'));
  }

  /** Lines the row matcher left (with their line numbers in the file) through the parser, behind the header. */
  private readSlow(slow: string[], slowLines: number[], newline: boolean): void {
    const part = this.parse!(this.context + slow.join('\n') + (newline ? '\n' : ''));
    for (const st of part.sockets ?? []) this.counts[st.state] = (this.counts[st.state] ?? 0) + 1;
    this.rowsRead += part.sockets?.length ?? 0;
    const problems = part.problems.filter((p) => p.line > this.contextLines);
    for (const p of problems) p.line = slowLines[p.line - this.contextLines - 1] ?? p.line;
    this.rowsUnread += problems.length;
    this.keep(problems);
  }

  private keep(problems: ParseProblem[]): void {
    const m = this.merged!;
    const room = MAX_KEPT_PROBLEMS - m.problems.length;
    for (const p of problems.slice(0, Math.max(0, room))) m.problems.push(p);
    this.dropped += Math.max(0, problems.length - Math.max(0, room));
  }

  /** The snapshot of everything pushed. Throws UnknownFormatError as snapshotFromTexts does. */
  finish(takenAt: number): HostSnapshot {
    if (this.tail !== undefined) {
      // The last line, cut or not, is read as text like the end of any batch.
      this.pending = utf8.decode(this.tail);
      this.tail = undefined;
    }
    if (!this.decided) this.decide(true);
    else if (!this.whole) this.feed('', true);
    if (this.whole) return snapshotFromTexts([{ name: this.name, text: this.whole.join('') }], takenAt);
    if (!this.merged) throw new UnknownFormatError([{ en: `${this.name}: empty input, nothing to read`, zh: `${this.name}：输入为空，没有可读的内容` }], [this.name]);
    const part = this.merged;
    const extra = this.dropped > 0 ? [note(this.name, 0, {
      en: `${this.dropped} more unreadable lines are not listed (the first ${MAX_KEPT_PROBLEMS} are)`,
      zh: `另有 ${this.dropped} 行无法读取的行未列出（只列出前 ${MAX_KEPT_PROBLEMS} 行）`,
    })] : [];
    const snap = snapshotFromParts([part], takenAt, extra);
    // The row counts of the whole stream (a batch knows only its own).
    for (const s of snap.sources) if (s.rows) s.rows = { read: this.rowsRead, unread: this.rowsUnread };
    return snap;
  }

  /** Counts per state without the records (for a reader made with countOnly). */
  finishCounts(takenAt: number): Tally {
    const snapshot = this.finish(takenAt);
    if (this.whole || !this.countOnly) {
      const counts: Partial<Record<TcpState, number>> = {};
      for (const s of snapshot.sockets) counts[s.state] = (counts[s.state] ?? 0) + 1;
      return { counts, snapshot };
    }
    return { counts: { ...this.counts }, snapshot };
  }

  /** The format being read in batches, undefined when the paste is kept whole. */
  get streamingFormat(): FormatId | undefined { return this.format; }
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
const PORT = '(?:0|[1-9]\\d{0,4})';
/** `STATE recvq sendq addr:port addr:port [rest]` with dotted-quad or `*` addresses. */
const SS_PLAIN = new RegExp(`^(\\S+)\\s+\\d{1,15}\\s+\\d{1,15}\\s+(?:${IPV4}|\\*):(${PORT}|\\*)\\s+(?:${IPV4}|\\*):(${PORT}|\\*)(?:\\s+(.*))?$`);
/** Figures in the rest of a row that the value check could refuse: pid 0 (labelled or not), 10 or more digits. */
const RISKY_REST = /pid=0+\b|",0+,|\d{10}/;

function fastSsState(line: string, words: Map<string, TcpState | undefined>): TcpState | undefined {
  const m = SS_PLAIN.exec(line);
  if (!m) return undefined;
  if ((m[2] !== '*' && Number(m[2]) > 65535) || (m[3] !== '*' && Number(m[3]) > 65535)) return undefined;
  if (m[4] !== undefined && RISKY_REST.test(m[4])) return undefined;
  let st = words.get(m[1]);
  if (st === undefined && !words.has(m[1])) { st = stateFromWord(m[1]); words.set(m[1], st); }
  return st;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
