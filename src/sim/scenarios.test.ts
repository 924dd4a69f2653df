// Every exchange scenario against the real Host: the facts its conclusion rests on hold, and the
// key numbers (TIME-WAIT 60 s whatever tcp_fin_timeout says, FIN-WAIT-2 = tcp_fin_timeout,
// keepalive 7875 s) come out of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeResult, ScenarioOptions } from './scenario.js';
import { EXCHANGE_SCENARIOS, findScenario } from './scenarios.js';
import { ScenarioInputError } from './exchange-kit.js';

function run(name: string, over: Partial<ScenarioOptions> = {}): ExchangeResult {
  const s = findScenario(name);
  assert.ok(s, `scenario ${name} exists`);
  const r = s.run({ settings: {}, params: {}, seed: 1, profile: 'linux', ...over });
  assert.equal(r.kind, 'exchange');
  return r as ExchangeResult;
}

function failures(r: ExchangeResult): string[] {
  return (r.checks ?? []).filter((c) => !c.ok).map((c) => c.what);
}

function segs(r: ExchangeResult): string[] {
  return r.steps.flatMap((s) => (s.kind === 'segment' ? [`${s.from} ${s.text}${s.dropped ? ' LOST' : ''}`] : []));
}

function dwell(r: ExchangeResult, side: 'A' | 'B', state: string): number | undefined {
  const tl = r.timeline.filter((c) => c.host === side);
  const i = tl.findIndex((c) => c.to === state);
  const out = tl.slice(i + 1).find((c) => c.from === state);
  return i >= 0 && out ? out.at - tl[i].at : undefined;
}

for (const s of EXCHANGE_SCENARIOS) {
  test(`${s.name}: every checked fact holds`, () => {
    const r = run(s.name);
    assert.deepEqual(failures(r), []);
    assert.ok(r.checks && r.checks.length > 0, 'the conclusion rests on at least one check');
    assert.ok(!r.conclusion.en.startsWith('NOT CONFIRMED') && r.conclusion.zh.length > 0);
  });
}

test('handshake: SYN seq=0, SYN+ACK seq=0 ack=1, ACK ack=1 (relative numbers)', () => {
  assert.deepEqual(segs(run('handshake')).slice(0, 3), ['A SYN seq=0', 'B SYN+ACK seq=0 ack=1', 'A ACK ack=1']);
});

test('active-close: TIME-WAIT lasts 60 s, and still 60 s with tcp_fin_timeout=10', () => {
  assert.equal(dwell(run('active-close'), 'A', 'TIME-WAIT'), 60_000);
  const r = run('active-close', { settings: { tcp_fin_timeout: '10' } });
  assert.deepEqual(failures(r), []);
  assert.equal(dwell(r, 'A', 'TIME-WAIT'), 60_000);
});

test('active-close on the windows profile: TIME-WAIT 240 s', () => {
  assert.equal(dwell(run('active-close', { profile: 'windows' }), 'A', 'TIME-WAIT'), 240_000);
});

test('fin-wait-2-timeout: the orphan dies at tcp_fin_timeout, 60 s by default, 30 s with --set', () => {
  assert.equal(dwell(run('fin-wait-2-timeout'), 'A', 'FIN-WAIT-2'), 60_000);
  const r = run('fin-wait-2-timeout', { settings: { 'net.ipv4.tcp_fin_timeout': '30' } });
  assert.deepEqual(failures(r), []);
  assert.equal(dwell(r, 'A', 'FIN-WAIT-2'), 30_000);
});

test('keepalive-dead-peer: detected 7875 s (2 h 11 min 15 s) after the last segment from B', () => {
  const r = run('keepalive-dead-peer');
  assert.deepEqual(failures(r), []);
  assert.match(r.conclusion.en, /7875 s after the last segment from B/);
});

test('lost-last-ack: B\'s FIN arrives twice, A\'s first ACK is lost, TIME-WAIT restarts', () => {
  const r = run('lost-last-ack');
  const s = segs(r);
  assert.equal(s.filter((x) => x.startsWith('B FIN')).length, 2);
  assert.equal(s.filter((x) => x.endsWith('LOST')).length, 1);
  assert.ok((dwell(r, 'A', 'TIME-WAIT') as number) > 60_000);
});

test('linger-zero: an RST and no TIME-WAIT anywhere', () => {
  const r = run('linger-zero');
  assert.ok(segs(r).some((x) => x.startsWith('A RST')));
  assert.ok(!r.timeline.some((c) => c.to === 'TIME-WAIT'));
});

test('a run is a function of its seed', () => {
  assert.deepEqual(run('wandering-duplicate', { seed: 5 }), run('wandering-duplicate', { seed: 5 }));
});

test('bad input is a ScenarioInputError naming the problem', () => {
  assert.throws(() => run('handshake', { settings: { tcp_no_such: '1' } }), (e: unknown) => e instanceof ScenarioInputError && /unknown setting 'tcp_no_such'/.test(e.message));
  assert.throws(() => run('handshake', { settings: { tcp_fin_timeout: 'soon' } }), ScenarioInputError);
  assert.throws(() => run('close-wait-leak', { params: { duration: 'long' } }), /needs a number/);
  assert.throws(() => run('close-wait-leak', { params: { nope: '1' } }), /no parameter 'nope' \(its parameters: duration, delay, loss, drop\)/);
});

test('wandering-duplicate: the RST it provokes ends TIME-WAIT early, unless tcp_rfc1337=1', () => {
  const plain = run('wandering-duplicate');
  assert.ok((dwell(plain, 'A', 'TIME-WAIT') as number) < 60_000);
  assert.match(plain.conclusion.en, /TIME-WAIT assassination/);
  const guarded = run('wandering-duplicate', { settings: { tcp_rfc1337: '1' } });
  assert.deepEqual(failures(guarded), []);
  assert.ok((dwell(guarded, 'A', 'TIME-WAIT') as number) > 60_000);
  assert.match(guarded.conclusion.en, /ignored because tcp_rfc1337=1/);
});

test('syn-retries-timeout: --set tcp_syn_retries=2 gives up sooner', () => {
  const r = run('syn-retries-timeout', { settings: { tcp_syn_retries: '2' } });
  assert.deepEqual(failures(r), []);
  // 2 + 4 retransmissions allowed, but tcp_model_timeout(2, 1 s) = 7 s passes first: the first SYN
  // and 5 retransmissions (1, 2, 3, 4, 5 s), ETIMEDOUT at 7 s (give-up.ts).
  assert.equal(segs(r).filter((x) => x.startsWith('A SYN')).length, 1 + 5);
});

test('time-wait-new-syn: B\'s TIME-WAIT gives way to the new SYN after the gap', () => {
  const r = run('time-wait-new-syn', { params: { gap: '10' } });
  assert.deepEqual(failures(r), []);
  assert.match(r.conclusion.en, /lasted only 10 s/);
});

test('--param drop: "drop every FIN from B" makes B retransmit its FIN until it gives up', () => {
  const r = run('active-close', { params: { drop: 'B:FIN*2' } });
  const s = segs(r);
  assert.equal(s.filter((x) => x.startsWith('B FIN') && x.endsWith('LOST')).length, 2);
  assert.equal(s.filter((x) => x.startsWith('B FIN') && !x.endsWith('LOST')).length, 1);
  assert.throws(() => run('active-close', { params: { drop: 'C:1' } }), /not SIDE:N or SIDE:FLAGS/);
  assert.throws(() => run('active-close', { params: { drop: 'A:XYZ' } }), /unknown flag 'XYZ'/);
});
