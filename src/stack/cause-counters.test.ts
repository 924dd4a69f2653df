// The host's tcp_close / orphan counters follow the cause of each state change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { establishedPair } from '../sim/testing/host-pair.js';

test('close() with unread data → TCPAbortOnClose; SO_LINGER {on, 0} → TCPAbortOnData (tcp_close)', () => {
  const a = establishedPair();
  a.server.send(a.serverFd, new Uint8Array(10));
  a.pair.run(20);
  assert.equal(a.client.close(a.fd), 0);
  a.pair.run(30);
  assert.equal(a.client.counters()['TcpExt:TCPAbortOnClose'], 1);
  assert.equal(a.client.counters()['TcpExt:TCPAbortOnData'], 0);

  const b = establishedPair();
  assert.equal(b.client.setsockopt(b.fd, 'SO_LINGER', { onoff: 1, linger: 0 }), 0);
  assert.equal(b.client.close(b.fd), 0);
  b.pair.run(20);
  assert.deepEqual([b.client.counters()['TcpExt:TCPAbortOnData'], b.client.counters()['TcpExt:TCPAbortOnClose']], [1, 0]);
});

test('an orphan with TCP_LINGER2 < 0 whose FIN is ACKed is reset: TCPAbortOnLinger (tcp_rcv_state_process)', () => {
  const { client, pair, fd } = establishedPair();
  assert.equal(client.setsockopt(fd, 'TCP_LINGER2', -1), 0);
  assert.equal(client.close(fd), 0);
  pair.run(20);
  assert.equal(client.counters()['TcpExt:TCPAbortOnLinger'], 1);
  assert.equal(client.counters()['TcpExt:TCPAbortOnData'], 0);
});

test('new data for an orphan in FIN-WAIT-2 → RST and TCPAbortOnData; the FIN-WAIT-2 timer of a plain orphan → TW', () => {
  const a = establishedPair();
  assert.equal(a.client.close(a.fd), 0);
  a.pair.run(20);
  a.server.send(a.serverFd, new Uint8Array(10));
  a.pair.run(30);
  assert.equal(a.client.counters()['TcpExt:TCPAbortOnData'], 1);

  const b = establishedPair();
  assert.equal(b.client.close(b.fd), 0);
  b.pair.run(61_000);
  assert.deepEqual([b.client.counters()['TcpExt:TW'], b.client.counters()['TcpExt:TCPAbortOnTimeout']], [1, 0]);
});
