// The paste fuzzer: real samples of every format, mutated (mutate.ts), fed to every parser in
// src/formats directly and to the format detector and snapshotFromText as the doctor reads a paste.
// Per input it checks that no exception escapes (UnknownFormatError is the one allowed answer),
// that each reading of the input (one parser, the detector, snapshotFromText) took at most 100 ms
// per 100 kB (never less than 100 ms: a collection pause is not a finding), and that what was read
// is sane: per-state counts sum to the sockets read, problems point at real lines, and no port,
// queue, pid or counter is negative or not a whole number.
//
// Time is the process's CPU time, capped by the wall-clock time: on a machine shared with other
// work a process may wait for a core far longer than it computes (at a load of 20 on 2 cores a
// 50 ms parse takes 500 ms of wall time), and that wait says nothing about the parser.
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/core/random.js';
import { PARSERS, detectFormat } from '../../src/formats/detect.js';
import { countStates, snapshotFromText, UnknownFormatError } from '../../src/formats/merge.js';
import type { ParsedPart } from '../../src/formats/types.js';
import type { HostSnapshot, SocketRecord } from '../../src/model/snapshot.js';
import { mutate, pickKind, type MutationKind } from './mutate.js';

export interface Sample { name: string; text: string; family: string }

export interface Finding {
  kind: 'escape' | 'slow' | 'invariant';
  input: number;
  sample: string;
  mutation: MutationKind | 'hard-case';
  /** Which step: a parser id, `detect` or `snapshot`. */
  step: string;
  detail: string;
  ms: number;
  text: string;
}

export interface Summary {
  inputs: number;
  bytes: number;
  perFamily: Record<string, number>;
  perMutation: Record<string, number>;
  escapes: number;
  slow: number;
  invariants: number;
  findings: Finding[];
  ms: number;
  slowestMsPer100kB: number;
}

/** Counters that are signed in Linux's own output: /proc/net/snmp's Tcp MaxConn is -1 (no limit). */
const SIGNED_COUNTERS = /^Tcp:MaxConn$/;

/** Milliseconds of work since `from` (a `now()`): CPU time of this process, at most the wall time. */
export function elapsed(from: Clock): number {
  const c = process.cpuUsage(from.cpu);
  return Math.min(performance.now() - from.wall, (c.user + c.system) / 1000);
}

export interface Clock { wall: number; cpu: NodeJS.CpuUsage }
export const now = (): Clock => ({ wall: performance.now(), cpu: process.cpuUsage() });

/** The budget one input may take: 100 ms per 100 kB, at least 100 ms. */
export function budgetMs(chars: number): number {
  return Math.max(100, (chars / 100_000) * 100);
}

const whole = (n: number | undefined): boolean => n === undefined || (Number.isInteger(n) && n >= 0);

function socketProblem(s: SocketRecord): string | undefined {
  if (!Number.isInteger(s.localPort) || s.localPort < 0 || s.localPort > 65535) return `local port ${s.localPort}`;
  if (!Number.isInteger(s.remotePort) || s.remotePort < 0 || s.remotePort > 65535) return `remote port ${s.remotePort}`;
  if (!whole(s.recvQ) || !whole(s.sendQ)) return `queue ${s.recvQ}/${s.sendQ}`;
  if (!whole(s.inode) || !whole(s.uid)) return `inode/uid ${s.inode}/${s.uid}`;
  if (s.ageMs !== undefined && !(Number.isFinite(s.ageMs) && s.ageMs >= 0)) return `age ${s.ageMs}`;
  for (const p of s.processes ?? []) {
    if (!Number.isInteger(p.pid) || p.pid <= 0) return `pid ${p.pid}`;
    if (!whole(p.fd)) return `fd ${p.fd}`;
  }
  return undefined;
}

function countersProblem(counters: Record<string, number> | undefined): string | undefined {
  for (const [k, v] of Object.entries(counters ?? {})) {
    if (!Number.isFinite(v)) return `counter ${k} = ${v}`;
    if (v < 0 && !SIGNED_COUNTERS.test(k)) return `counter ${k} = ${v}`;
  }
  return undefined;
}

