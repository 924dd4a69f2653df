// The lifecycle suite (src/core/testing/lifecycle-suite.ts) through the packetdrill runner: each
// case is written out as a packetdrill script (absolute times in seconds, the peer's segments as
// `<` lines, A's as `>` lines), parsed and played against the engine behind its host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseEnd, LIFECYCLE_CASES, stateAt, statesEntered, type LifecycleCase } from '../core/testing/lifecycle-suite.js';
import { makeDefaultHost } from './default-host.js';
import { parseScript } from './parse-script.js';
import { runScript } from './runner.js';

const SOCKET = 'socket(..., SOCK_STREAM, IPPROTO_TCP) = 3';

/** A case as a packetdrill script. The peer's own calls are not lines: its segments are. */
export function lifecycleScript(c: LifecycleCase): string {
  const lines: string[] = [];
  let fd = 3;
  const at = (ms: number): string => (ms / 1000).toFixed(3);
  for (const s of c.steps) {
    const t = at(s.at);
    if ('call' in s) {
      switch (s.call) {
        case 'connect':
        case 'connect-bound':
          lines.push(`${t} ${SOCKET}`, `${t} fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0`);
          if (s.call === 'connect-bound') lines.push(`${t} bind(3, ..., ...) = 0`);
          lines.push(`${t} connect(3, ..., ...) = -1 EINPROGRESS`);
          break;
        case 'listen':
          lines.push(`${t} ${SOCKET}`, `${t} setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0`, `${t} bind(3, ..., ...) = 0`, `${t} listen(3, 1) = 0`);
          break;
        case 'accept': lines.push(`${t} accept(3, ..., ...) = 4`); fd = 4; break;
        case 'close': lines.push(`${t} close(${fd}) = 0`); break;
        case 'linger-0': lines.push(`${t} setsockopt(${fd}, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0`); break;
        case 'keepalive': lines.push(`${t} setsockopt(${fd}, SOL_SOCKET, SO_KEEPALIVE, [1], 4) = 0`); break;
      }
    } else if ('in' in s) {
      if (!s.lost) lines.push(`${t} < ${s.in}`);
    } else if ('out' in s) {
      // A lost segment still leaves A; only the scripted peer never sees it. SYN options vary by host.
      lines.push(`${t} > ${s.out}${s.out.startsWith('S') ? ' <...>' : ''}`);
    }
  }
  // Run the clock to the case's last instant, so timers due by then fire.
  lines.push(`${at(caseEnd(c))} \`true\``);
  return lines.join('\n') + '\n';
}

for (const c of LIFECYCLE_CASES) {
  test(`lifecycle, packetdrill runner: ${c.name} — ${c.what}`, () => {
    const text = lifecycleScript(c);
    const parsed = parseScript(text, `${c.name}.pkt`);
    assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.error.message}\n${text}`);
    const r = runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: () => undefined });
    assert.equal(r.outcome, 'pass', `${r.mismatch?.message}\n${text}`);
    const timeline = r.timeline.map((x) => ({ at: x.at, to: x.to }));
    assert.deepEqual(timeline.map((x) => x.to), statesEntered(c), `${c.name}: the states A entered`);
    for (const s of c.steps) {
      if ('state' in s) assert.equal(stateAt(timeline, s.at), s.state, `${c.name}: A's state at ${s.at} ms`);
    }
  });
}
