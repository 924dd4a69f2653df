// The table of diagnosis rules, in the order their findings are listed within one severity.
// Each rule's file opens with its protocol reasoning and its thresholds; `tcplens doctor --rules`
// prints this table (id, what it looks for, when it fires) from the same objects.
import type { Rule } from '../rule.js';
import { closeWaitLeak } from './close-wait-leak.js';
import { timeWaitPressure } from './time-wait-pressure.js';
import { finWait2Orphans } from './fin-wait2-orphans.js';
import { synFlood } from './syn-flood.js';
import { acceptQueueOverflow } from './accept-queue-overflow.js';
import { idleEstablished } from './idle-established.js';
import { keepaliveDefaults } from './keepalive-defaults.js';
import { dangerousSysctl } from './dangerous-sysctl.js';
import { synSentStall } from './syn-sent-stall.js';

export const RULES: readonly Rule[] = [
  closeWaitLeak,
  acceptQueueOverflow,
  synFlood,
  timeWaitPressure,
  synSentStall,
  finWait2Orphans,
  idleEstablished,
  dangerousSysctl,
  keepaliveDefaults,
];
