// READ THIS FIRST — the trace vocabulary of the engine's tests (after smoltcp's send!/recv!).
// One line of a test is one packetdrill line:
//   t.send(0.01, '. 1:1(0) ack 1 win 257')       the peer's segment arrives at 10 ms
//   t.recv(0.01, '. 1:1(0) ack 101')              exactly these segments left at that time, then nothing
//   t.recvNothing(5)                              nothing leaves up to 5 s (timers fired on the way)
// Times are seconds like packetdrill's, converted once in `advance` (the engine runs in ms);
// sequence numbers are relative to each side's ISN, which the trace picks near 2^32 so every test
// crosses the wrap. Segments are written as packetdrill writes them: flags, start:end(len), ack,
// optional win and <options> (checked only when written; `<>` means "no options").
import type { ActiveFastopen, FastopenAccept } from '../events/open.js';
import { Connection } from '../connection.js';
import type { ConnectionParams, ConnectionEvent, SocketOptions } from '../connection.js';
import type { Segment, TcpOption } from '../segment.js';
import { flagsFromLetters, flagsToLetters } from '../segment.js';
import type { Seq } from '../seq.js';
import { seq, seqAdd, seqDiff } from '../seq.js';
import type { TcpConfig } from '../config.js';
import { defaultConfig } from '../config.js';
import { secondsToMillis } from '../time.js';
import type { TcpState } from '../../model/states.js';

/** Chosen so that relative 0 sits just below the 2^32 wrap. */
export const LOCAL_ISN = seq(0xffffff00);
export const REMOTE_ISN = seq(0xfffffff0);
export const LOCAL = { addr: '192.168.0.1', port: 8080 };
export const REMOTE = { addr: '192.0.2.1', port: 40000 };

export function packetdrillConfig(): TcpConfig {
  const c = defaultConfig();
  // defaults.sh of the conformance corpus
  c.tcp_rmem = [4096, 540000, 15728640];
  c.tcp_wmem = [4096, 262144, 4194304];
  c.tcp_syn_retries = 5;
  c.tcp_synack_retries = 5;
  return c;
}

interface Spec { flags: string; start: number; end: number; len: number; ack?: number; win?: number; opts?: TcpOption[] }

function fail(msg: string): never {
  throw new Error(msg);
}

export function parseSpec(text: string): Spec {
  const m = /^\s*([SFRPUEW.-]+)\s+(\d+):(\d+)\((\d+)\)(?:\s+ack\s+(\d+))?(?:\s+win\s+(\d+))?(?:\s+<(.*)>)?\s*$/.exec(text);
  if (!m) fail(`cannot read segment '${text}'`);
  const spec: Spec = { flags: m[1], start: Number(m[2]), end: Number(m[3]), len: Number(m[4]) };
  if (m[5] !== undefined) spec.ack = Number(m[5]);
  if (m[6] !== undefined) spec.win = Number(m[6]);
  if (m[7] !== undefined) spec.opts = parseOpts(m[7]);
  return spec;
}

function parseOpts(s: string): TcpOption[] {
  if (s.trim() === '') return [];
  return s.split(',').map((o) => {
    const w = o.trim().split(/\s+/);
    switch (w[0]) {
      case 'nop': return { kind: 'nop' } as TcpOption;
      case 'mss': return { kind: 'mss', value: Number(w[1]) } as TcpOption;
      case 'wscale': return { kind: 'wscale', shift: Number(w[1]) } as TcpOption;
      case 'sackOK': return { kind: 'sackOK' } as TcpOption;
      case 'TS': return { kind: 'timestamp', val: Number(w[2]), ecr: Number(w[4]) } as TcpOption;
      case 'sack': return { kind: 'sack', blocks: w.slice(1).map((b) => b.split(':').map(Number) as unknown as [Seq, Seq]) } as TcpOption;
      case 'FO': case 'FOEXP': {
        const cookie = Uint8Array.from((w[1] ?? '').match(/../g) ?? [], (x) => parseInt(x, 16));
        return (w[0] === 'FOEXP' ? { kind: 'fastopen', cookie, exp: true } : { kind: 'fastopen', cookie }) as TcpOption;
      }
      default: return fail(`unknown option '${o}'`);
    }
  });
}

