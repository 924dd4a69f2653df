// The kernel's binary trace ring buffer as `per_cpu/cpuN/trace_pipe_raw` hands it out: one page per
// read(2), laid out as kernel/trace/ring_buffer.c writes it (and libtraceevent's kbuffer-parse.c
// reads it). Nothing here is hard-coded that the kernel describes: the page header comes from
// `events/header_page`, an event's fields from its `format` file.
//
//   page:   u64 timestamp | commit (local_t: data bytes in its low 27 bits, flags above) | data …
//   event:  u32 header (type_len: low 5 bits, time_delta: high 27 bits), then by type_len:
//             1..28  a record of type_len × 4 bytes; the clock advances by time_delta
//             0      a u32 length (the record's bytes + 4), then the record
//             29     padding: time_delta 0 means "nothing more on this page"; otherwise a discarded
//                    event whose u32 length (its bytes after the header) follows
//             30     time extend: the next u32 holds the delta's bits 27 and up
//             31     absolute time stamp, the same split (its top bits come from the page's)
//   commit's bit 31: events were lost before this page; bit 30: their count (a long) sits right
//   after the data.
// Rules kept here: a page is read only up to its commit (the bytes after it are stale); a page that
// does not add up (a record crossing the commit, a commit beyond the page) stops that page with an
// error naming the byte, and never throws; decoding allocates nothing, the caller's `onRecord` sees
// a byte offset into the caller's buffer.
// Pure: bytes in, calls out. Times are the instance's trace clock in nanoseconds (a Number: exact
// below 2^53 ns, 104 days of uptime; beyond it, to tens of nanoseconds).

/** The page header as `events/header_page` describes it. */
export interface PageLayout {
  /** Bytes per page (header + data). */
  pageSize: number;
  commitOffset: number;
  /** Size of `commit` (local_t: 8 on 64-bit kernels), also the size of the stored lost-event count. */
  commitSize: number;
  dataOffset: number;
}

export interface FieldSpec { offset: number; size: number }

/** The fields exact mode reads from `sock:inet_sock_set_state`; each must be in the format file. */
export const SOCK_STATE_FIELDS = [
  'common_type', 'common_pid', 'oldstate', 'newstate', 'sport', 'dport', 'family', 'protocol',
  'saddr', 'daddr', 'saddr_v6', 'daddr_v6',
] as const;
export type SockStateField = typeof SOCK_STATE_FIELDS[number];

export interface EventFormat {
  /** The event's type id (`ID:`), what `common_type` holds in its records. */
  id: number;
  fields: Readonly<Record<string, FieldSpec>>;
}

const FIELD = /^\s*field:\s*(.+?);\s*offset:\s*(\d+);\s*size:\s*(\d+);/;

function fieldName(decl: string): string {
  // "unsigned short common_type", "__u8 saddr[4]", "const void * skaddr"
  const m = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*$/.exec(decl);
  return m ? m[1] : decl;
}

function parseFields(text: string): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const line of text.split('\n')) {
    const m = FIELD.exec(line);
    if (m) out[fieldName(m[1])] = { offset: Number(m[2]), size: Number(m[3]) };
  }
  return out;
}

/** `events/header_page`, or a message saying what it lacks. */
export function parseHeaderPage(text: string): PageLayout | string {
  const f = parseFields(text);
  const { timestamp, commit, data } = f;
  if (!timestamp || !commit || !data) return 'header_page lacks timestamp, commit or data';
  if (timestamp.size !== 8 || (commit.size !== 4 && commit.size !== 8)) return `header_page: unexpected sizes (timestamp ${timestamp.size}, commit ${commit.size})`;
  return { pageSize: data.offset + data.size, commitOffset: commit.offset, commitSize: commit.size, dataOffset: data.offset };
}

/** An event's `format` file, or a message naming the first required field it lacks. */
export function parseEventFormat(text: string, required: readonly string[] = SOCK_STATE_FIELDS): EventFormat | string {
  const id = /^ID:\s*(\d+)/m.exec(text);
  if (!id) return 'format has no ID';
  const fields = parseFields(text);
  for (const r of required) if (!fields[r]) return `format lacks the field ${r}`;
  return { id: Number(id[1]), fields };
}

export const TYPE_PADDING = 29;
export const TYPE_TIME_EXTEND = 30;
export const TYPE_TIME_STAMP = 31;
const MISSED_EVENTS = 0x8000_0000;
const MISSED_STORED = 0x4000_0000;
const COMMIT_MASK = 0x07ff_ffff;
const TS_SHIFT = 2 ** 27;
/** Absolute time stamps carry 59 bits; the page's time stamp gives the rest. */
const TS_MSB = 2 ** 59;