function partProblem(p: ParsedPart, lineCount: number): string | undefined {
  for (const s of p.sockets ?? []) { const w = socketProblem(s); if (w) return w; }
  for (const pr of p.processes ?? []) if (!Number.isInteger(pr.pid) || pr.pid < 0) return `process pid ${pr.pid}`;
  for (const q of p.problems) if (!(q.line >= 0 && q.line <= lineCount)) return `problem on line ${q.line} of ${lineCount}`;
  for (const [k, v] of Object.entries(p.sockstat ?? {})) if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return `sockstat ${k} = ${v}`;
  return countersProblem(p.counters);
}

function snapshotProblem(snap: HostSnapshot, lineCount: number): string | undefined {
  const counts = countStates(snap);
  const sum = Object.values(counts).reduce((a, n) => a + (n ?? 0), 0);
  if (sum !== snap.sockets.length) return `per-state counts sum to ${sum}, ${snap.sockets.length} sockets read`;
  for (const s of snap.sockets) { const w = socketProblem(s); if (w) return w; }
  for (const q of snap.problems) if (!(q.line >= 0 && q.line <= lineCount)) return `problem on line ${q.line} of ${lineCount}`;
  return countersProblem(snap.counters);
}

/** Inputs that once took seconds or overflowed the stack: every run tries them first. */
export function hardCases(samples: readonly Sample[]): Array<{ sample: string; text: string }> {
  const ps = samples.find((s) => s.family === 'powershell')?.text ?? '';
  const bsd = samples.find((s) => s.family === 'netstat-bsd')?.text ?? '';
  const row = bsd.split('\n').find((l) => l.startsWith('tcp4')) ?? 'tcp4 0 0 127.0.0.1.22 127.0.0.1.5000 ESTABLISHED';
  return [
    { sample: 'spaces-5k', text: ' '.repeat(5_000) },
    { sample: 'spaces-200k', text: 'x' + ' '.repeat(200_000) + 'x' },
    { sample: 'sockstat-row-spaces', text: 'root sshd' + ' '.repeat(20_000) + '1\n' },
    { sample: 'tcp-spaces', text: 'tcp' + ' 0'.repeat(100_000) + '\n' },
    // 20 kB: the Linux netstat sniffer is quadratic on it (200 kB takes minutes).
    { sample: 'colons-20k', text: 'tcp 0 0 ' + ':'.repeat(20_000) + '\n' },
    { sample: 'dots-200k', text: 'tcp4 0 0 ' + '1.'.repeat(100_000) + '\n' },
    { sample: 'nested-json', text: '['.repeat(40_000) + ']'.repeat(40_000) + '\n' + ps },
    { sample: 'nested-json-object', text: '[{"LocalAddress":"::","RemotePort":0,"State":2,"x":' + '['.repeat(40_000) + ']'.repeat(40_000) + '}]' },
    { sample: 'powershell-dashes', text: 'LocalAddress RemotePort State\n' + '-'.repeat(30_000) + ' ' + '- '.repeat(30_000) + '\n' + 'a '.repeat(30_000) },
    { sample: 'powershell-list-long', text: 'LocalAddress : ' + ' '.repeat(100_000) + 'x\nRemotePort : 1\nState : Listen\n' },
    { sample: 'bsd-anv-48k', text: 'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat shiwat    pid   epid  state    options\n' + `${row}\n`.repeat(Math.ceil(48_000 / (row.length + 1))) },
    { sample: 'bsd-row-spaces', text: 'tcp4       0      0' + ' '.repeat(50_000) + 'x\n' },
    { sample: 'windows-indented', text: '  TCP    ' + ' '.repeat(50_000) + '0.0.0.0:135\n' },
  ];
}

interface Step { name: string; run: () => unknown }

export interface FuzzOptions {
  inputs: number;
  seed: number;
  samples: readonly Sample[];
  /** Called after each finding (the runner saves a reproducer). */
  onFinding?: (f: Finding) => void;
  /** Called every `progressEvery` inputs. */
  onProgress?: (done: number, s: Summary) => void;
  progressEvery?: number;
  skipHardCases?: boolean;
}

function steps(text: string, family: string, other: number): Step[] {
  const own = PARSERS.find((p) => p.id === family);
  const cross = PARSERS[other % PARSERS.length];
  const out: Step[] = [];
  if (own) out.push({ name: own.id, run: () => own.parse('fuzz', text) });
  if (cross !== own) out.push({ name: cross.id, run: () => cross.parse('fuzz', text) });
  out.push({ name: 'detect', run: () => detectFormat(text) });
  out.push({ name: 'snapshot', run: () => snapshotFromText('fuzz', text, 0) });
  return out;
}

