import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFileError, CaptureReader, type CapturedFrame } from './capture-reader.js';
import { decodeTcp, isSkip, type TcpPacket } from './decode-packet.js';
import { FRAME, ipOf, pcapFile, pcapngFile, seg } from './testing/capture-bytes.js';

const HANDSHAKE = [
  seg('10.0.0.1:40000', '10.0.0.2:80', 'S', 0xfffffff0),
  seg('10.0.0.2:80', '10.0.0.1:40000', 'S.', 7, 0xfffffff1),
  seg('10.0.0.1:40000', '10.0.0.2:80', 'P.', 0xfffffff1, 8, 100),
];

function readAll(bytes: Uint8Array, chunk = bytes.length): CapturedFrame[] {
  const r = new CaptureReader();
  const out: CapturedFrame[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    // Copy each frame: its bytes are a view valid until the next push.
    for (const f of r.push(bytes.slice(i, i + chunk))) out.push({ ...f, data: f.data.slice() });
  }
  r.end();
  return out;
}

function tcp(f: CapturedFrame): TcpPacket {
  const p = decodeTcp(f.linkType, f.data);
  assert.ok(!isSkip(p), JSON.stringify(p));
  return p;
}

function thrown(bytes: Uint8Array): CaptureFileError {
  try {
    readAll(bytes);
  } catch (e) {
    assert.ok(e instanceof CaptureFileError, String(e));
    return e;
  }
  assert.fail('no error');
}

test('classic pcap, both byte orders, micro- and nanoseconds, fed whole or one byte at a time', () => {
  const recs = HANDSHAKE.map((s, i) => ({ atMs: 1_700_000_000_000 + i * 1.5, data: ipOf(s) }));
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      const bytes = pcapFile(recs, { little, nano });
      for (const chunk of [bytes.length, 7, 1]) {
        const frames = readAll(bytes, chunk);
        assert.equal(frames.length, 3);
        assert.deepEqual(frames.map((f) => f.index), [1, 2, 3]);
        assert.equal(frames[0].offset, 24);
        assert.ok(Math.abs(frames[2].atMs - (1_700_000_000_000 + 3)) < 0.001, `${frames[2].atMs}`);
        const p = tcp(frames[2]);
        assert.deepEqual([p.srcAddr, p.srcPort, p.dstAddr, p.dstPort, p.seq, p.ack, p.payloadLength], ['10.0.0.1', 40000, '10.0.0.2', 80, 0xfffffff1, 8, 100]);
      }
    }
  }
});

test('pcapng: both byte orders, two interfaces of different link types, tsresol, comments, a simple packet block', () => {
  const [syn, synack, data] = HANDSHAKE;
  for (const little of [true, false]) {
    const bytes = pcapngFile([
      { iface: 0, atMs: 1000, data: FRAME.ethernet.wrap(ipOf(syn)), comment: 'first' },
      { iface: 1, atMs: 1000.000001, data: FRAME.sll2.wrap(ipOf(synack)) },
      { simple: true, atMs: 0, data: FRAME.ethernet.wrap(ipOf(data)) },
    ], { little, interfaces: [{ linkType: 1, name: 'eth0' }, { linkType: 276, name: 'any', tsresol: 9 }] });
    const frames = readAll(bytes, 5);
    assert.deepEqual(frames.map((f) => [f.linkType, f.iface, f.ifaceName, f.comment]), [[1, 0, 'eth0', 'first'], [276, 1, 'any', undefined], [1, 0, 'eth0', undefined]]);
    assert.ok(Math.abs(frames[1].atMs - 1000.000001) < 1e-6);
    assert.deepEqual(frames.map((f) => tcp(f).seq), [0xfffffff0, 7, 0xfffffff1]);
  }
});

