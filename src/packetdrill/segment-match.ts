// READ THIS FIRST — script packet lines against live segments, under packetdrill's rules
// (run_packet.c verify_outbound_live_packet; SYNTAX.md §4):
// - flags always checked (PSH included); seq and ack relative, always checked (ack 0 if omitted);
//   `win` only when written; urgent pointer always (0 if omitted); payload length always.
// - options: a written list must match kinds, order and values exactly; no list means the segment
//   must carry none; `<...>` skips the check. TS val is compared only with --tcp_ts_tick_usecs,
//   within max(tolerance_usecs, tolerance_percent of the time since the script started);
//   TS ecr on outbound segments is never compared.
import { flagsFromLetters, flagsToLetters, type Segment, type TcpOption } from '../core/segment.js';
import { seq, seqAdd, seqDiff } from '../core/seq.js';
import type { OptionSpec, PacketEvent } from './ast.js';
import type { Addresses, ScriptedConnection } from './connection-map.js';

/** Build the segment an inbound line injects. `defines` resolves `FO NAME` cookies. */
export function inboundSegment(p: PacketEvent, conn: ScriptedConnection, addrs: Addresses, defines: Record<string, string>): Segment | string {
  const flags = flagsFromLetters(p.flags);
  const ackRel = p.ack ?? 0;
  const ack = p.ack === undefined ? seq(0) : seqAdd(seq(ackRel), conn.localIsnOffset ?? 0);
  const options: TcpOption[] = [];
  for (const o of p.options === 'any' ? [] : p.options ?? []) {
    const t = toOption(o, conn, defines);
    if (typeof t === 'string') return t;
    options.push(t);
  }
  if (p.options === 'any') return "'<...>' on an inbound packet: the options to send must be written";
  return {
    srcAddr: addrs.remoteWire, srcPort: conn.remotePort,
    dstAddr: addrs.localWire, dstPort: conn.localPort ?? 0,
    seq: remoteSeq(p, conn), ack, flags, window: p.win ?? 0, urgent: p.urg ?? 0,
    options, payload: new Uint8Array(p.length),
    ...(p.ecn && p.ecn !== 'noecn' ? { ecn: p.ecn } : {}),
  };
}

/**
 * An inbound seq. A SYN's or SYN-ACK's is written absolute and becomes the remote ISN; any other
 * is relative to that ISN (`< S 999000:999040(40)` then `< . 1:1(0)`; `< S. 123:123(0)` then
 * `< P. 1:501(500)`). Outbound acks are relative to it too, except on our SYN-ACK (`> S. 0:0(0)
 * ack 999001`): remoteAck.
 */
function remoteSeq(p: PacketEvent, conn: ScriptedConnection): ReturnType<typeof seq> {
  if (p.flags.includes('S')) {
    // Learned once per connection, as the local ISN is: a new incarnation's SYN on the same
    // 4-tuple keeps the old base.
    conn.remoteIsn ??= p.seqStart;
    return seq(p.seqStart);
  }
  return seqAdd(seq(p.seqStart), conn.remoteIsn ?? 0);
}

/** An outbound ack as the script writes it: absolute on a SYN-ACK, else relative to the remote ISN. */
function remoteAck(live: Segment, conn: ScriptedConnection): number {
  return live.flags.syn ? live.ack >>> 0 : seqDiff(live.ack, seq(conn.remoteIsn ?? 0)) >>> 0;
}

