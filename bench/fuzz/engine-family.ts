// The engine family of `npm run fuzz`: a seeded random walk through the TCP engine's public surface
// (core/connection.ts). Each episode opens a connection from a client to a server (the server made
// from the client's SYN, as a listener does) and then, step by step, does one random thing: a user
// call on either end (send, recv, shutdown, close, abort, setsockopt SO_LINGER / SO_KEEPALIVE /
// TCP_USER_TIMEOUT / TCP_LINGER2 / TCP_NODELAY / TCP_CORK / buffers), delivers, duplicates or
// drops a segment the other end sent (an honest peer, on a link that loses, repeats and reorders),
// injects a hostile segment (random flags, sequence and acknowledgment numbers at and far from the
// window, option garbage, SACK blocks out of range, zero and full windows, RST and SYN in every
// state), or lets time pass so the timers fire.
//
// After every step, on both ends: no exception escaped; every state change (the connection's
// history and its 'state' events) is a row of TRANSITIONS; SND.UNA <= SND.NXT, what is in flight
// is no more than what was queued to send (plus SYN and FIN), RCV.NXT never moves backwards,
// windows are whole, non-negative and within 2^30, and the RTO and every deadline are numbers.
// The work of one step is bounded (segments sent, timers fired): a livelock is a finding.
import { performance } from 'node:perf_hooks';
import { Connection } from '../../src/core/connection.js';
import { defaultConfig } from '../../src/core/config.js';
import { Rng } from '../../src/core/random.js';
import type { Segment, TcpFlags, TcpOption } from '../../src/core/segment.js';
import { seq, seqAdd, seqDiff, type Seq } from '../../src/core/seq.js';
import type { SocketOptions } from '../../src/core/tcb.js';
import { isListedTransition } from '../../src/core/transitions.js';
import type { TcpState } from '../../src/model/states.js';

export type EngineFindingKind = 'escape' | 'invariant' | 'loop' | 'known';

/**
 * Changes the engine is known to make that its table lacks, counted apart (`known`) so the walk
 * still reports everything else. In CLOSING, a segment that ACKs our FIN and carries data past
 * the peer's FIN (closing() then `. 2:3(1) ack 2`) moves to TIME-WAIT, then answers the data with
 * an RST and ends ('data-after-close'); Linux's tcp_rcv_state_process (TCP_CLOSING) enters
 * TIME-WAIT and discards the segment. In CLOSING with our FIN still unsent behind a zero window,
 * the probe timer gives up ('zero-window-probes'), as Linux's tcp_probe_timer may, and as the
 * table allows in FIN-WAIT-1 and LAST-ACK, but it has no such row for CLOSING.
 */
export const KNOWN_UNLISTED: ReadonlySet<string> = new Set<string>();
export interface EngineFinding {
  kind: EngineFindingKind; seed: number; step: number; episode: number; detail: string;
  /** The last steps before it, oldest first. */
  recent: string[];
  /** Each end's state changes and its sequence variables after the step. */
  ends: Record<string, { history: string[]; status: unknown }>;
}
export interface EngineFuzzSummary {
  steps: number; calls: number; honestSegments: number; hostileSegments: number; timers: number; episodes: number;
  escapes: number; invariants: number; loops: number; known: number;
  /** Distinct (from, to, cause) rows reached, as `FROM>TO:cause`. */
  rows: Set<string>;
  findings: EngineFinding[]; ms: number;
}

const MAX_SEGMENTS_PER_STEP = 5_000;
const MAX_TIMERS_PER_STEP = 5_000;
const MAX_FLIGHT = 400;
const EPISODE_STEPS = 400;
const WINDOW_LIMIT = 2 ** 30;

class Invariant extends Error {}
class Known extends Error {}

function unlisted(x: string, what: string, from: TcpState, to: TcpState, cause: string): Error {
  const text = `${x}: ${what}${from} -> ${to} (${cause}) is not a row of TRANSITIONS`;
  return KNOWN_UNLISTED.has(`${from}>${to}:${cause}`) ? new Known(text) : new Invariant(text);
}
class Loop extends Error {}

type Side = 'a' | 'b';
interface End { c: Connection; closed: boolean; history: number; rcvNxt?: Seq; synced: boolean }