export interface PageResult {
  /** Records handed to onRecord. */
  records: number;
  /** Events the kernel says it lost before this page: the stored count, 1 (a lower bound) when only flagged, else 0. */
  lost: number;
  /** Why the rest of this page was skipped, with the byte it happened at; undefined when it read to its end. */
  error?: string;
}

/** Called per data record: its first byte in the buffer, its length, its time on the trace clock (ns). */
export type OnRecord = (at: number, length: number, timeNs: number) => void;

function u64(dv: DataView, at: number, le: boolean): number {
  const lo = dv.getUint32(at + (le ? 0 : 4), le);
  const hi = dv.getUint32(at + (le ? 4 : 0), le);
  return hi * 2 ** 32 + lo;
}

/**
 * Decodes one page of `length` bytes starting at `start` of `dv` (a read may be short: then only what
 * arrived is read). `le` is the kernel's byte order (the host's).
 */
export function decodePage(dv: DataView, start: number, length: number, layout: PageLayout, onRecord: OnRecord, le = true): PageResult {
  const res: PageResult = { records: 0, lost: 0 };
  const at = (p: number): string => `byte ${p - start}`;
  if (length < layout.dataOffset) {
    if (length > 0) res.error = `short page: ${length} bytes, the header alone is ${layout.dataOffset}`;
    return res;
  }
  let ts = u64(dv, start, le);
  const commitWord = dv.getUint32(start + layout.commitOffset + (le || layout.commitSize === 4 ? 0 : 4), le);
  const size = commitWord & COMMIT_MASK;
  const dataStart = start + layout.dataOffset;
  const end = dataStart + size;
  if (commitWord & MISSED_EVENTS) {
    res.lost = 1;
    if (commitWord & MISSED_STORED && size + layout.commitSize <= length - layout.dataOffset) {
      const n = layout.commitSize === 8 ? u64(dv, end, le) : dv.getUint32(end, le);
      if (n > 0) res.lost = n;
    }
  }
  if (layout.dataOffset + size > layout.pageSize) { res.error = `commit ${size} runs past the ${layout.pageSize}-byte page`; return res; }
  if (layout.dataOffset + size > length) { res.error = `truncated page: commit ${size} but ${length - layout.dataOffset} data bytes read`; return res; }

  let p = dataStart;
  while (p < end) {
    if (p + 4 > end) { res.error = `${at(p)}: event header crosses the commit end`; return res; }
    const hdr = dv.getUint32(p, le);
    const typeLen = hdr & 31;
    const delta = hdr >>> 5;
    if (typeLen === TYPE_PADDING) {
      if (delta === 0) return res; // the rest of the page is empty
      if (p + 8 > end) { res.error = `${at(p)}: padding crosses the commit end`; return res; }
      const len = dv.getUint32(p + 4, le);
      if (len < 4 || p + 4 + len > end) { res.error = `${at(p)}: padding of ${len} bytes crosses the commit end`; return res; }
      p += 4 + len; // a discarded event: the kernel's own reader does not advance the clock for it
      continue;
    }
    if (typeLen === TYPE_TIME_EXTEND || typeLen === TYPE_TIME_STAMP) {
      if (p + 8 > end) { res.error = `${at(p)}: time ${typeLen === TYPE_TIME_EXTEND ? 'extend' : 'stamp'} crosses the commit end`; return res; }
      const v = dv.getUint32(p + 4, le) * TS_SHIFT + delta;
      if (typeLen === TYPE_TIME_EXTEND) ts += v;
      else {
        // The stamp holds the clock's low 59 bits; the page's time stamp supplies the rest.
        const top = Math.floor(ts / TS_MSB) * TS_MSB;
        ts = top + v < ts && top > 0 ? top + TS_MSB + v : top + v;
      }
      p += 8;
      continue;
    }
    let data: number;
    let len: number;
    if (typeLen === 0) {
      if (p + 8 > end) { res.error = `${at(p)}: length word crosses the commit end`; return res; }
      const l = dv.getUint32(p + 4, le);
      if (l < 4) { res.error = `${at(p)}: record length ${l} is below its own length word`; return res; }
      data = p + 8;
      len = l - 4;
    } else {
      data = p + 4;
      len = typeLen * 4;
    }
    if (data + len > end) { res.error = `${at(p)}: a ${len}-byte record crosses the commit end (${end - start})`; return res; }
    ts += delta;
    res.records++;
    onRecord(data, len, ts);
    p = data + ((len + 3) & ~3);
  }
  return res;
}
