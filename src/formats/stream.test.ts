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
