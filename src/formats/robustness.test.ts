// Damaged pastes never crash a parser: every fixture, cut and mangled in seeded ways, gives either a
// snapshot whose problems point at real lines, or the clean "no known format" error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../core/random.js';
import { snapshotFromText, UnknownFormatError } from './merge.js';
import { fixture, FORMATS_DIR } from '../../test/fixtures/formats/read-fixture.js';

function uniform(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.float();
}

const GARBAGE = ['', '\u0000\u0001', '((((', '[]', 'tcp', 'TCP    :', 'users:((', 'timer:(on,', '"', '  sl  local_address', '\t cwnd:', '-----', '='];

function mangle(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  switch (Math.floor(rnd() * 5)) {
    case 0: return text.slice(0, Math.floor(rnd() * text.length)); // cut anywhere
    case 1: { const i = Math.floor(rnd() * lines.length); lines.splice(i, 0, GARBAGE[Math.floor(rnd() * GARBAGE.length)]); return lines.join('\n'); }
    case 2: { const i = Math.floor(rnd() * lines.length); lines[i] = lines[i].slice(0, Math.floor(rnd() * lines[i].length)); return lines.join('\n'); }
    case 3: { const i = Math.floor(rnd() * text.length); return text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 20)); }
    default: return lines.map((l) => (rnd() < 0.1 ? l.split('').reverse().join('') : l)).join('\n');
  }
}

test('seeded damage to every fixture: no exception but UnknownFormatError, problems on real lines', () => {
  const rnd = uniform(20261122);
  let runs = 0;
  for (const dir of ['linux', 'windows', 'bsd', 'powershell', 'localized', 'capture-folder']) {
    for (const f of readdirSync(path.join(FORMATS_DIR, dir))) {
      const original = fixture(`${dir}/${f}`);
      for (let k = 0; k < 12; k++) {
        const text = mangle(original, rnd);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        runs++;
        try {
          const snap = snapshotFromText(f, text, 1);
          for (const p of snap.problems) {
            assert.ok(p.line >= 1 && p.line <= lineCount, `${dir}/${f}: problem on line ${p.line} of ${lineCount}`);
            assert.ok(p.message.length > 0 && (p.zh ?? '').length > 0, 'every problem in English and Chinese');
          }
          for (const s of snap.sockets) {
            assert.ok(s.localPort >= 0 && s.localPort <= 65535 && s.remotePort >= 0 && s.remotePort <= 65535, `${dir}/${f}: port`);
          }
        } catch (e) {
          assert.ok(e instanceof UnknownFormatError, `${dir}/${f} (mangled #${k}) threw ${(e as Error).stack}`);
        }
      }
    }
  }
  assert.ok(runs > 400);
});
