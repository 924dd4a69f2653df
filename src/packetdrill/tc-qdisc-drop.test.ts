// `tc qdisc add dev tun0 root pfifo limit 0` (user-timeout-probe.pkt) is read as "every local
// transmit is dropped", `tc qdisc del|delete dev tun0 root` as "stop dropping"; no shell runs.
// The runner drops the host's segments on the wire: they show in the trace, no `>` line sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readShell } from './shell-settings.js';
import { parseScript } from './parse-script.js';
import { runScript } from './runner.js';
import { makeDefaultHost } from './default-host.js';

const none = (): undefined => undefined;

test('tc forms: add pfifo limit 0 → drop; del/delete root and add pfifo → no drop; others are notes', () => {
  assert.equal(readShell('tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0', none).dropOutbound, true);
  assert.equal(readShell('tc qdisc add dev tun0 root pfifo limit 0; tc qdisc del dev tun0 root', none).dropOutbound, false);
  assert.equal(readShell('tc qdisc add dev tun0 root pfifo', none).dropOutbound, false);
  const other = readShell('tc qdisc add dev tun0 root netem loss 100%', none);
  assert.equal(other.dropOutbound, undefined);
  assert.deepEqual(other.notes, ['ignored shell command: tc qdisc add dev tun0 root netem loss 100%']);
  const deeper = readShell('./d.sh', (p) => (p === './d.sh' ? 'tc qdisc add dev tun0 root pfifo limit 0\n' : undefined));
  assert.equal(deeper.dropOutbound, true);
});

const SCRIPT = `
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 1460>
   +0 > S. 0:0(0) ack 1 <mss 1460>
  +.1 < . 1:1(0) ack 1 win 65535
   +0 accept(3, ..., ...) = 4
   +0 \`tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0\`
   +0 write(4, ..., 10) = 10
   +1 \`tc qdisc del dev tun0 root\`
// The first transmission (0.1 s) and the probe0 retries (0.4 s, 0.9 s) were lost; the next retry (1.4 s) is the first seen.
    * > P. 1:11(10) ack 1
`;

test("while the qdisc drops, the host's segments never reach a > line; after del they do", () => {
  const parsed = parseScript(SCRIPT, 'tc.pkt');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const r = runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: none });
  assert.equal(r.outcome, 'pass', r.mismatch?.message);
  const out = r.trace.filter((t) => t.kind === 'out' && t.text.startsWith('> P.'));
  assert.ok(out.length >= 3);
  assert.ok(out.slice(0, -1).every((t) => t.text.endsWith('(dropped: tc qdisc pfifo limit 0)') && t.at < 1.1));
  assert.ok(out[out.length - 1].at > 1.1 && !out[out.length - 1].text.includes('dropped'));
  assert.ok(r.notes.some((n) => n.startsWith('line 10: tc qdisc delete dev tun0 root; tc qdisc add dev tun0 root pfifo limit 0: every outbound segment is dropped')));
  assert.ok(r.notes.includes('line 12: tc qdisc del dev tun0 root: outbound segments reach the wire again'));
});
