// The binary reader of exact mode: `per_cpu/cpuN/trace_pipe_raw` of our instance, one file per CPU,
// whole ring-buffer pages per read(2), decoded in place (ring-page.ts) with the field offsets the
// event's `format` file gives. Against the text pipe it saves the kernel formatting every event as
// text (~250 bytes, addresses printed three ways) and tcplens parsing it back: one page read brings
// ~50 state changes.
// Rules kept here:
// - Every file is opened non-blocking and read only when asked (`pump`), for the reasons the text
//   reader has (an instance cannot be removed while a read is in flight).
// - The records of one pump are merged across CPUs by time before they are handed on, as the
//   kernel's own `trace_pipe` merges them, so a socket's changes on two CPUs keep their order.
// - A CPU whose file fails (taken offline and gone, ENODEV) is closed and the others go on; a page
//   that does not add up is skipped with its CPU and byte in `errors` (kept short), never thrown.
// - Nothing is allocated per event but the record handed on; addresses and task names are cached.
import { closeSync, constants, existsSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { canonicalHost } from '../../formats/address.js';
import type { TransitionEvent } from './state-trace.js';
import type { Family } from '../../model/snapshot.js';
import { LINUX_STATE_CODES } from '../../model/states.js';
import { decodePage, parseEventFormat, parseHeaderPage, type EventFormat, type FieldSpec, type PageLayout } from './ring-page.js';

const EVENT = 'events/sock/inet_sock_set_state';
const IPPROTO_TCP = 6;
const AF_INET = 2;
const AF_INET6 = 10;
/** Pages read per CPU per pump before letting the event loop run. */
const BURST = 256;
const MAX_ERRORS = 20;

export interface RawReader {
  /** The CPUs being read. */
  readonly cpus: number[];
  /**
   * Reads every CPU until it is empty (or BURST pages), hands each TCP state change to `take` in time
   * order and lost-event counts to `lost`. True when a CPU had more waiting.
   */
  pump(take: (e: TransitionEvent) => void, lost: (n: number) => void): boolean;
  /** Located problems met so far (short pages, unreadable records), at most a few. */
  readonly errors: string[];
  /** False once every CPU's file is closed (close(), or every CPU gone): nothing more to read. */
  live(): boolean;
  /** Records of other events or of unknown type ids, skipped. */
  skipped(): number;
  close(): void;
}

interface Cpu { cpu: number; fd: number | undefined }

interface Offsets {
  type: FieldSpec; pid: FieldSpec; oldstate: FieldSpec; newstate: FieldSpec; sport: FieldSpec; dport: FieldSpec;
  family: FieldSpec; protocol: FieldSpec; saddr: FieldSpec; daddr: FieldSpec; saddr6: FieldSpec; daddr6: FieldSpec;
  /** The record must be at least this long. */
  minLength: number;
}

function offsets(f: EventFormat): Offsets | string {
  const x = f.fields;
  const o = {
    type: x.common_type, pid: x.common_pid, oldstate: x.oldstate, newstate: x.newstate, sport: x.sport, dport: x.dport,
    family: x.family, protocol: x.protocol, saddr: x.saddr, daddr: x.daddr, saddr6: x.saddr_v6, daddr6: x.daddr_v6, minLength: 0,
  };
  const sizes: [FieldSpec, number[]][] = [
    [o.type, [2, 4]], [o.pid, [4]], [o.oldstate, [4]], [o.newstate, [4]], [o.sport, [2]], [o.dport, [2]],
    [o.family, [2]], [o.protocol, [2]], [o.saddr, [4]], [o.daddr, [4]], [o.saddr6, [16]], [o.daddr6, [16]],
  ];
  for (const [spec, ok] of sizes) {
    if (!ok.includes(spec.size)) return `format: a field of ${spec.size} bytes where ${ok.join(' or ')} was expected`;
    o.minLength = Math.max(o.minLength, spec.offset + spec.size);
  }
  return o;
}

function readInt(dv: DataView, at: number, spec: FieldSpec, le: boolean): number {
  return spec.size === 2 ? dv.getUint16(at + spec.offset, le) : spec.size === 4 ? dv.getInt32(at + spec.offset, le) : dv.getUint8(at + spec.offset);
}

/**
 * Opens the raw files of an instance made (and enabled) by the caller, or says why it cannot.
 * `offsetMs` turns the trace clock (CLOCK_MONOTONIC, `mono`) into wall-clock time.
 */
export function openRawReader(instance: string, tracefsRoot: string, offsetMs = 0, procRoot = '/proc'): RawReader | string {
  let layout: PageLayout | string;
  let format: EventFormat | string;
  try {
    const hp = existsSync(path.join(instance, 'events/header_page')) ? path.join(instance, 'events/header_page') : path.join(tracefsRoot, 'events/header_page');
    layout = parseHeaderPage(readFileSync(hp, 'utf8'));
    format = parseEventFormat(readFileSync(path.join(instance, EVENT, 'format'), 'utf8'));
  } catch (e) {
    return `cannot read the ring buffer's layout (${(e as Error).message})`;
  }
  if (typeof layout === 'string') return layout;
  if (typeof format === 'string') return format;
  const off = offsets(format);
  if (typeof off === 'string') return off;
  // Linux 6.8+ lets an instance choose its sub-buffer size; the header page describes the default.
  try {
    const kb = Number(readFileSync(path.join(instance, 'buffer_subbuf_size_kb'), 'utf8').trim());
    if (Number.isInteger(kb) && kb > 0) layout = { ...layout, pageSize: kb * 1024 };
  } catch { /* older kernels: one system page */ }
  const page: PageLayout = layout;
  const eventId = format.id;

  const cpus: Cpu[] = [];
  try {
    for (const name of readdirSync(path.join(instance, 'per_cpu'))) {
      const m = /^cpu(\d+)$/.exec(name);
      if (!m) continue;
      const file = path.join(instance, 'per_cpu', name, 'trace_pipe_raw');
      try {
        cpus.push({ cpu: Number(m[1]), fd: openSync(file, constants.O_RDONLY | constants.O_NONBLOCK) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENODEV') continue; // a CPU that is offline now
        throw e;
      }
    }
  } catch (e) {
    for (const c of cpus) if (c.fd !== undefined) closeSync(c.fd);
    return `cannot open trace_pipe_raw (${(e as Error).message})`;
  }
  if (cpus.length === 0) return 'no per-CPU trace_pipe_raw files';
  cpus.sort((a, b) => a.cpu - b.cpu);

  const le = endianness() === 'LE';
  const buf = Buffer.alloc(page.pageSize);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const errors: string[] = [];
  let skipped = 0;
  const note = (msg: string): void => { if (errors.length < MAX_ERRORS) errors.push(msg); };

  const v4 = new Map<number, string>();
  const v6 = new Map<string, string>();
  const ipv4 = (at: number): string => {
    const k = dv.getUint32(at, false);
    let s = v4.get(k);
    if (s === undefined) {
      s = `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;
      if (v4.size >= 4096) v4.clear();
      v4.set(k, s);
    }
    return s;
  };
  const ipv6 = (at: number): string => {
    let hex = dv.getUint16(at, false).toString(16);
    for (let i = 2; i < 16; i += 2) hex += `:${dv.getUint16(at + i, false).toString(16)}`;
    let s = v6.get(hex);
    if (s === undefined) {
      // The same canonical form the text reader's %pI6c goes through: an IPv4-mapped peer reads as IPv4.
      s = canonicalHost(hex, 'ipv6')?.address ?? hex;
      if (v6.size >= 4096) v6.clear();
      v6.set(hex, s);
    }
    return s;
  };
  // The text pipe names the task from the kernel's saved command lines; here /proc says it, once per pid.
  const comms = new Map<number, string>();
  const comm = (pid: number): string => {
    if (pid === 0) return '<idle>';
    let c = comms.get(pid);
    if (c === undefined) {
      try { c = readFileSync(path.join(procRoot, String(pid), 'comm'), 'utf8').replace(/\n$/, ''); } catch { c = '<...>'; }
      if (comms.size >= 4096) comms.clear();
      comms.set(pid, c);
    }
    return c;
  };

  let cpuNow = 0;
  let batch: TransitionEvent[] = [];
  const onRecord = (at: number, length: number, timeNs: number): void => {
    if (length < 2 || (off.type.size === 2 ? dv.getUint16(at + off.type.offset, le) : dv.getUint32(at + off.type.offset, le)) !== eventId) { skipped++; return; }
    if (length < off.minLength) { note(`cpu${cpuNow}: a ${length}-byte record, shorter than the format's ${off.minLength}`); return; }
    if (readInt(dv, at, off.protocol, le) !== IPPROTO_TCP) return;
    const fam = readInt(dv, at, off.family, le);
    const family: Family | undefined = fam === AF_INET ? 'ipv4' : fam === AF_INET6 ? 'ipv6' : undefined;
    const fromCode = readInt(dv, at, off.oldstate, le);
    const toCode = readInt(dv, at, off.newstate, le);
    const from = LINUX_STATE_CODES[fromCode];
    const to = LINUX_STATE_CODES[toCode];
    if (!family || !from || !to) return;
    const pid = readInt(dv, at, off.pid, le);
    const monotonic = timeNs / 1e6;
    // Built once, in the shape handed upstream: the binary reader has no intermediate record.
    batch.push({
      time: monotonic + offsetMs,
      monotonic,
      cpu: cpuNow,
      comm: comm(pid),
      pid,
      family,
      saddr: family === 'ipv4' ? ipv4(at + off.saddr.offset) : ipv6(at + off.saddr6.offset),
      sport: readInt(dv, at, off.sport, le),
      daddr: family === 'ipv4' ? ipv4(at + off.daddr.offset) : ipv6(at + off.daddr6.offset),
      dport: readInt(dv, at, off.dport, le),
      from,
      to,
      fromCode,
      toCode,
    });
  };

  return {
    cpus: cpus.map((c) => c.cpu),
    errors,
    skipped: () => skipped,
    live: () => cpus.some((c) => c.fd !== undefined),
    pump(take, lost) {
      let more = false;
      let cpusWithEvents = 0;
      for (const c of cpus) {
        if (c.fd === undefined) continue;
        cpuNow = c.cpu;
        const before = batch.length;
        for (let i = 0; i < BURST; i++) {
          let n: number;
          try { n = readSync(c.fd, buf, 0, buf.length, null); } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EAGAIN' || code === 'EINTR') break;
            note(`cpu${c.cpu}: ${code ?? (e as Error).message}; no longer read`);
            try { closeSync(c.fd); } catch { /* gone */ }
            c.fd = undefined;
            break;
          }
          if (n <= 0) break;
          const r = decodePage(dv, 0, n, page, onRecord, le);
          if (r.lost) lost(r.lost);
          if (r.error) note(`cpu${c.cpu} page: ${r.error}`);
          if (i === BURST - 1) more = true;
        }
        if (batch.length > before) cpusWithEvents++;
      }
      if (batch.length === 0) return more;
      const out = batch;
      batch = [];
      // Each CPU's records are in time order already; merging is needed only across CPUs.
      if (cpusWithEvents > 1) out.sort((a, b) => a.monotonic - b.monotonic);
      for (const e of out) take(e);
      return more;
    },
    close() {
      for (const c of cpus) {
        if (c.fd === undefined) continue;
        try { closeSync(c.fd); } catch { /* already closed */ }
        c.fd = undefined;
      }
    },
  };
}