function optsText(o: readonly TcpOption[]): string {
  return o.map((x) => {
    switch (x.kind) {
      case 'mss': return `mss ${x.value}`;
      case 'wscale': return `wscale ${x.shift}`;
      case 'timestamp': return `TS val ${x.val} ecr ${x.ecr}`;
      case 'sack': return `sack ${x.blocks.map(([a, b]) => `${a}:${b}`).join(' ')}`;
      case 'fastopen': return `${x.exp ? 'FOEXP' : 'FO'} ${[...x.cookie].map((b) => b.toString(16).padStart(2, '0')).join('')}`.trim();
      default: return x.kind;
    }
  }).join(',');
}

export interface Sent { at: number; seg: Segment }

export class Trace {
  conn: Connection | undefined;
  now = 0;
  readonly config: TcpConfig;
  readonly options: SocketOptions;
  localIsn: Seq = LOCAL_ISN;
  remoteIsn: Seq = REMOTE_ISN;
  tsOffset = 0;
  private unchecked: Sent[] = [];
  readonly events: ConnectionEvent[] = [];
  readonly states: TcpState[] = [];

  /** What the host's listener decided by tcp_try_fastopen() for the next passive open. */
  fastopen: FastopenAccept | undefined;

  constructor(config?: Partial<TcpConfig>, options: SocketOptions = {}) {
    this.config = { ...packetdrillConfig(), ...config };
    this.options = options;
  }

  params(): ConnectionParams {
    return { config: this.config, local: LOCAL, remote: REMOTE, isn: this.localIsn, tsOffset: this.tsOffset, options: { ...this.options } };
  }

  get c(): Connection {
    return this.conn ?? fail('no connection yet');
  }

  /** Move time to `t` (seconds, as packetdrill writes it), firing every due timer at its own deadline. */
  advance(t: number): void {
    const ms = secondsToMillis(t);
    if (this.conn) {
      for (let guard = 0; guard < 100000; guard++) {
        const d = this.conn.nextDeadline();
        if (d === undefined || d > ms + 1e-9) break;
        this.now = Math.max(this.now, d);
        this.conn.handleTimeout(d);
        this.drain();
      }
    }
    this.now = Math.max(this.now, ms);
  }

  drain(): void {
    if (!this.conn) return;
    for (let s = this.conn.pollTransmit(); s; s = this.conn.pollTransmit()) this.unchecked.push({ at: this.now, seg: s });
    for (let e = this.conn.pollEvent(); e; e = this.conn.pollEvent()) {
      this.events.push(e);
      if (e.type === 'state') this.states.push(e.to);
    }
  }

  /** Active open; `fastopen` is what the host's Fast Open decided for the SYN (fastopen-client.ts). */
  connect(t: number, fastopen?: ActiveFastopen): void {
    this.advance(t);
    this.conn = Connection.connect(this.params(), this.now, fastopen);
    this.states.push(this.conn.history.length ? 'CLOSED' : this.conn.state);
    this.drain();
  }

  /** The peer's segment, relative numbers; a SYN without an existing connection goes to a new passive one. */
  send(t: number, text: string): void {
    this.advance(t);
    const seg = this.inbound(text);
    if (!this.conn && seg.flags.syn && !seg.flags.ack) {
      this.conn = Connection.accept(this.params(), seg, this.now, this.fastopen);
      this.states.push('LISTEN');
    } else {
      this.c.handleSegment(seg, this.now);
    }
    this.drain();
  }

  /** Deliver a raw segment (for hostile input). */
  sendRaw(t: number, seg: Segment): void {
    this.advance(t);
    this.c.handleSegment(seg, this.now);
    this.drain();
  }

