// READ THIS FIRST — everything one simulated host keeps, in one plain record, as src/core/tcb.ts is
// for one connection. The host's modules (listed in host.ts) read and write it; `Host` only holds
// it and delegates. It holds no clock: `now` is the latest time a caller passed in.
//
// Rules this file keeps:
// - Every table of the host is here and nowhere else: fds, the established table (4-tuples), the
//   per-destination port index, listeners by port, bind buckets, the timer heap, the output queue.
// - The seeded generator is drawn from in a fixed order at creation (ISN secret, timestamp secret,
//   port secret, then the port table's own draws), so a seed always gives the same host.
import type { FastopenMetrics } from '../core/fastopen-client.js';
import type { TcpConfig } from '../core/config.js';
import { defaultConfig } from '../core/config.js';
import type { Segment } from '../core/segment.js';
import type { StateChange } from './api.js';
import { zeroCounters, type Counters } from './counters.js';
import { DeadlineHeap } from './deadline-heap.js';
import type { TransmitFilter } from './engine.js';
import { FdTable } from './fd-table.js';
import { PortTable } from './ports.js';
import { applyProfile, type ProfileName } from './profiles.js';
import { Rng } from '../core/random.js';
import type { Entry, EntryClass, Listener, Sock } from './sockets.js';

export interface HostOptions {
  /** The host's addresses; the first of each family is the source for connect(). */
  addrs?: string[];
  config?: TcpConfig;
  profile?: ProfileName;
  seed?: number;
  hostname?: string;
  /** The process that owns every fd, as views attribute sockets. */
  process?: { pid: number; name: string };
  /** Keep state changes for drainStateChanges() (turn off for very large load runs). */
  recordStateChanges?: boolean;
  /** RLIMIT_NOFILE (`ulimit -n`): socket() and accept() fail with EMFILE beyond it. */
  maxFds?: number;
  /**
   * Hold an unowned TIME-WAIT connection as a minisocket (default true, as Linux). false keeps
   * the full Connection to the end: same behaviour, more memory (for comparison and tests).
   */
  timeWaitMinisockets?: boolean;
}

/** The established table seen from one destination: its local ports inside the ephemeral range, per parity. */
export interface DestIndex { parity: [number, number] }

export interface HostState {
  // ---- who the host is ----
  readonly config: TcpConfig;
  readonly profile: ProfileName;
  readonly addrs: string[];
  readonly hostname: string;
  /** The process that owns every fd, as views attribute sockets. */
  readonly process: { pid: number; name: string };
  /** The time of the last input (ms); every call acts at this time. */
  now: number;

  // ---- chance (random.ts), drawn once at creation ----
  readonly rng: Rng;
  /** secure_tcp_seq()'s key, also the SYN-cookie secret. */
  readonly secret: number;
  /** secure_tcp_ts_off()'s key. */
  readonly tsSecret: number;
  /** secure_ipv4_port_ephemeral()'s key, also the SO_REUSEPORT group hash. */
  readonly portSecret: number;

  // ---- sockets and fds (socket-calls.ts) ----
  readonly fds: FdTable<Sock>;
  nextInode: number;
  /** RLIMIT_NOFILE. */
  readonly maxFds: number;

  // ---- tables (established.ts, dest-index.ts, listen.ts, ports.ts) ----
  /** The established table (ehash): request sockets, connections, TIME-WAIT entries by 4-tuple. */
  readonly conns: Map<number, Entry>;
  /** The established table's address pairs: local → remote address (canonical) → the pair's number in keys. */
  readonly pairs: Map<string, Map<string, number>>;
  pairCount: number;
  /**
   * Per destination (local address, remote address, remote port): how many 4-tuples use a local
   * port inside the ephemeral range. When every port of the range is taken and none may be reused,
   * connect() fails at once instead of walking the whole range (same answer, O(1)).
   */
  readonly dests: Map<string, DestIndex>;
  /** ip_local_port_range as it was when `dests`' parity counts were made. */
  rangeKey: [number, number];
  /** TCP Fast Open's client cache per address pair (tcp_metrics' fastopen entry; fastopen-connect.ts). */
  readonly tfoCache: Map<string, FastopenMetrics>;
  /** Listening sockets by local port (lhash). */
  readonly listeners: Map<number, Listener[]>;
  /** Bind buckets (bhash). */
  readonly ports: PortTable;

  // ---- time (deadlines.ts) ----
  readonly heap: DeadlineHeap<Entry>;
  /** handleTimeout() is running: a close now is a timer's doing (counted as such). */
  /** close() calls still sleeping under SO_LINGER {on, N > 0}: the closed fd → its connection. */
  readonly lingerWaits: Map<number, Entry>;

  // ---- output (transmit.ts) ----
  readonly out: Segment[];
  outHead: number;
  /** The local device (setTransmitFilter): undefined = every segment leaves. */
  transmitFilter: TransmitFilter | undefined;
  /** Segments the local device dropped, for pollLocalDrop. */
  readonly localDrops: Segment[];

  // ---- records (changes.ts, counters.ts, limits.ts) ----
  changes: StateChange[];
  /** Keep state changes at all (HostOptions.recordStateChanges). */
  readonly record: boolean;
  readonly mib: Counters;
  /** How many entries count as each class now (sockstat's inuse/orphan/tw; the limits). */
  readonly classCount: Record<EntryClass, number>;
  /** Swap unowned TIME-WAIT connections for minisockets (HostOptions.timeWaitMinisockets). */
  readonly minisockets: boolean;
}

export function createHostState(opts: HostOptions = {}): HostState {
  const config = opts.config ?? defaultConfig();
  const profile = opts.profile ?? 'linux';
  if (!opts.config) applyProfile(config, profile);
  const rng = new Rng(opts.seed ?? 1);
  const secret = rng.u32();
  const tsSecret = rng.u32();
  const portSecret = rng.u32();
  return {
    config,
    profile,
    addrs: opts.addrs && opts.addrs.length > 0 ? [...opts.addrs] : ['127.0.0.1', '::1'],
    hostname: opts.hostname ?? 'sim',
    process: opts.process ?? { pid: 1000, name: 'app' },
    now: 0,
    rng,
    secret,
    tsSecret,
    portSecret,
    fds: new FdTable<Sock>(),
    nextInode: 10_000,
    maxFds: opts.maxFds ?? 1_048_576,
    conns: new Map(),
    pairs: new Map(),
    pairCount: 0,
    dests: new Map(),
    rangeKey: [NaN, NaN],
    tfoCache: new Map(),
    listeners: new Map(),
    ports: new PortTable(rng),
    heap: new DeadlineHeap<Entry>(),
    lingerWaits: new Map(),
    out: [],
    outHead: 0,
    transmitFilter: undefined,
    localDrops: [],
    changes: [],
    record: opts.recordStateChanges ?? true,
    mib: zeroCounters(),
    classCount: { request: 0, full: 0, orphan: 0, tw: 0, none: 0 },
    minisockets: opts.timeWaitMinisockets ?? true,
  };
}
