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
import { EXCHANGE_SCENARIOS, NETWORK_SCENARIOS } from '../scenarios.js';
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

test('every several-host scenario read back from its pcapng: per connection, the sender of each packet shows its state of that very connection, the receiver one it was in', () => {
  // Captured where each packet left, a hop or two from its receiver: a segment tells about its
  // sender at once and about its receiver only once the receiver answers, so the receiver's state
  // may lag behind — but it is always one that host's connection was in.
  assert.equal(NETWORK_SCENARIOS.length, 4);
  for (const s of NETWORK_SCENARIOS) {
    const wire: WirePacket[] = [];
    // Each host's states per connection (by local>remote address and port) up to each packet.
    const history = new Map<string, string[]>();
    const atPacket: Array<Map<string, string[]>> = [];
    const result = s.run({
      settings: {}, params: {}, seed: 1, profile: 'linux',
      onState: (_host, c) => {
        if (c.remote.port === 0) return;
        const k = `${c.local.addr}:${c.local.port}>${c.remote.addr}:${c.remote.port}`;
        history.set(k, [...(history.get(k) ?? [c.from]), c.to]);
      },
      onWire: (p) => { wire.push(p); atPacket.push(new Map(history)); },
    }) as ExchangeResult;
    const bytes = exchangePcapng(wire, result.hosts);
    const { reports, totals } = analyzeCapture(bytes);
    assert.equal(totals.problemCount, 0, s.name);
    assert.equal(reports.reduce((n, r) => n + (r.observer?.rows?.length ?? 0), 0), wire.length, `${s.name}: one row per packet`);
    const seen = new Set<string>();
    for (const r of reports) {
      const ends = [`${r.client.addr}:${r.client.port}>${r.server.addr}:${r.server.port}`, `${r.server.addr}:${r.server.port}>${r.client.addr}:${r.client.port}`];
      let compared = 0;
      for (const row of r.observer?.rows ?? []) {
        const sim = atPacket[row.index - 1];
        ends.forEach((k, side) => {
          const states = sim.get(k);
          if (states === undefined || row.states[side] === '?') return;
          const where = `${s.name}, connection ${r.index} (${k}), packet ${row.index}`;
          if (side === row.from) assert.equal(row.states[side], states[states.length - 1], `${where}: the sender's state`);
          else assert.ok(states.includes(row.states[side]), `${where}: the receiver shown in ${row.states[side]}, never among ${states.join(', ')}`);
          compared++;
          seen.add(k);
        });
      }
      assert.ok(compared > 0, `${s.name}: connection ${r.index} has an end on a simulated host`);
      for (const e of r.timeline) {
        const listed = isListedTransition(e.from, e.to, e.cause) || LISTENER_TRANSITIONS.some((l) => l.from === e.from && l.to === e.to);
        assert.ok(listed || (e.from === 'LISTEN' && e.cause === 'syn-received'), `${s.name}: ${e.from} -> ${e.to} (${e.cause}) is not in the engine's table`);
      }
    }
    assert.deepEqual([...history.keys()].filter((k) => !seen.has(k)), [], `${s.name}: every connection of every host was followed in the capture`);
  }
});
