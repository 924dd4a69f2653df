// The lifecycle suite (testing/lifecycle-suite.ts) against the bare Connection: the trace
// harness plays the peer's segments, checks every segment A sends, and A's state at each line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TcpState } from '../model/states.js';
import { caseEnd, LIFECYCLE_CASES, statesEntered, type LifecycleCase, type LifecycleStep } from './testing/lifecycle-suite.js';
import { Trace } from './testing/trace.js';

/** The trace harness takes packetdrill's seconds. */
const sec = (ms: number): number => ms / 1000;

function play(c: LifecycleCase): TcpState[] {
  const t = new Trace();
  let listening = false;
  const steps = c.steps;
  for (let i = 0; i < steps.length; i++) {
    const s: LifecycleStep = steps[i];
    if ('call' in s) {
      t.advance(sec(s.at));
      switch (s.call) {
        case 'connect': case 'connect-bound': t.connect(sec(s.at)); break;
        case 'listen': listening = true; break;
        case 'accept': break;
        case 'close': t.c.close(t.now); break;
        case 'linger-0': t.c.setOption({ linger: { onoff: true, seconds: 0 } }, t.now); break;
        case 'keepalive': t.c.setOption({ keepalive: true }, t.now); break;
      }
      t.drain();
    } else if ('in' in s) {
      if (!s.lost) t.send(sec(s.at), s.in);
    } else if ('out' in s) {
      // Every segment A sends at one instant is one recv(): "exactly these, then nothing".
      const texts = [s.out];
      while (i + 1 < steps.length && 'out' in steps[i + 1] && steps[i + 1].at === s.at) texts.push((steps[++i] as { out: string }).out);
      t.recv(sec(s.at), ...texts);
    } else if ('state' in s) {
      t.advance(sec(s.at));
      const now: TcpState = t.conn?.state ?? (listening ? 'LISTEN' : 'CLOSED');
      assert.equal(now, s.state, `${c.name}: at ${s.at} ms A is ${now}, not ${s.state}`);
    }
  }
  t.recvNothing(sec(caseEnd(c)));
  // The trace starts its state list with the connection's first state (CLOSED for connect()).
  return t.states.filter((x, k) => !(k === 0 && x === 'CLOSED'));
}

for (const c of LIFECYCLE_CASES) {
  test(`lifecycle, bare connection: ${c.name} — ${c.what}`, () => {
    assert.deepEqual(play(c), statesEntered(c));
  });
}
