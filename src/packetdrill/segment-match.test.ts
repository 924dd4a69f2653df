import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsFromLetters, type Segment, type TcpOption } from '../core/segment.js';
import { seq } from '../core/seq.js';
import type { PacketEvent } from './ast.js';
import { parseScript } from './parse-script.js';
import { addressesFor, type ScriptedConnection } from './connection-map.js';
import { describeLive, inboundSegment, matchOutbound, type MatchContext } from './segment-match.js';

const ISN = 0xfffffff0; // crosses the 2^32 wrap one segment in
const line = (text: string): PacketEvent => {
  const r = parseScript(text + '\n');
  if (!r.ok || r.script.events[0].kind !== 'packet') throw new Error(r.ok ? 'not a packet' : r.error.message);
  return r.script.events[0];
};
const live = (letters: string, s: number, ack: number, len: number, options: TcpOption[] = [], window = 502): Segment => ({
  srcAddr: '192.168.0.1', srcPort: 8080, dstAddr: '192.0.2.1', dstPort: 48000, seq: seq(s), ack: seq(ack),
  flags: flagsFromLetters(letters), window, urgent: 0, options, payload: new Uint8Array(len),
});
const ctx = (conn: ScriptedConnection = { remotePort: 48000, localPort: 8080, listening: false, connecting: false }): MatchContext => ({ conn, toleranceUs: 4000, tolerancePercent: 12.5, eventUs: 0 });

test('an outbound RST before any SYN of ours learns no ISN: its seq is compared as written (absolute)', () => {
  const c = ctx();
  assert.equal(matchOutbound(line('+0 > R. 1:1(0) ack 1'), live('R.', 0, 1, 0), c), 'seq');
  assert.equal(matchOutbound(line('+0 > R. 0:0(0) ack 1'), live('R.', 0, 1, 0), c), undefined);
  assert.equal(c.conn.localIsnOffset, undefined);
  assert.equal(matchOutbound(line('+0 > R 5000:5000(0)'), live('R', 5000, 0, 0), c), undefined);
});

test('our SYN or SYN-ACK fixes the local ISN; later seqs are relative across the wrap', () => {
  const c = ctx();
  assert.equal(matchOutbound(line('+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>'), live('S.', ISN, 1, 0, [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 8 }]), c), undefined);
  assert.equal(matchOutbound(line('+0 > P. 1:1001(1000) ack 1'), live('P.', ISN + 1, 1, 1000), c), undefined);
  assert.equal(matchOutbound(line('+0 > F. 1001:1001(0) ack 1'), live('F.', (ISN + 1001) >>> 0, 1, 0), c), undefined);
  assert.equal(matchOutbound(line('+0 > F. 1001:1001(0) ack 1'), live('F.', (ISN + 1002) >>> 0, 1, 0), c), 'seq');
});

test('PSH is checked; win only when written; urg always', () => {
  const c = ctx({ remotePort: 48000, listening: false, connecting: false, localIsnOffset: 0 });
  assert.equal(matchOutbound(line('+0 > . 1:11(10) ack 1'), live('P.', 1, 1, 10), c), 'flags');
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1'), live('.', 1, 1, 0, [], 7), c), undefined);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 win 5000'), live('.', 1, 1, 0, [], 7300), c), 'win');
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1'), { ...live('.', 1, 1, 0), urgent: 3 }, c), 'urg');
});

test('options: exact when written, none when no list, anything with <...>', () => {
  const c = ctx({ remotePort: 48000, listening: false, connecting: false, localIsnOffset: 0 });
  const sack: TcpOption[] = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[seq(1001), seq(2001)]] }];
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1'), live('.', 1, 1, 0, sack), c), 'options');
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <...>'), live('.', 1, 1, 0, sack), c), undefined);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:2001>'), live('.', 1, 1, 0, sack), c), undefined);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:2002>'), live('.', 1, 1, 0, sack), c), 'options');
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,sack 1001:2001,nop>'), live('.', 1, 1, 0, sack), c), 'options');
});

test('TS val maps from the first outbound TSval; checked only with a tick; ecr never compared', () => {
  const ts = (val: number, ecr: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val, ecr }];
  const loose = ctx({ remotePort: 48000, listening: false, connecting: false, localIsnOffset: 0 });
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 100 ecr 7>'), live('.', 1, 1, 0, ts(5_000_100, 99)), loose), undefined);
  assert.equal(loose.conn.tsOffset, 5_000_000);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 100 ecr 0>'), live('.', 1, 1, 0, ts(5_009_999, 0)), loose), undefined);
  const strict: MatchContext = { ...ctx({ remotePort: 48000, listening: false, connecting: false, localIsnOffset: 0, tsOffset: 5_000_000 }), tsTickUs: 1000, toleranceUs: 7000 };
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 1200 ecr 0>'), live('.', 1, 1, 0, ts(5_001_206, 0)), strict), undefined);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 1200 ecr 0>'), live('.', 1, 1, 0, ts(5_001_300, 0)), strict), 'TS val');
  assert.equal(describeLive(live('.', 1, 1, 0, ts(5_001_300, 42)), strict.conn, false), '> . 1:1(0) ack 1 <nop,nop,TS val 1300 ecr 42>');
  // packetdrill also allows tolerance_percent of the time since the script started: 12.5 % of 2 s is 250 ms.
  const late = { ...strict, tolerancePercent: 12.5, eventUs: 2_000_000 };
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 1200 ecr 0>'), live('.', 1, 1, 0, ts(5_001_450, 0)), late), undefined);
  assert.equal(matchOutbound(line('+0 > . 1:1(0) ack 1 <nop,nop,TS val 1200 ecr 0>'), live('.', 1, 1, 0, ts(5_001_451, 0)), late), 'TS val');
});

test('inbound: acks offset by the local ISN, seqs literal, TS ecr mapped back to the live TSval', () => {
  const conn: ScriptedConnection = { remotePort: 48000, localPort: 8080, listening: false, connecting: false, localIsnOffset: ISN, tsOffset: 5_000_000 };
  const seg = inboundSegment(line('+0 < P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 201 ecr 100>'), conn, addressesFor('ipv6'), {});
  assert.ok(typeof seg !== 'string');
  assert.deepEqual([seg.srcAddr, seg.srcPort, seg.dstAddr, seg.dstPort], ['fd3d:fa7b:d17d::1', 48000, 'fd3d:a0b:17d6::1', 8080]);
  assert.deepEqual([seg.seq, seg.ack, seg.window, seg.payload.length], [1, 0xfffffff1, 257, 1000]);
  assert.deepEqual(seg.options[2], { kind: 'timestamp', val: 201, ecr: 5_000_100 });
  assert.equal(inboundSegment(line('+0 < S 0:0(0) win 1 <FO NOPE>'), conn, addressesFor('ipv4'), {}), "FO cookie 'NOPE' is not hex and not defined (-D NOPE=...)");
  const fo = inboundSegment(line('+0 < S 0:0(0) win 1 <FO C>'), conn, addressesFor('ipv4'), { C: '3021b9d889017eeb' });
  assert.ok(typeof fo !== 'string' && fo.options[0].kind === 'fastopen' && fo.options[0].cookie.length === 8);
});
