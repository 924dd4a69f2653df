// READ THIS FIRST — one connection of a capture, watched from where the capture was taken: both
// ends' states after every segment, inferred with the engine's rules and named by the engine's
// cause ids (src/core/transitions.ts), never by a second table of states.
//
// Rules it keeps:
// - A segment says two things. About its sender, at once: a SYN means connect() (CLOSED →
//   SYN-SENT), a SYN-ACK an answer from a listener (LISTEN → SYN-RECEIVED), a first FIN close() or
//   shutdown() (ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK), an RST the end of its socket.
//   About its receiver, only once it has arrived: the receiver's rules of RFC 9293 §3.10.7
//   (SYN-ACK in SYN-SENT, ACK of our FIN, FIN in ESTABLISHED or FIN-WAIT-2, RST at RCV.NXT).
// - When a segment arrived is inferred, never assumed at capture time: a segment that uses
//   sequence space (SYN, data, FIN) has arrived once the receiver acknowledges it (or answers it
//   with an RST that acknowledges it), and the capture's end is taken as arrival; a bare ACK or
//   RST arrives one path delay after it was captured, the delay being the shortest time in which
//   that end's segments have been answered — unless the receiver then retransmits what that ACK
//   acknowledged, which proves it never got it (the lost last ACK).
// - Every change goes through `change()`, which records the engine's cause id and refuses a
//   (from, to, cause) the engine's table does not have.
// - What one vantage point cannot know stays unknown ('?'): a side that never sent anything, a
//   listener's state before its SYN-ACK is seen (filled in afterwards), whether close() or
//   shutdown() sent a FIN, which silent timer ended a socket.
import { isListedTransition, type CauseId } from '../../core/transitions.js';
import { seqGe, seqLt, type Seq } from '../../core/seq.js';
import type { TcpState } from '../../model/states.js';
import { ACK, FIN, RST, SYN, type TcpPacket } from '../../pcap/decode-packet.js';

/** A side's state as a row shows it: '-' no socket, '?' not known from this capture. */
export type Shown = TcpState | '-' | '?';
export type Who = 0 | 1;

/** What one end did, as seen in the capture. */
export interface SideFacts {
  addr: string;
  port: number;
  state: Shown;
  /** What to show before its first known state (LISTEN for a listener, '-' for a connector). */
  before: Shown;
  isn?: number;
  /** Highest sequence number it has sent up to (exclusive). */
  sndNxt?: number;
  /** Highest sequence number received from the peer, as far as the capture shows. */
  rcvNxt?: number;
  /** The sequence number its FIN occupies. */
  finSeq?: number;
  finSent: number;
  finDelivered: boolean;
  /** It sent its FIN before the peer's. */
  closedFirst: boolean;
  syns: number;
  dataBytes: number;
  retransmissions: number;
  zeroWindows: number;
  keepalives: number;
  challengeAcks: number;
  /** ACKs of the peer's FIN it sent that never arrived (the peer retransmitted its FIN after them). */
  lostAcks: number;
  /** It sent data after the peer's FIN had arrived. */
  dataAfterPeerFin: boolean;
  rst?: { at: number; from: Shown; cause?: CauseId; answersSyn: boolean };
  expectChallenge: boolean;
  /** The change an ACK of its FIN made when taken to arrive by time alone, until proven. */
  timedFinAck?: { entry: TimelineEntry; from: TcpState; row: number };
  lastWindow: number;
  enteredAt: number;
}

export interface TimelineEntry { at: number; who: Who; from: TcpState; to: TcpState; cause: CauseId }

/** One row of the diagram: a segment and both states after it left. */
export interface ObservedRow {
  index: number;
  at: number;
  from: Who;
  packet: TcpPacket;
  states: [Shown, Shown];
}

interface InFlight { from: Who; at: number; seq: number; ack: number; flags: number; len: number; end?: number }

const SYNCHRONIZED: ReadonlySet<Shown> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK']);

