// READ THIS FIRST — plays a parsed packetdrill script against a simulated host on virtual time.
// Rules it keeps (packetdrill run.c, run_packet.c, run_system_call.c; SYNTAX.md §2–4):
// - One script line is one action: inbound `<` → one `handleSegment`, outbound `>` → the next
//   live segment(s) compared, a call line → one `SocketApi` call (syscalls.ts).
// - Time is virtual and only moves forward: between events the runner fires the host's timers in
//   deadline order (`nextDeadline`/`handleTimeout`), collecting each segment with the time it left.
// - Inbound packets and calls are performed at their scripted time; outbound packets and the return
//   of blocking calls are checked against theirs, within max(tolerance_usecs, 12.5% of the gap).
// - Relative times count from the previous event's scripted time, except after `*` and `a~b`
//   lines, which count from when the segment actually left; a blocking call's successors count
//   from its start.
// - Time is milliseconds like everywhere else (core/time.ts). Script times and tolerances arrive
//   in microseconds and are converted where they are read; every instant the runner holds sits on
//   the microsecond grid (`onGrid`), so comparisons are as exact as packetdrill's integer µs.
// - The first mismatch ends the run. Segments nobody expects are caught by the next `>` line only;
//   nothing asserts silence at the end (packetdrill does the same).
import { defaultConfig, applySetting, type TcpConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import type { Segment } from '../core/segment.js';
import { seqAdd, seqDiff } from '../core/seq.js';
import { microsToMillis, type Millis } from '../core/time.js';
import type { SocketApi, StateChange } from '../stack/api.js';
import { canonical } from '../stack/addr.js';
import type { PacketEvent, Script, ScriptEvent, SyscallEvent } from './ast.js';
import { addressesFor, BIND_PORT, type Addresses, type IpVersion, type ScriptedConnection } from './connection-map.js';
import { describeLive, describeScript, inboundSegment, matchOutbound, type MatchContext } from './segment-match.js';
import { readShell, type ReadInclude } from './shell-settings.js';
import { checkResult, isFastopenSend, prepareCall, Unsupported, type Attempt, type CallContext, type CallOutcome } from './syscalls.js';
import { mismatchText, type MismatchDetail } from './mismatch-text.js';
import { EpollTable } from './epoll.js';
import { runPython, type PyValue } from './python-eval.js';
import { nstatName, readNstat } from './nstat-check.js';
import { pythonName } from './python-names.js';

export type HostFactory = (config: TcpConfig, addrs: Addresses) => SocketApi;

export interface RunOptions {
  ipVersion: IpVersion;
  makeHost: HostFactory;
  /** Reads a file named in a backtick line, relative to the script's folder. */
  readInclude: ReadInclude;
  /** `-D NAME=value` symbols (FO cookies). */
  defines?: Record<string, string>;
  /**
   * packetdrill's command-line `--tolerance_usecs` / `--tolerance_percent`: the defaults a script's
   * own option lines override, as packetdrill reads the script's options after its command line.
   */
  tolerance?: { usecs?: number; percent?: number };
}

export interface Mismatch {
  line: number;
  /** The script line as written. */
  script: string;
  /** In English; `detail` renders in other languages (mismatch-text.ts). */
  message: string;
  detail: MismatchDetail;
  /** Virtual time of the failure, seconds since the script started. */
  at: number;
}

export interface RunResult {
  file: string;
  ipVersion: IpVersion;
  outcome: 'pass' | 'fail';
  mismatch?: Mismatch;
  /** Steps not checked (shell commands) and settings not modelled. */
  notes: string[];
  /**
   * The script's own checks beyond packets and calls: `%{ python }%` blocks and `nstat` counter
   * lines evaluated against the engine, and those that could not be (the run then fails).
   */
  checks: { python: number; counters: number; unevaluated: number };
  /** The engine's state changes up to the end or the failure. */
  timeline: StateChange[];
  /** Every segment in and out and every call made, in order, as the script would write them. */
  trace: TraceEntry[];
  lines: number;
}

export interface TraceEntry {
  /** Seconds since the script started. */
  at: number;
  kind: 'in' | 'out' | 'call';
  text: string;
}

const ANY_TIME_CAP_MS = 3_600_000;
const LATE_LOOKAHEAD_MS = 10_000;
const MAX_STEPS = 1_000_000;
const FIRST_REMOTE_PORT = 48_000;

class Failure extends Error {
  constructor(readonly mismatch: Mismatch) { super(mismatch.message); }
}

interface Sent { seg: Segment; at: Millis }
interface Blocked { ev: ScriptEvent & SyscallEvent; attempt: Attempt; start: Millis; end: Millis; tol: Millis }

/** The nearest instant on packetdrill's microsecond grid. */
function onGrid(ms: Millis): Millis {
  return Math.round(ms * 1000) / 1000;
}

/**
 * A timer deadline on the grid, rounded up: a timer that fell between two microseconds fires at the
 * later one (it would not be due at the earlier one, and the host would fire nothing there).
 */
function gridDeadline(ms: Millis): Millis {
  return Math.ceil(Math.round(ms * 1e6) / 1000) / 1000;
}

/** An instant as the microseconds mismatch reports and the matcher count in. */
function us(ms: Millis): number {
  return Math.round(ms * 1000);
}


export function runScript(script: Script, opts: RunOptions): RunResult {
  return new Run(script, opts).run();
}

class Run {
  private readonly notes: string[] = [];
  private readonly timeline: StateChange[] = [];
  /** Outbound entries keep the segment and its connection; they are written out at the end, once the ISN is known. */
  private readonly traceLog: Array<{ at: Millis; kind: TraceEntry['kind']; text?: string; seg?: Segment; conn?: ScriptedConnection; dropped?: boolean }> = [];
  private readonly addrs: Addresses;
  private host!: SocketApi;
  private now: Millis = 0;
  private base: Millis = 0;
  private queue: Sent[] = [];
  private blocked: Blocked[] = [];
  private sut: ScriptedConnection | undefined;
  private nextRemotePort = FIRST_REMOTE_PORT;
  private readonly fdMap = new Map<number, number>();
  private readonly tolerance: Millis;
  private readonly tolerancePercent: number;
  private readonly match: MatchContext = { conn: { remotePort: 0, listening: false, connecting: false }, toleranceUs: 0, tolerancePercent: 0, eventUs: 0 };
  private current: ScriptEvent | undefined;
  /** The script's epoll instances: told after every input which sockets woke (epoll.ts). */
  private readonly epoll = new EpollTable();
  /**
   * `tc qdisc add dev tun0 root pfifo limit 0` is in force: every segment the host emits is lost
   * before the wire (shell-settings.ts). The host's device is told (setTransmitFilter), so the
   * engine sees the transmit fail as Linux's tcp_transmit_skb() sees NET_XMIT_DROP; a host
   * without one only loses the segments on the wire.
   */
  private dropOutbound = false;
  /** The script's python variables, kept from block to block as packetdrill's one interpreter keeps them. */
  private readonly pyVars = new Map<string, PyValue>();
  /** nstat's history: the counters when nstat last updated it (a fresh namespace starts at zero). */
  private nstatHistory: Record<string, number> = {};
  private readonly checks = { python: 0, counters: 0, unevaluated: 0 };
  /**
   * The first python assertion that failed or could not be evaluated. packetdrill runs the
   * script's python after the last event, on TCP_INFO snapshots taken at each block's time, so a
   * packet or call mismatch anywhere is reported first, and an assertion only at the end.
   */
  private deferred: Mismatch | undefined;

  constructor(private readonly script: Script, private readonly opts: RunOptions) {
    this.addrs = addressesFor(opts.ipVersion);
    const o = script.options;
    // The parser has checked these are numbers (parse-script.ts NUMERIC_FLAGS); 0 means 0.
    const toleranceUs = o.tolerance_usecs !== undefined ? Number(o.tolerance_usecs) : opts.tolerance?.usecs ?? 4000;
    this.tolerance = microsToMillis(toleranceUs);
    this.tolerancePercent = o.tolerance_percent !== undefined ? Number(o.tolerance_percent) : opts.tolerance?.percent ?? 12.5;
    this.match.toleranceUs = toleranceUs;
    this.match.tolerancePercent = this.tolerancePercent;
    if (o.tcp_ts_tick_usecs !== undefined) this.match.tsTickUs = Number(o.tcp_ts_tick_usecs);
    for (const k of Object.keys(o)) {
      if (!['tolerance_usecs', 'tolerance_percent', 'tcp_ts_tick_usecs', 'mss', 'ip_version'].includes(k)) this.notes.push(`option --${k} ignored`);
    }
  }

  run(): RunResult {
    const result = (outcome: RunResult['outcome'], mismatch?: Mismatch): RunResult => ({
      file: this.script.file, ipVersion: this.opts.ipVersion, outcome, mismatch,
      notes: this.notes, timeline: this.timeline, lines: this.script.events.length, checks: this.checks,
      trace: this.traceLog.map((e) => ({
        at: us(e.at) / 1e6, kind: e.kind,
        text: e.text ?? (e.seg && e.conn ? describeLive(e.seg, e.conn, true) + (e.dropped ? '  (dropped: tc qdisc pfifo limit 0)' : '') : ''),
      })),
    });
    try {
      const config = defaultConfig();
      for (const cmd of this.script.init) this.applyShell(cmd.command, config, true);
      this.host = this.opts.makeHost(config, this.addrs);
      if (this.dropOutbound) this.applyDevice();
      for (const ev of this.script.events) {
        this.current = ev;
        this.step(ev);
        this.collectStates();
      }
      this.current = undefined;
      this.finishBlocked();
      this.collectStates();
      return this.deferred ? result('fail', this.deferred) : result('pass');
    } catch (e) {
      this.collectStates();
      if (e instanceof Failure) return result('fail', e.mismatch);
      // An engine exception is a failure of this script, located at the line that triggered it.
      const ev = this.current;
      const detail: MismatchDetail = { kind: 'engine', error: e instanceof Error ? e.message : String(e) };
      return result('fail', { line: ev?.loc.line ?? 0, script: ev?.text ?? '', message: mismatchText(detail, 'en'), detail, at: us(this.now) / 1e6 });
    }
  }

  private fail(detail: MismatchDetail, ev = this.current): never {
    throw new Failure({ line: ev?.loc.line ?? 0, script: ev?.text ?? '', message: mismatchText(detail, 'en'), detail, at: us(this.now) / 1e6 });
  }

  private collectStates(): void {
    if (this.host) this.timeline.push(...this.host.drainStateChanges());
  }

  // ---- time ----

  private scriptedTime(ev: ScriptEvent): Millis | undefined {
    const s = ev.time.start;
    if (s.kind === 'any') return undefined;
    return this.fromScript(s.kind, s.us);
  }

  /** A script time (µs, absolute or after the base) as an instant. */
  private fromScript(kind: 'absolute' | 'relative', t: number): Millis {
    return onGrid((kind === 'absolute' ? 0 : this.base) + microsToMillis(t));
  }

  /** max(tolerance_usecs, tolerance_percent of the gap), rounded to the µs as packetdrill does. */
  private slack(gap: Millis): Millis {
    return Math.max(this.tolerance, microsToMillis(Math.round((Math.abs(us(gap)) * this.tolerancePercent) / 100)));
  }

  /** Fire every timer due up to `t`, then stand at `t`. Stops early when `untilSegment` and one was sent. */
  private advanceTo(t: Millis, untilSegment = false, until?: () => boolean): void {
    for (let steps = 0; ; steps++) {
      if (steps > MAX_STEPS) this.fail({ kind: 'livelock', what: 'timers', atUs: us(t) });
      if (untilSegment && this.queue.length > 0) return;
      if (until?.()) return;
      const d = this.host.nextDeadline();
      // A sleeping call with its own wake time (a lingering close) is retried then, timer or not.
      const w = this.blockedWake();
      if (w !== undefined && w <= t && (d === undefined || w < gridDeadline(d))) {
        this.now = Math.max(this.now, w);
        this.host.advance(this.now);
        this.pollBlocked();
        continue;
      }
      if (d === undefined) break;
      const due = Math.max(this.now, gridDeadline(d));
      if (due > t) break;
      this.now = due;
      this.host.advance(due);
      this.host.handleTimeout(due);
      this.afterInput();
    }
    if (untilSegment && this.queue.length > 0) return;
    if (t > this.now) {
      this.now = t;
      this.host.advance(t);
    }
  }

  private afterInput(): void {
    const drops = this.host.pollLocalDrop?.bind(this.host);
    if (drops) {
      for (let seg = drops(); seg; seg = drops()) {
        if (this.belongs(seg)) this.traceLog.push({ at: this.now, kind: 'out', seg, conn: this.sut, dropped: true });
      }
    }
    for (let seg = this.host.pollTransmit(), n = 0; seg; seg = this.host.pollTransmit(), n++) {
      if (n > MAX_STEPS) this.fail({ kind: 'livelock', what: 'transmit', atUs: us(this.now) });
      if (!this.belongs(seg)) continue;
      if (this.dropOutbound) {
        this.traceLog.push({ at: this.now, kind: 'out', seg, conn: this.sut, dropped: true });
        continue;
      }
      this.queue.push({ seg, at: this.now });
      this.traceLog.push({ at: this.now, kind: 'out', seg, conn: this.sut });
    }
    this.epoll.observe(this.host);
    // A sleeping call that returns may send at once (the rest of a Fast Open write after the
    // handshake): collect what it sent at this same instant.
    if (this.pollBlocked()) this.afterInput();
  }

  /** Packets of sockets other than the one under test are ignored, as packetdrill's sniffer does. */
  private belongs(seg: Segment): boolean {
    // An IPv4-mapped address names the IPv4 peer (a dual-stack socket); anything else must be exact.
    if (canonical(seg.dstAddr) !== canonical(this.addrs.remoteWire) || canonical(seg.srcAddr) !== canonical(this.addrs.localWire)) return false;
    const c = this.sut;
    if (!c || c.remotePort === 0) return true;
    // A socket that is connecting sends its SYN first: until then nothing else is its (a FIN of
    // the previous connection to the same port is another socket's, as packetdrill's sniffer sees it).
    if (c.connecting && c.localPort === undefined && seg.dstPort === c.remotePort) return seg.flags.syn && !seg.flags.ack;
    return seg.dstPort === c.remotePort && (c.localPort === undefined || seg.srcPort === c.localPort);
  }

  // ---- events ----

  private step(ev: ScriptEvent): void {
    const at = this.scriptedTime(ev);
    switch (ev.kind) {
      case 'packet':
        if (ev.direction === 'inbound') {
          this.advanceTo(at ?? this.now);
          this.inject(ev);
          this.base = at ?? this.now;
        } else {
          this.expect(ev, at);
        }
        return;
      case 'syscall':
        this.settleBlocked(ev);
        this.advanceTo(at ?? this.now);
        this.call(ev, at ?? this.now);
        this.base = at ?? this.now;
        return;
      case 'shell':
        this.advanceTo(at ?? this.now);
        if (!this.nstat(ev.command)) this.applyShell(ev.command, this.host.config, false);
        this.base = at ?? this.now;
        return;
      case 'python':
        this.advanceTo(at ?? this.now);
        this.python(ev.code);
        this.base = at ?? this.now;
        return;
    }
  }

  /** A `%{ ... }%` block, evaluated now on the socket under test's TCP_INFO (packetdrill's snapshot). */
  private python(code: string): void {
    let info: Record<string, number> | undefined;
    const tcpInfo = (): Record<string, number> | undefined => {
      if (info) return info;
      const fd = this.sut?.fd;
      const r = fd === undefined ? undefined : this.host.tcpInfo?.(this.callContext().liveFd(fd));
      info = r === undefined || isSysError(r) ? undefined : r;
      return info;
    };
    const r = runPython(code, { vars: this.pyVars, lookup: (n) => pythonName(n, tcpInfo) });
    if (r.kind === 'ok') { this.checks.python++; return; }
    if (r.kind === 'unevaluated') {
      this.checks.unevaluated++;
      this.defer({ kind: 'unevaluated', what: `%{ python }%: ${r.reason}` });
      return;
    }
    this.checks.python++;
    this.defer(r.kind === 'assert' ? { kind: 'assertion', statement: r.statement, message: r.message } : { kind: 'python-error', error: r.message });
  }

  private defer(detail: MismatchDetail): void {
    const ev = this.current;
    this.deferred ??= { line: ev?.loc.line ?? 0, script: ev?.text ?? '', message: mismatchText(detail, 'en'), detail, at: us(this.now) / 1e6 };
  }

  /**
   * An `nstat` line (nstat-check.ts): true when it was one. A counter check that fails ends the
   * run there, as the failed shell command ends packetdrill's.
   */
  private nstat(command: string): boolean {
    const r = readNstat(command);
    if (r.kind === 'other') return false;
    if (r.kind === 'unsupported') {
      this.checks.unevaluated++;
      this.defer({ kind: 'unevaluated', what: r.reason });
      return true;
    }
    const now = this.host.counters();
    if (r.kind === 'reset') { this.nstatHistory = now; return true; }
    const names = Object.keys(now).filter((k) => nstatName(k).includes(r.name));
    if (names.length === 0) {
      this.checks.unevaluated++;
      this.defer({ kind: 'unevaluated', what: `nstat counter ${r.name} is not kept by the engine` });
      return true;
    }
    this.checks.counters++;
    const grown = names.map((k) => ({ k, d: now[k] - (this.nstatHistory[k] ?? 0) })).filter((x) => x.d !== 0);
    if (r.update) this.nstatHistory = now;
    const ok = r.value === undefined ? grown.length > 0 : grown.some((x) => x.d === r.value);
    if (!ok) this.fail({ kind: 'counter', name: r.name, got: grown[0]?.d ?? 0, want: r.value });
    return true;
  }

  private applyShell(command: string, config: TcpConfig, init: boolean): void {
    const r = readShell(command, this.opts.readInclude);
    for (const s of r.settings) {
      const err = applySetting(config, s.name, s.value);
      if (err) this.notes.push(`sysctl ${s.name}=${s.value} not modelled`);
    }
    // An init command only sets up; a timed one (tc, nstat) may be a check we cannot make.
    const where = init ? 'init' : `line ${this.current?.loc.line ?? 0}: not supported, not checked`;
    for (const n of r.notes) this.notes.push(`${where}: ${n}`);
    // At init the host is not made yet, and its cache starts empty anyway.
    if (r.flushMetrics && !init) this.host.flushTcpMetrics?.();
    if (r.dropOutbound !== undefined && r.dropOutbound !== this.dropOutbound) {
      this.dropOutbound = r.dropOutbound;
      const told = this.applyDevice();
      const at = init ? 'init' : `line ${this.current?.loc.line ?? 0}`;
      this.notes.push(r.dropOutbound
        ? `${at}: ${r.qdisc?.join('; ') ?? 'tc'}: every outbound segment is dropped from here; ` +
          (told || init ? 'the host is told, as tcp_transmit_skb sees NET_XMIT_DROP (retries on TCP_RESOURCE_PROBE_INTERVAL)' : 'on the wire only: this host cannot be told')
        : `${at}: ${r.qdisc?.join('; ') ?? 'tc'}: outbound segments reach the wire again`);
    }
  }

  /** Hand the qdisc state to the host's device; false when the host has none (wire drops only). */
  private applyDevice(): boolean {
    const h = this.host as SocketApi | undefined;
    if (!h?.setTransmitFilter) return false;
    h.setTransmitFilter(this.dropOutbound ? () => false : undefined);
    this.afterInput();
    return true;
  }

  private inject(ev: ScriptEvent & PacketEvent): void {
    const flagsSyn = ev.flags.includes('S') && !ev.flags.includes('.');
    // A SYN to a listener (or with no socket at all) is a new connection from a fresh remote port.
    // So is any first packet when no connection exists yet (a segment to a closed port).
    if ((flagsSyn && (!this.sut || this.sut.listening)) || !this.sut || this.sut.remotePort === 0) {
      this.sut = { remotePort: this.nextRemotePort++, localPort: BIND_PORT, listening: false, connecting: false };
    }
    this.match.conn = this.sut;
    const seg = inboundSegment(ev, this.sut, this.addrs, this.opts.defines ?? {});
    if (typeof seg === 'string') this.fail({ kind: 'unsupported', what: seg });
    this.traceLog.push({ at: this.now, kind: 'in', text: describeScript(ev) });
    this.host.handleSegment(seg, this.now);
    this.afterInput();
  }

  private expect(ev: ScriptEvent & PacketEvent, at: Millis | undefined): void {
    const start = at;
    const r = ev.time.rangeEnd;
    const end = r === undefined || r.kind === 'any' ? start : this.fromScript(r.kind, r.us);
    const tol = start === undefined ? 0 : this.slack((end ?? start) - this.base);
    const lo = start === undefined ? -Infinity : onGrid(start - tol);
    const hi = end === undefined ? onGrid(this.now + ANY_TIME_CAP_MS) : onGrid(end + tol);
    const want = describeScript(ev);
    if (this.sut) this.match.conn = this.sut;
    else this.sut = this.match.conn;
    // Look a while past the window so a late segment is reported as late, not as missing.
    const first = this.nextSegment(start === undefined ? hi : onGrid(hi + LATE_LOOKAHEAD_MS));
    if (!first) {
      this.fail({
        kind: 'missing', expected: want, fromUs: start === undefined ? undefined : us(start), toUs: end === undefined ? undefined : us(end),
        byUs: us(start === undefined ? this.now : hi), lookaheadS: LATE_LOOKAHEAD_MS / 1000,
      });
    }
    const seg = this.aggregate(first, ev.length, hi);
    if (this.sut.localPort === undefined) this.sut.localPort = seg.seg.srcPort;
    this.match.eventUs = us(start ?? seg.at);
    const field = matchOutbound(ev, seg.seg, this.match);
    const got = describeLive(seg.seg, this.sut, ev.win !== undefined);
    if (field !== undefined) this.fail({ kind: 'segment', expected: want, got, atUs: us(seg.at), field });
    const timing = { got, atUs: us(seg.at), fromUs: us(start ?? 0), toUs: us(end ?? start ?? 0), tolUs: us(tol) };
    if (seg.at < lo) this.fail({ kind: 'early', ...timing });
    if (seg.at > hi) this.fail({ kind: 'late', ...timing });
    this.base = start === undefined || ev.time.rangeEnd ? seg.at : start;
  }

  private nextSegment(limit: Millis): Sent | undefined {
    // A segment queued for an earlier socket (a FIN from a close() the script did not watch) is not
    // the new socket's: packetdrill compares only the socket under test's packets.
    this.queue = this.queue.filter((q) => this.belongs(q.seg));
    if (this.queue.length === 0) this.advanceTo(limit, true);
    return this.queue.shift();
  }

  /** packetdrill merges consecutive data segments until the scripted length is reached (TSO/GRO-like). */
  private aggregate(first: Sent, wantLen: number, limit: Millis): Sent {
    let seg = first.seg;
    while (seg.payload.length > 0 && seg.payload.length < wantLen && !seg.flags.fin) {
      const next = this.queue[0] ?? (this.advanceTo(limit, true), this.queue[0]);
      if (!next || next.seg.flags.syn || next.seg.flags.rst || seqDiff(next.seg.seq, seqAdd(seg.seq, seg.payload.length)) !== 0) break;
      this.queue.shift();
      const flags = { ...next.seg.flags, psh: seg.flags.psh || next.seg.flags.psh };
      seg = { ...next.seg, seq: seg.seq, flags, payload: new Uint8Array(seg.payload.length + next.seg.payload.length) };
    }
    return { seg, at: first.at };
  }

  // ---- system calls ----

  private callContext(): CallContext {
    return {
      host: this.host,
      addrs: this.addrs,
      // A script fd no socket()/accept() line produced names no live socket. packetdrill stops
      // there ("unable to find socket with script fd N", run_system_call.c to_live_fd); we pass a
      // fd the host never allocates, so the call gets EBADF as it would on Linux — never the live
      // socket that happens to carry that number (accept(...) = 5 followed by close(4) must fail).
      liveFd: (fd) => this.fdMap.get(fd) ?? -1 - Math.abs(fd),
      isNonBlocking: (fd) => this.host.isNonBlocking(fd),
      epoll: this.epoll,
      now: () => this.now,
    };
  }

  private call(ev: ScriptEvent & SyscallEvent, start: Millis): void {
    let attempt: Attempt;
    try {
      attempt = prepareCall(ev, this.callContext());
    } catch (e) {
      if (e instanceof Unsupported) this.fail({ kind: 'unsupported', what: e.message });
      throw e;
    }
    const end = ev.time.blockingEnd !== undefined
      ? this.fromScript(ev.time.start.kind === 'absolute' ? 'absolute' : 'relative', ev.time.blockingEnd.us)
      : start;
    const tol = this.slack(end - start);
    const r = this.tryAttempt(attempt);
    this.trackSocket(ev, r);
    if (r === 'wouldBlock') {
      this.blocked.push({ ev, attempt, start, end, tol });
      this.afterInput();
      return;
    }
    this.finishCall(ev, r, end, tol);
    this.afterInput();
  }

  private tryAttempt(attempt: Attempt): CallOutcome | 'wouldBlock' {
    try {
      return attempt();
    } catch (e) {
      if (e instanceof Unsupported) this.fail({ kind: 'unsupported', what: e.message });
      throw e;
    }
  }

  private finishCall(ev: ScriptEvent & SyscallEvent, r: CallOutcome, end: Millis, tol: Millis): void {
    const ret = isSysError(r.value) ? `-1 ${r.value.errno}` : String(r.value);
    this.traceLog.push({ at: this.now, kind: 'call', text: `${ev.text.replace(/^\S+\s+/, '').replace(/\s*=[^=]*$/, '')} = ${ret}` });
    const bad = checkResult(ev, r);
    const name = `${ev.name}()`;
    if (bad) this.fail({ kind: 'result', call: name, ...bad }, ev);
    if (r.newFd !== undefined && ev.result.kind === 'number') {
      this.fdMap.set(ev.result.value, r.newFd);
      if (ev.name === 'accept' && this.sut) this.sut.fd = ev.result.value;
    }
    if (Math.abs(us(this.now) - us(end)) > us(tol)) {
      this.fail({ kind: 'call-time', call: name, atUs: us(this.now), endUs: us(end), tolUs: us(tol) }, ev);
    }
  }

  /** Which scripted connection the calls name: packetdrill's "socket under test". */
  private trackSocket(ev: SyscallEvent, r: CallOutcome | 'wouldBlock'): void {
    // sendto(MSG_FASTOPEN) connects as connect() does (tcp_sendmsg_fastopen).
    // connect(fd, AF_UNSPEC) dissolves the connection instead: the socket under test stays.
    const unspec = ev.name === 'connect' && ev.args[1]?.kind === 'symbol' && ev.args[1].name === 'AF_UNSPEC';
    if (unspec) return;
    const connects = ev.name === 'connect' || isFastopenSend(ev);
    if (r === 'wouldBlock' && !connects) return;
    const ok = r === 'wouldBlock' || !isSysError(r.value) || (connects && r.value.errno === 'EINPROGRESS');
    if (!ok) return;
    const fd = ev.args[0]?.kind === 'number' ? ev.args[0].value : undefined;
    if (ev.name === 'socket') this.sut = { remotePort: 0, listening: false, connecting: false, fd: ev.result.kind === 'number' ? ev.result.value : undefined };
    else if (ev.name === 'listen' && this.sut && (this.sut.fd === undefined || this.sut.fd === fd)) this.sut.listening = true;
    else if (connects) {
      this.sut = { remotePort: BIND_PORT, listening: false, connecting: true, fd };
      this.match.conn = this.sut;
    }
  }

  /** The earliest wake time (rounded up to the µs so the call sees its deadline reached) of a blocked call. */
  private blockedWake(): Millis | undefined {
    let w: Millis | undefined;
    for (const b of this.blocked) {
      const at = b.attempt.wakeAt?.();
      if (at !== undefined && (w === undefined || at < w)) w = Math.ceil(at * 1000) / 1000;
    }
    return w;
  }

  /** Retry every sleeping call; true when one returned. */
  private pollBlocked(): boolean {
    let woke = false;
    for (let i = 0; i < this.blocked.length; i++) {
      const b = this.blocked[i];
      const r = this.tryAttempt(b.attempt);
      if (r === 'wouldBlock') continue;
      this.blocked.splice(i, 1);
      i--;
      woke = true;
      this.finishCall(b.ev, r, b.end, b.tol);
    }
    return woke;
  }

  /** Before the next call (packetdrill has one syscall thread) and at the end, a blocked call must finish in time. */
  private settleBlocked(next: ScriptEvent | undefined): void {
    while (this.blocked.length > 0) {
      const b = this.blocked[0];
      // Stop where it returns: the next call starts no earlier than its scripted time, not at the window's end.
      this.advanceTo(onGrid(b.end + b.tol), false, () => this.blocked[0] !== b);
      if (this.blocked[0] === b) {
        this.fail({ kind: 'still-blocked', call: `${b.ev.name}()`, atUs: us(this.now), endUs: us(b.end), tolUs: us(b.tol), endOfScript: next === undefined }, b.ev);
      }
    }
  }

  private finishBlocked(): void {
    this.settleBlocked(undefined);
  }
}
