// READ THIS FIRST — how an exchange scenario is written. A scenario is a script of user calls on
// real simulated hosts (A = client 10.0.0.1, B = server 10.0.0.2 unless it names its own `hosts`,
// and middleboxes on the path, `boxes`) joined by lab links, run on the virtual clock, and a
// conclusion whose facts are checked against the run:
//
//   script(lab) {
//     const l = lab.B.listen(80);                    // socket(), bind(), listen(): recorded calls
//     const c = lab.A.connect('10.0.0.2', 80);
//     lab.runFor(1000);                              // advance virtual time: segments, timers
//     lab.check(lab.state('A') === 'ESTABLISHED', 'A is ESTABLISHED');
//     return { en: '...', zh: '...' };               // the conclusion, in both languages
//   }
//
// Rules: every call goes through an Actor so it is recorded with its result and both states; the
// hosts' randomness comes from the run's seed; settings are applied to both hosts (profile first,
// then each --set, so explicit settings win); a script that throws ends the run with a failed check,
// never a stack trace to the user.
import { applySetting, defaultConfig, type TcpConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import type { Text } from '../i18n/lang.js';
import type { TcpState } from '../model/states.js';
import { errnoName } from '../core/errno.js';
import { applyProfile, type ProfileName } from '../stack/profiles.js';
import type { SockOptName, SockOptValue, SocketApi, ShutdownHow, SysError, AcceptResult } from '../stack/api.js';
import { createLabHost } from './lab-host.js';
import type { SegmentMatch } from './link.js';
import type { Middlebox } from './middlebox.js';
import { Network } from './network.js';
import { Recorder } from './recorder.js';
import type { ExchangeResult, Scenario, ScenarioOptions, ScenarioParam } from './scenario.js';

/** Bad input (an unknown --set or --param, a bad value): the CLI prints it and exits 2. */
export class ScenarioInputError extends Error {}

/** The tunables a run uses: defaults, then the profile, then every `--set` in order. */
export function configFrom(opts: Pick<ScenarioOptions, 'settings' | 'profile'>): TcpConfig {
  const config = defaultConfig();
  applyProfile(config, opts.profile);
  for (const [name, value] of Object.entries(opts.settings)) {
    const err = applySetting(config, name, value);
    if (err) throw new ScenarioInputError(`--set ${name}=${value}: ${err}`);
  }
  return config;
}

export type ParamValues = Record<string, number | string | boolean>;

/** `--param` values typed after each parameter's default; unknown names and bad values are errors. */
export function paramsFrom(declared: ScenarioParam[], raw: Record<string, string>, scenario: string): ParamValues {
  const out: ParamValues = {};
  for (const p of declared) out[p.name] = p.default;
  for (const [name, value] of Object.entries(raw)) {
    const p = declared.find((d) => d.name === name);
    if (!p) {
      const known = declared.map((d) => d.name).join(', ') || 'none';
      throw new ScenarioInputError(`--param ${name}: '${scenario}' has no parameter '${name}' (its parameters: ${known})`);
    }
    if (typeof p.default === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new ScenarioInputError(`--param ${name}=${value}: needs a number`);
      // Every number a scenario takes is a rate, a count, a share or a time: none is negative.
      const min = p.min ?? 0;
      const range = p.max === undefined ? `${min} or more` : `${min}..${p.max}`;
      if (n < min || (p.max !== undefined && n > p.max)) throw new ScenarioInputError(`--param ${name}=${value}: out of range, '${scenario}' takes ${range}`);
      if (p.integer && !Number.isInteger(n)) throw new ScenarioInputError(`--param ${name}=${value}: needs a whole number (${range})`);
      out[name] = n;
    } else if (typeof p.default === 'boolean') {
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(value)) throw new ScenarioInputError(`--param ${name}=${value}: needs true or false`);
      out[name] = ['true', '1', 'yes'].includes(value);
    } else out[name] = value;
  }
  return out;
}

/** A host's name in the lab ('A', 'B', or a scenario's own: 'C1', 'LB', 'S'). */
type Side = string;