test('several pcapng sections one after another: each forgets the interfaces before it', () => {
  const a = pcapngFile([{ atMs: 1, data: ipOf(HANDSHAKE[0]) }]);
  const b = pcapngFile([{ atMs: 2, data: FRAME.null.wrap(ipOf(HANDSHAKE[1])) }], { little: false, interfaces: [{ linkType: 0 }] });
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  const frames = readAll(joined, 3);
  assert.deepEqual(frames.map((f) => f.linkType), [101, 0]);
  assert.equal(tcp(frames[1]).ack, 0xfffffff1);
});

test('every link type tcplens reads, IPv4 and IPv6', () => {
  for (const [name, f] of Object.entries(FRAME)) {
    for (const s of [HANDSHAKE[2], seg('[fd00::1]:40000', '[fd00::2]:443', 'F.', 5, 6, 3)]) {
      const p = decodeTcp(f.linkType, f.wrap(ipOf(s)));
      assert.ok(!isSkip(p), `${name}: ${JSON.stringify(p)}`);
      assert.deepEqual([p.srcAddr, p.dstPort, p.payloadLength], [s.srcAddr, s.dstPort, s.payload.length], name);
    }
  }
  assert.deepEqual(decodeTcp(229, ipOf(seg('[::1]:1', '[::1]:2', 'R', 1))), { ...(decodeTcp(101, ipOf(seg('[::1]:1', '[::1]:2', 'R', 1))) as object) });
  assert.deepEqual(decodeTcp(1, Uint8Array.from([...new Array<number>(12).fill(0), 0x08, 0x06, 0, 1])), { skip: 'not-tcp' });
  assert.match((decodeTcp(147, new Uint8Array(40)) as { why: string }).why, /link type 147 is not one tcplens reads/);
});

test('a snapshot length that cuts the payload keeps its length from the IP header; one that cuts the TCP header is a problem', () => {
  const ip = ipOf(HANDSHAKE[2]);
  const p = decodeTcp(101, ip.subarray(0, 54));
  assert.ok(!isSkip(p));
  assert.equal(p.payloadLength, 100);
  assert.equal(p.payload.length, 14);
  assert.deepEqual(decodeTcp(101, ip.subarray(0, 30)), { skip: 'cut', why: 'the TCP header is cut (the snapshot length is too small)' });
});

test('damaged files are located: wrong magic, truncation inside a record, impossible lengths', () => {
  assert.match(thrown(new TextEncoder().encode('State  Recv-Q Send-Q Local Address:Port\n')).message, /^byte 0: not a pcap or pcapng capture \(it starts with 53 74 61 74: text/);
  assert.match(thrown(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).message, /gzip, unpack it first/);
  assert.match(thrown(new Uint8Array(0)).message, /the file is empty/);
  const whole = pcapFile(HANDSHAKE.map((s, i) => ({ atMs: i, data: ipOf(s) })));
  const cut = thrown(whole.subarray(0, whole.length - 10));
  assert.equal(cut.where.packet, 3);
  assert.match(cut.message, /^packet 3 at byte \d+: the file ends inside this record \(\d+ bytes of it are there\): the capture is truncated/);
  const bad = whole.slice();
  new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true);
  assert.match(thrown(bad).message, /^packet 1 at byte 24: captured length 2147483647 is larger than the snapshot length/);
  const ng = pcapngFile([{ atMs: 1, data: ipOf(HANDSHAKE[0]) }, { atMs: 2, data: ipOf(HANDSHAKE[1]) }]);
  const ngBad = ng.slice();
  const second = ng.length - (12 + 20 + ipOf(HANDSHAKE[1]).length + ((4 - (ipOf(HANDSHAKE[1]).length % 4)) % 4));
  new DataView(ngBad.buffer).setUint32(second + 4, 13, true);
  assert.match(thrown(ngBad).message, new RegExp(`^packet 2 at byte ${second}: a pcapng block of type 0x6 claims 13 bytes`));
  assert.match(thrown(ng.subarray(0, ng.length - 3)).message, /^packet 2 at byte \d+: the file ends inside this block/);
});
