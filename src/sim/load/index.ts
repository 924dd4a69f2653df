// The load scenarios (issue "host under load"): short-connections, accept-backlog, syn-flood,
// idle-keepalive, close-wait-leak-at-scale. Registered into the lab's scenario registry.
import type { Scenario } from '../scenario.js';

export const LOAD_SCENARIOS: Scenario[] = [];
