import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeResult } from './scenario.js';
import { findScenario } from './scenarios.js';
import { renderMermaid } from './render-mermaid.js';
import { renderSvg } from './render-svg.js';

function run(name: string): ExchangeResult {
  const r = findScenario(name)?.run({ settings: {}, params: {}, seed: 1, profile: 'linux' });
  assert.ok(r && r.kind === 'exchange');
  return r;
}

test('SVG: a lifeline per host, an arrow per delivered segment, a cross per lost one, each state change once', () => {
  const r = run('lost-last-ack');
  const svg = renderSvg(r, { lang: 'en' });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.match(svg, /<\/svg>\n$/);
  const segments = r.steps.filter((s) => s.kind === 'segment');
  assert.equal((svg.match(/marker-end="url\(#arrow\)"/g) ?? []).length, segments.filter((s) => !s.dropped).length);
  assert.equal((svg.match(/>✕</g) ?? []).length, segments.filter((s) => s.dropped).length);
  assert.equal((svg.match(/stroke-dasharray="4 3"/g) ?? []).length, 2);
  assert.equal((svg.match(/>TIME-WAIT</g) ?? []).length, 1);
  assert.match(svg, />FIN\+ACK seq=1 ack=2</);
  assert.doesNotMatch(svg, /<[^>]*[<&][^>]*>/, 'text escaped');
  assert.match(renderSvg(r, { lang: 'zh' }), /结论: /);
});

test('Mermaid: participants, an arrow per segment (-x when lost), state notes, the conclusion over all', () => {
  const m = renderMermaid(run('lost-last-ack'), { lang: 'en' });
  const lines = m.trim().split('\n');
  assert.equal(lines[0], 'sequenceDiagram');
  assert.equal(lines[1], '  participant H0 as A client 10.0.0.1');
  assert.ok(lines.includes('  H0->>H1: 0.050 s SYN seq=0'));
  assert.ok(lines.some((l) => /^ {2}H0-xH1: .* ACK ack=2 \(lost\)$/.test(l)), m);
  assert.ok(lines.includes('  Note over H0: TIME-WAIT'));
  assert.match(lines[lines.length - 1], /^ {2}Note over H0,H1: /);
  assert.doesNotMatch(m, /: [^\n]*;/, 'no raw semicolon in a message');
});
