// What the load scenarios share: building the hosts from `--set`/`--profile`, the per-second
// sample, and small helpers. Each scenario file holds only its application behaviour.
import type { TcpConfig } from '../../core/config.js';
import { errnoName, isSysError } from '../../core/errno.js';
import type { LoadSample, ScenarioOptions, ScenarioParam } from '../scenario.js';
import type { Text } from '../../i18n/lang.js';
import { Host } from '../../stack/host.js';
import { configFrom, paramsFrom, ScenarioInputError, type ParamValues } from '../exchange-kit.js';
import { LoadWire } from './wire.js';

export { ScenarioInputError };

/** Loopback-like one-way delay (ms) unless a scenario says otherwise. */
export const LAN_DELAY_MS = 0.05;

export interface LoadSetup {
  config: TcpConfig;
  params: ParamValues;
  wire: LoadWire;
}

export function setup(declared: ScenarioParam[], opts: ScenarioOptions, name: string): LoadSetup {
  const config = configFrom(opts);
  const params = paramsFrom(declared, opts.params, name);
  const delay = typeof params.delay === 'number' ? params.delay : LAN_DELAY_MS;
  if (!(delay >= 0) || delay > 10_000) throw new ScenarioInputError(`--param delay=${params.delay}: needs 0..10000 ms`);
  return { config, params, wire: new LoadWire(delay) };
}

export function newHost(s: LoadSetup, opts: ScenarioOptions, addr: string, name: string, seedSalt: number, extra: { maxFds?: number } = {}): Host {
  return new Host({
    addrs: [addr], config: structuredClone(s.config), profile: opts.profile, seed: (opts.seed * 7919 + seedSalt) >>> 0,
    hostname: name, recordStateChanges: true, process: { pid: 1000 + seedSalt, name }, maxFds: extra.maxFds,
  });
}

/** The usual pair: host 'client' (seed salt 1) and host 'server' (salt 2), both on the wire. */
export function clientServer(s: LoadSetup, opts: ScenarioOptions, client: string, server: string, serverExtra: { maxFds?: number } = {}): { client: Host; server: Host } {
  const c = newHost(s, opts, client, 'client', 1);
  const h = newHost(s, opts, server, 'server', 2, serverExtra);
  s.wire.add('client', c);
  s.wire.add('server', h);
  return { client: c, server: h };
}

/** A listening socket on 0.0.0.0:port; returns its fd. */
export function listenOn(h: Host, port: number, backlog: number, opts: { reuseAddr?: boolean } = {}): number {
  const lfd = h.socket('ipv4') as number;
  if (opts.reuseAddr) h.setsockopt(lfd, 'SO_REUSEADDR', 1);
  h.bind(lfd, '0.0.0.0', port);
  h.listen(lfd, backlog);
  return lfd;
}

/**
 * connect() on a new non-blocking socket. A failure other than EINPROGRESS closes the socket,
 * is counted in `errors` and gives undefined; otherwise the fd and its local port (0 if unknown)
 * — the port tells a later state change of this connection from one of a reused fd number.
 */
export function startConnect(h: Host, addr: string, port: number, errors: Tally): { fd: number; port: number } | undefined {
  const fd = h.socket('ipv4', { nonblock: true }) as number;
  const r = h.connect(fd, addr, port);
  if (isSysError(r) && r.errno !== 'EINPROGRESS') {
    h.close(fd);
    errors.add(r.errno);
    return undefined;
  }
  const st = h.status(fd);
  return { fd, port: isSysError(st) ? 0 : (st.local?.port ?? 0) };
}

/** The pending error of a socket by name (getsockopt SO_ERROR), or undefined when there is none. */
export function soErrorName(h: Host, fd: number): string | undefined {
  const e = h.getsockopt(fd, 'SO_ERROR');
  return typeof e === 'number' && e !== 0 ? (errnoName(e) ?? `errno ${e}`) : undefined;
}

/** A whole number parameter within bounds, or a clear error naming it. */
export function intParam(p: ParamValues, name: string, min: number, max: number): number {
  const v = p[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ScenarioInputError(`--param ${name}=${String(v)}: needs a whole number from ${min} to ${max}`);
  }
  return v;
}

export function choiceParam<T extends string>(p: ParamValues, name: string, choices: readonly T[]): T {
  const v = String(p[name]);
  if (!(choices as readonly string[]).includes(v)) throw new ScenarioInputError(`--param ${name}=${v}: must be one of ${choices.join(', ')}`);
  return v as T;
}

export const DELAY_PARAM: ScenarioParam = { name: 'delay', doc: { en: 'one-way delay of the wire (ms)', zh: '单向链路时延（毫秒）' }, default: LAN_DELAY_MS };

/** Counters worth a column in load tables (the renderer keeps only those that moved). */
export const LOAD_COUNTERS = [
  'Tcp:ActiveOpens', 'Tcp:PassiveOpens', 'Tcp:AttemptFails', 'Tcp:EstabResets', 'Tcp:OutRsts',
  'TcpExt:ListenOverflows', 'TcpExt:ListenDrops', 'TcpExt:TCPReqQFullDrop', 'TcpExt:TCPReqQFullDoCookies',
  'TcpExt:SyncookiesSent', 'TcpExt:SyncookiesRecv', 'TcpExt:SyncookiesFailed', 'TcpExt:TCPTimeWaitOverflow',
  'TcpExt:TW', 'TcpExt:TWRecycled', 'TcpExt:TCPAbortOnClose', 'TcpExt:TCPAbortOnData', 'TcpExt:TCPAbortOnTimeout',
  'TcpExt:TCPAbortOnMemory', 'TcpExt:EmbryonicRsts',
];

/** Counts by key, reset after each sample (per-interval numbers). */
export class Tally {
  private cur: Record<string, number> = {};
  readonly total: Record<string, number> = {};
  add(k: string, n = 1): void {
    this.cur[k] = (this.cur[k] ?? 0) + n;
    this.total[k] = (this.total[k] ?? 0) + n;
  }
  take(): Record<string, number> {
    const c = this.cur;
    this.cur = {};
    return c;
  }
}

/** One sample of every host: state counts, queues of its listeners, selected counters. */
export function takeSample(at: number, hosts: Record<string, Host>, errors: Tally): LoadSample {
  const s: LoadSample = { at, states: {}, connectErrors: errors.take(), queues: {}, counters: {} };
  for (const [name, h] of Object.entries(hosts)) {
    s.states[name] = h.stateCounts();
    const q = h.queues();
    if (q.length > 0 && s.queues) {
      s.queues[name] = q.reduce((a, x) => ({ synQueue: a.synQueue + x.synQueue, acceptQueue: a.acceptQueue + x.acceptQueue, backlog: a.backlog + x.backlog }), { synQueue: 0, acceptQueue: 0, backlog: 0 });
    }
    const all = h.counters();
    const c: Record<string, number> = {};
    for (const k of LOAD_COUNTERS) if (all[k]) c[k] = all[k];
    const ss = h.sockstat();
    c['sockstat:tw'] = ss.tw;
    c['sockstat:orphan'] = ss.orphan;
    if (s.counters) s.counters[name] = c;
  }
  return s;
}

export function errName(r: unknown): string | undefined {
  return isSysError(r) ? r.errno : undefined;
}

export function both(en: string, zh: string): Text {
  return { en, zh };
}

export function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
