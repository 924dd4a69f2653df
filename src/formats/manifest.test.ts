import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from './manifest.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('a capture manifest gives the host and the moment it was taken', () => {
  const p = parseManifest('manifest.json', fixture('capture-folder/manifest.json'));
  assert.deepEqual(p.problems, []);
  assert.ok(p.hostname);
  assert.ok(Number.isFinite(p.takenAt));
});

test('a manifest nested far deeper than tcplens capture writes is refused before it is parsed', () => {
  const text = '{"tool": "tcplens capture", "host": "web-01", "x": ' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
  const p = parseManifest('manifest.json', text);
  assert.equal(p.hostname, undefined);
  assert.match(p.problems[0].message, /nested deeper than 32 levels/);
});
