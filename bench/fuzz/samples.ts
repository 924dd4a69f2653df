// The real samples the fuzzer starts from: every capture under test/fixtures/formats/, each with
// the format the detector gives it (its family). The cp850 and GBK captures are read byte for byte
// (Latin-1), as a paste decoded in the wrong code page reaches the parsers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectFormat } from '../../src/formats/detect.js';
import { FORMATS_DIR } from '../../test/fixtures/formats/read-fixture.js';
import type { Sample } from './harness.js';

export function loadSamples(dir = FORMATS_DIR): Sample[] {
  const out: Sample[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (/\.(md|ts|mjs|js)$/.test(f)) continue;
      const name = path.relative(dir, p);
      const bytes = readFileSync(p);
      for (const [suffix, text] of [['', bytes.toString('utf8')], ['#latin1', bytes.toString('latin1')]] as const) {
        if (suffix && bytes.every((b) => b < 0x80)) continue;
        out.push({ name: name + suffix, text, family: detectFormat(text)?.format ?? 'unknown' });
      }
    }
  };
  walk(dir);
  return out;
}