/** A host of a scenario: its name, address and column label. */
export interface LabHostDef { name: string; addr: string; label: string }

/** A middlebox of a scenario: its name, label, own addresses, and the hosts routed through it. */
export interface LabBoxDef { name: string; label: string; addrs: string[]; box: Middlebox; route: string[] }

const TWO_HOSTS: LabHostDef[] = [
  { name: 'A', addr: '10.0.0.1', label: 'A client 10.0.0.1' },
  { name: 'B', addr: '10.0.0.2', label: 'B server 10.0.0.2' },
];

/** One host's application: every call is recorded in the diagram with its result. */
export class Actor {
  constructor(private readonly lab: Lab, readonly side: Side, readonly addr: string) {}

  private get api(): SocketApi {
    return this.lab.net.host(this.side).api;
  }

  do<T>(label: string, fn: (api: SocketApi) => T): T {
    return this.lab.net.call(this.side, label, fn);
  }

  socket(): number {
    const fd = this.do('socket()', (h) => h.socket('ipv4', { nonblock: true }));
    if (isSysError(fd)) throw new Error(`socket() failed on ${this.side}: ${fd.errno}`);
    return fd;
  }
  bind(fd: number, port: number): 0 | SysError {
    return this.do(`bind(${fd}, ${this.addr}:${port})`, (h) => h.bind(fd, this.addr, port));
  }
  listenOn(fd: number, backlog = 128): 0 | SysError {
    return this.do(`listen(${fd}, ${backlog})`, (h) => h.listen(fd, backlog));
  }
  /** socket() + bind() + listen(): the listener's fd. */
  listen(port: number, backlog = 128): number {
    const fd = this.socket();
    this.bind(fd, port);
    this.listenOn(fd, backlog);
    return fd;
  }
  accept(fd: number): AcceptResult | SysError {
    return this.do(`accept(${fd})`, (h) => h.accept(fd));
  }
  /** accept() that must succeed: the new fd. */
  acceptFd(fd: number): number {
    const r = this.accept(fd);
    if (isSysError(r)) throw new Error(`accept(${fd}) on ${this.side} failed: ${r.errno}`);
    return r.fd;
  }
  connectFd(fd: number, addr: string, port: number): 0 | SysError {
    return this.do(`connect(${fd}, ${addr}:${port})`, (h) => h.connect(fd, addr, port));
  }
  /** socket() + connect() (non-blocking: EINPROGRESS): the fd. */
  connect(addr: string, port: number): number {
    const fd = this.socket();
    this.connectFd(fd, addr, port);
    return fd;
  }
  send(fd: number, bytes: number): number | SysError {
    return this.do(`send(${fd}, ${bytes} bytes)`, (h) => h.send(fd, new Uint8Array(bytes).fill(0x61)));
  }
  recv(fd: number, max = 65_536): Uint8Array | SysError {
    return this.do(`recv(${fd})`, (h) => h.recv(fd, max));
  }
  shutdown(fd: number, how: ShutdownHow): 0 | SysError {
    return this.do(`shutdown(${fd}, ${how})`, (h) => h.shutdown(fd, how));
  }
  close(fd: number): 0 | SysError {
    return this.do(`close(${fd})`, (h) => h.close(fd));
  }
  setsockopt(fd: number, name: SockOptName, value: SockOptValue): 0 | SysError {
    const v = typeof value === 'number' ? String(value) : `{onoff=${value.onoff}, linger=${value.linger}}`;
    return this.do(`setsockopt(${fd}, ${name}, ${v})`, (h) => h.setsockopt(fd, name, value));
  }
  getsockopt(fd: number, name: SockOptName): SockOptValue | SysError {
    return this.do(`getsockopt(${fd}, ${name})`, (h) => h.getsockopt(fd, name));
  }
  /** SO_ERROR as an errno name ('' when none); a recorded call, shown as `= 111 (ECONNREFUSED)`. */
  soError(fd: number): string {
    const name = (n: number): string => (errnoName(n) ?? String(n));
    const r = this.do(`getsockopt(${fd}, SO_ERROR)`, (h) => {
      const v = h.getsockopt(fd, 'SO_ERROR');
      return typeof v === 'number' && v !== 0 ? `${v} (${name(v)})` : v;
    });
    if (isSysError(r)) return r.errno;
    return typeof r === 'string' ? name(Number(r.split(' ')[0])) : '';
  }
  /** The socket's state without recording a call (for checks). */
  stateOf(fd: number): TcpState | undefined {
    const s = this.api.status(fd);
    return isSysError(s) ? undefined : s.state;
  }
  /** The local port the socket is bound to (for reusing a 4-tuple). */
  localPort(fd: number): number | undefined {
    const s = this.api.status(fd);
    return isSysError(s) ? undefined : s.local?.port;
  }
  /** All sockets of this host as ss would list them (for checks). */
  sockets(): ReturnType<SocketApi['sockets']> {
    return this.api.sockets();
  }
}

