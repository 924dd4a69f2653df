// The load scenarios (a host under load): short-connections, accept-backlog, syn-flood,
// idle-keepalive, close-wait-leak-at-scale. Registered into the lab's scenario registry.
import type { Scenario } from '../scenario.js';
import { acceptBacklog } from './accept-backlog.js';
import { shortConnections } from './short-connections.js';
import { synFlood } from './syn-flood.js';
import { idleKeepalive } from './idle-keepalive.js';
import { closeWaitLeakAtScale } from './close-wait-leak.js';

export const LOAD_SCENARIOS: Scenario[] = [shortConnections, acceptBacklog, synFlood, idleKeepalive, closeWaitLeakAtScale];
