import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PasteReader, BATCH_CHARS } from './stream.js';
import { countStates, snapshotFromText } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

/** Pushes a text in pieces of `size` characters. */
function read(name: string, text: string, countOnly: boolean, size = 7919): PasteReader {
  const r = new PasteReader(name, countOnly);
  for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
  return r;
}

/** A listing several batches long, with unreadable lines and continuation lines spread through it. */
function bigListing(fixtureName: string, copies: number): string {
  const lines = fixture(fixtureName).trimEnd().split('\n');
  const body = lines.slice(1);
  const out = [lines[0]];
  for (let k = 0; k < copies; k++) {
    out.push(...body);
    if (k % 97 === 0) out.push(`garbage line ${k}`);
  }
  return out.join('\n') + '\n';
}

test('an ss listing read in batches gives the counts, rows and problems (same lines) of a whole read', () => {
  for (const name of ['linux/ss-tan.txt', 'linux/ss-tanpoei.txt']) {
    const text = bigListing(name, 2000);
    assert.ok(text.length > 2 * BATCH_CHARS, 'several batches');
    const whole = snapshotFromText(name, text, 1);
    for (const countOnly of [false, true]) {
      const r = read(name, text, countOnly);
      const t = r.finishCounts(1);
      assert.equal(r.streamingFormat, 'ss');
      assert.deepEqual(t.counts, countStates(whole), `${name} countOnly=${countOnly}`);
      assert.deepEqual(t.snapshot.problems.map((p) => [p.line, p.message]), whole.problems.map((p) => [p.line, p.message]), name);
      assert.deepEqual(t.snapshot.sources[0].rows, whole.sources[0].rows, name);
    }
    const snap = read(name, text, false).finish(1);
    assert.equal(snap.sockets.length, whole.sockets.length);
    assert.deepEqual(snap.sockets[snap.sockets.length - 1], whole.sockets[whole.sockets.length - 1]);
  }
});

test('netstat and /proc/net/tcp listings stream too, with the file\'s line numbers', () => {
  for (const name of ['linux/netstat-antp.txt', 'linux/proc-net-tcp.txt']) {
    const text = bigListing(name, 3000);
    const whole = snapshotFromText(name, text, 1);
    const t = read(name, text, true).finishCounts(1);
    assert.deepEqual(t.counts, countStates(whole), name);
    assert.deepEqual(t.snapshot.problems.map((p) => p.line), whole.problems.map((p) => p.line), name);
  }
});

test('a pasted session or a JSON document is read whole, as before', () => {
  const session = '[root@web01 ~]# ss -tan\n' + fixture('linux/ss-tan.txt');
  const r = read('s', session, true, 10);
  const t = r.finishCounts(1);
  assert.equal(r.streamingFormat, undefined);
  assert.deepEqual(t.counts, countStates(snapshotFromText('s', session, 1)));
  assert.equal(t.snapshot.hostname, 'web01');
});

test('a cut-off last line is reported as such in a stream too', () => {
  const text = bigListing('linux/ss-tan.txt', 600) + 'ESTAB 0 0 10.0.0.1:22 10.0.0.';
  const whole = snapshotFromText('x', text, 1);
  const t = read('x', text, true).finishCounts(1);
  assert.deepEqual(t.snapshot.problems.at(-1), whole.problems.at(-1));
  assert.match(t.snapshot.problems.at(-1)!.message, /cut off/);
});

/** Pushes UTF-8 bytes as pushStream does: text until the reader wants bytes, then chunks that cut no character. */
function readBytes(name: string, text: string, size: number): PasteReader {
  const bytes = Buffer.from(text, 'utf8');
  const r = new PasteReader(name, true);
  const decoder = new TextDecoder();
  let whole = false;
  let sawBytes = false;
  // One buffer filled again for each chunk, as a file is read (src/node/input-stream.ts).
  const buf = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const n = bytes.copy(buf, 0, i, i + size);
    const c = buf.subarray(0, n);
    if (whole && r.wantsBytes) { r.pushBytes(c); sawBytes = true; continue; }
    r.push(decoder.decode(c, { stream: true }));
    whole = c[c.length - 1] < 0x80;
  }
  r.push(decoder.decode());
  assert.ok(sawBytes, 'the reader took bytes');
  return r;
}

test('ss rows counted from their bytes: the counts, rows and problems (same lines) of a whole read', () => {
  const tricky = [
    'ESTAB      0      0      10.0.0.1:22     10.0.0.2:50000',
    'ESTAB\t0\t0\t10.0.0.1:22\t10.0.0.2:50001',
    'ESTAB      0      0      10.0.0.1:22     10.0.0.2:50002\r',
    'LISTEN     0      128    *:22            *:*',
    'LISTEN     0      128    0.0.0.0:80      0.0.0.0:*      users:(("nginx",pid=0,fd=6))',
    'LISTEN     0      128    0.0.0.0:81      0.0.0.0:*      users:(("nginx",pid=00,fd=6))',
    'LISTEN     0      128    0.0.0.0:82      0.0.0.0:*      users:(("nc",0,3))',
    'LISTEN     0      128    0.0.0.0:83      0.0.0.0:*      users:(("nc",1469,0))',
    'LISTEN     0      128    0.0.0.0:84      0.0.0.0:*      users:(("nginx",pid=10,fd=0)) uid:4294967296',
    'ESTAB      0      0      10.0.0.1:65536  10.0.0.2:1',
    'ESTAB      0      0      010.0.0.1:22    10.0.0.2:1',
    'ESTAB      0      0      10.0.0.256:22   10.0.0.2:1',
    'ESTAB      0      0      10.0.0.1:022    10.0.0.2:1',
    'ESTAB      1234567890123456 0 10.0.0.1:22 10.0.0.2:1',
    'ESTAB      0      0      [::1]:22        [::1]:50000',
    'ESTAB      0      0      localhost:ssh   web-01:50000',
    'ESTAB      0      0      10.0.0.1:22     10.0.0.2:50003 users:(("caf\u00e9",pid=7,fd=3))',
    'ESTAB      0      0      10.0.0.1:22     10.0.0.2:50004\u00a0x',
    'ESTAB      0      0      10.0.0.1:22     10.0.0.2:50005 timer:(keepalive,119min,0)',
    '\t cubic wscale:7,7 rto:204',
    'CLOSE      0      0      10.0.0.1:22     10.0.0.2:50006',
    'WEIRD      0      0      10.0.0.1:22     10.0.0.2:50007',
    'garbage',
    '',
  ];
  const head = 'State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';
  const body: string[] = [];
  for (let k = 0; body.length < 60_000; k++) {
    body.push(`ESTAB      0      0      10.1.${(k >> 8) & 255}.${k & 255}:22     10.2.0.1:${1024 + (k % 60000)}`);
    if (k % 500 === 0) body.push(...tricky);
  }
  const text = head + body.join('\n') + '\nESTAB 0 0 10.0.0.1:22 10.0.0.';
  const whole = snapshotFromText('x', text, 1);
  for (const size of [65_536, 4_093, 100_003]) {
    const t = readBytes('x', text, size).finishCounts(1);
    assert.deepEqual(t.counts, countStates(whole), `chunks of ${size}`);
    assert.deepEqual(t.snapshot.problems.map((p) => [p.line, p.message]), whole.problems.map((p) => [p.line, p.message]), `chunks of ${size}`);
    assert.deepEqual(t.snapshot.sources[0].rows, whole.sources[0].rows);
  }
});
