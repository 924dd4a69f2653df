// READ THIS FIRST — several snapshots of one host, taken some seconds apart, made into one.
//
// Linux keeps no birth time for CLOSE-WAIT, ESTABLISHED or an owned FIN-WAIT-2, and its counters
// are cumulative since boot. Sampling fills both gaps:
// - each socket is followed by its identity across the samples (ages.ts): its `ageRange` says how
//   long it has been in its state, [at least, at most], and its `ageMs` the proven lower bound,
//   unless the source already knew its age (TIME-WAIT and orphan timers);
// - every earlier sample goes into `history` with its state counts, counters and group counts
//   (growth.ts), oldest first, so rules and `doctor --samples` can tell growth per process, port and
//   destination, and "rising now" from "some time since boot".
// Pure: the caller takes the samples (src/cli) and hands them here in order.
import type { HostSnapshot } from '../model/snapshot.js';
import { trackAges } from './ages.js';
import { groupCounts } from './growth.js';
import { stateCounts } from './state-counts.js';

export function mergeSamples(samples: readonly HostSnapshot[]): HostSnapshot {
  if (samples.length === 0) throw new Error('mergeSamples needs at least one snapshot');
  const last = samples[samples.length - 1];
  if (samples.length === 1) return last;
  const { sockets } = trackAges(samples);
  const earlier = samples.slice(0, -1).map((s) => ({ takenAt: s.takenAt, stateCounts: stateCounts(s.sockets), counters: { ...s.counters }, groups: Object.fromEntries(groupCounts(s)) }));
  return { ...last, sockets, history: [...(last.history ?? []), ...earlier].sort((a, b) => a.takenAt - b.takenAt) };
}

/** How much a counter rose since the oldest sample that has it, and over how long; undefined without history. */
export function counterRise(s: HostSnapshot, name: string): { rise: number; windowMs: number } | undefined {
  const now = s.counters[name];
  if (now === undefined) return undefined;
  const first = (s.history ?? []).find((h) => h.counters?.[name] !== undefined);
  if (!first || first.counters === undefined) return undefined;
  return { rise: now - first.counters[name], windowMs: s.takenAt - first.takenAt };
}