export class Lab {
  readonly net: Network;
  readonly rec: Recorder;
  /** The first two hosts' applications (the client and the server of a two-host exchange). */
  readonly A: Actor;
  readonly B: Actor;
  readonly checks: Array<{ what: string; ok: boolean }> = [];
  private readonly actors = new Map<string, Actor>();
  private readonly boxes = new Map<string, Middlebox>();

  constructor(
    readonly config: TcpConfig, readonly params: ParamValues, seed: number, delayMs: number, readonly profile: ProfileName = 'linux',
    onWire?: ScenarioOptions['onWire'], hosts: LabHostDef[] = TWO_HOSTS, boxes: LabBoxDef[] = [], onState?: ScenarioOptions['onState'],
  ) {
    this.net = new Network({ seed, delayMs });
    this.rec = new Recorder([...hosts.map((h) => h.name), ...boxes.map((b) => b.name)]);
    this.net.observe((e) => this.rec.on(e));
    // A capture sees each segment once per leg: where a host sent it, and where a middlebox sent
    // it rewritten (a NAT's outside leg) or made it up (an RST); a firewall's plain forward is the
    // same packet again.
    if (onWire) this.net.observe((e) => { if (e.kind === 'send' && e.via !== 'forward') onWire({ at: e.at, host: e.from, seg: e.seg, states: this.rec.statesNow() }); }, ['send']);
    if (onState) this.net.observe((e) => { if (e.kind === 'state') onState(e.host, e.change); }, ['state']);
    // Seeds as the two-host lab always drew them (A: 2s+1, B: 2s+2), then on for further hosts.
    hosts.forEach((h, i) => {
      this.net.addHost(h.name, h.addr, createLabHost(h.addr, config, seed * 2 + 1 + i + (i >= 2 ? seed * 1000 : 0), { profile }));
      this.actors.set(h.name, new Actor(this, h.name, h.addr));
    });
    for (const b of boxes) {
      this.net.addBox(b.name, b.addrs, b.box);
      this.boxes.set(b.name, b.box);
      for (const h of b.route) this.net.route(h, b.name);
    }
    this.A = this.actor(hosts[0].name);
    this.B = this.actor(hosts[1].name);
  }

  /** The application of host `name`. */
  actor(name: string): Actor {
    const a = this.actors.get(name);
    if (!a) throw new Error(`lab: no host named '${name}'`);
    return a;
  }

  /** The middlebox named `name`. */
  box(name: string): Middlebox {
    const b = this.boxes.get(name);
    if (!b) throw new Error(`lab: no middlebox named '${name}'`);
    return b;
  }

