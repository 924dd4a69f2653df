// MSG_ZEROCOPY completions on a simulated host: ids per send, reported once acknowledged,
// consecutive ids merged while unread, EAGAIN when nothing completed, nothing without SO_ZEROCOPY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { Host } from './host.js';
import { HostPair } from '../sim/testing/host-pair.js';

function connected(zerocopy: boolean): { client: Host; pair: HostPair; fd: number } {
  const client = new Host({ addrs: ['10.0.0.1'], config: defaultConfig(), seed: 1, hostname: 'client' });
  const server = new Host({ addrs: ['10.0.0.2'], config: defaultConfig(), seed: 2, hostname: 'server' });
  const pair = new HostPair(0.05, client, server);
  const lfd = server.socket('ipv4') as number;
  server.bind(lfd, '0.0.0.0', 8080);
  server.listen(lfd, 8);
  const fd = client.socket('ipv4') as number;
  if (zerocopy) assert.equal(client.setsockopt(fd, 'SO_ZEROCOPY', 1), 0);
  client.connect(fd, '10.0.0.2', 8080);
  pair.run(10);
  return { client, pair, fd };
}

test('each zerocopy send takes the next id; completions come once acknowledged, consecutive ones merged', () => {
  const { client, pair, fd } = connected(true);
  assert.deepEqual(client.readZerocopy(fd), { errno: 'EAGAIN' });
  assert.equal(client.send(fd, new Uint8Array(4000)), 4000);
  assert.equal(client.zerocopySent(fd, 4000), 0);
  // Not yet acknowledged: nothing on the error queue.
  assert.deepEqual(client.readZerocopy(fd), { errno: 'EAGAIN' });
  pair.run(pair.now + 100);
  assert.deepEqual(client.readZerocopy(fd), { lo: 0, hi: 0, copied: true });
  for (const id of [1, 2]) {
    client.send(fd, new Uint8Array(1000));
    assert.equal(client.zerocopySent(fd, 1000), id);
    pair.run(pair.now + 100);
  }
  assert.deepEqual(client.readZerocopy(fd), { lo: 1, hi: 2, copied: true });
  assert.deepEqual(client.readZerocopy(fd), { errno: 'EAGAIN' });
});

test('without SO_ZEROCOPY the flag is ignored: no id, no completion', () => {
  const { client, fd } = connected(false);
  client.send(fd, new Uint8Array(100));
  assert.equal(client.zerocopySent(fd, 100), undefined);
  const r = client.readZerocopy(fd);
  assert.ok(isSysError(r) && r.errno === 'EAGAIN');
});
