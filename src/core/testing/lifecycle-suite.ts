// READ THIS FIRST — the connection lifecycle, written once as data and run against every
// implementation of a TCP endpoint (Hono's pattern: one shared suite, one adapter each):
//   src/core/lifecycle.test.ts         the bare Connection (the trace harness, a scripted peer)
//   src/sim/lifecycle.test.ts          the lab: a Network of two hosts, the peer a real host too
//   src/packetdrill/lifecycle.test.ts  each case as a packetdrill script, played by the runner
//
// Each case follows one endpoint, the side under test ("A"), through RFC 9293's states. Its lines:
//   call    what A's application does at `at` (connect, close, SO_LINGER 0 ...)
//   peer    what the peer's application does; only the lab runs it (a real host), elsewhere
//           the peer is scripted by its segments below
//   in      a segment from the peer reaches A at `at` (packetdrill notation, numbers relative to
//           each side's ISN); `lost` means it was sent and never arrived
//   out     A sends exactly this at `at`; `lost` means it never reaches the peer
//   state   A is in this state at `at`; the `state` lines in order are every state A enters
// Times are milliseconds on a 50 ms one-way link (the lab's default), so the lab's real peer
// answers exactly when the scripted one does. The suite as a whole enters and leaves all eleven
// states (lifecycle-suite.test.ts checks the data; each adapter checks a run against it).
import type { TcpState } from '../../model/states.js';
import type { Millis } from '../time.js';

/** A's application calls. `connect-bound` binds a fixed port first (simultaneous open). */
export type SutCall = 'connect' | 'connect-bound' | 'listen' | 'accept' | 'close' | 'linger-0' | 'keepalive';
/** The peer's application, run by the lab only. `vanish` cuts the cable both ways (a crash). */
export type PeerCall = 'listen' | 'connect' | 'connect-bound' | 'close' | 'vanish';

export type LifecycleStep =
  | { at: Millis; call: SutCall }
  | { at: Millis; peer: PeerCall }
  | { at: Millis; in: string; lost?: boolean }
  | { at: Millis; out: string; lost?: boolean }
  | { at: Millis; state: TcpState };

export interface LifecycleCase {
  name: string;
  /** What the case shows, in RFC 9293's words. */
  what: string;
  steps: LifecycleStep[];
}

/** One-way delay of the link the cases' times assume (ms). */
export const LIFECYCLE_DELAY_MS: Millis = 50;

/** Sequence of an ESTABLISHED pair where A connected (client) and the peer listened. */
const activeOpen: LifecycleStep[] = [
  { at: 0, peer: 'listen' },
  { at: 0, call: 'connect' },
  { at: 0, out: 'S 0:0(0)' },
  { at: 0, state: 'SYN-SENT' },
  { at: 100, in: 'S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>' },
  { at: 100, out: '. 1:1(0) ack 1' },
  { at: 100, state: 'ESTABLISHED' },
];

