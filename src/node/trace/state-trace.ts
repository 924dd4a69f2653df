// Exact mode: every TCP state change the kernel makes, as it makes it, from the tracepoint
// `sock:inet_sock_set_state` read through a private tracefs instance.
//
// Why tracefs and not eBPF: the tracepoint already carries everything tcplens needs (family, 4-tuple,
// old and new state) and tracefs hands it out as it recorded it, so there is nothing to compile or load — no
// clang, no libbpf, no kernel headers, no BTF, no native addon — and it works on any kernel since
// 4.16 where root can write to tracefs. The kernel does the filtering (`protocol == 6`) before
// anything reaches user space. What eBPF would add (the owning process from the socket, in-kernel
// aggregation) tcplens takes from polling instead: the on-CPU task of a state change is often the
// softirq or a timer, not the owner, so it is not an owner anyway.
//
// Rules this module keeps:
// - The host is left as it was: one instance of our own (`tcplens-<pid>`), one event enabled in it,
//   its filter and clock set in it alone. It is removed on close(), at exit, on SIGINT, SIGTERM and
//   SIGHUP (exit-cleanup.ts); one left by a run whose process is gone (SIGKILL, a crash) is removed
//   when the next trace opens.
// - Never throws for "cannot trace here": it returns `{ available: false, reason, text }` with one
//   line in English and Chinese, and the caller polls instead.
// - The binary per-CPU ring (`per_cpu/cpuN/trace_pipe_raw`, raw-reader.ts) is read by default: the
//   kernel copies whole pages of fixed-size records, with no text to format and none to parse. The
//   text `trace_pipe` stays as the fallback (one line says why) where the raw files or a field of the
//   event's format are missing.
// - The pipes are opened non-blocking and polled: a blocking read would hold a libuv thread and
//   keep the file open, and rmdir of an instance fails (EBUSY) while its pipe is open, which a
//   signal handler could not undo. With no read ever in flight, close() and the exit handlers can
//   close the pipe and remove the instance at once.
// - Times come from the instance's clock set to `mono` (CLOCK_MONOTONIC, the clock of
//   process.hrtime), converted to wall-clock milliseconds with one offset taken at open, so events
//   and polled samples share one time line.
import { closeSync, constants, existsSync, mkdirSync, open, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Text } from '../../i18n/lang.js';
import type { Millis } from '../../core/time.js';
import {
  eventInNamespace, parseSockStateLine, sortEdges, edgeKey, type EdgeCount, type SockStateLine,
} from '../../formats/trace-sock-state.js';
import { checkNetnsName } from '../netns.js';
import { onExitCleanup } from './exit-cleanup.js';
import { rawFallbackText, unavailableText, type UnavailableReason } from './messages.js';
import { readNetnsAddresses } from './netns-addresses.js';
import { openRawReader, type RawReader } from './raw-reader.js';
import { INSTANCE_PREFIX, findTracefs, reapStaleInstances, removeInstanceSync } from './tracefs.js';

export interface TraceOptions {
  /** Keep only the state changes of this namespace's sockets (`ip netns` name or `pid:N`). */
  netns?: string;
  /** Called for every state change as it is read (they are also kept for `drain()`). */
  onEvent?: (e: TransitionEvent) => void;
  /** The tracefs root; found in /proc/self/mounts when not given. */
  tracefsRoot?: string;
  /** How often to look at the pipe when it was empty. */
  pollMs?: Millis;
  /** At most this many events wait for `drain()`; more are counted in `stats.dropped`. */
  maxBuffered?: number;
  /** `raw` (default): the binary per-CPU ring; `text`: trace_pipe, as tracefs prints it. */
  reader?: 'raw' | 'text';
}

/** One state change of one TCP socket, as the kernel made it. */
export interface TransitionEvent extends Omit<SockStateLine, 'kind' | 'traceMs'> {
  /** Wall-clock time of the change (ms since the epoch), from the kernel's timestamp. */
  time: Millis;
  /** The same instant on CLOCK_MONOTONIC (the clock of process.hrtime), in ms. */
  monotonic: Millis;
}

export interface TraceStats {
  /** State changes kept (after the namespace filter). */
  events: number;
  /** State changes the ring buffer lost (the kernel says so in the pipe): counts are lower bounds. */
  lost: number;
  /** Kept events dropped because nobody drained them (`maxBuffered`). */
  dropped: number;
  /** Events of other namespaces' sockets, left out by the namespace filter. */
  otherNamespaces: number;
  /**
   * Milliseconds spent in the reader's turns (read(2), decoding, counting, onEvent): they run
   * synchronously, so this is the reader's CPU, kernel copy included.
   */
  readMs: number;
}

