// The live source's flags as a `SourceSpec` (src/node/source.ts checks it: the namespace exists,
// --proc-root looks like /proc); `capture` takes the same two flags.
import type { SourceSpec } from '../node/source.js';

export interface LiveFlags { netns?: string; 'proc-root'?: string }

/** This host, --netns NAME or --proc-root DIR. */
export function sourceSpec(flags: LiveFlags): SourceSpec {
  if (flags.netns !== undefined) return { kind: 'netns', name: flags.netns };
  if (flags['proc-root'] !== undefined) return { kind: 'proc-root', dir: flags['proc-root'] };
  return { kind: 'live' };
}
