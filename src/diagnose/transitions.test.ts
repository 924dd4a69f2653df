// explain's transitions are core's: same rows, every cause in words from core, nothing explain-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSE_WORDS, LISTENER_TRANSITIONS, TRANSITIONS as CORE } from '../core/transitions.js';
import { defaultConfig } from '../core/config.js';
import { Host } from '../stack/host.js';
import { TRANSITIONS, explainTextProblems, waysIn, waysOut } from './transitions.js';

test('explain has no text for a transition core does not list', () => {
  assert.deepEqual(explainTextProblems(), []);
});

test('explain draws exactly core\'s rows (engine + listener): each (from, to, cause) once, with core\'s words and rules', () => {
  const core = [...LISTENER_TRANSITIONS, ...CORE];
  const drawn = TRANSITIONS.flatMap((t) => t.causes.map((c) => `${t.from} → ${t.to} | ${c}`));
  assert.deepEqual(drawn.sort(), [...new Set(core.map((r) => `${r.from} → ${r.to} | ${r.cause}`))].sort());
  for (const t of TRANSITIONS) {
    assert.deepEqual(t.events, t.causes.map((c) => CAUSE_WORDS[c]));
    for (const r of core.filter((x) => x.from === t.from && x.to === t.to)) assert.ok(t.rule.includes(r.rule), `${t.from} → ${t.to}: ${r.rule}`);
    assert.ok(t.events.every((e) => e.zh !== e.en), `${t.from} → ${t.to}: an event is untranslated`);
  }
});

test('explain follows the engine: FIN+ACK in FIN-WAIT-1 passes through FIN-WAIT-2; an RST drops the request socket, the listener stays', () => {
  // A FIN with the ACK of ours goes FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT (tcp_rcv_state_process, tcp_fin).
  assert.deepEqual(waysIn('TIME-WAIT').map((t) => t.from), ['FIN-WAIT-2', 'CLOSING']);
  // An RST drops the request socket; the listener never changes state.
  assert.deepEqual(waysOut('SYN-RECEIVED').map((t) => t.to), ['ESTABLISHED', 'FIN-WAIT-1', 'CLOSED']);
  assert.deepEqual(waysOut('CLOSING').map((t) => t.to), ['TIME-WAIT', 'CLOSED']);
});

test('the SYN-SENT timeout says ~131 s (Linux 6.x linear timeouts) and ~127 s only as the older figure', () => {
  const t = TRANSITIONS.find((r) => r.from === 'SYN-SENT' && r.to === 'CLOSED');
  // 131 s and 127 s as duration() words them.
  assert.match(t?.note?.en ?? '', /11 SYNs, ~2 min 11 s \(~2 min 7 s before the linear timeouts\)/);
  assert.match(t?.note?.zh ?? '', /约 2 分 11 秒/);
});

test('the host records exactly LISTENER_TRANSITIONS: listen() then close() of the listener', () => {
  const h = new Host({ addrs: ['10.0.0.2'], config: defaultConfig(), seed: 1, hostname: 'server' });
  const fd = h.socket('ipv4') as number;
  assert.equal(h.bind(fd, '10.0.0.2', 80), 0);
  assert.equal(h.listen(fd, 16), 0);
  assert.equal(h.close(fd), 0);
  assert.deepEqual(h.drainStateChanges().map((c) => [c.from, c.to, c.cause]), LISTENER_TRANSITIONS.map((r) => [r.from, r.to, r.cause]));
});
