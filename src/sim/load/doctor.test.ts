// The doctor reads a simulated host with the same rules as a real one: run a load scenario, hand
// the hosts' snapshots to diagnose(), and expect the finding a person would expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../diagnose/diagnose.js';
import type { HostSnapshot } from '../../model/snapshot.js';
import type { ScenarioOptions } from '../scenario.js';
import { runAcceptBacklog } from './accept-backlog.js';
import { runCloseWaitLeak } from './close-wait-leak.js';
import { runShortConnections } from './short-connections.js';

const opts = (params: Record<string, string>): ScenarioOptions => ({ params, settings: {}, seed: 1, profile: 'linux' });

function ids(s: HostSnapshot): string[] {
  return diagnose(s).map((f) => f.id);
}

test('short-connections past port exhaustion: the doctor reports time_wait_pressure on the client', () => {
  let snap: HostSnapshot | undefined;
  runShortConnections(opts({ seconds: '16', tail: '0' }), (h) => {
    snap = h.client.snapshot();
  });
  assert.ok(snap);
  assert.ok(ids(snap).includes('time_wait_pressure'), ids(snap).join(', '));
});

test('accept-backlog with a slow accept loop: the doctor reports accept_queue_overflow on the server', () => {
  let snap: HostSnapshot | undefined;
  runAcceptBacklog(opts({ seconds: '3', tail: '0', backlog: '16', acceptRate: '5', rate: '100' }), (h) => {
    snap = h.server.snapshot();
  });
  assert.ok(snap);
  assert.ok(ids(snap).includes('accept_queue_overflow'), ids(snap).join(', '));
});

test('close-wait-leak-at-scale: the doctor reports close_wait_leak on the server', () => {
  let snap: HostSnapshot | undefined;
  runCloseWaitLeak(opts({ seconds: '60', every: '30', rate: '20', leakPercent: '20' }), (h) => {
    snap = h.server.snapshot();
  });
  assert.ok(snap);
  assert.ok(ids(snap).includes('close_wait_leak'), ids(snap).join(', '));
});