export interface StateTrace {
  readonly available: true;
  /** The instance directory in tracefs. */
  readonly instance: string;
  /** When tracing began (wall clock, ms). */
  readonly startedAt: Millis;
  /** The events read since the last drain, oldest first. */
  drain(): TransitionEvent[];
  /** Transitions per edge since the trace opened, busiest first. */
  edgeCounts(): EdgeCount[];
  stats(): TraceStats;
  /** Which pipe is read: `raw` (binary, per CPU) or `text` (trace_pipe, the fallback). */
  readonly reader: 'raw' | 'text';
  /** One line when the raw reader could not be used and the text pipe is read instead. */
  readonly notice?: Text;
  /** Located problems of the raw reader (a short or inconsistent page, a CPU gone), at most a few. */
  readerErrors(): string[];
  /** Stops tracing and removes the instance. Safe to call twice. */
  close(): Promise<void>;
}

export interface TraceUnavailable {
  readonly available: false;
  readonly reason: UnavailableReason;
  /** One line saying why, in both languages. */
  readonly text: Text;
}

const EVENT = 'events/sock/inet_sock_set_state';
/** Ring buffer per CPU for our instance, in KiB (the kernel's default is 1,408). */
const BUFFER_KB = 8192;
/** Text reads (of at most a page each) per turn of the event loop. */
const BURST = 256;
let opened = 0;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function unavailable(reason: UnavailableReason, detail?: string): TraceUnavailable {
  return { available: false, reason, text: unavailableText(reason, detail) };
}

/** CLOCK_MONOTONIC → wall clock, from one pair of readings taken as close together as possible. */
function monotonicToWall(): Millis {
  const a = process.hrtime.bigint();
  const wall = Date.now();
  const b = process.hrtime.bigint();
  return wall - Number((a + b) / 2n) / 1e6;
}