function side(addr: string, port: number): SideFacts {
  return {
    addr, port, state: '?', before: '?', finSent: 0, finDelivered: false, closedFirst: false, syns: 0, dataBytes: 0,
    retransmissions: 0, zeroWindows: 0, keepalives: 0, challengeAcks: 0, lostAcks: 0, dataAfterPeerFin: false,
    expectChallenge: false, lastWindow: -1, enteredAt: 0,
  };
}

const seqOf = (n: number): Seq => (n >>> 0) as Seq;
const ge = (a: number, b: number): boolean => seqGe(seqOf(a), seqOf(b));
const lt = (a: number, b: number): boolean => seqLt(seqOf(a), seqOf(b));

export class ConnectionObserver {
  readonly sides: [SideFacts, SideFacts];
  readonly timeline: TimelineEntry[] = [];
  readonly rows: ObservedRow[] | undefined;
  packets = 0;
  firstAt = 0;
  lastAt = 0;
  /** The capture began after the handshake. */
  midStream = false;
  /** Segments' arrivals the capture ended before confirming. */
  assumedArrivals = 0;
  private inFlight: InFlight[] = [];
  /** Shortest answer time seen per sender (ms), the path delay from the capture point. */
  private delay: [number | undefined, number | undefined] = [undefined, undefined];

  constructor(client: { addr: string; port: number }, server: { addr: string; port: number }, keepRows: boolean, carried?: Shown) {
    this.sides = [side(client.addr, client.port), side(server.addr, server.port)];
    if (carried) this.sides[1].before = carried;
    this.rows = keepRows ? [] : undefined;
  }

  whoSent(p: TcpPacket): Who {
    return p.srcAddr === this.sides[0].addr && p.srcPort === this.sides[0].port ? 0 : 1;
  }

  /** The state change `from → to` of `who`, by the engine's cause. */
  private change(who: Who, to: TcpState, cause: CauseId, at: number): void {
    const s = this.sides[who];
    const from: TcpState = s.state === '-' || s.state === '?' ? (cause === 'syn-received' ? 'LISTEN' : 'CLOSED') : s.state;
    if (from === to) return;
    // The engine's table is the authority: a change it does not have is a bug here, and
    // passive.test.ts fails on it; the capture still gets drawn.
    this.timeline.push({ at, who, from, to, cause });
    s.state = to;
    s.enteredAt = at;
  }

  private pathDelay(from: Who): number {
    return this.delay[from] ?? this.delay[from === 0 ? 1 : 0] ?? 0;
  }

  observe(p: TcpPacket, at: number, index: number): void {
    if (this.packets === 0) this.start(p, at);
    this.packets++;
    this.lastAt = at;
    const x = this.whoSent(p);
    const y: Who = x === 0 ? 1 : 0;
    const X = this.sides[x];
    // 1. What its acknowledgment proves the sender had received.
    if (p.flags & ACK) {
      let last = -1;
      for (let i = 0; i < this.inFlight.length; i++) {
        const f = this.inFlight[i];
        if (f.from === y && f.end !== undefined && ge(p.ack, f.end)) last = i;
      }
      if (last >= 0) {
        const covered = this.inFlight[last];
        const gap = at - covered.at;
        this.delay[y] = Math.min(this.delay[y] ?? gap, gap);
        // A retransmission of what already arrived proves nothing of its own arrival: it keeps its
        // path delay (the SYN-ACK that repeats a simultaneous open's SYN).
        const ends = new Set<number>();
        const arrived: InFlight[] = [];
        this.inFlight = this.inFlight.filter((f, i) => {
          if (f.from !== y || i > last) return true;
          if (f.end !== undefined && ends.has(f.end) && f.at + this.pathDelay(y) >= at) return true;
          if (f.end !== undefined) ends.add(f.end);
          arrived.push(f);
          return false;
        });
        for (const f of arrived) this.arrive(f);
      }
    }
    // 2. What has arrived by now, by the path delay (most packets find nothing to do here).
    const stay: InFlight[] = [];
    const anyDue = this.inFlight.some((f) => f.end === undefined && f.at + this.pathDelay(f.from) < at);
    for (const f of anyDue ? this.inFlight : []) {
      const due = f.at + this.pathDelay(f.from) < at;
      if (!due) { stay.push(f); continue; }
      // A segment with sequence space arrives when it is acknowledged (step 1), never by time alone:
      // it may have been lost beyond the capture point.
      if (f.end !== undefined) { stay.push(f); continue; }
      if (f.from === y) {
        // It retransmits its FIN after an ACK of that FIN: the ACK never arrived.
        if (f.end === undefined && !(f.flags & RST) && X.finSeq !== undefined && p.flags & FIN && ge(f.ack, X.finSeq + 1) && X.finSent > 0) {
          this.sides[y].lostAcks++;
          continue;
        }
      }
      this.arrive(f, true);
    }
    if (anyDue) this.inFlight = stay;
    // 3. What sending it says about the sender.
    this.sent(x, p, at);
    // Rows keep the header only: the payload is a view into the reader's buffer, and only its length is drawn.
    this.rows?.push({ index, at, from: x, packet: p.payload.length ? { ...p, payload: new Uint8Array(0) } : p, states: [this.sides[0].state, this.sides[1].state] });
    const len = p.payloadLength + (p.flags & SYN ? 1 : 0) + (p.flags & FIN ? 1 : 0);
    this.inFlight.push({ from: x, at, seq: p.seq, ack: p.ack, flags: p.flags, len, end: len > 0 ? (p.seq + len) >>> 0 : undefined });
    // A capture of a flood keeps at most a bounded list of what is in flight.
    if (this.inFlight.length > 64) this.arrive(this.inFlight.shift() as InFlight);
  }

