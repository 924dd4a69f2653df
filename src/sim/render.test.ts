// The renderers on hand-made results: the diagram's columns, relative vs absolute numbers, a lost
// segment, a load table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeResult, LoadResult } from './scenario.js';
import { renderExchange } from './render-exchange.js';
import { renderLoad } from './render-load.js';

const handshake: ExchangeResult = {
  kind: 'exchange', scenario: 'handshake', hosts: [{ name: 'A', label: 'A client 10.0.0.1' }, { name: 'B', label: 'B server 10.0.0.2' }],
  steps: [
    { kind: 'call', at: 0, host: 'B', text: 'listen(3, 128)', result: '0', states: { A: '-', B: 'LISTEN' } },
    { kind: 'call', at: 0, host: 'A', text: 'connect(3, 10.0.0.2:80)', result: '-1 EINPROGRESS', states: { A: 'SYN-SENT', B: 'LISTEN' } },
    { kind: 'segment', at: 50, from: 'A', text: 'SYN seq=0', textAbsolute: 'SYN seq=1000', states: { A: 'SYN-SENT', B: 'SYN-RECEIVED' } },
    { kind: 'segment', at: 100, from: 'B', text: 'SYN+ACK seq=0 ack=1', textAbsolute: 'SYN+ACK seq=5000 ack=1001', states: { A: 'ESTABLISHED', B: 'SYN-RECEIVED' } },
    { kind: 'segment', at: 100, from: 'A', text: 'ACK ack=1', dropped: true, why: 'drop rule', states: { A: 'ESTABLISHED', B: 'SYN-RECEIVED' } },
    { kind: 'note', at: 100, text: { en: 'the final ACK is lost', zh: '最后的 ACK 丢失' } },
  ],
  timeline: [{ at: 0, host: 'A', from: 'CLOSED', to: 'SYN-SENT', cause: 'connect' }],
  conclusion: { en: 'B waits in SYN-RECEIVED', zh: 'B 停在 SYN-RECEIVED' },
};

test('diagram: arrows point the right way, states in their columns, lost segments marked', () => {
  const s = renderExchange(handshake, { lang: 'en' });
  const lines = s.split('\n');
  const syn = lines.find((l) => l.includes('SYN seq=0')) as string;
  assert.match(syn, /^\s+0\.050 s\s+--- SYN seq=0 -+>\s+SYN-RECEIVED$/);
  const synack = lines.find((l) => l.includes('SYN+ACK')) as string;
  assert.match(synack, /^\s+0\.100 s\s+ESTABLISHED\s+<-+ SYN\+ACK seq=0 ack=1 ---$/);
  assert.match(s, /--- ACK ack=1 ---X lost \(drop rule\)/);
  assert.match(s, /# the final ACK is lost/);
  assert.match(s, /0\.000 s\s+CLOSED -> SYN-SENT\s+connect\(\)/);
  assert.match(s, /Conclusion: B waits in SYN-RECEIVED/);
});

test('diagram: --absolute prints raw sequence numbers; zh translates the frame', () => {
  const s = renderExchange(handshake, { lang: 'zh', absolute: true });
  assert.match(s, /SYN\+ACK seq=5000 ack=1001/);
  assert.match(s, /结论: B 停在 SYN-RECEIVED/);
  assert.match(s, /状态时间线/);
});

test('load table: a column per state that ever held a connection, counters that moved', () => {
  const r: LoadResult = {
    kind: 'load', scenario: 'short-connections', params: { rate: 100 },
    samples: [
      { at: 1000, states: { client: { 'TIME-WAIT': 100, ESTABLISHED: 0 } }, connectErrors: {}, counters: { client: { 'TcpExt:TW': 0 } } },
      { at: 2000, states: { client: { 'TIME-WAIT': 200 } }, connectErrors: { EADDRNOTAVAIL: 3 }, counters: { client: { 'TcpExt:TW': 5 } } },
    ],
    totals: { connections: 200 }, conclusion: { en: 'TIME-WAIT grows', zh: 'TIME-WAIT 增长' },
  };
  const s = renderLoad(r, 'en');
  assert.match(s, /t \(s\)\s+TIME-WAIT\s+TW/);
  assert.doesNotMatch(s, /ESTABLISHED/);
  assert.match(s, /\n\s+2\s+200\s+5\n/);
  assert.match(s, /EADDRNOTAVAIL/);
  assert.match(s, /Conclusion: TIME-WAIT grows/);
});

test('--lang zh: every exchange scenario\'s timeline and timer rows give each cause in Chinese, never in English', async () => {
  const { EXCHANGE_SCENARIOS } = await import('./scenarios.js');
  const { CAUSE_WORDS } = await import('../core/transitions.js');
  for (const sc of EXCHANGE_SCENARIOS) {
    const r = sc.run({ settings: {}, params: {}, seed: 1, profile: 'linux' }) as ExchangeResult;
    const zh = renderExchange(r, { lang: 'zh' });
    const timeline = zh.slice(zh.indexOf('状态时间线'));
    for (const c of r.timeline) {
      const line = `${c.from} -> ${c.to}`.padEnd(30) + `  ${CAUSE_WORDS[c.cause].zh}`;
      assert.ok(timeline.includes(line), `${sc.name}: ${line}`);
    }
    const rows = [timeline.slice(0, timeline.indexOf('结论')), ...zh.split('\n').filter((l) => l.includes('[定时器]'))].join('\n');
    // Chinese words may quote a call (调用 connect()); only what is left once they are taken out counts.
    const rest = Object.values(CAUSE_WORDS).reduce((x, w) => x.split(w.zh).join(''), rows);
    for (const w of Object.values(CAUSE_WORDS)) assert.ok(!rest.includes(w.en), `${sc.name}: English "${w.en}" in the Chinese timeline or timer rows`);
    const en = renderExchange(r, { lang: 'en' });
    for (const c of r.timeline) assert.ok(en.includes(CAUSE_WORDS[c.cause].en), `${sc.name}: ${c.cause} in English`);
  }
});