  get now(): number {
    return this.net.now;
  }
  num(name: string): number {
    return Number(this.params[name]);
  }
  note(text: Text): void {
    this.rec.note(this.net.now, text);
  }
  check(ok: boolean, what: string): boolean {
    this.checks.push({ what, ok });
    return ok;
  }
  state(side: Side): TcpState | '-' {
    return this.rec.state(side);
  }
  runFor(ms: number): void {
    this.net.runUntil(this.net.now + ms);
  }
  runUntil(t: number): void {
    this.net.runUntil(t);
  }
  /** Run until `cond` holds (checked after each event) or `limitMs` of virtual time pass. */
  runUntilTrue(cond: () => boolean, limitMs: number): boolean {
    const end = this.net.now + limitMs;
    let n = 0;
    while (!cond()) {
      if (!this.net.step(end)) {
        this.net.runUntil(end);
        return cond();
      }
      if (++n > 1_000_000) throw new Error('lab: a million events without the awaited condition (a livelock?)');
    }
    return true;
  }
  /** The time of the nth transition of `side` into `to` (1-based), if it happened. */
  when(side: Side, to: TcpState, nth = 1, from?: TcpState): number | undefined {
    const hits = this.rec.timeline.filter((c) => c.host === side && c.to === to && (from === undefined || c.from === from));
    return hits[nth - 1]?.at;
  }
  /** The states `side` went through, in order, starting with the first `from`. */
  path(side: Side): TcpState[] {
    const cs = this.rec.timeline.filter((c) => c.host === side && c.from !== 'LISTEN' && c.to !== 'LISTEN');
    return cs.length ? [cs[0].from, ...cs.map((c) => c.to)] : [];
  }
  segments(from?: Side): Array<Extract<ExchangeResult['steps'][number], { kind: 'segment' }>> {
    return this.rec.steps.filter((s): s is Extract<ExchangeResult['steps'][number], { kind: 'segment' }> => s.kind === 'segment' && (from === undefined || s.from === from));
  }
}

export interface ExchangeDef {
  name: string;
  summary: Text;
  params?: ScenarioParam[];
  /** One-way link delay (ms); a `delay` param overrides it. */
  delayMs?: number;
  names?: { A: string; B: string };
  /** Hosts of their own (default: A client 10.0.0.1, B server 10.0.0.2), left to right. */
  hosts?: LabHostDef[];
  /** Middleboxes, made from the run's parameters; each is drawn as a column after `after` (default: last). */
  boxes?: (p: ParamValues) => Array<LabBoxDef & { after?: string }>;
  script(lab: Lab): Text;
}

const DELAY_PARAM: ScenarioParam = { name: 'delay', doc: { en: 'one-way link delay, ms', zh: '单向链路时延（毫秒）' }, default: 50 };
const DROP_PARAM: ScenarioParam = {
  name: 'drop',
  doc: { en: 'drop rules, comma-separated: A:3 (the third segment from A), B:FIN (every FIN from B), A:SYN*2 (the first two SYNs)', zh: '丢包规则，逗号分隔：A:3（A 的第 3 个报文）、B:FIN（B 的每个 FIN）、A:SYN*2（前两个 SYN）' },
  default: '',
};

const FLAG_WORDS: Record<string, string> = { SYN: 'S', FIN: 'F', RST: 'R', PSH: 'P', ACK: '.' };

/** `A:3,B:FIN,A:SYN*2` → drop rules per side; a malformed item is a ScenarioInputError. */
export function parseDropSpec(spec: string, sides: readonly string[] = ['A', 'B']): Array<{ side: string; rule: SegmentMatch }> {
  const out: Array<{ side: string; rule: SegmentMatch }> = [];
  for (const item of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([A-Z][A-Z0-9]*):(\d+|[A-Za-z.+]+)(?:\*(\d+))?$/.exec(item);
    if (!m || !sides.includes(m[1])) throw new ScenarioInputError(`--param drop: '${item}' is not SIDE:N or SIDE:FLAGS[*TIMES] (e.g. ${sides[0]}:3, ${sides[1]}:FIN, ${sides[0]}:SYN*2; the hosts: ${sides.join(', ')})`);
    const [, side, what, times] = m;
    const rule: SegmentMatch = {};
    if (/^\d+$/.test(what)) {
      if (Number(what) < 1) throw new ScenarioInputError(`--param drop: '${item}': segments are counted from 1`);
      rule.nth = Number(what);
    } else {
      let letters = '';
      for (const w of what.toUpperCase().split('+')) {
        const l = FLAG_WORDS[w];
        if (!l) throw new ScenarioInputError(`--param drop: '${item}': unknown flag '${w}' (SYN, FIN, RST, PSH, ACK)`);
        letters += l;
      }
      rule.flags = letters;
    }
    if (times !== undefined) rule.times = Number(times);
    out.push({ side, rule });
  }
  return out;
}