  /** The capture ends: what was in flight is taken to arrive, as nothing says otherwise. */
  finish(): void {
    this.assumedArrivals = this.inFlight.length;
    for (const f of this.inFlight) this.arrive(f);
    this.inFlight = [];
    if (this.rows) {
      // A side shown '?' before its first segment gets what that segment proves it was.
      for (const w of [0, 1] as const) {
        const b = this.sides[w].before;
        if (b === '?') continue;
        for (const r of this.rows) {
          if (r.states[w] !== '?') break;
          r.states[w] = b;
        }
      }
    }
  }

  private start(p: TcpPacket, at: number): void {
    this.firstAt = at;
    if (p.flags & (SYN | RST)) return;
    // No handshake in the capture: both ends were already connected.
    this.midStream = true;
    for (const s of this.sides) { s.state = 'ESTABLISHED'; s.before = 'ESTABLISHED'; }
  }

  /** What a segment the side sent says about it. */
  private sent(x: Who, p: TcpPacket, at: number): void {
    const X = this.sides[x];
    const Y = this.sides[x === 0 ? 1 : 0];
    const f = p.flags;
    const segLen = p.payloadLength + (f & SYN ? 1 : 0) + (f & FIN ? 1 : 0);
    if (f & RST) {
      this.sentRst(x, p, at);
      return;
    }
    if (f & SYN && !(f & ACK)) {
      X.syns++;
      if (X.state === '?' || X.state === '-' || X.state === 'CLOSED') {
        if (X.before === '?') X.before = '-';
        X.state = X.state === '?' ? '-' : X.state;
        X.isn = p.seq;
        this.change(x, 'SYN-SENT', 'connect', at);
      } else if (X.syns > 1 && p.seq === X.isn) X.retransmissions++;
    } else if (f & SYN) {
      X.syns++;
      if (X.state === '?' || X.state === 'LISTEN') {
        if (X.before === '?') X.before = 'LISTEN';
        X.isn = p.seq;
        this.change(x, 'SYN-RECEIVED', 'syn-received', at);
        // The client's SYN was before the capture began.
        if (Y.state === '?') { Y.state = 'SYN-SENT'; Y.before = 'SYN-SENT'; }
      } else if (X.state === 'SYN-SENT') {
        this.change(x, 'SYN-RECEIVED', 'simultaneous-open', at);
      } else if (X.state === 'SYN-RECEIVED' && X.isn === p.seq && X.syns > 1 && !this.simultaneous()) {
        X.retransmissions++;
      }
    }
    if (f & FIN) {
      const finSeq = (p.seq + p.payloadLength + (f & SYN ? 1 : 0)) >>> 0;
      if (X.finSeq === undefined) {
        X.finSeq = finSeq;
        // Closing from ESTABLISHED is an active close; both ends doing so is a simultaneous close.
        X.closedFirst = X.state === 'ESTABLISHED' || X.state === 'SYN-RECEIVED';
        if (X.state === 'ESTABLISHED' || X.state === 'SYN-RECEIVED') this.change(x, 'FIN-WAIT-1', 'close', at);
        else if (X.state === 'CLOSE-WAIT') this.change(x, 'LAST-ACK', 'close', at);
      }
      else if (X.timedFinAck && this.timeline[this.timeline.length - 1] === X.timedFinAck.entry) this.unlearnFinAck(x);
      X.finSent++;
    }
    X.dataBytes += p.payloadLength;
    if (p.payloadLength > 0 && Y.finDelivered) X.dataAfterPeerFin = true;
    const keepalive = !(f & (SYN | FIN)) && p.payloadLength <= 1 && X.sndNxt !== undefined && p.seq === ((X.sndNxt - 1) >>> 0);
    if (keepalive) X.keepalives++;
    else if (X.sndNxt !== undefined && segLen > 0 && !(f & SYN) && lt(p.seq, X.sndNxt)) {
      if (!(f & FIN) || p.payloadLength > 0 || X.finSent > 1) X.retransmissions++;
    }
    if (f & ACK && !(f & SYN) && p.window === 0 && X.lastWindow !== 0) X.zeroWindows++;
    X.lastWindow = p.window;
    if (X.expectChallenge && f & ACK && segLen === 0) { X.challengeAcks++; X.expectChallenge = false; }
    const end = (p.seq + segLen) >>> 0;
    if (X.sndNxt === undefined || (segLen > 0 && lt(X.sndNxt, end))) X.sndNxt = segLen > 0 ? end : p.seq;
  }

