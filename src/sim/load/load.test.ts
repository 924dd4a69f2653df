import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadResult, ScenarioOptions } from '../scenario.js';
import { LOAD_SCENARIOS } from './index.js';

function run(name: string, params: Record<string, string> = {}, settings: Record<string, string> = {}, profile: ScenarioOptions['profile'] = 'linux'): LoadResult {
  const s = LOAD_SCENARIOS.find((x) => x.name === name);
  assert.ok(s, name);
  return s.run({ params, settings, seed: 1, profile }) as LoadResult;
}

test('the five load scenarios are registered', () => {
  assert.deepEqual(LOAD_SCENARIOS.map((s) => s.name), ['short-connections', 'accept-backlog', 'syn-flood', 'idle-keepalive', 'close-wait-leak-at-scale']);
  for (const s of LOAD_SCENARIOS) assert.equal(s.kind, 'load');
});

test('short-connections at 2,000/s, client closes: exactly 28,232 connect, then EADDRNOTAVAIL from t≈14.1 s', () => {
  const r = run('short-connections');
  assert.equal(r.totals.established, 28_232); // 32768..60999 toward one ip:port
  assert.equal(r.totals['errors:EADDRNOTAVAIL'], 60_000 - 28_232);
  const first = r.samples.find((s) => (s.connectErrors.EADDRNOTAVAIL ?? 0) > 0);
  assert.equal(first?.at, 15_000); // the first failure falls in the second ending at 15 s
  assert.equal(r.samples[20].states.client['TIME-WAIT'], 28_232);
  assert.match(r.conclusion.en, /EADDRNOTAVAIL/);
  assert.match(r.conclusion.zh, /EADDRNOTAVAIL/);
});

test('short-connections: tcp_tw_reuse=1, a wider range, SO_LINGER 0 and server-side close each remove the failures', () => {
  const small = { rate: '2000', seconds: '20', tail: '0' };
  const reuse = run('short-connections', small, { tcp_tw_reuse: '1' });
  assert.equal(reuse.totals.failed, 0);
  assert.ok((reuse.samples.at(-1)?.counters?.client['TcpExt:TWRecycled'] ?? 0) > 0);
  const wide = run('short-connections', small, { ip_local_port_range: '1024 65535' });
  assert.equal(wide.totals.failed, 0);
  assert.equal(wide.totals.peakTimeWaitClient, 40_000);
  const linger = run('short-connections', { ...small, linger0: 'true' });
  assert.equal(linger.totals.failed, 0);
  assert.equal(linger.totals.peakTimeWaitClient, 0);
  const server = run('short-connections', { ...small, closer: 'server' });
  assert.equal(server.totals.failed, 0);
  assert.equal(server.totals.peakTimeWaitClient, 0);
  assert.ok(server.totals.peakTimeWaitServer > 0);
});

test('short-connections on the windows profile: TIME-WAIT lasts 240 s and ports are 49152-65535', () => {
  const r = run('short-connections', { rate: '1000', seconds: '20', tail: '0' }, {}, 'windows');
  assert.equal(r.params.ip_local_port_range, '49152-65535');
  assert.equal(r.totals.established, 16_384);
});

test('accept-backlog: the accept queue peaks at backlog + 1 and ListenOverflows rise; abort_on_overflow resets', () => {
  const r = run('accept-backlog', { backlog: '16', rate: '100', acceptRate: '10', seconds: '3', tail: '3' });
  assert.equal(r.totals.peakAcceptQueue, 17);
  assert.ok(r.totals.ListenOverflows > 0);
  const a = run('accept-backlog', { backlog: '16', rate: '100', acceptRate: '10', seconds: '3', tail: '3' }, { tcp_abort_on_overflow: '1' });
  assert.ok(a.totals.resetAfterEstablished > 0);
  const big = run('accept-backlog', { backlog: '1000', rate: '100', acceptRate: '10', seconds: '3', tail: '3' });
  assert.equal(big.totals.ListenOverflows, 0);
});

test('syn-flood: with cookies every real client connects; without, none does while the flood lasts', () => {
  const on = run('syn-flood', { seconds: '3', tail: '1' });
  assert.equal(on.totals.established, on.totals.attempted);
  assert.ok(on.totals.SyncookiesSent > 0);
  assert.equal(on.totals.SyncookiesRecv, on.totals.attempted);
  const off = run('syn-flood', { seconds: '3', tail: '1' }, { tcp_syncookies: '0' });
  assert.equal(off.totals.established, 0);
  assert.ok(off.totals.TCPReqQFullDrop > 0);
});

test('idle-keepalive: keepalive finds the vanished half after 7875 s; an idle timeout closes all; neither keeps all', () => {
  const none = run('idle-keepalive', { connections: '100' });
  assert.equal(none.totals.serverEstablishedAtEnd, 100);
  const ka = run('idle-keepalive', { connections: '100', keepalive: 'true' });
  assert.equal(ka.totals.serverEstablishedAtEnd, 50);
  const at = (t: number): number => ka.samples.find((s) => s.at === t)?.states.server.ESTABLISHED ?? -1;
  assert.equal(at(7800_000), 100); // 60 s of traffic + 7200 + 9×75 = 7875 s (plus the last ACK's age)
  assert.equal(at(8100_000), 50);
  const idle = run('idle-keepalive', { connections: '100', idleTimeout: '60', seconds: '600', every: '60' });
  assert.equal(idle.totals.serverEstablishedAtEnd, 0);
});

test('close-wait-leak-at-scale: CLOSE-WAIT grows, the fd limit is hit, accept() fails with EMFILE', () => {
  const r = run('close-wait-leak-at-scale', { rate: '50', leakPercent: '20', fdLimit: '200', seconds: '60', every: '10' });
  assert.ok(r.totals.emfileAt_s > 0);
  assert.ok(r.totals.ListenOverflows > 0);
  assert.ok((r.samples[1].states.server['CLOSE-WAIT'] ?? 0) > 0);
});

test('bad parameters are clear errors naming the parameter', () => {
  assert.throws(() => run('short-connections', { closer: 'nobody' }), /closer=nobody: must be one of client, server/);
  assert.throws(() => run('short-connections', { rate: '0' }), /rate=0: needs a whole number/);
  assert.throws(() => run('accept-backlog', { nope: '1' }), /has no parameter 'nope'/);
  assert.throws(() => run('syn-flood', {}, { tcp_nonsense: '1' }), /unknown setting/);
});

test('deterministic: the same seed gives the same run', () => {
  const a = run('accept-backlog', { seconds: '2', tail: '2' });
  const b = run('accept-backlog', { seconds: '2', tail: '2' });
  assert.deepEqual(a, b);
});
