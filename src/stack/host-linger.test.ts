// Host.closeWaitUntil(): the SO_LINGER {on, N > 0} wait of a close() (inet_release → __tcp_close
// → sk_stream_wait_close). close() itself returns 0 at once and frees the fd; the wait is read
// afterwards, and ends when our FIN is ACKed, the connection ends, or the deadline passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { establishedPair } from '../sim/testing/host-pair.js';

const C = '10.0.0.1';

const established = establishedPair;

test('no SO_LINGER: nothing to wait for after close()', () => {
  const { client, fd } = established();
  assert.equal(client.close(fd), 0);
  assert.equal(client.closeWaitUntil(fd), undefined);
});

test('linger {1,5}: 10 → FIN → wait until 5010 ms; the ACK of the FIN (0.1 ms later) ends it', () => {
  const { client, pair, fd } = established();
  assert.equal(client.setsockopt(fd, 'SO_LINGER', { onoff: 1, linger: 5 }), 0);
  assert.equal(client.close(fd), 0);
  assert.equal(client.closeWaitUntil(fd), 5010);
  pair.run(10.05); // FIN on the wire, not yet ACKed
  assert.equal(client.closeWaitUntil(fd), 5010);
  pair.run(10.2); // FIN-WAIT-1 → FIN-WAIT-2
  assert.equal(client.closeWaitUntil(fd), undefined);
});

test('linger {1,5}, every segment from the client lost: the wait ends at 5010 ms, no RST', () => {
  const { client, pair, fd } = established();
  pair.drop = (s) => s.srcAddr === C;
  client.setsockopt(fd, 'SO_LINGER', { onoff: 1, linger: 5 });
  const mark = pair.log.length;
  client.close(fd);
  pair.run(5009);
  assert.equal(client.closeWaitUntil(fd), 5010);
  pair.run(5010);
  assert.equal(client.closeWaitUntil(fd), undefined);
  assert.equal(pair.since(mark, (s) => s.seg.flags.rst).length, 0);
  assert.ok(pair.since(mark, (s) => s.seg.flags.fin).length > 1, 'the FIN is retransmitted');
});

test('linger {1,0}: the abortive close sends RST and has nothing to wait for', () => {
  const { client, fd } = established();
  client.setsockopt(fd, 'SO_LINGER', { onoff: 1, linger: 0 });
  client.close(fd);
  assert.equal(client.closeWaitUntil(fd), undefined);
});

test('the fd number reused by a new socket does not inherit the old wait', () => {
  const { client, fd } = established();
  client.setsockopt(fd, 'SO_LINGER', { onoff: 1, linger: 5 });
  client.close(fd);
  const again = client.socket('ipv4') as number;
  assert.equal(again, fd);
  assert.equal(client.close(again), 0);
  assert.equal(client.closeWaitUntil(again), undefined);
});
