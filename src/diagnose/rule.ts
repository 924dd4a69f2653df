// The shape of one diagnosis rule. Rules are pure: a snapshot in, findings out, no I/O, no clock
// (the snapshot's `takenAt` is "now"). The table of all rules, with their thresholds, is rules/index.ts.
import type { Text } from '../i18n/lang.js';
import type { HostSnapshot } from '../model/snapshot.js';
import type { FindingText, RuleId } from './finding.js';

export interface Rule {
  id: RuleId;
  /** One line: what the rule looks for. */
  title: Text;
  /** When it fires and at which severity — the documented thresholds (a busy healthy host stays below them). */
  thresholds: Text;
  check: (s: HostSnapshot) => FindingText[];
}