/** Starts exact mode, or says in one line why it cannot run here. */
export async function openStateTrace(opts: TraceOptions = {}): Promise<StateTrace | TraceUnavailable> {
  if (process.platform !== 'linux') return unavailable('not-linux');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const root = opts.tracefsRoot ?? findTracefs();
  if (root === undefined) return unavailable(isRoot ? 'no-tracefs' : 'not-root');

  let own: Set<string> | undefined;
  if (opts.netns !== undefined) {
    try {
      checkNetnsName(opts.netns);
      own = await readNetnsAddresses(opts.netns);
    } catch (e) {
      return unavailable('netns', e instanceof Error ? e.message : String(e));
    }
  }

  try {
    readFileSync(path.join(root, EVENT, 'format'));
  } catch (e) {
    const code = errno(e);
    return code === 'EACCES' || code === 'EPERM' ? unavailable('not-root') : unavailable('no-tracepoint');
  }

  reapStaleInstances(root);
  // Our pid's name is taken only by an earlier trace of this process, or by a process with the same
  // pid in another pid namespace sharing this tracefs: the next counter then.
  let dir = '';
  for (let tries = 0; tries < 8 && (dir === '' || existsSync(dir)); tries++) {
    dir = path.join(root, 'instances', `${INSTANCE_PREFIX}${process.pid}${opened++ ? `-${opened}` : ''}`);
  }
  let fd: number | undefined;
  let raw: RawReader | undefined;
  let notice: Text | undefined;
  const closeFd = (): void => {
    raw?.close();
    if (fd === undefined) return;
    try { closeSync(fd); } catch { /* already closed */ }
    fd = undefined;
  };
  const offset = monotonicToWall();
  // Registered before mkdir, so a signal between the two cannot leave the instance behind.
  const unregister = onExitCleanup(() => { closeFd(); removeInstanceSync(dir); });

  try {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'trace_clock'), 'mono');
    // A larger ring per CPU for this instance alone (freed with it): a burst of connection churn
    // (~12 events per connection) overran the default 1.4 MB between two reads.
    try { writeFileSync(path.join(dir, 'buffer_size_kb'), String(BUFFER_KB)); } catch { /* kernel memory short: keep the default */ }
    try {
      writeFileSync(path.join(dir, EVENT, 'filter'), 'protocol == 6');
    } catch { /* an old kernel's filter syntax: the parser keeps TCP only anyway */ }
    writeFileSync(path.join(dir, EVENT, 'enable'), '1');
    if (opts.reader !== 'text') {
      const r = openRawReader(dir, root, offset);
      if (typeof r === 'string') notice = rawFallbackText(r);
      else raw = r;
    }
    if (!raw) fd = await new Promise<number>((resolve, reject) => {
      open(path.join(dir, 'trace_pipe'), constants.O_RDONLY | constants.O_NONBLOCK, (err, f) => (err ? reject(err) : resolve(f)));
    });
  } catch (e) {
    closeFd();
    removeInstanceSync(dir);
    unregister();
    const code = errno(e);
    if (code === 'EACCES' || code === 'EPERM') return unavailable('not-root');
    return unavailable('failed', e instanceof Error ? e.message : String(e));
  }

  const startedAt = Date.now();
  const pollMs = opts.pollMs ?? 100;
  const maxBuffered = opts.maxBuffered ?? 200_000;
  const buffered: TransitionEvent[] = [];
  const edges = new Map<number, EdgeCount>();
  const stats: TraceStats = { events: 0, lost: 0, dropped: 0, otherNamespaces: 0, readMs: 0 };
  let partial = '';
  let closed = false;

  // The namespace's addresses can change while we trace (an interface comes up, DHCP).
  const refresh = opts.netns !== undefined
    ? setInterval(() => { readNetnsAddresses(opts.netns as string).then((s) => { own = s; }, () => { /* keep the last set */ }); }, 5000).unref()
    : undefined;

  const takeLine = (line: string): void => {
    const p = parseSockStateLine(line);
    if (!p) return;
    if (p.kind === 'lost') { stats.lost += p.count; return; }
    take(p);
  };
  const take = (p: SockStateLine): void => {
    takeEvent({
      time: p.traceMs + offset, monotonic: p.traceMs, cpu: p.cpu, comm: p.comm, pid: p.pid, family: p.family,
      saddr: p.saddr, sport: p.sport, daddr: p.daddr, dport: p.dport, from: p.from, to: p.to, fromCode: p.fromCode, toCode: p.toCode,
    });
  };
  const takeEvent = (ev: TransitionEvent): void => {
    if (own && !eventInNamespace(ev, own)) { stats.otherNamespaces++; return; }
    stats.events++;
    // Keyed by Linux's codes (no string per event); merged by name in edgeCounts().
    const k = ev.fromCode * 64 + ev.toCode;
    const c = edges.get(k);
    if (c) c.count++;
    else edges.set(k, { from: ev.from, to: ev.to, count: 1 });
    if (buffered.length < maxBuffered) buffered.push(ev);
    else stats.dropped++;
    if (opts.onEvent) {
      try { opts.onEvent(ev); } catch (err) { queueMicrotask(() => { throw err; }); }
    }
  };

  // trace_pipe returns at most a page per read(2), so a busy host means many reads: they are made
  // here, synchronously, in bursts (the fd is non-blocking, an empty pipe answers EAGAIN at once),
  // rather than one libuv thread-pool round trip per page.
  const chunk = Buffer.alloc(1 << 16);
  let timer: NodeJS.Timeout | undefined;
  const takeLost = (n: number): void => { stats.lost += n; };
  const takeRecord = (ev: TransitionEvent): void => {
    if (!closed) takeEvent(ev);
  };
  const pump = (): void => {
    const t0 = performance.now();
    try { pumpOnce(); } finally { stats.readMs += performance.now() - t0; }
  };
  const pumpOnce = (): void => {
    timer = undefined;
    if (closed) return;
    if (raw) {
      // Closed by the exit handlers (a signal): stop, so the event loop can end.
      if (!raw.live()) return;
      const more = raw.pump(takeRecord, takeLost);
      if (closed) return;
      timer = setTimeout(pump, more ? 0 : pollMs);
      return;
    }
    if (fd === undefined) return;
    for (let i = 0; i < BURST; i++) {
      let n: number;
      try { n = readSync(fd, chunk, 0, chunk.length, null); } catch (e) {
        const code = errno(e);
        if (code === 'EAGAIN' || code === 'EINTR') break;
        return; // the instance vanished under us (removed by hand): stop; close() still cleans up
      }
      if (n <= 0) break;
      const text = partial + chunk.toString('utf8', 0, n);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) takeLine(l);
      if (closed) return; // an onEvent callback closed the trace
      if (i === BURST - 1) { timer = setTimeout(pump, 0); return; } // more waiting: let others run first
    }
    timer = setTimeout(pump, pollMs);
  };
  pump();

  let closing: Promise<void> | undefined;
  return {
    available: true,
    instance: dir,
    startedAt,
    reader: raw ? 'raw' : 'text',
    ...(notice ? { notice } : {}),
    readerErrors: () => [...(raw?.errors ?? [])],
    drain: () => buffered.splice(0, buffered.length),
    edgeCounts: () => {
      // TCP_SYN_RECV and TCP_NEW_SYN_RECV are both SYN-RECEIVED: one edge by name.
      const byName = new Map<string, EdgeCount>();
      for (const e of edges.values()) {
        const k = edgeKey(e.from, e.to);
        const c = byName.get(k);
        if (c) c.count += e.count;
        else byName.set(k, { ...e });
      }
      return sortEdges([...byName.values()]);
    },
    stats: () => ({ ...stats }),
    close: () => (closing ??= (async () => {
      if (refresh) clearInterval(refresh);
      if (timer) clearTimeout(timer);
      pump(); // what the kernel wrote before close() is still counted
      if (timer) clearTimeout(timer);
      // A pump that stopped at its burst limit left pages behind: read them too (bounded).
      for (let i = 0; i < 64 && raw && raw.pump(takeRecord, takeLost); i++) { /* more pages */ }
      closed = true;
      if (timer) clearTimeout(timer);
      closeFd();
      removeInstanceSync(dir);
      unregister();
    })()),
  };
}
