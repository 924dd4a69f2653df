// READ THIS FIRST — what the doctor says, as data. This is the stable contract of `tcplens doctor
// --json` (the netns integration tests and any dashboard read it), so fields are only ever added.
//
// A rule builds a `FindingOf<Text>` (every sentence in English and Chinese); `localiseFinding`
// turns it into the `Finding` (plain strings in one language) that is printed and serialised.
// Evidence is numbers and names, never prose, so the JSON does not change with `--lang`.
import type { Lang, Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import type { AgeRange, ParseProblem } from '../model/snapshot.js';

export type Severity = 'critical' | 'warning' | 'info';

/** Sort order: worst first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/** A remote endpoint (or address, when `port` is absent) and how many of the sockets go to it. */
export interface PeerCount { address: string; port?: number; count: number }

/** Ages in milliseconds of the sockets in the group (where the source can tell). */
export interface AgeStats {
  known: number; minMs: number; medianMs: number; maxMs: number;
  /** The oldest socket's time in state as an interval, where the reads or a kernel timer bound it (diagnose/ages.ts). */
  oldest?: AgeRange;
}

/** One observed rate: `count` events over `overMs`, from TIME-WAIT timers, a counter's delta or, failing both, assumed even. */
export interface RateEvidence {
  what: 'closes' | 'connects' | 'growth';
  count: number;
  overMs: number;
  perSec: number;
  basis: 'timewait-timers' | 'counter-delta' | 'assumed-even';
  counter?: string;
  /** A burst seen in TIME-WAIT timers that ended this long ago. */
  agoMs?: number;
}

export interface Evidence {
  state?: TcpState;
  /** How many sockets the finding is about. */
  count?: number;
  /** The owning process (the one with most of the sockets when several processes share a name). */
  pid?: number;
  process?: string;
  /** All pids of that name holding such sockets, when more than one (pre-forked workers). */
  pids?: number[];
  localAddress?: string;
  localPort?: number;
  /** The service name a paste printed for `localPort` when no service table knows it (`localPort` is then 0). */
  localService?: string;
  /** Top remote endpoints, most sockets first (at most 5). */
  peers?: PeerCount[];
  /** How many distinct remote endpoints in all. */
  distinctPeers?: number;
  /** The one destination a client-side finding is about (`ip:port`). */
  destination?: string;
  /**
   * How pid/process were found: `socket` (the sockets' own owner), `listener` (fd-less server-side
   * sockets: the process listening on the port), `destination` (fd-less client-side sockets: the
   * process that owns the other connections to the same ip:port — a likely owner, not a certain one).
   */
  attribution?: 'socket' | 'listener' | 'destination';
  /**
   * True when pid/process were inferred for sockets that have no owner of their own (TIME-WAIT,
   * orphaned FIN-WAIT-2/LAST-ACK, SYN-RECEIVED): from `attribution`'s listener or client.
   */
  inferred?: boolean;
  /** Rates the input shows, each with how it was obtained (src/diagnose/observed-rates.ts). */
  rates?: RateEvidence[];
  /** Which side closed first / owns the socket: `server` (local port is listening) or `client`. */
  side?: 'server' | 'client';
  /** Recv-Q/Send-Q figures: e.g. { withUnread: 12, withoutUnread: 3 } or { acceptQueue: 510, backlog: 511 }. */
  queues?: Record<string, number>;
  ages?: AgeStats;
  /** Cumulative kernel counters that support the finding (since boot, per netns). */
  counters?: Record<string, number>;
  /** The sysctl values the finding read. */
  sysctls?: Record<string, string>;
  /** Derived figures: port-range size, sustainable conns/s, usage ratio, ... */
  figures?: Record<string, number>;
}

export interface FixOf<T> {
  text: T;
  /** What the fix costs or does not do. */
  caveat?: T;
}

export interface FindingOf<T> {
  id: RuleId;
  severity: Severity;
  summary: T;
  evidence: Evidence;
  /** The protocol reason: what Linux does and why these sockets are where they are. */
  explanation: T;
  fixes: FixOf<T>[];
  /** Evidence the source could not give, and how to get it ("run as root", "paste ss -tanp"). */
  missing?: T[];
}

export type Finding = FindingOf<string>;
export type FindingText = FindingOf<Text>;

export const RULE_IDS = [
  'close_wait_leak',
  'time_wait_pressure',
  'fin_wait2_orphans',
  'syn_flood',
  'accept_queue_overflow',
  'idle_established',
  'keepalive_defaults',
  'dangerous_sysctl',
  'syn_sent_stall',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** The whole `tcplens doctor --json` document. */
export interface DoctorReport {
  findings: Finding[];
  summary: {
    /** Sockets per RFC 9293 state (all eleven keys, zeros included). */
    states: Record<TcpState, number>;
    total: number;
    /** Highest severity among the findings, or `none`. */
    worst: Severity | 'none';
    bySeverity: Record<Severity, number>;
    processAttributionComplete: boolean;
    /** Things the snapshot could not show, in the chosen language. */
    notes: string[];
    /** How many input lines could not be read. */
    unreadLines: number;
  };
  source: { kinds: string[]; origins: string[]; takenAt: number; hostname?: string };
  /** The input lines that could not be read (file, line, message, zh, text), when there are any. */
  problems?: ParseProblem[];
}

export function localiseFinding(f: FindingText, lang: Lang): Finding {
  const out: Finding = {
    id: f.id, severity: f.severity, summary: f.summary[lang], evidence: f.evidence,
    explanation: f.explanation[lang],
    fixes: f.fixes.map((x) => (x.caveat ? { text: x.text[lang], caveat: x.caveat[lang] } : { text: x.text[lang] })),
  };
  if (f.missing && f.missing.length > 0) out.missing = f.missing.map((m) => m[lang]);
  return out;
}