/** Sequence of an ESTABLISHED pair where A listened (server) and the peer connected. */
const passiveOpen: LifecycleStep[] = [
  { at: 0, call: 'listen' },
  { at: 0, state: 'LISTEN' },
  { at: 0, peer: 'connect' },
  { at: 50, in: 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>' },
  { at: 50, out: 'S. 0:0(0) ack 1' },
  { at: 50, state: 'SYN-RECEIVED' },
  { at: 150, in: '. 1:1(0) ack 1 win 257' },
  { at: 150, state: 'ESTABLISHED' },
  { at: 200, call: 'accept' },
];

export const LIFECYCLE_CASES: readonly LifecycleCase[] = [
  {
    name: 'handshake, active open',
    what: 'SYN, SYN-ACK, ACK: CLOSED → SYN-SENT → ESTABLISHED',
    steps: activeOpen,
  },
  {
    name: 'handshake, passive open',
    what: 'a SYN to a listener: LISTEN → SYN-RECEIVED → ESTABLISHED on the final ACK',
    steps: passiveOpen,
  },
  {
    name: 'active close',
    what: 'close() first: FIN-WAIT-1, FIN-WAIT-2 on the ACK of our FIN, TIME-WAIT on theirs, CLOSED after 60 s',
    steps: [
      ...activeOpen,
      { at: 1100, call: 'close' },
      { at: 1100, out: 'F. 1:1(0) ack 1' },
      { at: 1100, state: 'FIN-WAIT-1' },
      { at: 1200, in: '. 1:1(0) ack 2 win 257' },
      { at: 1200, state: 'FIN-WAIT-2' },
      { at: 2100, peer: 'close' },
      { at: 2150, in: 'F. 1:1(0) ack 2 win 257' },
      { at: 2150, out: '. 2:2(0) ack 2' },
      { at: 2150, state: 'TIME-WAIT' },
      { at: 62_149, state: 'TIME-WAIT' },
      { at: 62_150, state: 'CLOSED' },
    ],
  },
  {
    name: 'passive close',
    what: 'the peer closes first: CLOSE-WAIT until our close(), LAST-ACK, CLOSED on the ACK of our FIN',
    steps: [
      ...passiveOpen,
      { at: 1100, peer: 'close' },
      { at: 1150, in: 'F. 1:1(0) ack 1 win 257' },
      { at: 1150, out: '. 1:1(0) ack 2' },
      { at: 1150, state: 'CLOSE-WAIT' },
      { at: 2100, call: 'close' },
      { at: 2100, out: 'F. 1:1(0) ack 2' },
      { at: 2100, state: 'LAST-ACK' },
      { at: 2200, in: '. 2:2(0) ack 2 win 257' },
      { at: 2200, state: 'CLOSED' },
    ],
  },
  {
    name: 'simultaneous open',
    what: 'the SYNs cross: SYN-SENT → SYN-RECEIVED on their SYN → ESTABLISHED on their SYN-ACK',
    steps: [
      { at: 0, peer: 'connect-bound' },
      { at: 0, call: 'connect-bound' },
      { at: 0, out: 'S 0:0(0)' },
      { at: 0, state: 'SYN-SENT' },
      { at: 50, in: 'S 0:0(0) win 65535 <mss 1460,nop,wscale 7>' },
      { at: 50, out: 'S. 0:0(0) ack 1' },
      { at: 50, state: 'SYN-RECEIVED' },
      { at: 100, in: 'S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>' },
      { at: 100, state: 'ESTABLISHED' },
    ],
  },
  {
    name: 'simultaneous close',
    what: 'the FINs cross: FIN-WAIT-1 → CLOSING (their FIN does not ack ours) → TIME-WAIT → CLOSED',
    steps: [
      ...activeOpen,
      { at: 1100, call: 'close' },
      { at: 1100, peer: 'close' },
      { at: 1100, out: 'F. 1:1(0) ack 1' },
      { at: 1100, state: 'FIN-WAIT-1' },
      { at: 1150, in: 'F. 1:1(0) ack 1 win 257' },
      { at: 1150, out: '. 2:2(0) ack 2' },
      { at: 1150, state: 'CLOSING' },
      { at: 1200, in: '. 2:2(0) ack 2 win 257' },
      { at: 1200, state: 'TIME-WAIT' },
      { at: 61_200, state: 'CLOSED' },
    ],
  },
  {
    name: 'lost last ACK',
    what: 'our final ACK is lost: the peer retransmits its FIN, we ACK again from TIME-WAIT and TIME-WAIT restarts',
    steps: [
      ...activeOpen,
      { at: 1100, call: 'close' },
      { at: 1100, out: 'F. 1:1(0) ack 1' },
      { at: 1100, state: 'FIN-WAIT-1' },
      { at: 1200, in: '. 1:1(0) ack 2 win 257' },
      { at: 1200, state: 'FIN-WAIT-2' },
      { at: 2100, peer: 'close' },
      { at: 2150, in: 'F. 1:1(0) ack 2 win 257' },
      { at: 2150, out: '. 2:2(0) ack 2', lost: true },
      { at: 2150, state: 'TIME-WAIT' },
      { at: 2450, in: 'F. 1:1(0) ack 2 win 257' },
      { at: 2450, out: '. 2:2(0) ack 2' },
      { at: 62_300, state: 'TIME-WAIT' },
      { at: 62_450, state: 'CLOSED' },
    ],
  },
  {
    name: 'linger 0',
    what: 'SO_LINGER {on, 0} then close(): an RST instead of a FIN, ESTABLISHED → CLOSED, no TIME-WAIT',
    steps: [
      ...activeOpen,
      { at: 1100, call: 'linger-0' },
      { at: 1100, call: 'close' },
      { at: 1100, out: 'R. 1:1(0) ack 1' },
      { at: 1100, state: 'CLOSED' },
    ],
  },
  {
    name: 'CLOSE-WAIT leak',
    what: 'the peer closed and our application never does: CLOSE-WAIT has no timer and lasts for ever',
    steps: [
      ...passiveOpen,
      { at: 1100, peer: 'close' },
      { at: 1150, in: 'F. 1:1(0) ack 1 win 257' },
      { at: 1150, out: '. 1:1(0) ack 2' },
      { at: 1150, state: 'CLOSE-WAIT' },
      { at: 600_000, state: 'CLOSE-WAIT' },
    ],
  },
  {
    name: 'FIN-WAIT-2 timeout',
    what: 'we closed, the peer never sends its FIN: the orphan in FIN-WAIT-2 dies after tcp_fin_timeout (60 s), silently',
    steps: [
      ...activeOpen,
      { at: 1100, call: 'close' },
      { at: 1100, out: 'F. 1:1(0) ack 1' },
      { at: 1100, state: 'FIN-WAIT-1' },
      { at: 1200, in: '. 1:1(0) ack 2 win 257' },
      { at: 1200, state: 'FIN-WAIT-2' },
      { at: 61_199, state: 'FIN-WAIT-2' },
      { at: 61_200, state: 'CLOSED' },
    ],
  },
  {
    name: 'keepalive',
    what: 'SO_KEEPALIVE and a vanished peer: the first probe after 7200 s idle, 9 probes 75 s apart unanswered, then RST and CLOSED',
    steps: [
      ...activeOpen,
      { at: 100, call: 'keepalive' },
      { at: 1100, peer: 'vanish' },
      ...Array.from({ length: 9 }, (_, i): LifecycleStep => ({ at: 7_200_100 + i * 75_000, out: '. 0:0(0) ack 1', lost: true })),
      { at: 7_875_099, state: 'ESTABLISHED' },
      { at: 7_875_100, out: 'R. 1:1(0) ack 1', lost: true },
      { at: 7_875_100, state: 'CLOSED' },
    ],
  },
];

/** The states a case says A enters, in order (consecutive repeats are point checks, not entries). */
export function statesEntered(c: LifecycleCase): TcpState[] {
  const out: TcpState[] = [];
  for (const s of c.steps) if ('state' in s && out[out.length - 1] !== s.state) out.push(s.state);
  return out;
}

/** The case's last instant: every adapter runs at least this far. */
export function caseEnd(c: LifecycleCase): Millis {
  return Math.max(...c.steps.map((s) => s.at));
}

/** What A's state timeline must show: each `state` line is A's state at that instant. */
export function stateAt(timeline: ReadonlyArray<{ at: Millis; to: TcpState }>, at: Millis, initial: TcpState = 'CLOSED'): TcpState {
  let s = initial;
  for (const c of timeline) if (c.at <= at) s = c.to;
  return s;
}
