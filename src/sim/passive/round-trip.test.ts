// The lab's exchanges written as pcapng (`sim --pcap`) and read back as a capture: the states the
// observer infers from the segments alone are the states the simulation had, packet by packet (the
// writer puts them in each packet's comment); every change the observer records is a row of the
// engine's table; and the endings are the ones each scenario is about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isListedTransition, LISTENER_TRANSITIONS } from '../../core/transitions.js';
import { CaptureReader } from '../../pcap/capture-reader.js';
import { exchangePcapng } from '../pcap-export.js';
import type { ExchangeResult, WirePacket } from '../scenario.js';
import { EXCHANGE_SCENARIOS } from '../scenarios.js';
import { analyzeCapture } from './capture-stream.js';

/** What a capture cannot show: the server never answers, so its LISTEN is invisible ('?'). */
const UNKNOWABLE: Record<string, string> = { 'syn-retries-timeout': 'B' };

const ENDINGS: Record<string, RegExp> = {
  'active-close': /^client active closer → TIME-WAIT$/,
  'passive-close': /^server active closer → TIME-WAIT$/,
  'simultaneous-close': /^both ends closed at once/,
  'lost-last-ack': /^client active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/,
  'linger-zero': /^RST from the client after SO_LINGER 0 or unread data/,
  'close-with-unread-data': /^RST from the client after SO_LINGER 0 or unread data/,
  'close-wait-leak': /^server never closed: CLOSE-WAIT at the end of the capture/,
  'keepalive-dead-peer': /^RST from the client after 9 unanswered keepalive probes.*; 9 keepalive probe\(s\) from the client$/,
  'syn-to-closed-port': /^SYN answered by RST: nothing listens on 10\.0\.0\.2 port 81/,
  'syn-retries-timeout': /^SYN never answered/,
  'time-wait-new-syn': /^server active closer → TIME-WAIT, ended by the SYN of a new connection/,
  'wandering-duplicate': /^client active closer → TIME-WAIT, ended by an RST/,
};

function roundTrip(name: string, params: Record<string, string> = {}, seed = 1): { rows: number; endings: string[] } {
  const scenario = EXCHANGE_SCENARIOS.find((s) => s.name === name);
  assert.ok(scenario);
  const wire: WirePacket[] = [];
  const result = scenario.run({ settings: {}, params, seed, profile: 'linux', onWire: (p) => wire.push(p) }) as ExchangeResult;
  const [a, b] = result.hosts.map((h) => h.name);
  const bytes = exchangePcapng(wire, result.hosts);
  const comments = new CaptureReader().push(bytes).map((f) => f.comment);
  const { reports, totals } = analyzeCapture(bytes);
  assert.equal(totals.problemCount, 0);
  const rows = reports.flatMap((r) => r.observer?.rows ?? []).sort((x, y) => x.index - y.index);
  assert.equal(rows.length, wire.length, `${name}: one row per packet`);
  for (const row of rows) {
    const got = `tcplens: ${a} ${row.states[0]}, ${b} ${row.states[1]}`;
    const want = comments[row.index - 1] as string;
    const unknown = UNKNOWABLE[name];
    if (unknown && got === want.replace(new RegExp(`${unknown} [A-Z12-]+$`), `${unknown} ?`)) continue;
    assert.equal(got, want, `${name} ${JSON.stringify(params)} seed ${seed}, packet ${row.index}`);
  }
  for (const r of reports) {
    for (const e of r.timeline) {
      const listed = isListedTransition(e.from, e.to, e.cause) || LISTENER_TRANSITIONS.some((l) => l.from === e.from && l.to === e.to);
      assert.ok(listed || (e.from === 'LISTEN' && e.cause === 'syn-received'), `${name}: ${e.from} -> ${e.to} (${e.cause}) is not in the engine's table`);
    }
  }
  return { rows: rows.length, endings: reports.map((r) => r.findings.map((f) => f.text.en).join('; ')) };
}

test('every two-host exchange scenario read back from its pcapng: the simulation\'s states, packet by packet', () => {
  const twoHosts = EXCHANGE_SCENARIOS.filter((s) => s.kind === 'exchange');
  assert.ok(twoHosts.length >= 16);
  for (const s of twoHosts) {
    const { endings } = roundTrip(s.name);
    const want = ENDINGS[s.name];
    if (want) assert.match(endings[0], want, s.name);
  }
});

test('segments dropped on the link still show where the capture was taken: the states follow the simulation', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['active-close', 'A:1', /^client active closer → TIME-WAIT; 1 retransmission\(s\) from the client$/],
    ['active-close', 'B:1', /^client active closer → TIME-WAIT; 1 retransmission\(s\) from the client; 2 retransmission\(s\) from the server$/],
    ['active-close', 'A:3', /^client active closer → TIME-WAIT; client's FIN sent 2 times: the FIN or its ACK was lost$/],
    ['active-close', 'A:4', /^client active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/],
    ['active-close', 'B:2', /^client active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/],
    ['passive-close', 'B:2', /^server active closer → TIME-WAIT; server's FIN sent 2 times/],
    ['passive-close', 'A:3', /^server active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/],
    ['simultaneous-close', 'A:3', /^both ends closed at once.*; client's FIN sent 2 times/],
    ['linger-zero', 'A:3', /^RST from the client after SO_LINGER 0 or unread data/],
    ['close-with-unread-data', 'B:2', /^RST from the client after SO_LINGER 0 or unread data.*; 1 retransmission\(s\) from the server$/],
  ];
  for (const [name, drop, ending] of cases) assert.match(roundTrip(name, { drop }).endings[0], ending, `${name} drop=${drop}`);
});
