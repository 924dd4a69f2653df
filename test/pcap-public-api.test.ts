// What `tcplens pcap` does, a TypeScript user can do through the pure barrel: read a real capture,
// get each connection's ending and draw one with the lab's renderer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tcplens from '../src/public/index.js';
import { ROOT } from './helpers/paths.js';

test('the loopback capture through the public API: endings, and a diagram drawn like sim', () => {
  const bytes = new Uint8Array(readFileSync(path.join(ROOT, 'test/fixtures/pcap/loopback-endings.pcap')));
  const { reports, totals } = tcplens.analyzeCapture(bytes);
  assert.equal(totals.format, 'pcap');
  assert.equal(reports.length, 7);
  assert.deepEqual(reports.map((r) => r.findings[0].id), ['active-close', 'active-close', 'rst', 'refused', 'close-wait-at-end', 'active-close', 'active-close']);
  const text = tcplens.renderExchange(tcplens.toExchange(reports[4]), { lang: 'en' });
  assert.match(text, /server never closed: CLOSE-WAIT at the end of the capture/);
  const reader = new tcplens.CaptureReader();
  assert.deepEqual(reader.push(new Uint8Array(32)), []);
  assert.throws(() => reader.end(), (e: unknown) => e instanceof tcplens.CaptureFileError && /^byte 0: not a pcap or pcapng capture/.test(e.message));
});
