// The scenarios with more than two hosts, run on real simulated hosts: the state each connection of
// each host ends in, with the cause of its last change (the engine's cause ids), and the facts the
// conclusions rest on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeResult } from '../scenario.js';
import { findScenario, NETWORK_SCENARIOS } from '../scenarios.js';

interface Run { r: ExchangeResult; ends: string[] }

/** The run, and each connection's last state as `HOST STATE cause`, sorted. */
function run(name: string, params: Record<string, string> = {}): Run {
  const s = findScenario(name);
  assert.ok(s, name);
  const last = new Map<string, string>();
  const r = s.run({
    settings: {}, params, seed: 1, profile: 'linux',
    onState: (host, c) => { if (c.remote.port !== 0) last.set(`${host} ${c.local.addr}:${c.local.port} ${c.remote.addr}:${c.remote.port}`, `${host} ${c.to} ${c.cause}`); },
  }) as ExchangeResult;
  const failed = (r.checks ?? []).filter((c) => !c.ok).map((c) => c.what);
  assert.deepEqual(failed, [], `${name} ${JSON.stringify(params)}`);
  return { r, ends: [...last.values()].sort() };
}

const drops = (r: ExchangeResult, why: string): number => r.steps.filter((s) => s.kind === 'segment' && s.dropped && s.why === why).length;

test('every several-host scenario draws more than two columns and confirms its conclusion', () => {
  assert.equal(NETWORK_SCENARIOS.length, 4);
  for (const s of NETWORK_SCENARIOS) {
    const { r } = run(s.name);
    assert.ok(r.hosts.length >= 3, s.name);
    assert.ok(r.steps.every((x) => x.kind !== 'segment' || (x.to !== undefined && x.to !== x.from)), `${s.name}: every arrow has its far end`);
  }
});

test('balancer-idle-close: the balancer closes both, holds the TIME-WAIT; C\'s next request meets an RST', () => {
  const { r, ends } = run('balancer-idle-close');
  assert.deepEqual(ends, [
    'C CLOSED rst-received', // C's CLOSE-WAIT, reset when its request met the balancer's closed socket
    'LB CLOSED data-after-close', // the orphaned FIN-WAIT-2 answering data with an RST
    'LB CLOSED time-wait-timeout', // towards S: the balancer closed first
    'S CLOSED fin-acked', // S closed second: LAST-ACK → CLOSED
  ]);
  assert.ok(r.steps.some((s) => s.kind === 'call' && s.host === 'C' && s.text.startsWith('send') && s.result === '-1 EPIPE'));
  assert.ok(!r.timeline.some((c) => c.host !== 'LB' && c.to === 'TIME-WAIT'));
  const reads = run('balancer-idle-close', { client: 'reads' });
  assert.deepEqual(reads.ends, ['C CLOSED fin-acked', 'LB CLOSED time-wait-timeout', 'LB CLOSED time-wait-timeout', 'S CLOSED fin-acked']);
});

test('nat-tw-recycle: the server holds the TIME-WAITs; with tcp_tw_recycle the client whose clock is behind is dropped until the memory is 60 s old', () => {
  const { r, ends } = run('nat-tw-recycle');
  assert.deepEqual(ends.filter((e) => e.startsWith('S ')), ['S CLOSED time-wait-timeout', 'S CLOSED time-wait-timeout', 'S TIME-WAIT fin-received', 'S TIME-WAIT fin-received']);
  assert.deepEqual(ends.filter((e) => !e.startsWith('S ')), ['C1 CLOSED fin-acked', 'C1 CLOSED fin-acked', 'C2 CLOSED fin-acked', 'C2 CLOSED fin-acked']);
  assert.ok(drops(r, 'tw-recycle') >= 5);
  assert.ok(r.steps.every((s) => s.kind !== 'segment' || !s.dropped || (s.from === 'NAT' && s.to === 'S')), 'only the server\'s old check drops');
  assert.match(r.conclusion.en, /removed in Linux 4\.12/);
  const today = run('nat-tw-recycle', { recycle: 'false' });
  assert.equal(drops(today.r, 'tw-recycle'), 0);
  assert.deepEqual(today.ends.filter((e) => e.startsWith('S ')), Array(4).fill('S TIME-WAIT fin-received'), 'both rounds within 60 s: four TIME-WAITs at once');
  // The NAT rewrote every client port: the server saw only its own address and its ports.
  const atServer = r.steps.filter((s) => s.kind === 'segment' && s.to === 'S').length;
  assert.ok(atServer > 0 && r.steps.filter((s) => s.kind === 'segment' && s.from === 'C1' && s.to === 'S').length === 0);
});

test('middlebox-idle-drop: half-open — S stays ESTABLISHED; C times out (drop), is reset (reset), or keepalive keeps the flow', () => {
  const dropped = run('middlebox-idle-drop');
  assert.deepEqual(dropped.ends, ['C CLOSED retransmit-timeout', 'S ESTABLISHED ack-of-syn-ack']);
  assert.equal(drops(dropped.r, 'flow expired'), 16);
  const reset = run('middlebox-idle-drop', { noflow: 'reset' });
  assert.deepEqual(reset.ends, ['C CLOSED rst-received', 'S ESTABLISHED ack-of-syn-ack']);
  assert.ok(reset.r.steps.some((s) => s.kind === 'segment' && s.from === 'FW' && s.to === 'C' && s.text.startsWith('RST')));
  const kept = run('middlebox-idle-drop', { keepalive: 'true' });
  assert.deepEqual(kept.ends, ['C ESTABLISHED syn-ack-received', 'S ESTABLISHED ack-of-syn-ack']);
  assert.equal(drops(kept.r, 'flow expired'), 0);
  assert.ok(kept.r.steps.filter((s) => s.kind === 'segment' && s.from === 'C' && s.text.startsWith('ACK') && / seq=/.test(s.text)).length >= 4, 'keepalive probes crossed the firewall');
});

test('port-exhaustion: TIME-WAIT on the client per 4-tuple; EADDRNOTAVAIL towards S1, S2 still reachable; tcp_tw_reuse=1 reuses', () => {
  const { r, ends } = run('port-exhaustion');
  // Five 4-tuples: four to S1, one to S2, and the last to S1 on the first one's port again.
  assert.deepEqual(ends.filter((e) => e.startsWith('C ')), Array(5).fill('C CLOSED time-wait-timeout'));
  assert.ok(ends.filter((e) => !e.startsWith('C ')).every((e) => / CLOSED fin-acked$/.test(e)), 'the servers closed second');
  const refused = r.steps.filter((s) => s.kind === 'call' && s.result === '-1 EADDRNOTAVAIL');
  assert.equal(refused.length, 1);
  assert.ok(refused[0].kind === 'call' && refused[0].text === 'connect(3, 10.0.1.1:80)');
  assert.match(run('port-exhaustion', { ports: '3' }).r.conclusion.en, /of an odd range of 3 only 2 are used/);
  const reuse = run('port-exhaustion', { twreuse: '1' });
  assert.equal(reuse.r.steps.filter((s) => s.kind === 'call' && s.result === '-1 EADDRNOTAVAIL').length, 0);
});
