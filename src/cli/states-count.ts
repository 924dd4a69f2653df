// `tcplens states` as most people type it — this host, no filter, no --by, no input — answered before
// the rest of the CLI is loaded. A user times it against `ss -tan | awk`, and Node's own start-up is
// most of its time: the published CLI loads this module as one self-contained file
// (scripts/bundle-package.mjs) and is done, where the full command table, its option parsing and the
// readers would load a dozen more. Anything else on the command line (a filter, --by, --netns, a
// word it does not know, an invalid --lang) is left to commands/states.ts, which prints the same
// table through `printStateCounts` below.
import { TCP_STATES, type TcpState } from '../model/states.js';
import { langFromLocale, parseLang, type Lang } from '../i18n/lang.js';
import { renderStateCounts } from '../diagnose/count-table.js';
import { readLiveStateCounts } from '../node/live-counts.js';
import type { CliIO } from './io.js';

/**
 * Runs `states [--json] [--all] [--lang en|zh]` on this host and returns its exit status, or
 * undefined (nothing printed) for any other command line.
 */
export async function statesCountOnly(argv: readonly string[], io: CliIO): Promise<number | undefined> {
  let json = false, all = false;
  let lang: Lang | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--all') all = true;
    else if (a === '--lang' || a.startsWith('--lang=')) {
      lang = parseLang(a === '--lang' ? argv[++i] ?? '' : a.slice('--lang='.length));
      if (!lang) return undefined;
    } else return undefined;
  }
  const partial = await readLiveStateCounts({});
  printStateCounts(io, partial, all, json, lang ?? langFromLocale(io.env));
  return 0;
}

/** The counts of every state (zeros included), in RFC order. */
export function allStates(partial: Partial<Record<TcpState, number>>): Record<TcpState, number> {
  const counts = {} as Record<TcpState, number>;
  for (const st of TCP_STATES) counts[st] = partial[st] ?? 0;
  return counts;
}

/** `tcplens states`'s table, or its JSON (`states` without zeros unless --all, and `total`). */
export function printStateCounts(io: CliIO, partial: Partial<Record<TcpState, number>>, all: boolean, json: boolean, lang: Lang): void {
  const counts = allStates(partial);
  if (!json) { io.stdout(renderStateCounts(counts, all, lang)); return; }
  const total = TCP_STATES.reduce((a, st) => a + counts[st], 0);
  const shown: Partial<Record<TcpState, number>> = {};
  for (const st of TCP_STATES) if (all || counts[st] > 0) shown[st] = counts[st];
  io.stdout(JSON.stringify({ states: shown, total }, null, 2) + '\n');
}
