import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeResult } from './scenario.js';
import { findScenario } from './scenarios.js';
import { renderExchange } from './render-exchange.js';
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

test('several hosts: a column per host in text, SVG and Mermaid; a middlebox\'s column has no state', () => {
  const r = run('nat-tw-recycle');
  assert.deepEqual(r.hosts.map((h) => h.name), ['C1', 'C2', 'NAT', 'S']);
  const lines = renderExchange(r, { lang: 'en' }).split('\n');
  const col = (label: string): number => lines[0].indexOf(label);
  const cols = ['C1 client', 'C2 client', 'NAT 203.0.113.1', 'S server'].map(col);
  assert.ok(cols.every((c, i) => c > 0 && (i === 0 || c > cols[i - 1])), lines[0]);
  // Each state is written in its host's column.
  const synRcvd = lines.find((l) => l.endsWith('SYN-RECEIVED')) as string;
  assert.equal(synRcvd.indexOf('SYN-RECEIVED'), cols[3]);
  const c2Sent = lines.find((l) => l.includes('SYN-SENT') && l.indexOf('SYN-SENT') !== cols[0]) as string;
  assert.equal(c2Sent.indexOf('SYN-SENT'), cols[1]);
  // An arrow from C1 to the NAT starts right of C1's column and ends before the NAT's.
  const toNat = lines.find((l) => / --- SYN seq=0 -+>$/.test(l) && l.indexOf('---') < cols[1]) as string;
  assert.ok(toNat.endsWith('>') && toNat.length <= cols[2], toNat);
  assert.match(lines.find((l) => l.includes('lost')) as string, /---X lost \(tcp_tw_recycle: older timestamp from this address\)$/);
  assert.ok(!lines.some((l) => l.length > cols[2] && /^[\s\d.s]+$/.test(l.slice(0, cols[2])) && /^[A-Z]/.test(l.slice(cols[2]))), 'nothing written in the NAT\'s state column');
  const svg = renderSvg(r, { lang: 'en' });
  assert.equal((svg.match(/stroke-dasharray="4 3"/g) ?? []).length, 4);
  assert.equal((svg.match(/marker-end="url\(#arrow\)"/g) ?? []).length, r.steps.filter((s) => s.kind === 'segment' && !s.dropped).length);
  const m = renderMermaid(r, { lang: 'en' }).split('\n');
  assert.deepEqual(m.slice(1, 5), ['  participant H0 as C1 client 10.0.0.1', '  participant H1 as C2 client 10.0.0.2', '  participant H2 as NAT 203.0.113.1', '  participant H3 as S server 198.51.100.10']);
  assert.ok(m.includes('  H0->>H2: 0.050 s SYN seq=0'));
  assert.ok(m.some((l) => l.startsWith('  H2->>H3: ')));
  assert.ok(m.some((l) => l.startsWith('  H2-xH3: ')), 'the old server\'s drop is a cross');
  assert.ok(!m.some((l) => /^ {2}Note over H2: [A-Z-]+$/.test(l)), 'no state note over the NAT');
});
