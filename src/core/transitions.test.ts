import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSE_WORDS, LISTENER_TRANSITIONS, TRANSITIONS, isListedTransition, type CauseId } from './transitions.js';
import type { ConnectionEvent } from './tcb.js';
import type { Trace } from './testing/trace.js';
import { Trace as TraceClass } from './testing/trace.js';
import { Connection } from './connection.js';
import { closeWait, closing, established, establishedClient, finWait1, finWait2, lastAck, synReceived, timeWait } from './testing/fixtures.js';

/** The events a trace saw, once everything it holds is drained. */
function eventsOf(t: Trace): ConnectionEvent[] {
  t.drain();
  return t.events;
}

/** A call on the connection at the trace's current time. */
function call(t: Trace, fn: (now: number) => unknown): Trace {
  fn(t.now);
  t.drain();
  return t;
}

/** One short run per way in and out, and per cause; each returns the events it saw. */
const RUNS: Array<[string, () => ConnectionEvent[]]> = [
  ['client handshake', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'S. 0:0(0) ack 1 win 65535 <mss 1460>'); return eventsOf(t); }],
  ['simultaneous open then close', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'S 0:0(0) win 65535 <mss 1460>'); t.advance(0.02); t.c.close(t.now); return eventsOf(t); }],
  ['refused', () => { const t = new TraceClass(); t.connect(0); t.send(0.01, 'R. 0:0(0) ack 1 win 0'); return eventsOf(t); }],
  ['SYN retries run out', () => { const t = new TraceClass({ tcp_syn_retries: 1, tcp_syn_linear_timeouts: 0 }); t.connect(0); t.advance(100); return eventsOf(t); }],
  ['TCP_USER_TIMEOUT in the handshake', () => { const t = new TraceClass({}, { userTimeoutMs: 2500 }); t.connect(0); t.advance(10); return eventsOf(t); }],
  ['SYN-RECEIVED reset', () => { const t = synReceived(); t.send(0.01, 'R 1:1(0) win 0'); return eventsOf(t); }],
  ['SYN in the window in SYN-RECEIVED', () => { const t = synReceived(); t.send(0.01, 'S 5:5(0) win 257'); return eventsOf(t); }],
  ['SYN-ACK retries run out', () => { const t = synReceived({ tcp_synack_retries: 1 }); t.advance(100); return eventsOf(t); }],
  ['SYN cookie ACK', () => {
    const t = new TraceClass();
    const c = Connection.fromCookie(t.params(), t.inbound('. 1:1(0) ack 1 win 257'), { mss: 1000 }, 0);
    const out: ConnectionEvent[] = [];
    for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
    return out;
  }],
  ['server handshake', () => eventsOf(established())],
  ['active close to TIME-WAIT and out', () => { const t = timeWait(); t.advance(61); return eventsOf(t); }],
  ['simultaneous close', () => { const t = closing(); t.send(0.04, '. 2:2(0) ack 2 win 257'); return eventsOf(t); }],
  ['CLOSING reset', () => { const t = closing(); t.send(0.04, 'R. 2:2(0) ack 1 win 257'); return eventsOf(t); }],
  ['FIN-WAIT-1 reset', () => { const t = finWait1(); t.send(0.04, 'R. 1:1(0) ack 1 win 257'); return eventsOf(t); }],
  ['orphan retries run out in FIN-WAIT-1', () => { const t = finWait1(); t.advance(300); return eventsOf(t); }],
  ['data after close() in FIN-WAIT-1', () => { const t = finWait1(); t.send(0.03, 'P. 1:11(10) ack 1 win 257'); return eventsOf(t); }],
  ['FIN-WAIT-2 timeout', () => { const t = finWait2(); t.advance(61); return eventsOf(t); }],
  ['data after close() in FIN-WAIT-2', () => { const t = finWait2(); t.send(0.04, 'P. 1:11(10) ack 2 win 257'); return eventsOf(t); }],
  ['TCP_LINGER2 < 0 when our FIN is ACKed', () => { const t = finWait1({}, { linger2: -1 }); t.send(0.03, '. 1:1(0) ack 2 win 257'); return eventsOf(t); }],
  ['passive close', () => { const t = lastAck(); t.send(0.04, '. 2:2(0) ack 2 win 257'); return eventsOf(t); }],
  ['CLOSE-WAIT reset', () => { const t = closeWait(); t.send(0.04, 'R. 2:2(0) ack 1 win 257'); return eventsOf(t); }],
  ['ESTABLISHED reset', () => { const t = established(); t.send(0.04, 'R. 1:1(0) ack 1 win 257'); return eventsOf(t); }],
  ['shutdown(SHUT_WR)', () => { const t = established(); t.advance(0.02); return eventsOf(call(t, (now) => t.c.shutdown('SHUT_WR', now))); }],
  ['close() with unread data', () => { const t = established(); t.send(0.02, 'P. 1:11(10) ack 1 win 257'); return eventsOf(call(t, (now) => t.c.close(now))); }],
  ['close() with SO_LINGER {on, 0}', () => { const t = established({}, { linger: { onoff: true, seconds: 0 } }); t.advance(0.02); return eventsOf(call(t, (now) => t.c.close(now))); }],
  ['abort', () => { const t = established(); t.advance(0.02); return eventsOf(call(t, (now) => t.c.abort(now))); }],
  ['retransmissions run out (tcp_retries2)', () => {
    const t = established({ tcp_retries2: 2 });
    t.advance(0.02);
    call(t, (now) => t.c.send(new Uint8Array(10), now));
    t.advance(100);
    return eventsOf(t);
  }],
  ['TCP_USER_TIMEOUT with data in flight', () => {
    const t = established({}, { userTimeoutMs: 1000 });
    t.advance(0.02);
    call(t, (now) => t.c.send(new Uint8Array(10), now));
    t.advance(10);
    return eventsOf(t);
  }],
  ['zero-window probes unanswered', () => {
    const t = establishedClient({ tcp_retries2: 2 });
    t.send(0.02, '. 1:1(0) ack 1 win 0');
    t.advance(0.03);
    call(t, (now) => t.c.send(new Uint8Array(100), now));
    t.advance(1000);
    return eventsOf(t);
  }],
  ['local transmits keep failing', () => {
    const t = established({ tcp_retries2: 3 });
    t.c.setTransmitFilter(() => false);
    t.advance(1);
    call(t, (now) => t.c.send(new Uint8Array(10), now));
    t.advance(10);
    return eventsOf(t);
  }],
  ['keepalive probes unanswered', () => {
    const t = established();
    call(t, (now) => t.c.setOption({ keepalive: true, keepidle: 2, keepintvl: 1, keepcnt: 2 }, now));
    t.advance(10);
    return eventsOf(t);
  }],
  ['a SYN of a new incarnation in TIME-WAIT', () => { const t = timeWait(); t.send(0.05, 'S 1000:1000(0) win 257'); return eventsOf(t); }],
];

