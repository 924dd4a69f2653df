// The host's state-change log: every `A → B (reason)` of a connection (service.ts) and of a
// listener (listen.ts: CLOSED → LISTEN at listen(), LISTEN → CLOSED at its close), kept in order
// for timelines and sequence diagrams until drainStateChanges() takes them.
import type { StateChange } from './api.js';
import type { HostState } from './host-state.js';

export function recordChange(h: HostState, c: StateChange): void {
  if (h.record) h.changes.push(c);
}

export function drainStateChanges(h: HostState): StateChange[] {
  const c = h.changes;
  h.changes = [];
  return c;
}