  inbound(text: string): Segment {
    const s = parseSpec(text);
    const f = flagsFromLetters(s.flags);
    return {
      srcAddr: REMOTE.addr, srcPort: REMOTE.port, dstAddr: LOCAL.addr, dstPort: LOCAL.port,
      seq: seqAdd(this.remoteIsn, s.start), ack: s.ack !== undefined ? seqAdd(this.localIsn, s.ack) : seq(0),
      flags: f, window: s.win ?? 0, urgent: 0,
      options: (s.opts ?? []).map((o) => (o.kind === 'sack'
        ? { kind: 'sack', blocks: o.blocks.map(([a, b]) => [seqAdd(this.localIsn, a), seqAdd(this.localIsn, b)] as [Seq, Seq]) }
        : o)),
      payload: new Uint8Array(s.len),
    };
  }

  /** Outbound options with SACK blocks made relative to the peer's ISN, as packetdrill writes them. */
  relOptions(seg: Segment): TcpOption[] {
    return seg.options.map((o) => (o.kind === 'sack'
      ? { kind: 'sack', blocks: o.blocks.map(([a, b]) => [seqDiff(a, this.remoteIsn), seqDiff(b, this.remoteIsn)] as unknown as [Seq, Seq]) }
      : o));
  }

  /** Describe an outbound segment in relative packetdrill notation. */
  describe(seg: Segment): string {
    const rel = seqDiff(seg.seq, this.localIsn);
    const len = seg.payload.length;
    const start = seg.flags.rst && !seg.flags.ack && seg.seq === 0 ? 0 : rel;
    let s = `${flagsToLetters(seg.flags)} ${start}:${start + len}(${len})`;
    if (seg.flags.ack) s += ` ack ${seqDiff(seg.ack, this.remoteIsn)}`;
    s += ` win ${seg.window}`;
    if (seg.options.length) s += ` <${optsText(this.relOptions(seg))}>`;
    return s;
  }

  /** Exactly these segments left at time t (each within 1 ms of t), then nothing. */
  recv(t: number, ...texts: string[]): Segment[] {
    this.advance(t);
    const got = this.unchecked;
    this.unchecked = [];
    const gotText = got.map((g) => `${this.describe(g.seg)} @${(g.at / 1000).toFixed(4)}`).join('\n  ');
    if (got.length !== texts.length) fail(`at ${t}s expected ${texts.length} segment(s):\n  ${texts.join('\n  ')}\ngot ${got.length}:\n  ${gotText}`);
    texts.forEach((text, i) => {
      const want = parseSpec(text);
      const { at, seg } = got[i];
      const problems: string[] = [];
      if (Math.abs(at - t * 1000) > 1) problems.push(`sent at ${at / 1000}s, not ${t}s`);
      if (flagsToLetters(seg.flags) !== want.flags) problems.push(`flags ${flagsToLetters(seg.flags)}`);
      const relSeq = seqDiff(seg.seq, this.localIsn);
      const isClosedPortRst = seg.flags.rst && seg.flags.ack && seg.seq === 0;
      if (!isClosedPortRst && relSeq !== want.start) problems.push(`seq ${relSeq}`);
      if (seg.payload.length !== want.len) problems.push(`len ${seg.payload.length}`);
      const relAck = seg.flags.ack ? seqDiff(seg.ack, this.remoteIsn) : undefined;
      if (want.ack !== undefined && relAck !== want.ack) problems.push(`ack ${relAck}`);
      if (want.win !== undefined && seg.window !== want.win) problems.push(`win ${seg.window}`);
      if (want.opts !== undefined && optsText(this.relOptions(seg)) !== optsText(want.opts)) problems.push(`options <${optsText(this.relOptions(seg))}>`);
      if (problems.length) fail(`at ${t}s segment ${i + 1}: expected '${text}', got '${this.describe(seg)}' (${problems.join(', ')})`);
    });
    return got.map((g) => g.seg);
  }

  recvNothing(t: number): void {
    this.advance(t);
    if (this.unchecked.length) fail(`up to ${t}s expected nothing, got:\n  ${this.unchecked.map((g) => `${this.describe(g.seg)} @${g.at / 1000}`).join('\n  ')}`);
  }

  expectState(s: TcpState): void {
    if (this.c.state !== s) fail(`expected ${s}, connection is ${this.c.state} (history: ${this.c.history.join('; ')})`);
  }

  errors(): string[] {
    return this.events.flatMap((e) => (e.type === 'error' ? [e.errno] : []));
  }
}
