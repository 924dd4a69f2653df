// Exact mode on the real kernel: state changes read from sock:inet_sock_set_state through a private
// tracefs instance, for sockets in a namespace of our own; the instance gone after close(), SIGTERM,
// SIGINT, SIGHUP, and after a SIGKILL once the next run has started.
//
// tracefs: see test/helpers/tracefs.ts (mounted on a temporary directory for the run where it is not).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStateTrace, type StateTrace, type TransitionEvent } from '../src/node/trace/index.js';
import { edgeKey } from '../src/formats/trace-sock-state.js';
import { TestNetns, waitUntil } from './helpers/netns.js';
import { tracefsSkipReason, unmountTracefs } from './helpers/tracefs.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';

const skip = tracefsSkipReason();

async function open(opts: Parameters<typeof openStateTrace>[0] = {}): Promise<StateTrace> {
  const t = await openStateTrace(opts);
  if (!t.available) throw new Error(t.text.en);
  return t;
}

// A distinctive address per run, so another test's namespace on this host never shares it.
const octet = (n: number): number => 1 + (n % 253);
const V4 = `198.18.${octet(process.pid)}.${octet(Date.now())}`;
const V6 = `fd00:7c1e:${octet(process.pid).toString(16)}::${octet(Date.now()).toString(16)}`;

// One listener, a connection whose client closes first, one whose server closes first, the listener
// closed. Each close waits for the other side to have seen the FIN, so neither FIN crosses another
// (a simultaneous close would go through CLOSING instead).
const EXCHANGE = `
import socket, sys, time
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(fam); s.bind((addr, port)); s.listen()
def pair():
    c = socket.socket(fam); c.bind((addr, 0)); c.connect((addr, port)); a, _ = s.accept(); return c, a
c, a = pair()
c.close(); time.sleep(0.1); assert a.recv(1) == b''; a.close(); time.sleep(0.1)
c, a = pair()
a.close(); time.sleep(0.1); assert c.recv(1) == b''; c.close(); time.sleep(0.1)
s.close()
print('done')
`;

// What Linux 6.x reports for that exchange, per edge. No TIME-WAIT: the side closing first reports
// FIN-WAIT-2 → CLOSED when its socket is swapped for a timewait minisocket. No request socket: the
// passive side's child socket reports LISTEN → SYN-RECEIVED → ESTABLISHED as the handshake completes.
const EXPECTED: Record<string, number> = {
  'CLOSED → LISTEN': 1,
  'LISTEN → CLOSED': 1,
  'CLOSED → SYN-SENT': 2,
  'SYN-SENT → ESTABLISHED': 2,
  'LISTEN → SYN-RECEIVED': 2,
  'SYN-RECEIVED → ESTABLISHED': 2,
  'ESTABLISHED → FIN-WAIT-1': 2,
  'FIN-WAIT-1 → FIN-WAIT-2': 2,
  'FIN-WAIT-2 → CLOSED': 2,
  'ESTABLISHED → CLOSE-WAIT': 2,
  'CLOSE-WAIT → LAST-ACK': 2,
  'LAST-ACK → CLOSED': 2,
};
const TOTAL = Object.values(EXPECTED).reduce((a, b) => a + b, 0);

function perEdge(events: TransitionEvent[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const e of events) m[edgeKey(e.from, e.to)] = (m[edgeKey(e.from, e.to)] ?? 0) + 1;
  return m;
}

