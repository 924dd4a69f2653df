// The lab's scenario registry: `tcplens sim NAME` looks names up here. Exchange scenarios (two
// hosts, or several with middleboxes on the path; a sequence diagram) live in ./exchanges/, load scenarios (many connections, a per-second
// table) in ./load/ and are appended as they are.
import { LOAD_SCENARIOS } from './load/index.js';
import type { Scenario } from './scenario.js';
import { handshake, simultaneousOpen, synRetriesTimeout, synToClosedPort } from './exchanges/open.js';
import { activeClose, closeWithUnreadData, lingerZero, lostLastAck, passiveClose, simultaneousClose } from './exchanges/close.js';
import { closeWaitLeak, finWait2Timeout, halfCloseForever, keepaliveDeadPeer } from './exchanges/stuck.js';
import { timeWaitNewSyn, wanderingDuplicate } from './exchanges/time-wait.js';
import { middleboxIdleDrop } from './exchanges/middlebox-idle.js';
import { balancerIdleClose } from './exchanges/balancer.js';
import { natTwRecycle } from './exchanges/nat-tw-recycle.js';
import { portExhaustion } from './exchanges/port-exhaustion.js';

export const EXCHANGE_SCENARIOS: Scenario[] = [
  handshake, activeClose, passiveClose, simultaneousOpen, simultaneousClose, lostLastAck, lingerZero,
  closeWaitLeak, finWait2Timeout, halfCloseForever, keepaliveDeadPeer, timeWaitNewSyn, wanderingDuplicate,
  closeWithUnreadData, synToClosedPort, synRetriesTimeout,
];

/** Exchanges between more than two hosts: a balancer, a NAT, a firewall on the path, several clients or servers. */
export const NETWORK_SCENARIOS: Scenario[] = [balancerIdleClose, natTwRecycle, middleboxIdleDrop, portExhaustion];

export function allScenarios(): Scenario[] {
  return [...EXCHANGE_SCENARIOS, ...NETWORK_SCENARIOS, ...LOAD_SCENARIOS];
}

export function findScenario(name: string): Scenario | undefined {
  return allScenarios().find((s) => s.name === name);
}
