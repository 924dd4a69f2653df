// What the CLI does, a TypeScript user can do through the barrel: run a lab scenario, parse a
// paste, diagnose it, and drive a Host by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tcplens from '../src/public/index.js';

test('a lab scenario runs through the public API and ends A in TIME-WAIT for 60 s', () => {
  const s = tcplens.findScenario('active-close');
  assert.ok(s);
  const r = s.run({ settings: {}, params: {}, seed: 1, profile: 'linux' });
  assert.equal(r.kind, 'exchange');
  if (r.kind !== 'exchange') return;
  const a = r.timeline.filter((e) => e.host === 'A');
  const tw = a.find((e) => e.to === 'TIME-WAIT');
  const closed = a.find((e) => e.from === 'TIME-WAIT' && e.to === 'CLOSED');
  assert.ok(tw && closed);
  assert.equal(closed.at - tw.at, 60_000);
});

test('a pasted ss listing is parsed and diagnosed through the public API', () => {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*'];
  for (let i = 0; i < 300; i++) rows.push(`CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:${40000 + i}`);
  const snap = tcplens.snapshotFromText('paste', rows.join('\n') + '\n');
  assert.equal(snap.sockets.filter((s) => s.state === 'CLOSE-WAIT').length, 300);
  const findings = tcplens.diagnose(snap);
  assert.ok(findings.some((f) => f.id === 'close_wait_leak'));
});

test('a Host driven by hand refuses a connection to a closed port with ECONNREFUSED', () => {
  const a = new tcplens.Host({ addrs: ['10.0.0.1'], seed: 7 });
  const b = new tcplens.Host({ addrs: ['10.0.0.2'], seed: 8 });
  const fd = a.socket('AF_INET');
  assert.equal(typeof fd, 'number');
  if (typeof fd !== 'number') return;
  assert.deepEqual(a.connect(fd, '10.0.0.2', 9), { errno: 'EINPROGRESS' });
  let now = 0;
  for (let i = 0; i < 10; i++) {
    now += 1;
    for (let s = a.pollTransmit(); s; s = a.pollTransmit()) b.handleSegment(s, now);
    for (let s = b.pollTransmit(); s; s = b.pollTransmit()) a.handleSegment(s, now);
  }
  assert.deepEqual(a.getsockopt(fd, 'SO_ERROR'), 111);
});
