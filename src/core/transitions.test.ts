import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSITIONS, isListedTransition } from './transitions.js';
import type { Trace } from './testing/trace.js';
import { Trace as TraceClass } from './testing/trace.js';
import { closeWait, closing, established, finWait1, finWait2, lastAck, synReceived, timeWait } from './testing/fixtures.js';

/** One short run per way in and out; each returns the trace whose history is checked. */
const RUNS: Array<[string, () => Trace]> = [
  ['client handshake', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'S. 0:0(0) ack 1 win 65535 <mss 1460>'); return t; }],
  ['simultaneous open then close', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'S 0:0(0) win 65535 <mss 1460>'); t.advance(0.02); t.c.close(t.now); return t; }],
  ['refused', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'R. 0:0(0) ack 1 win 0'); return t; }],
  ['SYN-RECEIVED reset', () => { const t = synReceived(); t.send(0.01, 'R 1:1(0) win 0'); return t; }],
  ['server handshake', () => established()],
  ['active close to TIME-WAIT and out', () => { const t = timeWait(); t.advance(61); return t; }],
  ['simultaneous close', () => { const t = closing(); t.send(0.04, '. 2:2(0) ack 2 win 257'); return t; }],
  ['CLOSING reset', () => { const t = closing(); t.send(0.04, 'R. 2:2(0) ack 1 win 257'); return t; }],
  ['FIN-WAIT-1 reset', () => { const t = finWait1(); t.send(0.04, 'R. 1:1(0) ack 1 win 257'); return t; }],
  ['FIN-WAIT-2 timeout', () => { const t = finWait2(); t.advance(61); return t; }],
  ['passive close', () => { const t = lastAck(); t.send(0.04, '. 2:2(0) ack 2 win 257'); return t; }],
  ['CLOSE-WAIT reset', () => { const t = closeWait(); t.send(0.04, 'R. 2:2(0) ack 1 win 257'); return t; }],
  ['ESTABLISHED reset', () => { const t = established(); t.send(0.04, 'R. 1:1(0) ack 1 win 257'); return t; }],
];

test('every state change the engine makes is a row of TRANSITIONS, and every row is reached', () => {
  const seen = new Set<string>();
  for (const [name, run] of RUNS) {
    const t = run();
    t.drain();
    for (const e of t.events) {
      if (e.type !== 'state') continue;
      assert.ok(isListedTransition(e.from, e.to), `${name}: ${e.from} → ${e.to} (${e.reason}) is not in TRANSITIONS`);
      seen.add(`${e.from}>${e.to}`);
    }
  }
  const missing = TRANSITIONS.filter((r) => !seen.has(`${r.from}>${r.to}`)).map((r) => `${r.from} → ${r.to}`);
  assert.deepEqual(missing, []);
});

test('src/core/README.md shows the TRANSITIONS table exactly as transitionsMarkdown() draws it', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { transitionsMarkdown } = await import('./transitions.js');
  // The README sits beside the source; from dist/ fall back to the source tree.
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [`${here}README.md`, `${here}../../../src/core/README.md`, `${process.cwd()}/src/core/README.md`];
  const text = candidates.map((p) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } }).find((s) => s.length > 0) ?? '';
  assert.ok(text.includes(transitionsMarkdown()), 'regenerate the table in src/core/README.md from transitionsMarkdown()');
});
