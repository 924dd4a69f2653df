import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeWait, established } from './testing/fixtures.js';
import type { Trace } from './testing/trace.js';

function lingerDone(t: Trace): { reason: string; at: number }[] {
  return t.events.flatMap((e) => (e.type === 'linger-done' ? [{ reason: e.reason, at: e.at }] : []));
}

test('SO_LINGER {on, 5}: close() sends FIN and must block until the FIN is ACKed; the ACK ends the wait', () => {
  const t = established({}, { linger: { onoff: true, seconds: 5 } });
  t.advance(0.02);
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'F. 1:1(0) ack 1');
  // sk_stream_wait_close: FIN-WAIT-1 is sk_stream_closing(), so close() waits up to 20 ms + 5 s.
  assert.equal(t.c.lingerDeadline(t.now), 5020);
  t.send(0.05, '. 1:1(0) ack 2 win 257');
  t.expectState('FIN-WAIT-2');
  assert.equal(t.c.lingerDeadline(t.now), undefined);
  assert.deepEqual(lingerDone(t), [{ reason: 'fin-acked', at: 50 }]);
});

test('SO_LINGER {on, 1}: the peer never ACKs — close() returns after 1 s, no RST, the orphan keeps retransmitting its FIN', () => {
  const t = established({}, { linger: { onoff: true, seconds: 1 } });
  t.advance(0.02);
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'F. 1:1(0) ack 1');
  assert.equal(t.c.lingerDeadline(0.5 * 1000), 1020);
  // The FIN's retransmission (TLP or RTO) goes on regardless of the linger clock.
  t.advance(1.02);
  assert.equal(t.c.lingerDeadline(t.now), undefined);
  assert.deepEqual(lingerDone(t), []);
  t.expectState('FIN-WAIT-1');
  t.advance(3);
  assert.equal(t.c.timerView(t.now).kind, 'on');
  assert.ok(t.c.status().retransmits > 0, 'the FIN was retransmitted after close() returned');
  t.expectState('FIN-WAIT-1');
});

test('SO_LINGER {on, 5} in CLOSE-WAIT: close() waits in LAST-ACK; the final ACK ends it (fin-acked)', () => {
  const t = closeWait({}, { linger: { onoff: true, seconds: 5 } });
  t.advance(0.03);
  t.c.close(t.now);
  t.drain();
  t.recv(0.03, 'F. 1:1(0) ack 2');
  assert.equal(t.c.lingerDeadline(t.now), 5030);
  t.send(0.04, '. 2:2(0) ack 2 win 257');
  t.expectState('CLOSED');
  assert.deepEqual(lingerDone(t), [{ reason: 'fin-acked', at: 40 }]);
});

test('SO_LINGER {on, 5}: an RST during the wait ends it too (closed)', () => {
  const t = established({}, { linger: { onoff: true, seconds: 5 } });
  t.advance(0.02);
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'F. 1:1(0) ack 1');
  t.send(0.03, 'R. 1:1(0) ack 2 win 257');
  t.expectState('CLOSED');
  assert.deepEqual(lingerDone(t), [{ reason: 'closed', at: 30 }]);
  assert.equal(t.c.lingerDeadline(t.now), undefined);
});

test('no SO_LINGER: close() never blocks (lingerDeadline is undefined)', () => {
  const t = established();
  t.advance(0.02);
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'F. 1:1(0) ack 1');
  assert.equal(t.c.lingerDeadline(t.now), undefined);
});
