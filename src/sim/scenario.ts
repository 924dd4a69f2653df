// The contract of a lab scenario. Two kinds: an `exchange` between two hosts, drawn as a sequence
// diagram with each side's state after every segment; and a `load` run over many connections,
// summarised per second. `tcplens sim NAME` looks scenarios up by name in the registry
// (scenarios.ts), which includes the load scenarios from ./load/index.ts.
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import type { SocketTimerKind } from '../model/timers.js';
import type { CauseId } from '../core/transitions.js';
import type { Millis } from '../core/time.js';
import type { Segment } from '../core/segment.js';
import type { StateChange } from '../stack/api.js';

export type Profile = 'linux' | 'bsd' | 'windows';

export interface ScenarioParam {
  name: string;
  doc: Text;
  default: number | string | boolean;
  /** A number's bounds (both inclusive); a number without `min` must not be negative. */
  min?: number;
  max?: number;
  /** A count (connections, a backlog, an fd limit): whole numbers only. */
  integer?: boolean;
}

export interface ScenarioOptions {
  /** `--set name=value` pairs: tunables (src/core/config.ts) by short or sysctl name. */
  settings: Record<string, string>;
  /** `--param name=value` scenario parameters. */
  params: Record<string, string>;
  seed: number;
  profile: Profile;
  /**
   * Hears every segment an exchange's hosts send, as a capture on the sender's interface would,
   * with each host's state at that moment (for `sim --pcap`). Load scenarios do not call it.
   */
  onWire?: (p: WirePacket) => void;
  /**
   * Hears every state change of an exchange's hosts with its connection's addresses (a round-trip
   * test follows each connection by its 4-tuple; a host's column shows only its latest one).
   */
  onState?: (host: string, change: StateChange) => void;
}

/** One segment leaving a host in an exchange. */
export interface WirePacket {
  at: Millis;
  /** The sending host's name. */
  host: string;
  seg: Segment;
  /** Each host's state when it left. */
  states: HostStates;
}

/** Each host's state after a row, keyed by host name ('-' before it has a socket; '?' not known, in a capture). */
export type HostStates = Record<string, TcpState | '-' | '?'>;

/**
 * A host of an exchange: its name in the network and the label over its column. `box`: a lab
 * element on the path (a NAT, a firewall) that forwards, rewrites or drops segments but holds no
 * TCP connection, so its column shows no state.
 */
export interface ExchangeHost { name: string; label: string; box?: boolean }

/** One row of a sequence diagram: a segment crossing, a user call, a timer, or a note. */
export type ExchangeStep =
  | {
    /** `from`: the sending host's name; `to`: the receiving one (when absent, the other of two hosts). */
    kind: 'segment'; at: Millis; from: string; to?: string; text: string; dropped?: boolean; duplicated?: boolean; states: HostStates;
    /** The same segment with raw sequence numbers (`text` is relative to each side's ISN, as Wireshark shows). */
    textAbsolute?: string;
    /** When it was sent, for a segment that spent time on the link (ms). */
    sentAt?: Millis;
    /** Why a dropped segment was lost ("drop rule", "link down", "random loss"). */
    why?: string;
  }
  | { kind: 'call'; at: Millis; host: string; text: string; result?: string; states: HostStates }
  | {
    kind: 'timer'; at: Millis; host: string; text: string; states: HostStates;
    /** The state changes the timer caused (`text` has their English words). */
    causes?: CauseId[];
    /** Or, when it changed no state, which timers fired (`text` has their English names). */
    timers?: Array<SocketTimerKind | 'delayed-ack'>;
  }
  | { kind: 'note'; at: Millis; text: Text };

export interface ExchangeResult {
  kind: 'exchange';
  scenario: string;
  /** The hosts, left to right in the diagram (two for a client and a server; more with a NAT, a balancer, several clients). */
  hosts: ExchangeHost[];
  steps: ExchangeStep[];
  /** Each host's state changes with their causes, for `--json` and timelines. */
  timeline: Array<{ at: Millis; host: string; from: TcpState; to: TcpState; cause: CauseId }>;
  /** What the run shows, in words, checked against the run (e.g. "B stays in CLOSE-WAIT"). */
  conclusion: Text;
  /** The facts the conclusion rests on, each checked against this run (false: the run disagrees). */
  checks?: Array<{ what: string; ok: boolean }>;
}

export interface LoadSample {
  /** Virtual time, ms. */
  at: number;
  /** Per host ("client", "server"), per state. */
  states: Record<string, Partial<Record<TcpState, number>>>;
  connectErrors: Record<string, number>;
  queues?: Record<string, { synQueue: number; acceptQueue: number; backlog: number }>;
  counters?: Record<string, Record<string, number>>;
}

export interface LoadResult {
  kind: 'load';
  scenario: string;
  params: Record<string, string | number | boolean>;
  samples: LoadSample[];
  totals: Record<string, number>;
  conclusion: Text;
}

export type ScenarioResult = ExchangeResult | LoadResult;

export interface Scenario {
  name: string;
  kind: 'exchange' | 'load';
  summary: Text;
  params: ScenarioParam[];
  run(opts: ScenarioOptions): ScenarioResult;
}
