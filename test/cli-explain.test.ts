// tcplens explain: every state in every spelling, --list, --json, --lang zh, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/run-cli.js';
import { TCP_STATES, TOOL_SPELLING } from '../src/model/states.js';
import { main } from '../src/cli/main.js';
import { TRANSITIONS } from '../src/diagnose/transitions.js';

/** Runs the CLI in-process (fast) for the many-spellings loop; runCli covers the real process. */
async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => '', env: { LANG: 'C' } });
  return { status, stdout, stderr };
}

test('explain TIME_WAIT (real process): ways in and out from core\'s table, 60 s, not tcp_fin_timeout', () => {
  const r = runCli(['explain', 'TIME_WAIT']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^TIME-WAIT\n/);
  assert.match(r.stdout, /FIN-WAIT-2 → TIME-WAIT +FIN received; sends ACK\n +· a FIN that comes with the ACK of ours passes through FIN-WAIT-2/);
  assert.doesNotMatch(r.stdout, /FIN-WAIT-1 → TIME-WAIT/);
  assert.match(r.stdout, /TIME-WAIT → CLOSED/);
  assert.match(r.stdout, /fixed 60 s on Linux/);
  assert.match(r.stdout, /tcp_fin_timeout does not change it/);
});

test('every state explains in every spelling: RFC, ss, netstat, lower-case, separators dropped', async () => {
  for (const st of TCP_STATES) {
    const spellings = new Set([st, st.toLowerCase(), st.replace(/-/g, '_'), TOOL_SPELLING.ss[st], TOOL_SPELLING.netstat[st], st.replace(/-/g, '')]);
    for (const sp of spellings) {
      const r = await inProcess(['explain', sp]);
      assert.equal(r.status, 0, `${sp}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`${st}\n`), `${sp} → ${r.stdout.slice(0, 20)}`);
    }
  }
});

test('FIN_WAIT2, "close wait", SYN_RCVD and ESTAB are understood', async () => {
  assert.match((await inProcess(['explain', 'FIN_WAIT2'])).stdout, /^FIN-WAIT-2\n/);
  assert.match((await inProcess(['explain', 'close', 'wait'])).stdout, /^CLOSE-WAIT\n[\s\S]*keepalive does not end it/);
  assert.match((await inProcess(['explain', 'SYN_RCVD'])).stdout, /^SYN-RECEIVED\n/);
  assert.match((await inProcess(['explain', 'ESTAB'])).stdout, /^ESTABLISHED\n/);
});

test('explain --list names all eleven states; --json gives the transitions', async () => {
  const l = await inProcess(['explain', '--list']);
  assert.equal(l.status, 0);
  for (const st of TCP_STATES) assert.match(l.stdout, new RegExp(`^${st} `, 'm'));
  const j = JSON.parse((await inProcess(['explain', 'close-wait', '--json'])).stdout);
  assert.equal(j.state, 'CLOSE-WAIT');
  assert.deepEqual(j.waysIn.map((t: { from: string }) => t.from), ['ESTABLISHED']);
  assert.deepEqual(j.waysOut.map((t: { to: string }) => t.to), ['LAST-ACK', 'CLOSED']);
  assert.deepEqual(j.waysIn[0].causes, ['fin-received']);
  assert.deepEqual(j.rules, ['close_wait_leak']);
});

test('explain --lang zh, and LANG=zh_CN.UTF-8 by default', () => {
  const a = runCli(['explain', 'CLOSE_WAIT', '--lang', 'zh']);
  assert.equal(a.status, 0);
  assert.match(a.stdout, /如何进入/);
  assert.match(a.stdout, /被动关闭/);
  const b = runCli(['explain', 'LISTEN'], { env: { LANG: 'zh_CN.UTF-8' } });
  assert.match(b.stdout, /含义/);
});

test('an unknown state or no state → exit 2 with a clear message, no stack trace', async () => {
  const r = runCli(['explain', 'WAITING_FOREVER']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'WAITING_FOREVER' is not a TCP state; known states: CLOSED, LISTEN/);
  assert.doesNotMatch(r.stderr, /at .*\.(ts|js):\d+/);
  const n = await inProcess(['explain']);
  assert.equal(n.status, 2);
  assert.match(n.stderr, /name a state/);
  assert.equal((await inProcess(['explain', 'TIME_WAIT', '--lang', 'fr'])).status, 2);
});

test('explain --mermaid draws the diagram from the transitions table; with a state only its edges', async () => {
  const all = await inProcess(['explain', '--mermaid']);
  assert.equal(all.status, 0);
  assert.match(all.stdout, /^stateDiagram-v2\n {4}\[\*\] --> CLOSED\n/);
  assert.match(all.stdout, /^ {4}ESTABLISHED --> CLOSE_WAIT: FIN received \/ ACK$/m);
  assert.equal(all.stdout.trim().split('\n').length, 2 + TRANSITIONS.length);
  const tw = await inProcess(['explain', 'time_wait', '--mermaid']);
  assert.deepEqual(tw.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(':')[0]),
    ['FIN_WAIT_2 --> TIME_WAIT', 'CLOSING --> TIME_WAIT', 'TIME_WAIT --> CLOSED']);
});
