// Host.setTransmitFilter: the host's device drops segments before the wire (a qdisc with
// `pfifo limit 0`), and its connections are told, as Linux's tcp_transmit_skb is. What was dropped
// comes out of pollLocalDrop(), never pollTransmit(); the data is retried when the device recovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import type { Segment } from '../core/segment.js';
import { Host } from './host.js';
import { establishedPair } from '../sim/testing/host-pair.js';

const C = '10.0.0.1';
const S = '10.0.0.2';

function drained(h: Host): Segment[] {
  const out: Segment[] = [];
  for (let s = h.pollLocalDrop(); s; s = h.pollLocalDrop()) out.push(s);
  return out;
}

test('a write while the device drops never reaches the wire; after the device recovers the next probe0 retry delivers it', () => {
  const { client, server, pair, fd, serverFd } = establishedPair();
  client.setTransmitFilter(() => false);
  const mark = pair.log.length;
  assert.equal(client.send(fd, new Uint8Array(100)), 100);
  pair.run(2000);
  assert.equal(pair.since(mark, (s) => s.seg.srcAddr === C).length, 0, 'nothing from the client on the wire');
  const drops = drained(client);
  assert.ok(drops.length >= 3 && drops.every((s) => s.payload.length === 100));
  const st = client.status(fd);
  assert.ok(!isSysError(st) && st.sndNxt === st.sndUna && st.probes === drops.length - 1 && st.backoff === 0);
  client.setTransmitFilter(undefined);
  pair.run(3000);
  const data = pair.since(mark, (s) => s.seg.srcAddr === C && s.seg.payload.length === 100);
  assert.equal(data.length, 1);
  const got = server.recv(serverFd, 1000);
  assert.ok(!isSysError(got) && got.length === 100);
  const after = client.status(fd);
  assert.ok(!isSysError(after) && after.probes === 0 && after.state === 'ESTABLISHED');
});

test("the host's own replies meet the device too: an RST for a closed port is dropped, not sent", () => {
  const h = new Host({ addrs: [S], config: defaultConfig(), seed: 3 });
  h.setTransmitFilter(() => false);
  h.handleSegment({
    srcAddr: C, srcPort: 40000, dstAddr: S, dstPort: 81, seq: 1 as Segment['seq'], ack: 0 as Segment['ack'],
    flags: { syn: true, ack: false, fin: false, rst: false, psh: false, urg: false, ece: false, cwr: false },
    window: 65535, urgent: 0, options: [], payload: new Uint8Array(0),
  }, 1);
  assert.equal(h.pollTransmit(), undefined);
  const d = drained(h);
  assert.equal(d.length, 1);
  assert.ok(d[0].flags.rst);
});