describe('exact mode: a scripted exchange in a namespace', { skip }, () => {
  let ns: TestNetns;
  before(() => {
    ns = TestNetns.create();
    for (const a of [['-4', `${V4}/32`], ['-6', `${V6}/128`, 'nodad']]) {
      const r = spawnSync('ip', ['-n', ns.name, a[0], 'addr', 'add', ...a.slice(1), 'dev', 'lo'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });
  after(async () => { await ns.destroy(); });

  for (const [family, addr] of [['ipv4', V4], ['ipv6', V6]] as const) {
    test(`${family}: connect, close from each side: exactly its transitions per edge, at the times they happened`, async () => {
      const seen: TransitionEvent[] = [];
      const t = await open({ netns: ns.name, onEvent: (e) => seen.push(e), pollMs: 20 });
      try {
        const start = Date.now();
        const r = ns.exec(['python3', '-c', EXCHANGE, addr, '4711']);
        const end = Date.now();
        assert.equal(r.status, 0, r.stderr);
        await waitUntil(`${TOTAL} transitions`, () => (t.stats().events >= TOTAL ? true : undefined), 10_000, 20);
        await new Promise((res) => setTimeout(res, 300)); // and nothing more
        const events = t.drain();
        assert.deepEqual(perEdge(events), EXPECTED);
        assert.deepEqual(Object.fromEntries(t.edgeCounts().map((e) => [edgeKey(e.from, e.to), e.count])), EXPECTED);
        assert.deepEqual(seen, events, 'onEvent saw each event as drain() returns it');
        assert.deepEqual(t.drain(), []);
        assert.equal(t.stats().lost, 0);
        for (const e of events) {
          assert.equal(e.family, family);
          // The kernel's timestamps, on the wall clock: inside the run (1 ms slack for rounding).
          assert.ok(e.time >= start - 1 && e.time <= end + 1, `${e.time} outside [${start}, ${end}]`);
        }
        for (let i = 1; i < events.length; i++) assert.ok(events[i].monotonic >= events[i - 1].monotonic);
        // Every connection's sockets carry the namespace's address and the server's port.
        for (const e of events) assert.ok(e.saddr === addr && (e.sport === 4711 || e.dport === 4711 || e.sport === 0));
        const listener = events.filter((e) => e.to === 'LISTEN' || e.from === 'LISTEN' && e.to === 'CLOSED');
        assert.deepEqual(listener.map((e) => [e.sport, e.dport]), [[4711, 0], [4711, 0]]);
      } finally {
        await t.close();
      }
      assert.equal(existsSync(t.instance), false, 'the instance is removed by close()');
    });
  }

  test('without the namespace filter the same sockets are seen, among everything else on the host', async () => {
    const t = await open({ pollMs: 20 });
    try {
      const r = ns.exec(['python3', '-c', EXCHANGE, V4, '4712']);
      assert.equal(r.status, 0, r.stderr);
      const ours: TransitionEvent[] = [];
      const take = (): void => { ours.push(...t.drain().filter((e) => e.saddr === V4)); };
      await waitUntil('the exchange', () => { take(); return ours.length >= TOTAL ? true : undefined; }, 10_000, 20);
      await new Promise((res) => setTimeout(res, 300));
      take();
      assert.deepEqual(perEdge(ours), EXPECTED);
      assert.equal(t.stats().otherNamespaces, 0);
    } finally {
      await t.close();
    }
  });
});

/** A node process that opens a trace, says where its instance is, and waits. */
function traceChild(extra = ''): { child: ChildProcess; ready: Promise<{ instance: string }>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; out: () => string } {
  const mod = pathToFileURL(path.join(FROM_SOURCE ? ROOT : path.join(ROOT, 'dist'), `src/node/trace/index.${FROM_SOURCE ? 'ts' : 'js'}`)).href;
  const script = `
import { openStateTrace } from '${mod}';
${extra}
const t = await openStateTrace();
if (!t.available) { console.log(JSON.stringify({ unavailable: t.text.en })); process.exit(3); }
console.log(JSON.stringify({ instance: t.instance }));
setTimeout(() => process.exit(0), 30000);
`;
  const child = spawn(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const ready = waitUntil('the child to open its trace', () => {
    const m = /^\{"instance":.*\}$/m.exec(out);
    if (m) return JSON.parse(m[0]) as { instance: string };
    if (child.exitCode !== null) throw new Error(`trace child exited: ${out}`);
    return undefined;
  }, 15_000, 20);
  return { child, ready, exit, out: () => out };
}

describe('exact mode: the tracefs instance does not outlive its process', { skip }, () => {
  after(unmountTracefs);

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    test(`${sig}: removed, and the process dies of the signal as it would have without the trace`, async () => {
      const c = traceChild();
      const { instance } = await c.ready;
      assert.ok(existsSync(instance));
      c.child.kill(sig);
      assert.deepEqual(await c.exit, { code: null, signal: sig });
      assert.equal(existsSync(instance), false);
    });
  }

  test('SIGTERM with a handler of the program\'s own: removed, and the program decides how to exit', async () => {
    const c = traceChild(`process.on('SIGTERM', () => { console.log(JSON.stringify({ own: true })); setTimeout(() => process.exit(7), 50); });`);
    const { instance } = await c.ready;
    c.child.kill('SIGTERM');
    assert.deepEqual(await c.exit, { code: 7, signal: null });
    assert.match(c.out(), /"own":true/);
    assert.equal(existsSync(instance), false);
  });

  test('SIGKILL: left behind (nothing can run), removed once the next run has started', async () => {
    const first = traceChild();
    const { instance: stale } = await first.ready;
    first.child.kill('SIGKILL');
    await first.exit;
    assert.equal(existsSync(stale), true, 'a SIGKILLed process cannot clean up');
    const next = await open();
    try {
      assert.equal(existsSync(stale), false, 'the next run removed the instance of the dead process');
      assert.equal(existsSync(next.instance), true);
    } finally {
      await next.close();
    }
    assert.equal(existsSync(next.instance), false);
  });

  test('cannot trace: a typed answer with one line in English and Chinese, never a throw', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tlt-notrace-'));
    try {
      const t = await openStateTrace({ tracefsRoot: empty });
      assert.equal(t.available, false);
      assert.ok(!t.available);
      assert.equal(t.reason, 'no-tracepoint');
      assert.match(t.text.en, /polling instead$/);
      assert.match(t.text.zh, /改为轮询$/);
      const bad = await openStateTrace({ netns: 'no-such-namespace-here' });
      assert.ok(!bad.available && bad.reason === 'netns', JSON.stringify(bad));
    } finally {
      rmdirSync(empty);
    }
  });

  test('without root: says so, and opens nothing', async () => {
    const mod = pathToFileURL(path.join(FROM_SOURCE ? ROOT : path.join(ROOT, 'dist'), `src/node/trace/index.${FROM_SOURCE ? 'ts' : 'js'}`)).href;
    const r = spawnSync(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx'] : []), '--input-type=module', '-e',
      `import { openStateTrace } from '${mod}'; const t = await openStateTrace(); console.log(JSON.stringify(t));`],
    { encoding: 'utf8', uid: 65534, gid: 65534, cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    const t = JSON.parse(r.stdout) as { available: boolean; reason: string; text: { en: string } };
    assert.deepEqual([t.available, t.reason], [false, 'not-root']);
    assert.equal(t.text.en, 'exact mode (--trace) needs root to use tracefs; polling instead');
  });
});