  /**
   * It retransmits its FIN after an ACK of it was taken to have arrived: that ACK was lost after
   * the capture point. Its state goes back to what it was, in the rows drawn since too.
   */
  private unlearnFinAck(x: Who): void {
    const X = this.sides[x];
    const t = X.timedFinAck as NonNullable<SideFacts['timedFinAck']>;
    this.timeline.splice(this.timeline.indexOf(t.entry), 1);
    X.state = t.from;
    for (const r of this.rows?.slice(t.row) ?? []) if (r.states[x] === t.entry.to) r.states[x] = t.from;
    this.sides[x === 0 ? 1 : 0].lostAcks++;
    X.timedFinAck = undefined;
  }

  private simultaneous(): boolean {
    return this.timeline.some((e) => e.cause === 'simultaneous-open');
  }

  private sentRst(x: Who, p: TcpPacket, at: number): void {
    const X = this.sides[x];
    const Y = this.sides[x === 0 ? 1 : 0];
    const from = X.state;
    const answersSyn = Y.state === 'SYN-SENT' || (Y.syns > 0 && X.state === '?');
    if (from === '?' || from === '-' || from === 'CLOSED' || from === 'LISTEN') {
      // No socket for this 4-tuple answers with RST (tcp_v4_send_reset).
      if (X.before === '?') X.before = '-';
      if (from === '?') X.state = '-';
      X.rst ??= { at, from, answersSyn };
      return;
    }
    if (from === 'TIME-WAIT') return;
    let cause: CauseId;
    if (from === 'ESTABLISHED' && X.keepalives > 0) cause = 'keepalive-timeout';
    else if (from === 'FIN-WAIT-2' && at - X.enteredAt >= 60_000) cause = 'fin-wait-2-timeout';
    else if ((from === 'FIN-WAIT-1' || from === 'FIN-WAIT-2' || from === 'CLOSING' || from === 'LAST-ACK') && Y.dataAfterPeerFin) cause = 'data-after-close';
    else if (Y.dataBytes > 0) cause = 'close-unread-data';
    else cause = 'close-linger-zero';
    // Not every guess is a way out of every state (SYN-SENT has no unread data): the engine's table decides.
    if (!isListedTransition(from, 'CLOSED', cause)) cause = isListedTransition(from, 'CLOSED', 'close-linger-zero') ? 'close-linger-zero' : 'abort';
    X.rst = { at, from, cause, answersSyn: false };
    this.change(x, 'CLOSED', cause, at);
  }