function toOption(o: OptionSpec, conn: ScriptedConnection, defines: Record<string, string>): TcpOption | string {
  switch (o.kind) {
    case 'nop': case 'eol': case 'sackOK': return { kind: o.kind };
    case 'mss': return { kind: 'mss', value: o.value };
    case 'wscale': return { kind: 'wscale', shift: o.shift };
    // Inbound SACK blocks name our data: relative to our ISN, as the ACK field is (packetdrill
    // offsets them by the live local ISN the same way).
    case 'sack': {
      const off = conn.localIsnOffset ?? 0;
      return { kind: 'sack', blocks: o.blocks.map(([a, b]) => [seqAdd(seq(a), off), seqAdd(seq(b), off)] as [ReturnType<typeof seq>, ReturnType<typeof seq>]) };
    }
    case 'timestamp': return { kind: 'timestamp', val: o.val >>> 0, ecr: (o.ecr + (conn.tsOffset ?? 0)) >>> 0 };
    case 'md5': {
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i++) bytes[i] = parseInt(o.digest.slice(2 * i, 2 * i + 2), 16);
      return { kind: 'unknown', code: 19, data: bytes };
    }
    case 'fastopen': {
      const hex = defines[o.cookie] ?? o.cookie;
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return `FO cookie '${o.cookie}' is not hex and not defined (-D ${o.cookie}=...)`;
      const bytes = new Uint8Array(hex.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return o.exp ? { kind: 'fastopen', cookie: bytes, exp: true } : { kind: 'fastopen', cookie: bytes };
    }
  }
}

/** A live outbound segment written the way the script would write it, relative to the connection. */
export function describeLive(seg: Segment, conn: ScriptedConnection, showWin: boolean): string {
  const off = conn.localIsnOffset ?? 0;
  const start = seqDiff(seg.seq, seq(off)) >>> 0;
  let s = `> ${seg.ecn ? `[${seg.ecn}] ` : ''}${flagsToLetters(seg.flags)} ${start}:${(start + seg.payload.length) >>> 0}(${seg.payload.length})`;
  if (seg.flags.ack) s += ` ack ${remoteAck(seg, conn)}`;
  if (showWin) s += ` win ${seg.window}`;
  if (seg.urgent !== 0) s += ` urg ${seg.urgent}`;
  if (seg.options.length > 0) s += ` <${seg.options.map((o) => optionText(o, conn)).join(',')}>`;
  return s;
}