const LOSS_PARAM: ScenarioParam = { name: 'loss', doc: { en: 'random loss on both links, 0..1 (drawn from --seed)', zh: '两条链路上的随机丢包率 0..1（由 --seed 决定）' }, default: 0, max: 1 };

/** Seconds as people write them: 60 s, 7875 s (2 h 11 min 15 s). */
export function secs(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const s = Math.round(ms) / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(3)} s`;
}

export function exchange(def: ExchangeDef): Scenario {
  const params = [...(def.params ?? []), { ...DELAY_PARAM, default: def.delayMs ?? DELAY_PARAM.default }, LOSS_PARAM, DROP_PARAM];
  return {
    name: def.name,
    kind: 'exchange',
    summary: def.summary,
    params,
    run(opts: ScenarioOptions): ExchangeResult {
      const config = configFrom(opts);
      const p = paramsFrom(params, opts.params, def.name);
      const loss = Number(p.loss);
      if (!(loss >= 0 && loss <= 1)) throw new ScenarioInputError(`--param loss=${p.loss}: needs a probability from 0 to 1`);
      if (!(Number(p.delay) >= 0)) throw new ScenarioInputError(`--param delay=${p.delay}: needs a delay of 0 ms or more`);
      const hosts = def.hosts ?? TWO_HOSTS;
      const boxes = def.boxes?.(p) ?? [];
      const lab = new Lab(config, p, opts.seed, Number(p.delay), opts.profile, opts.onWire, hosts, boxes, opts.onState);
      const names = [...hosts.map((h) => h.name), ...boxes.map((b) => b.name)];
      for (const a of names) for (const b of names) if (a < b) lab.net.both(a, b, (l) => { l.loss = loss; });
      for (const d of parseDropSpec(String(p.drop), hosts.map((h) => h.name))) {
        // A host behind a middlebox sends everything to it; otherwise a rule holds on each link out.
        const next = boxes.find((b) => b.route.includes(d.side))?.name;
        for (const to of next ? [next] : names.filter((n) => n !== d.side)) lab.net.link(d.side, to).drop.push(d.rule);
      }
      let conclusion: Text;
      try {
        conclusion = def.script(lab);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        lab.check(false, `the run completed (it stopped at ${secs(lab.now)}: ${msg})`);
        conclusion = { en: `The run stopped early: ${msg}`, zh: `运行提前中止：${msg}` };
      }
      const failed = lab.checks.filter((c) => !c.ok);
      if (failed.length) {
        const list = failed.map((c) => c.what).join('; ');
        conclusion = {
          en: `NOT CONFIRMED by this run (${list}). Expected: ${conclusion.en}`,
          zh: `本次运行未能证实（${list}）。预期：${conclusion.zh}`,
        };
      }
      return {
        kind: 'exchange', scenario: def.name,
        hosts: def.hosts ? columns(def.hosts, boxes) : hostsOf(def.names ?? { A: 'A client 10.0.0.1', B: 'B server 10.0.0.2' }),
        steps: lab.rec.steps, timeline: lab.rec.timeline, conclusion, checks: lab.checks,
      };
    },
  };
}

/** The exchange's two hosts, 'A' on the left and 'B' on the right, with their column labels. */
function hostsOf(names: { A: string; B: string }): ExchangeResult['hosts'] {
  return [{ name: 'A', label: names.A }, { name: 'B', label: names.B }];
}

/** Hosts left to right, each middlebox after the host it names (or last). */
function columns(hosts: LabHostDef[], boxes: Array<LabBoxDef & { after?: string }>): ExchangeResult['hosts'] {
  const out: ExchangeResult['hosts'] = hosts.map((h) => ({ name: h.name, label: h.label }));
  for (const b of boxes) {
    const i = b.after === undefined ? -1 : out.findIndex((h) => h.name === b.after);
    out.splice(i < 0 ? out.length : i + 1, 0, { name: b.name, label: b.label, box: true });
  }
  return out;
}