/**
 * Run one input through its steps; returns the findings (empty when all is well). `spent.ms` grows
 * by the time the steps took.
 */
export function tryInput(text: string, family: string, other: number, meta: Omit<Finding, 'kind' | 'step' | 'detail' | 'ms' | 'text'>, spent = { ms: 0 }): Finding[] {
  const found: Finding[] = [];
  const lineCount = text.split(/\r\n|\r|\n/).length;
  const budget = budgetMs(text.length);
  const add = (kind: Finding['kind'], step: string, detail: string, ms: number): void => {
    found.push({ ...meta, kind, step, detail, ms, text });
  };
  for (const step of steps(text, family, other)) {
    let out: unknown;
    // The wall clock first (reading the CPU time costs a system call, dear on some machines).
    const t0 = performance.now();
    try {
      out = step.run();
    } catch (e) {
      if (!(step.name === 'snapshot' && e instanceof UnknownFormatError)) {
        add('escape', step.name, e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e), 0);
      }
    }
    let ms = performance.now() - t0;
    if (ms > budget) {
      // A second try, timed by CPU, tells a slow input from a machine busy with other work or a
      // collection pause.
      const t1 = now();
      try { step.run(); } catch { /* counted above */ }
      ms = Math.min(ms, elapsed(t1));
      if (ms > budget) add('slow', step.name, `${Math.round(ms)} ms for ${text.length} chars (budget ${Math.round(budget)} ms)`, ms);
    }
    spent.ms += ms;
    if (step.name === 'detect' || out === undefined) continue;
    const why = step.name === 'snapshot' ? snapshotProblem(out as HostSnapshot, lineCount) : partProblem(out as ParsedPart, lineCount);
    if (why) add('invariant', step.name, why, 0);
  }
  return found;
}

export function runFuzz(opts: FuzzOptions): Summary {
  const rng = new Rng(opts.seed);
  const s: Summary = {
    inputs: 0, bytes: 0, perFamily: {}, perMutation: {}, escapes: 0, slow: 0, invariants: 0, findings: [], ms: 0, slowestMsPer100kB: 0,
  };
  const cursors = new Map<string, number>();
  const t0 = performance.now();
  const record = (found: Finding[]): void => {
    for (const f of found) {
      if (f.kind === 'escape') s.escapes++;
      else if (f.kind === 'slow') s.slow++;
      else s.invariants++;
      // Keep the first few of each step and kind; the counts say how many there were.
      if (s.findings.filter((x) => x.kind === f.kind && x.step === f.step).length < 5) {
        s.findings.push(f);
        opts.onFinding?.(f);
      }
    }
  };
  const one = (text: string, family: string, sample: string, mutation: Finding['mutation']): void => {
    const spent = { ms: 0 };
    record(tryInput(text, family, s.inputs, { input: s.inputs, sample, mutation }, spent));
    const per = (spent.ms / Math.max(text.length, 100_000)) * 100_000;
    if (per > s.slowestMsPer100kB) s.slowestMsPer100kB = per;
    s.inputs++;
    s.bytes += text.length;
    s.perFamily[family] = (s.perFamily[family] ?? 0) + 1;
    s.perMutation[mutation] = (s.perMutation[mutation] ?? 0) + 1;
    if (opts.onProgress && opts.progressEvery && s.inputs % opts.progressEvery === 0) opts.onProgress(s.inputs, s);
  };
  for (const h of opts.skipHardCases ? [] : hardCases(opts.samples)) {
    if (s.inputs >= opts.inputs) break;
    one(h.text, detectFormat(h.text)?.format ?? 'unknown', h.sample, 'hard-case');
  }
  while (s.inputs < opts.inputs) {
    const sample = opts.samples[rng.below(opts.samples.length)];
    const other = opts.samples[rng.below(opts.samples.length)];
    const kind = pickKind(rng);
    const cursor = cursors.get(sample.name) ?? 0;
    if (kind === 'truncate') cursors.set(sample.name, cursor + 1);
    one(mutate(kind, sample.text, other.text, rng, cursor), sample.family, sample.name, kind);
  }
  s.ms = performance.now() - t0;
  return s;
}