function optionText(o: TcpOption, conn: ScriptedConnection): string {
  switch (o.kind) {
    case 'mss': return `mss ${o.value}`;
    case 'wscale': return `wscale ${o.shift}`;
    case 'sack': return `sack ${o.blocks.map(([a, b]) => `${a >>> 0}:${b >>> 0}`).join(' ')}`;
    case 'timestamp': {
      // In script space once the offset is known, so it reads like the line it is compared with.
      const val = conn.tsOffset === undefined ? o.val : (o.val - conn.tsOffset) >>> 0;
      return `TS val ${val} ecr ${o.ecr}`;
    }
    case 'fastopen': return `${o.exp ? 'FOEXP' : 'FO'} ${[...o.cookie].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    case 'unknown': return `unknown ${o.code}`;
    default: return o.kind;
  }
}

/** The script line's own text, normalised, for messages: `> S. 0:0(0) ack 1 <mss 1460,...>`. */
export function describeScript(p: PacketEvent): string {
  let s = `${p.direction === 'outbound' ? '>' : '<'} ${p.ecn ? `[${p.ecn}] ` : ''}${p.flags} ${p.seqStart}:${p.seqEnd}(${p.length})`;
  if (p.ack !== undefined) s += ` ack ${p.ack}`;
  if (p.win !== undefined) s += ` win ${p.win}`;
  if (p.urg !== undefined) s += ` urg ${p.urg}`;
  if (p.options === 'any') s += ' <...>';
  else if (p.options !== undefined) s += ` <${p.options.map(specText).join(',')}>`;
  return s;
}

function specText(o: OptionSpec): string {
  switch (o.kind) {
    case 'mss': return `mss ${o.value}`;
    case 'wscale': return `wscale ${o.shift}`;
    case 'sack': return `sack ${o.blocks.map(([a, b]) => `${a}:${b}`).join(' ')}`;
    case 'timestamp': return `TS val ${o.val} ecr ${o.ecr}`;
    case 'fastopen': return `${o.exp ? 'FOEXP' : 'FO'} ${o.cookie}`;
    default: return o.kind;
  }
}

export interface MatchContext {
  conn: ScriptedConnection;
  /** --tcp_ts_tick_usecs, when set: TS val is checked (see `tsToleranceUs`). */
  tsTickUs?: number;
  /** --tolerance_usecs and --tolerance_percent. */
  toleranceUs: number;
  tolerancePercent: number;
  /** The line's scripted time, µs since the script started (the base of the percent slack for TS val). */
  eventUs: number;
}

/**
 * How far a TS val may be off, in µs: packetdrill (run_packet.c verify_outbound_tcp_option) allows
 * max(tolerance_usecs, tolerance_percent × the time since the script started) — the cumulative
 * time, not the gap since the last event, since TS val counts from the start.
 */
export function tsToleranceUs(ctx: MatchContext): number {
  return Math.max(ctx.toleranceUs, (ctx.tolerancePercent / 100) * Math.max(0, ctx.eventUs));
}

/**
 * Compare one (possibly aggregated) live segment with an outbound line. Learns the local ISN and
 * the TS offset on first use. Returns the name of the first field that differs, or undefined.
 */
export function matchOutbound(p: PacketEvent, live: Segment, ctx: MatchContext): string | undefined {
  const { conn } = ctx;
  const want = flagsFromLetters(p.flags);
  if (flagsToLetters(want) !== flagsToLetters(live.flags)) return 'flags';
  if (p.ecn !== undefined && p.ecn !== (live.ecn ?? 'noecn')) return 'ECN codepoint';
  // packetdrill learns the local ISN only from the kernel's SYN or SYN-ACK (run_packet.c: live
  // local_isn is set when an outbound SYN is seen). Until then the offset is 0: an RST answering a
  // segment to a closed port is compared by its absolute seq (SEG.ACK, or 0 when the segment had no ACK).
  // The ISN is the base of the script's relative numbers whatever the SYN's line writes: after
  // `> S. 1234:1234(0)` the peer's `< . 1:1(0) ack 1` acknowledges our SYN (pure-syn-data.pkt).
  const learning = conn.localIsnOffset === undefined && live.flags.syn;
  if (learning) conn.localIsnOffset = live.seq;
  if (!learning && (seqDiff(live.seq, seq(conn.localIsnOffset ?? 0)) >>> 0) !== p.seqStart >>> 0) return 'seq';
  if (live.payload.length !== p.length) return 'length';
  const wantAck = p.ack ?? 0;
  const liveAck = remoteAck(live, conn);
  if (liveAck !== (wantAck >>> 0) && (live.flags.ack || p.ack !== undefined)) return 'ack';
  if (p.win !== undefined && live.window !== p.win) return 'win';
  if (live.urgent !== (p.urg ?? 0)) return 'urg';
  return matchOptions(p.options, live.options, ctx);
}

function matchOptions(spec: PacketEvent['options'], live: TcpOption[], ctx: MatchContext): string | undefined {
  if (spec === 'any') return undefined;
  const want = spec ?? [];
  if (want.length !== live.length) return 'options';
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const l = live[i];
    if (w.kind !== l.kind) return 'options';
    if (w.kind === 'mss' && l.kind === 'mss' && w.value !== l.value) return 'options';
    if (w.kind === 'wscale' && l.kind === 'wscale' && w.shift !== l.shift) return 'options';
    if (w.kind === 'sack' && l.kind === 'sack') {
      if (w.blocks.length !== l.blocks.length || w.blocks.some(([a, b], k) => (l.blocks[k][0] >>> 0) !== a >>> 0 || (l.blocks[k][1] >>> 0) !== b >>> 0)) return 'options';
    }
    if (w.kind === 'timestamp' && l.kind === 'timestamp') {
      if (ctx.conn.tsOffset === undefined) ctx.conn.tsOffset = (l.val - w.val) | 0;
      else if (ctx.tsTickUs !== undefined) {
        const scriptVal = (l.val - ctx.conn.tsOffset) | 0;
        if (Math.abs(scriptVal - w.val) * ctx.tsTickUs > tsToleranceUs(ctx)) return 'TS val';
      }
    }
  }
  return undefined;
}
