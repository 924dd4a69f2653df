// READ THIS FIRST — several snapshots of one host, taken some seconds apart, made into one.
//
// Linux keeps no birth time for CLOSE-WAIT, ESTABLISHED or an owned FIN-WAIT-2, and its counters
// are cumulative since boot. Sampling fills both gaps:
// - a socket seen in the same state with the same 4-tuple (and inode, where known) in an earlier
//   sample has been in that state at least since then: its `ageMs` becomes that lower bound, unless
//   the source already knew its age (TIME-WAIT and orphan timers);
// - every earlier sample goes into `history` with its state counts and counters, oldest first, so
//   rules can tell growth and "rising now" from "some time since boot".
// Pure: the caller takes the samples (src/cli) and hands them here in order.
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { stateCounts } from './state-counts.js';

function key(k: SocketRecord): string {
  return `${k.state}|${k.localAddress}|${k.localPort}|${k.remoteAddress}|${k.remotePort}|${k.inode ?? ''}`;
}

export function mergeSamples(samples: readonly HostSnapshot[]): HostSnapshot {
  if (samples.length === 0) throw new Error('mergeSamples needs at least one snapshot');
  const last = samples[samples.length - 1];
  if (samples.length === 1) return last;
  // First time each (state, 4-tuple, inode) was seen, looking from the oldest sample.
  const firstSeen = new Map<string, number>();
  for (const s of samples.slice(0, -1)) for (const k of s.sockets) if (!firstSeen.has(key(k))) firstSeen.set(key(k), s.takenAt);
  const sockets = last.sockets.map((k) => {
    const since = firstSeen.get(key(k));
    if (k.ageMs !== undefined || since === undefined || k.state === 'LISTEN') return k;
    return { ...k, ageMs: last.takenAt - since };
  });
  const earlier = samples.slice(0, -1).map((s) => ({ takenAt: s.takenAt, stateCounts: stateCounts(s.sockets), counters: { ...s.counters } }));
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
