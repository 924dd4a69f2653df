import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsFromLetters, type Segment } from '../core/segment.js';
import { seq } from '../core/seq.js';
import { Middlebox } from './middlebox.js';

const C = '10.0.0.1';
const S = '198.51.100.10';

function seg(from: [string, number], to: [string, number], flags: string, s = 1000, a = 0, len = 0): Segment {
  return {
    srcAddr: from[0], srcPort: from[1], dstAddr: to[0], dstPort: to[1], seq: seq(s), ack: seq(a),
    flags: flagsFromLetters(flags), window: 65535, urgent: 0, options: [], payload: new Uint8Array(len),
  };
}

test('firewall: a SYN from the inside opens a flow; both directions pass unchanged', () => {
  const fw = new Middlebox({ inside: [C], noFlow: 'drop' });
  const syn = seg([C, 40000], [S, 80], 'S');
  assert.deepEqual(fw.process(syn, 0), { kind: 'forward', seg: syn, rewritten: false });
  assert.equal(fw.process(seg([S, 80], [C, 40000], 'S.', 5000, 1001), 10).kind, 'forward');
  assert.equal(fw.flowCount(), 1);
});

test('firewall: a segment of no flow is dropped; an outside SYN opens nothing', () => {
  const fw = new Middlebox({ inside: [C], noFlow: 'drop' });
  assert.deepEqual(fw.process(seg([C, 40000], [S, 80], '.', 1, 1), 0), { kind: 'drop', why: 'no flow' });
  assert.deepEqual(fw.process(seg([S, 80], [C, 40000], 'S'), 0), { kind: 'drop', why: 'no flow' });
  assert.equal(fw.counts.dropped, 2);
});

test('idle timeout: the flow is forgotten silently; the next segment finds it expired (drop or RST in the far end\'s name)', () => {
  const fw = new Middlebox({ inside: [C], noFlow: 'drop', idleTimeoutMs: 300_000 });
  fw.process(seg([C, 40000], [S, 80], 'S'), 0);
  assert.equal(fw.process(seg([C, 40000], [S, 80], 'P.', 101, 201, 100), 300_000).kind, 'forward', 'at the timeout itself the flow is still there');
  assert.deepEqual(fw.process(seg([C, 40000], [S, 80], 'P.', 201, 201, 100), 600_001), { kind: 'drop', why: 'flow expired' });
  assert.equal(fw.counts.expired, 1);
  const nlb = new Middlebox({ inside: [C], noFlow: 'reset', idleTimeoutMs: 350_000 });
  nlb.process(seg([C, 40000], [S, 80], 'S'), 0);
  const v = nlb.process(seg([C, 40000], [S, 80], 'P.', 101, 7001, 100), 400_000);
  assert.equal(v.kind, 'reset');
  assert.ok(v.kind === 'reset');
  assert.deepEqual([v.rst.srcAddr, v.rst.srcPort, v.rst.dstAddr, v.rst.dstPort, v.rst.seq, v.rst.flags.rst, v.rst.flags.ack], [S, 80, C, 40000, 7001, true, false]);
  assert.deepEqual(nlb.process(seg([C, 40000], [S, 80], 'R', 201), 400_001), { kind: 'drop', why: 'flow expired' }, 'an RST is never answered');
});

test('source NAT: ports in turn from the range, replies rewritten back, a closed flow holds its port 120 s', () => {
  const nat = new Middlebox({ inside: [C, '10.0.0.2'], noFlow: 'drop', snat: { addr: '203.0.113.1', firstPort: 20000, ports: 2 } });
  const a = nat.process(seg([C, 40000], [S, 80], 'S'), 0);
  const b = nat.process(seg(['10.0.0.2', 40000], [S, 80], 'S'), 0);
  assert.ok(a.kind === 'forward' && b.kind === 'forward');
  assert.deepEqual([a.seg.srcAddr, a.seg.srcPort, b.seg.srcPort, a.rewritten], ['203.0.113.1', 20000, 20001, true]);
  const back = nat.process(seg([S, 80], ['203.0.113.1', 20001], 'S.', 9, 1001), 5);
  assert.ok(back.kind === 'forward');
  assert.deepEqual([back.seg.dstAddr, back.seg.dstPort], ['10.0.0.2', 40000]);
  assert.deepEqual(nat.process(seg([C, 40001], [S, 80], 'S'), 10), { kind: 'drop', why: 'no free port' });
  // The first flow closes both ways; its port is free again only after conntrack's TIME_WAIT hold.
  nat.process(seg([C, 40000], [S, 80], 'F.', 1001, 10), 20);
  nat.process(seg([S, 80], ['203.0.113.1', 20000], 'F.', 10, 1002), 30);
  assert.equal(nat.process(seg([C, 40001], [S, 80], 'S'), 100_000).kind, 'drop');
  const again = nat.process(seg([C, 40001], [S, 80], 'S'), 120_031);
  assert.ok(again.kind === 'forward');
  assert.equal(again.seg.srcPort, 20000);
});
