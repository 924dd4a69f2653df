// The typed public API: everything the CLI does, a TypeScript user can do from here.
//   import { Host, Connection, findScenario, parseScript, runScript, diagnose, readLiveSnapshot } from 'tcplens';

// Vocabulary: the eleven RFC 9293 states, every tool's spelling, the HostSnapshot every source becomes.
export * from '../model/states.js';
export * from '../model/snapshot.js';
export * from '../i18n/lang.js';

// The engine (sans-IO): sequence numbers, segments, errnos, tunables, the connection state machine.
export * from '../core/seq.js';
export * from '../core/segment.js';
export * from '../core/errno.js';
export * from '../core/config.js';
export {
  Connection, resetFor, TIMER_KINDS, TRANSITIONS as ENGINE_TRANSITIONS,
  type ConnectionParams, type ConnectionStatus, type TimerView, type Endpoint, type SocketOptions,
  type ConnectionEvent, type TimerKind, type TransitionRow,
} from '../core/connection.js';

// A simulated host: BSD-socket calls over fds, listen queues, ports, the TIME-WAIT table, profiles.
export type * from '../stack/api.js';
export { Host, type HostOptions } from '../stack/host.js';

// The lab: network, scenarios (exchanges and load), renderers.
export type * from '../sim/scenario.js';
export { Network, LivelockError, type LabHost, type NetEvent } from '../sim/network.js';
export { allScenarios, findScenario, EXCHANGE_SCENARIOS } from '../sim/scenarios.js';
export { LOAD_SCENARIOS } from '../sim/load/index.js';
export { renderExchange, type RenderOptions } from '../sim/render-exchange.js';
export { renderLoad } from '../sim/render-load.js';

// packetdrill: parse a script, run it against a host on virtual time.
export { parseScript, type ParseResult } from '../packetdrill/parse-script.js';
export { runScript, type RunOptions, type RunResult, type Mismatch, type HostFactory } from '../packetdrill/runner.js';

// The doctor: parsers of pasted output, diagnosis rules, explanations, views.
export * from '../diagnose/index.js';
export * from '../formats/index.js';

// The node adapter: live /proc reads, namespaces, capture folders.
export * from '../node/index.js';

export { main as runCli } from '../cli/main.js';
