// The source flags `doctor`, `states` and `ls` share, turned into a `SourceSpec` (src/node/source.ts,
// which reads it):
//   (default)        this host, live
//   --netns NAME     another network namespace, live
//   --proc-root DIR  a directory laid out like /proc (a captured tree; tests)
//   --input FILE     one pasted output (ss, netstat, lsof, /proc/net/tcp, PowerShell, ...)
//   --input -        the same from standard input
//   --input DIR      a folder of outputs taken on one host at one moment, any mix, recognised by content
// What could not be read is checked and reported in input-problems.ts, the same for all three commands.
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import { openSource, sampleSeries, type Source, type SourceSpec } from '../node/source.js';
import { SourceError } from '../node/source-error.js';
import type { Tally } from '../formats/stream.js';
import { UsageError, type CliIO } from './io.js';
import { checkPartial, checkReadable } from './input-problems.js';
import { sourceSpec, type LiveFlags } from './live-options.js';

/** The parseArgs option table every snapshot-reading command spreads into its own. */
export const INPUT_OPTIONS = {
  input: { type: 'string', short: 'i' },
  partial: { type: 'boolean' },
  netns: { type: 'string' },
  'proc-root': { type: 'string' },
} as const;

export interface InputFlags extends LiveFlags { input?: string; partial?: boolean }

const say = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

export interface LoadOptions {
  /** The command lists or counts sockets (`states`, `ls`): an input with no socket listing is an error. */
  needSockets?: boolean;
  /** `--partial`: a listing of which a third or more could not be read is shown, labelled, instead of refused. */
  partial?: boolean;
}

/** The spec the flags name; standard input is read here, the CLI's own stream. */
export async function specFromFlags(flags: InputFlags, io: CliIO, lang: Lang): Promise<SourceSpec> {
  checkOneSource(flags, lang);
  // Standard input is read as a stream, of any size (src/node/input-stream.ts); an in-process
  // caller without one hands its text.
  if (flags.input === '-') {
    if (io.stdinStream) return { kind: 'stream', name: '-', chunks: io.stdinStream, takenAt: Date.now() };
    return { kind: 'paste', files: [{ name: '-', text: await io.readStdin() }], takenAt: Date.now() };
  }
  if (flags.input !== undefined) return { kind: 'input', path: flags.input };
  return sourceSpec(flags);
}

/** The source the flags name, checked; a SourceError becomes a usage error (exit 2). */
export async function openFlagSource(flags: InputFlags, io: CliIO, lang: Lang): Promise<Source> {
  return asUsage(lang, async () => openSource(await specFromFlags(flags, io, lang)));
}

/** Runs `f`, turning a SourceError into the CLI's usage error in the user's language. */
export async function asUsage<T>(lang: Lang, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof SourceError) throw new UsageError(err.text[lang]);
    throw err;
  }
}

export async function loadSnapshot(flags: InputFlags, io: CliIO, lang: Lang, opts: LoadOptions = {}): Promise<HostSnapshot> {
  const source = await openFlagSource(flags, io, lang);
  const snap = await asUsage(lang, () => source.sample());
  if (!source.live) {
    checkReadable(snap, lang, opts.needSockets === true);
    checkPartial(snap, lang, opts.partial === true);
  }
  return snap;
}

/**
 * Sockets per state of a saved input without keeping its socket records (`tcplens states --input`):
 * a listing of any size is counted in memory bounded by the counts; problems and partial reads are
 * checked as for a snapshot.
 */
export async function loadInputTally(flags: InputFlags, io: CliIO, lang: Lang, opts: LoadOptions = {}): Promise<Tally> {
  const source = await openFlagSource(flags, io, lang);
  const tally = await asUsage(lang, async () => (source.tally ? source.tally() : { counts: countOf(await source.sample()), snapshot: await source.sample() }));
  const total = Object.values(tally.counts).reduce((a, n) => a + (n ?? 0), 0);
  checkReadable(tally.snapshot, lang, opts.needSockets === true, total);
  checkPartial(tally.snapshot, lang, opts.partial === true);
  return tally;
}

function countOf(snap: HostSnapshot): Tally['counts'] {
  const out: Tally['counts'] = {};
  for (const s of snap.sockets) out[s.state] = (out[s.state] ?? 0) + 1;
  return out;
}

/** Exactly one of --input, --netns, --proc-root (or none: this host). */
export function checkOneSource(flags: InputFlags, lang: Lang): void {
  const given = (['input', 'netns', 'proc-root'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) {
    throw new UsageError(say(lang, `use only one of --input, --netns, --proc-root (got ${given.map((g) => `--${g}`).join(' and ')})`,
      `--input、--netns、--proc-root 只能用一个（收到 ${given.map((g) => `--${g}`).join(' 和 ')}）`));
  }
}

/** `--samples N --interval S`: N live snapshots S seconds apart, merged (ages, growth, rising counters). */
export const SAMPLE_OPTIONS = {
  samples: { type: 'string' },
  interval: { type: 'string' },
} as const;

function sampleCount(v: string | undefined, lang: Lang): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 100) throw new UsageError(say(lang, `--samples needs a whole number from 1 to 100, got '${v}'`, `--samples 需要 1 到 100 之间的整数，收到 '${v}'`));
  return n;
}

function intervalMs(v: string | undefined, lang: Lang): number {
  if (v === undefined) return 5000;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0.1 || n > 3600) throw new UsageError(say(lang, `--interval needs seconds from 0.1 to 3600, got '${v}'`, `--interval 需要 0.1 到 3600 之间的秒数，收到 '${v}'`));
  return Math.round(n * 1000);
}

export async function loadSampledSnapshot(flags: InputFlags & { samples?: string; interval?: string }, io: CliIO, lang: Lang): Promise<HostSnapshot> {
  const n = sampleCount(flags.samples, lang);
  const gap = intervalMs(flags.interval, lang);
  if (n === 1) {
    if (flags.interval !== undefined) throw new UsageError(say(lang, '--interval only makes sense with --samples N (N ≥ 2)', '--interval 只能与 --samples N（N ≥ 2）一起使用'));
    return loadSnapshot(flags, io, lang, { partial: flags.partial === true });
  }
  if (flags.input !== undefined) throw new UsageError(say(lang, '--samples needs a live source (this host, --netns or --proc-root), not --input', '--samples 需要实时数据源（本机、--netns 或 --proc-root），不能与 --input 一起使用'));
  const source = await openFlagSource(flags, io, lang);
  return asUsage(lang, () => sampleSeries(source, n, gap));
}
