import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeWait, established, finWait2, timeWait } from './testing/fixtures.js';
import { Connection } from './connection.js';
import { LOCAL, REMOTE, Trace, packetdrillConfig } from './testing/trace.js';
import { seq, seqAdd } from './seq.js';
import { isSysError } from './errno.js';

test('ABORT in ESTABLISHED → RST|ACK seq=SND.NXT, CLOSED', () => {
  const t = established();
  t.advance(0.05);
  t.c.abort(t.now);
  t.drain();
  t.recv(0.05, 'R. 1:1(0) ack 1');
  t.expectState('CLOSED');
  assert.deepEqual(t.events.at(-1), { type: 'closed' });
});

test('ABORT in CLOSE-WAIT and FIN-WAIT-2 → RST; in TIME-WAIT → nothing sent (the host dropping it)', () => {
  const a = closeWait();
  a.c.abort(a.now); a.drain();
  a.recv(0.02, 'R. 1:1(0) ack 2');
  const b = finWait2();
  b.c.abort(b.now); b.drain();
  b.recv(0.03, 'R. 2:2(0) ack 1');
  const c = timeWait();
  c.c.abort(c.now); c.drain();
  c.recvNothing(0.04);
  c.expectState('CLOSED');
});

test('SYN-cookie rebuild: the final ACK makes an ESTABLISHED connection that takes data at once', () => {
  const t = new Trace();
  const ack = t.inbound('P. 1:11(10) ack 1 win 257');
  const c = Connection.fromCookie({ config: packetdrillConfig(), local: LOCAL, remote: REMOTE, isn: seq(0), tsOffset: 0, options: {} },
    ack, { mss: 1000, wscale: 7, sackOk: false, tsOk: false }, 10);
  assert.equal(c.state, 'ESTABLISHED');
  c.handleSegment(ack, 10);
  const r = c.recv(100, 10);
  assert.ok(!isSysError(r) && r.length === 10);
  const out = c.pollTransmit();
  assert.ok(out && out.flags.ack && out.ack === seqAdd(ack.seq, 10));
  assert.equal(c.status().sndMss, 1000);
});

test('recv on a connection reset by the peer: ECONNRESET once, then end of stream', () => {
  const t = established();
  t.send(0.02, 'R. 1:1(0) ack 1 win 257');
  assert.deepEqual(t.c.recv(10, t.now), { errno: 'ECONNRESET' });
  const again = t.c.recv(10, t.now);
  assert.ok(!isSysError(again) && again.length === 0);
  assert.equal(t.c.status().error, 'ECONNRESET');
});

test('shutdown on a closed connection → ENOTCONN; writableSpace follows the send buffer', () => {
  const t = established({}, { sndbuf: 5000 });
  assert.equal(t.c.writableSpace(), 10000);
  t.advance(0.02);
  // Linux fills an skb to size_goal once it is started (send-memory.ts): the first write may
  // overshoot SO_SNDBUF; a new skb starts only while sk_wmem_queued < sk_sndbuf.
  // size_goal is 16000 here (half the peer's 32896 window): 1..16001 goes out to cwnd (10000),
  // the unsent rest grows to 10001..26001, then wmem 26000 + 2 * 1280 >= 10000 stops the write.
  assert.equal(t.c.send(new Uint8Array(40000), t.now), 26000);
  assert.equal(t.c.writableSpace(), 0);
  assert.deepEqual(t.c.send(new Uint8Array(1), t.now), { errno: 'EAGAIN' });
  t.c.abort(t.now);
  assert.deepEqual(t.c.shutdown('SHUT_WR', t.now), { errno: 'ENOTCONN' });
});

test('status() Send-Q counts unsent data behind a zero window, like ss', () => {
  const t = established();
  t.send(0.02, '. 1:1(0) ack 1 win 0');
  t.c.send(new Uint8Array(3000), t.now);
  t.drain();
  assert.equal(t.c.status().sendQueue, 3000);
  t.send(0.03, 'P. 1:101(100) ack 1 win 0');
  assert.equal(t.c.status().recvQueue, 100);
});