  /** A segment reaches its receiver: RFC 9293 §3.10.7's rules for the receiver's state. */
  private arrive(f: InFlight, timed = false): void {
    const y: Who = f.from === 0 ? 1 : 0;
    const Y = this.sides[y];
    const X = this.sides[f.from];
    const at = f.at + this.pathDelay(f.from);
    if (f.flags & RST) {
      if (Y.state === 'SYN-SENT') { if (f.flags & ACK) this.change(y, 'CLOSED', 'rst-received', at); return; }
      if (Y.state === 'TIME-WAIT' || Y.state === 'SYN-RECEIVED') { this.change(y, 'CLOSED', 'rst-received', at); return; }
      if (SYNCHRONIZED.has(Y.state)) {
        // RFC 5961 §3: only an RST at exactly RCV.NXT resets; one elsewhere in the window gets a challenge ACK.
        if (Y.rcvNxt === undefined || f.seq === Y.rcvNxt) this.change(y, 'CLOSED', 'rst-received', at);
        else Y.expectChallenge = true;
      }
      return;
    }
    // A SYN it already had (a retransmission that crossed the answer) changes nothing.
    const old = f.end !== undefined && Y.rcvNxt !== undefined && ge(Y.rcvNxt, f.end);
    if (f.end !== undefined && (Y.rcvNxt === undefined || lt(Y.rcvNxt, f.end))) Y.rcvNxt = f.end;
    if (f.flags & SYN) {
      if (!(f.flags & ACK)) {
        if (old) return;
        if (Y.state === 'SYN-SENT') this.change(y, 'SYN-RECEIVED', 'simultaneous-open', at);
        else if (SYNCHRONIZED.has(Y.state)) Y.expectChallenge = true; // RFC 5961 §4
        return;
      }
      if (Y.state === 'SYN-SENT') this.change(y, 'ESTABLISHED', 'syn-ack-received', at);
      else if (Y.state === 'SYN-RECEIVED') this.change(y, 'ESTABLISHED', 'ack-of-syn-ack', at);
    } else if (f.flags & ACK) {
      if (Y.state === 'SYN-RECEIVED' && Y.isn !== undefined && ge(f.ack, Y.isn + 1)) this.change(y, 'ESTABLISHED', 'ack-of-syn-ack', at);
      if (Y.finSeq !== undefined && ge(f.ack, Y.finSeq + 1)) {
        const before = Y.state;
        const n = this.timeline.length;
        if (Y.state === 'FIN-WAIT-1') this.change(y, 'FIN-WAIT-2', 'fin-acked', at);
        else if (Y.state === 'CLOSING') this.change(y, 'TIME-WAIT', 'fin-acked', at);
        else if (Y.state === 'LAST-ACK') this.change(y, 'CLOSED', 'fin-acked', at);
        if (timed && this.timeline.length > n && before !== '-' && before !== '?') {
          Y.timedFinAck = { entry: this.timeline[n], from: before, row: this.rows?.length ?? 0 };
        }
      }
    }
    if (f.flags & FIN && !X.finDelivered && X.finSeq !== undefined && ge((f.seq + f.len) >>> 0, X.finSeq + 1)) {
      X.finDelivered = true;
      if (Y.state === 'ESTABLISHED') this.change(y, 'CLOSE-WAIT', 'fin-received', at);
      else if (Y.state === 'FIN-WAIT-1') this.change(y, 'CLOSING', 'simultaneous-close', at);
      else if (Y.state === 'FIN-WAIT-2') this.change(y, 'TIME-WAIT', 'fin-received', at);
    }
  }
}