const SYNCED: ReadonlySet<TcpState> = new Set<TcpState>(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT']);

/** One random engine walk of `steps` steps from `seed`. */
export function runEngineFuzz(o: { steps: number; seed: number; onFinding?: (f: EngineFinding) => void; keepFindings?: number }): EngineFuzzSummary {
  const rng = new Rng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)];
  const chance = (p: number): boolean => rng.float() < p;
  const s: EngineFuzzSummary = {
    steps: 0, calls: 0, honestSegments: 0, hostileSegments: 0, timers: 0, episodes: 0,
    escapes: 0, invariants: 0, loops: 0, known: 0, rows: new Set(), findings: [], ms: 0,
  };
  const config = defaultConfig();
  const t0 = performance.now();
  const recent: string[] = [];
  const note = (what: string): void => { recent.push(what); if (recent.length > 24) recent.shift(); };

  let now = 0;
  let ends: Partial<Record<Side, End>> = {};
  let flight: Array<{ seg: Segment; to: Side }> = [];
  let episodeStep = 0;
  let clientPort = 40000;
  let bIsn = seq(0);

  const other = (x: Side): Side => (x === 'a' ? 'b' : 'a');

  function newEpisode(): void {
    s.episodes++;
    episodeStep = 0;
    flight = [];
    now += 1 + rng.below(100_000); // old TIME-WAITs are gone with their episode
    clientPort = 1024 + rng.below(64_000);
    bIsn = seq(rng.u32());
    const options: SocketOptions = chance(0.3) ? randomOptions() : {};
    const a = Connection.connect({ config, local: { addr: '10.0.0.1', port: clientPort }, remote: { addr: '10.0.0.2', port: 80 }, isn: seq(rng.u32()), tsOffset: rng.u32(), options }, now);
    ends = { a: { c: a, closed: false, history: 0, synced: false } };
    note(`episode ${s.episodes}: connect ${clientPort} -> 80`);
  }

  function randomOptions(): SocketOptions {
    switch (rng.below(10)) {
      case 0: return { linger: { onoff: chance(0.8), seconds: pick([0, 0, 1, 5, 60]) } };
      case 1: return { keepalive: chance(0.8), keepidle: pick([1, 2, 60, 7200]), keepintvl: pick([1, 5, 75]), keepcnt: pick([1, 3, 9]) };
      case 2: return { userTimeoutMs: pick([0, 1, 500, 3000, 60_000]) };
      case 3: return { linger2: pick([-1, 0, 1, 60]) };
      case 4: return { nodelay: chance(0.5) };
      case 5: return { cork: chance(0.5) };
      case 6: return { quickack: true };
      case 7: return { rcvbuf: pick([256, 2304, 4096, 65536, 6 * 1024 * 1024]) };
      case 8: return { sndbuf: pick([256, 4608, 16384, 4 * 1024 * 1024]) };
      default: return { notsentLowat: pick([1, 4096, 0xffffffff]) };
    }
  }

  /** Everything both ends want to send goes in flight; events are checked; bounded. */
  function pump(): void {
    let n = 0;
    for (const x of ['a', 'b'] as const) {
      const e = ends[x];
      if (!e) continue;
      for (let seg = e.c.pollTransmit(); seg; seg = e.c.pollTransmit()) {
        if (++n > MAX_SEGMENTS_PER_STEP) throw new Loop(`${x} sent more than ${MAX_SEGMENTS_PER_STEP} segments in one step`);
        flight.push({ seg, to: other(x) });
      }
      for (let ev = e.c.pollEvent(); ev; ev = e.c.pollEvent()) {
        if (++n > MAX_SEGMENTS_PER_STEP) throw new Loop(`${x} raised more than ${MAX_SEGMENTS_PER_STEP} events in one step`);
        if (ev.type === 'state' && !isListedTransition(ev.from, ev.to, ev.cause)) throw unlisted(x, 'event ', ev.from, ev.to, ev.cause);
      }
    }
    if (flight.length > MAX_FLIGHT) flight.splice(0, flight.length - MAX_FLIGHT);
  }

  function deliver(seg: Segment, to: Side): void {
    const e = ends[to];
    if (e) { e.c.handleSegment(seg, now); return; }
    if (to === 'b' && seg.flags.syn && !seg.flags.ack && !seg.flags.rst) {
      // The listener: a SYN for port 80 becomes a connection in SYN-RECEIVED.
      const c = Connection.accept({ config, local: { addr: '10.0.0.2', port: 80 }, remote: { addr: '10.0.0.1', port: clientPort }, isn: bIsn, tsOffset: rng.u32(), options: chance(0.3) ? randomOptions() : {} }, seg, now);
      ends.b = { c, closed: false, history: 0, synced: false };
    }
  }

  function hostileSegment(to: Side): Segment {
    const e = ends[to];
    const st = e?.c.status();
    const rcvNxt = seq(st?.rcvNxt ?? rng.u32());
    const sndUna = seq(st?.sndUna ?? rng.u32());
    const sndNxt = seq(st?.sndNxt ?? rng.u32());
    const rcvWnd = st?.rcvWnd ?? 65535;
    const seqNo = pick<() => Seq>([
      () => rcvNxt, () => rcvNxt, () => seqAdd(rcvNxt, 1 + rng.below(3000)), () => seqAdd(rcvNxt, -1 - rng.below(3000)),
      () => seqAdd(rcvNxt, rcvWnd), () => seqAdd(rcvNxt, rcvWnd - 1), () => seqAdd(rcvNxt, 2 ** 31), () => seq(rng.u32()),
    ])();
    const ackNo = pick<() => Seq>([
      () => sndNxt, () => sndNxt, () => sndUna, () => seqAdd(sndUna, rng.below(Math.max(1, seqDiff(sndNxt, sndUna) + 1))),
      () => seqAdd(sndNxt, 1 + rng.below(2)), () => seqAdd(sndUna, -1 - rng.below(70_000)), () => seqAdd(sndNxt, 2 ** 30), () => seq(rng.u32()),
    ])();
    const flags: TcpFlags = pick<() => TcpFlags>([
      () => ({ syn: false, ack: true, fin: false, rst: false, psh: chance(0.5), urg: false, ece: false, cwr: false }),
      () => ({ syn: false, ack: chance(0.7), fin: false, rst: true, psh: false, urg: false, ece: false, cwr: false }),
      () => ({ syn: true, ack: chance(0.5), fin: false, rst: false, psh: false, urg: false, ece: chance(0.2), cwr: chance(0.2) }),
      () => ({ syn: false, ack: chance(0.9), fin: true, rst: false, psh: chance(0.5), urg: false, ece: false, cwr: false }),
      () => ({ syn: chance(0.3), ack: chance(0.5), fin: chance(0.3), rst: chance(0.3), psh: chance(0.5), urg: chance(0.2), ece: chance(0.2), cwr: chance(0.2) }),
    ])();
    const options: TcpOption[] = [];
    for (let i = rng.below(4); i > 0; i--) {
      options.push(pick<() => TcpOption>([
        () => ({ kind: 'mss', value: pick([0, 1, 88, 536, 1460, 65535]) }),
        () => ({ kind: 'wscale', shift: pick([0, 7, 14, 15, 255]) }),
        () => ({ kind: 'sackOK' }),
        () => ({ kind: 'timestamp', val: pick([0, 1, 0x7fffffff, 0xffffffff, rng.u32()]), ecr: pick([0, rng.u32(), 0xffffffff]) }),
        () => ({ kind: 'sack', blocks: Array.from({ length: 1 + rng.below(4) }, (): [Seq, Seq] => {
          const l = pick([sndUna, sndNxt, seqAdd(sndUna, rng.below(5000)), seq(rng.u32()), seqAdd(sndNxt, 2 ** 31)]);
          return [l, pick([seqAdd(l, rng.below(3000)), seqAdd(l, -rng.below(3000)), seq(rng.u32()), l])];
        }) }),
        () => ({ kind: 'fastopen', cookie: new Uint8Array(pick([0, 4, 8, 16])), exp: chance(0.5) }),
        () => ({ kind: 'unknown', code: pick([6, 7, 9, 28, 99, 253]), data: new Uint8Array(rng.below(10)) }),
        () => ({ kind: 'nop' }),
        () => ({ kind: 'eol' }),
      ])());
    }
    const local = e?.c.local ?? (to === 'b' ? { addr: '10.0.0.2', port: 80 } : { addr: '10.0.0.1', port: clientPort });
    const remote = e?.c.remote ?? (to === 'b' ? { addr: '10.0.0.1', port: clientPort } : { addr: '10.0.0.2', port: 80 });
    return {
      srcAddr: remote.addr, srcPort: remote.port, dstAddr: local.addr, dstPort: local.port,
      seq: seqNo, ack: flags.ack ? ackNo : pick([seq(0), ackNo]), flags,
      window: pick([0, 0, 1, 512, 65535, rng.below(65536)]),
      urgent: flags.urg ? rng.below(65536) : 0,
      options,
      payload: new Uint8Array(pick([0, 0, 0, 1, 100, 1448, 3000])),
      ...(chance(0.05) ? { ecn: pick(['ect0', 'ect1', 'ce'] as const) } : {}),
    };
  }

  function userCall(x: Side): void {
    const e = ends[x];
    if (!e || e.closed) return;
    const c = e.c;
    s.calls++;
    switch (rng.below(12)) {
      case 0: case 1: case 2: {
        const n = pick([0, 1, 100, 1448, 5000, 70_000]);
        note(`${x} send ${n}`);
        c.send(new Uint8Array(n), now, chance(0.1) ? pick([{ more: true }, { eor: true }]) : undefined);
        break;
      }
      case 3: case 4: case 5: { const n = pick([1, 100, 65536]); note(`${x} recv ${n}`); c.recv(n, now); break; }
      case 6: { const how = pick(['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] as const); note(`${x} shutdown ${how}`); c.shutdown(how, now); break; }
      case 7: { note(`${x} close`); c.close(now); e.closed = true; break; }
      case 8: { if (chance(0.3)) { note(`${x} abort`); c.abort(now); e.closed = true; } else { note(`${x} status`); c.tcpInfo(now); c.timerView(now); } break; }
      default: { const opt = randomOptions(); note(`${x} setsockopt ${JSON.stringify(opt)}`); c.setOption(opt, now); }
    }
  }

  /** Time passes by up to `dt`; every timer due on the way fires, in order. */
  function advance(dt: number): void {
    const until = now + dt;
    note(`advance ${dt} ms`);
    for (let n = 0; ; n++) {
      if (n > MAX_TIMERS_PER_STEP) throw new Loop(`more than ${MAX_TIMERS_PER_STEP} timers fired in ${dt} ms`);
      let next = Infinity; let who: Side | undefined;
      for (const x of ['a', 'b'] as const) {
        const d = ends[x]?.c.nextDeadline();
        if (d !== undefined && d < next) { next = d; who = x; }
      }
      if (!who || next > until) break;
      now = Math.max(now, next);
      (ends[who] as End).c.handleTimeout(now);
      s.timers++;
      pump();
    }
    now = until;
  }

  function check(): void {
    for (const x of ['a', 'b'] as const) {
      const e = ends[x];
      if (!e) continue;
      const h = e.c.history;
      for (; e.history < h.length; e.history++) {
        const step = h[e.history];
        if (!isListedTransition(step.from, step.to, step.cause)) throw unlisted(x, '', step.from, step.to, step.cause);
        s.rows.add(`${step.from}>${step.to}:${step.cause}`);
      }
      const st = e.c.status();
      const inFlight = seqDiff(seq(st.sndNxt), seq(st.sndUna));
      if (inFlight < 0) throw new Invariant(`${x} ${st.state}: SND.UNA ${st.sndUna} is after SND.NXT ${st.sndNxt}`);
      // A closed connection has purged its queues and keeps its last sequence numbers (tcp_done).
      if (st.state !== 'CLOSED' && inFlight > st.sendQueue + 1) throw new Invariant(`${x} ${st.state}: ${inFlight} in flight but only ${st.sendQueue} queued to send`);
      if (e.synced && SYNCED.has(st.state) && e.rcvNxt !== undefined && seqDiff(seq(st.rcvNxt), e.rcvNxt) < 0) throw new Invariant(`${x} ${st.state}: RCV.NXT moved back from ${e.rcvNxt} to ${st.rcvNxt}`);
      if (SYNCED.has(st.state)) { e.synced = true; e.rcvNxt = seq(st.rcvNxt); }
      for (const [k, w] of [['SND.WND', st.sndWnd], ['RCV.WND', st.rcvWnd]] as const) {
        if (!Number.isInteger(w) || w < 0 || w > WINDOW_LIMIT) throw new Invariant(`${x} ${st.state}: ${k} is ${w}`);
      }
      if (!Number.isFinite(st.rtoMs) || st.rtoMs <= 0) throw new Invariant(`${x} ${st.state}: RTO ${st.rtoMs}`);
      if (!Number.isInteger(st.sendQueue) || st.sendQueue < 0 || !Number.isInteger(st.recvQueue) || st.recvQueue < 0) throw new Invariant(`${x} ${st.state}: queues ${st.recvQueue}/${st.sendQueue}`);
      const d = e.c.nextDeadline();
      if (d !== undefined && !Number.isFinite(d)) throw new Invariant(`${x} ${st.state}: next deadline ${d}`);
      const l = e.c.lingerDeadline(now);
      if (l !== undefined && Number.isNaN(l)) throw new Invariant(`${x} ${st.state}: linger deadline ${l}`);
    }
  }

  const knownSeen = new Map<string, number>();
  newEpisode();
  for (let step = 0; step < o.steps; step++) {
    s.steps++;
    try {
      const both = ['a', 'b'] as const;
      const bothDone = both.every((x) => !ends[x] || ends[x]?.c.state === 'CLOSED');
      if (episodeStep++ >= EPISODE_STEPS || (bothDone && ends.b && chance(0.5))) newEpisode();
      const r = rng.below(100);
      if (r < 30) userCall(pick(both));
      else if (r < 60) {
        if (flight.length) {
          const i = chance(0.8) ? 0 : rng.below(flight.length); // mostly in order, sometimes reordered
          const f = flight[i];
          if (chance(0.05)) { note(`drop to ${f.to}`); flight.splice(i, 1); } else {
            if (!chance(0.05)) flight.splice(i, 1); else note('duplicate');
            s.honestSegments++;
            note(`segment to ${f.to} ${f.seg.flags.syn ? 'S' : ''}${f.seg.flags.fin ? 'F' : ''}${f.seg.flags.rst ? 'R' : ''}${f.seg.flags.ack ? '.' : ''} seq ${f.seg.seq} ack ${f.seg.ack} len ${f.seg.payload.length}`);
            deliver(f.seg, f.to);
          }
        } else advance(pick([1, 10, 200]));
      } else if (r < 80) {
        const to = pick(both);
        const seg = hostileSegment(to);
        s.hostileSegments++;
        note(`hostile to ${to} ${JSON.stringify({ ...seg, payload: seg.payload.length })}`);
        deliver(seg, to);
      } else advance(pick([0, 1, 5, 40, 200, 1000, 5000, 30_000, 120_000, 1_000_000]));
      pump();
      check();
    } catch (err) {
      const kind: EngineFindingKind = err instanceof Invariant ? 'invariant' : err instanceof Loop ? 'loop' : err instanceof Known ? 'known' : 'escape';
      if (kind === 'escape') s.escapes++; else if (kind === 'invariant') s.invariants++; else if (kind === 'loop') s.loops++; else s.known++;
      const f: EngineFinding = { kind, seed: o.seed, step, episode: s.episodes, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err), recent: [...recent], ends: {} };
      for (const x of ['a', 'b'] as const) {
        const e = ends[x];
        if (e) f.ends[x] = { history: e.c.history.map((h) => `${h.from} -> ${h.to} (${h.cause})`), status: e.c.status() };
      }
      // The first three of each known change are kept, the rest only counted.
      const knownKey = kind === 'known' ? f.detail.replace(/^Error: [ab]: (event )?/, '') : '';
      const seen = kind === 'known' ? (knownSeen.get(knownKey) ?? 0) + 1 : 0;
      if (kind === 'known') knownSeen.set(knownKey, seen);
      if (s.findings.length < (o.keepFindings ?? 20) && seen <= 3) { s.findings.push(f); o.onFinding?.(f); }
      newEpisode(); // the broken episode ends here; the walk goes on
    }
  }
  s.ms = performance.now() - t0;
  return s;
}

/** `npm run fuzz`'s lines for this family; saves findings beside the others. Returns how many there were (known ones aside). */
export function reportEngineFuzz(steps: number, seed: number, out: string, save: (name: string, text: string) => void): number {
  const s = runEngineFuzz({
    steps, seed, onFinding: (f) => {
      const name = `engine-${f.kind}-${f.seed}-${f.step}.json`;
      save(name, JSON.stringify({ ...f, replay: `node dist/bench/fuzz/run.js --engine-only --seed ${f.seed} --engine-steps ${f.step + 1}` }, null, 2) + '\n');
      process.stderr.write(`engine ${f.kind} at seed ${f.seed} step ${f.step} (episode ${f.episode}): ${f.detail} -> ${out}/${name}\n`);
    },
  });
  process.stdout.write([
    `  engine family: seed ${seed}, ${s.steps} steps in ${s.episodes} connections: ${s.calls} user calls, ${s.honestSegments} honest and ${s.hostileSegments} hostile segments (${s.calls + s.honestSegments + s.hostileSegments} calls and segments), ${s.timers} timers fired`,
    `    ${s.escapes} escapes, ${s.invariants} broken invariants, ${s.loops} livelocks, ${s.known} known unlisted changes (${[...KNOWN_UNLISTED].join(', ')}); ${s.rows.size} rows of the table reached; ${(s.ms / 1000).toFixed(1)} s`,
  ].join('\n') + '\n');
  return s.escapes + s.invariants + s.loops;
}
