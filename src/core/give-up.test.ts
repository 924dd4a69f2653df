// The give-up arithmetic (give-up.ts) against Linux 6.x's tcp_write_timeout, table by table, and
// against the engine's own timers for the SYN and data cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataGiveUpMs, dataSchedule, finWait2LifetimeMs, keepaliveGiveUpMs, lingerCloseMs, modelTimeoutMs, orphanRetries, synAckGiveUpMs, synGiveUpMs, synSchedule } from './give-up.js';
import { Trace } from './testing/trace.js';
import { established } from './testing/fixtures.js';

test('tcp_model_timeout: doubling from the base up to TCP_RTO_MAX, then 120 s per retry', () => {
  const rows: Array<[number, number, number]> = [
    // boundary, rto_base ms, ms
    [0, 200, 200], [1, 200, 600], [3, 200, 3000], [8, 200, 102_200], [9, 200, 204_600], [10, 200, 324_600],
    [15, 200, 924_600], [255, 200, 29_724_600],
    [0, 1000, 1000], [1, 1000, 3000], [6, 1000, 127_000], [7, 1000, 247_000],
  ];
  for (const [b, base, ms] of rows) assert.equal(modelTimeoutMs(b, base), ms, `boundary ${b} base ${base}`);
});

test('SYN give-up for tcp_syn_retries × tcp_syn_linear_timeouts × TCP_USER_TIMEOUT (tcp_write_timeout)', () => {
  const rows: Array<[number, number, number | undefined, number, number]> = [
    // retries, linear, user timeout ms, SYNs sent (1 + retransmissions), give-up ms
    [6, 4, undefined, 11, 131_000], // Linux 6.x defaults: 1,1,1,1,1,2,4,8,16,32, then 64 s
    [6, 0, undefined, 7, 127_000], // kernels without linear timeouts
    // A count of 0 (the arithmetic's edge; the sysctl's own minimum is 1): the first RTO ends it.
    [0, 0, undefined, 1, 1000],
    // Fewer retries than linear timeouts: tcp_model_timeout(retries, 1 s) ends the attempt first.
    [0, 4, undefined, 2, 2000],
    [1, 4, undefined, 3, 3000],
    [1, 10, undefined, 3, 3000],
    [2, 4, undefined, 6, 7000],
    [3, 3, undefined, 7, 18_000], // count and time: the count (6) at 18 s, the model's 15 s passed unseen
    // TCP_SYNCNT's and tcp_syn_retries' maximum, 127: 1 + 2 + … + 64 s, then 120 s per retry: count and model agree.
    [127, 0, undefined, 128, 14_647_000],
    [6, 4, 5000, 5, 5000], // TCP_USER_TIMEOUT shorter than the retries: clamped, ends at 5 s
    [6, 4, 500_000, 11, 131_000], // longer than the retries: the count ends it
    [1, 0, 100_000, 2, 3000],
  ];
  for (const [retries, linear, ut, syns, ms] of rows) {
    const s = synSchedule({ synRetries: retries, linear, userTimeoutMs: ut });
    assert.equal(s.giveUpAt, ms, `retries ${retries} linear ${linear} ut ${ut}: give-up`);
    assert.equal(s.retransmitsAt.length + 1, syns, `retries ${retries} linear ${linear} ut ${ut}: SYNs`);
  }
  assert.deepEqual(synSchedule({ synRetries: 6, linear: 4 }).retransmitsAt, [1000, 2000, 3000, 4000, 5000, 7000, 11_000, 19_000, 35_000, 67_000]);
});

test('SYN-ACK, data, orphan, keepalive, FIN-WAIT-2 and linger figures', () => {
  assert.equal(synAckGiveUpMs(5), 63_000);
  assert.equal(synAckGiveUpMs(0), 1000);
  assert.equal(dataGiveUpMs({ retries: 15 }), 924_600);
  assert.equal(dataGiveUpMs({ retries: 3 }), 3000);
  assert.equal(dataGiveUpMs({ retries: 0 }), 600); // the first retransmission, then the check at its RTO
  // A slower path: the first RTO 300 ms, the model time still 200 ms-based: the first expiry past 3 s.
  assert.equal(dataGiveUpMs({ retries: 3, firstRtoMs: 300 }), 4500);
  assert.equal(orphanRetries(0, true), 8);
  assert.equal(orphanRetries(0, false), 0);
  assert.equal(orphanRetries(3), 3);
  assert.equal(dataGiveUpMs({ retries: orphanRetries(0) }), 102_200);
  assert.equal(dataGiveUpMs({ retries: 15, userTimeoutMs: 3000 }), 3000);
  assert.equal(dataSchedule({ retries: 15, userTimeoutMs: 3000 }).retransmitsAt.length, 3); // 0.2, 0.6, 1.4 s
  assert.equal(keepaliveGiveUpMs({ idleS: 7200, intvlS: 75, probes: 9 }), 7_875_000);
  assert.equal(keepaliveGiveUpMs({ idleS: 10, intvlS: 5, probes: 3, userTimeoutMs: 12_000 }), 15_000);
  assert.equal(finWait2LifetimeMs(60), 60_000);
  assert.equal(finWait2LifetimeMs(60, 5), 5000);
  assert.equal(finWait2LifetimeMs(60, -1), 0);
  assert.equal(lingerCloseMs({ onoff: true, seconds: 5 }), 5000);
  assert.equal(lingerCloseMs({ onoff: false, seconds: 5 }), undefined);
});

test('the engine gives a SYN up when give-up.ts says, linear count above the retries included', () => {
  for (const [retries, linear] of [[6, 4], [1, 10], [0, 0], [2, 4]] as Array<[number, number]>) {
    const t = new Trace({ tcp_syn_retries: retries, tcp_syn_linear_timeouts: linear });
    t.connect(0);
    t.drain();
    const at = synGiveUpMs({ synRetries: retries, linear }) / 1000;
    t.advance(at - 0.001);
    assert.notEqual(t.c.status().state, 'CLOSED', `${retries}/${linear}: still trying just before ${at} s`);
    t.advance(at);
    assert.equal(t.c.status().state, 'CLOSED', `${retries}/${linear}: gone at ${at} s`);
  }
});

test('the engine gives data up when give-up.ts says (tcp_retries2 = 3)', () => {
  const t = established({ tcp_retries2: 3 });
  t.advance(1);
  t.c.send(new Uint8Array(10), t.now);
  t.drain();
  const s = dataSchedule({ retries: 3, firstRtoMs: 210 });
  t.advance(1 + s.giveUpAt / 1000 - 0.001);
  assert.notEqual(t.c.status().state, 'CLOSED');
  t.advance(1 + s.giveUpAt / 1000);
  assert.equal(t.c.status().state, 'CLOSED');
});