test('every state change the engine makes is a row of TRANSITIONS; every from → to is reached and every cause produced', () => {
  const pairs = new Set<string>();
  const causes = new Set<CauseId>();
  for (const [name, run] of RUNS) {
    for (const e of run()) {
      if (e.type !== 'state') continue;
      assert.ok(isListedTransition(e.from, e.to, e.cause), `${name}: ${e.from} → ${e.to} (${e.cause}) is not in TRANSITIONS`);
      pairs.add(`${e.from}>${e.to}`);
      causes.add(e.cause);
    }
  }
  const missingPairs = [...new Set(TRANSITIONS.map((r) => `${r.from} → ${r.to}`))].filter((p) => !pairs.has(p.replace(' → ', '>')));
  assert.deepEqual(missingPairs, [], 'from → to pairs no run reaches');
  const missingCauses = [...new Set(TRANSITIONS.map((r) => r.cause))].filter((c) => !causes.has(c));
  assert.deepEqual(missingCauses, [], 'causes no run produces');
});

test('every cause has words in English and Chinese, and the Chinese is not the English', () => {
  for (const r of [...TRANSITIONS, ...LISTENER_TRANSITIONS]) {
    const w = CAUSE_WORDS[r.cause];
    assert.ok(w.en.length > 0 && w.zh.length > 0, r.cause);
    assert.notEqual(w.zh, w.en, `${r.cause}: no Chinese`);
  }
  assert.deepEqual(Object.keys(CAUSE_WORDS).sort(), [...new Set([...TRANSITIONS, ...LISTENER_TRANSITIONS].map((r) => r.cause))].sort());
});

test('one row per (from, to, cause)', () => {
  const keys = [...TRANSITIONS, ...LISTENER_TRANSITIONS].map((r) => `${r.from} → ${r.to} | ${r.cause}`);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
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
