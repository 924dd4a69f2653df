// READ THIS FIRST — a one-way link between two lab hosts, as plain data (quinn's test `Pair` style):
// what a scenario wants to happen to segments is written as fields, not code. Examples:
//   link.delayMs = 50                          // 50 ms one way
//   link.drop.push({ nth: 3 })                 // "drop the third segment from A"
//   link.drop.push({ flags: 'F' })             // "drop every FIN from B"
//   link.drop.push({ flags: '.', nth: 1, after: 1000 }) // the first pure ACK sent after 1 s
//   link.duplicate.push({ data: true, extraMs: 20_000 }) // a wandering duplicate of the data
//   link.loss = 0.01                           // 1 % random loss, drawn from the run's seed
//   net.both('A', 'B', (l) => { l.down = true; }) // the cable is cut (a dead peer)
// Rules are checked in this order: down, drop rules, random loss; then duplication, then
// reordering (an extra delay) decide when the survivors arrive.
import { flagsToLetters, type Segment } from '../core/segment.js';
import type { Millis } from '../core/time.js';

/** Which segments a rule applies to; every field given must match. */
export interface SegmentMatch {
  /** The Nth segment sent on this link (1-based, counting every segment offered to the link). */
  nth?: number;
  /** Segments carrying at least these packetdrill flag letters: 'S', 'F', 'R', 'P', '.' (ACK). */
  flags?: string;
  /** Only segments with exactly these flags ('.' = a pure ACK with no other flag). */
  exactFlags?: string;
  /** Only segments that carry payload (true) or none (false). */
  data?: boolean;
  /** Only segments sent at or after this virtual time (ms). */
  after?: number;
  /** Only segments sent before this virtual time (ms). */
  before?: number;
  /** Apply to the first N matching segments only (default: every match). */
  times?: number;
  /** Why a segment this rule drops was lost, as the diagram says it (a key of its words; default 'drop rule'). */
  why?: string;
  /** A test the fields cannot say ("every segment while the server is silent"); code, so use it last. */
  where?: (seg: Segment) => boolean;
}

export interface DuplicateRule extends SegmentMatch {
  /** How much later than the original the copy arrives (ms; default 0). */
  extraMs?: number;
}

export interface DelayRule extends SegmentMatch {
  /** Extra one-way delay for matching segments (ms): a reordering on purpose. */
  extraMs: number;
}

export interface LinkConfig {
  /** One-way propagation delay (ms). */
  delayMs: Millis;
  /** Probability of random loss per segment, 0..1. */
  loss: number;
  /** Probability that a segment is duplicated, 0..1 (the copy arrives `reorderMs` later). */
  duplicateChance: number;
  /** Probability that a segment is held back by `reorderMs`, 0..1, letting later ones overtake it. */
  reorderChance: number;
  reorderMs: number;
  drop: SegmentMatch[];
  duplicate: DuplicateRule[];
  delay: DelayRule[];
  /** Everything sent on this link is lost while true (set it on both directions to cut a cable). */
  down: boolean;
}

export function newLink(delayMs = 0): LinkConfig {
  return { delayMs, loss: 0, duplicateChance: 0, reorderChance: 0, reorderMs: 10, drop: [], duplicate: [], delay: [], down: false };
}

/** Per-rule bookkeeping (how many times a `times`-limited rule has fired), kept beside the config. */
export class RuleCounter {
  private used = new Map<SegmentMatch, number>();

  /** Does `rule` take this segment? Counts the use when it does. */
  take(rule: SegmentMatch, seg: Segment, index: number, now: number): boolean {
    if (!matches(rule, seg, index, now)) return false;
    const n = this.used.get(rule) ?? 0;
    if (rule.times !== undefined && n >= rule.times) return false;
    this.used.set(rule, n + 1);
    return true;
  }
}

export function matches(rule: SegmentMatch, seg: Segment, index: number, now: number): boolean {
  if (rule.nth !== undefined && rule.nth !== index) return false;
  if (rule.after !== undefined && now < rule.after) return false;
  if (rule.where !== undefined && !rule.where(seg)) return false;
  if (rule.before !== undefined && now >= rule.before) return false;
  if (rule.data !== undefined && (seg.payload.length > 0) !== rule.data) return false;
  const letters = flagsToLetters(seg.flags);
  if (rule.exactFlags !== undefined && letters !== rule.exactFlags) return false;
  if (rule.flags !== undefined) {
    for (const c of rule.flags) if (!letters.includes(c)) return false;
  }
  return true;
}
