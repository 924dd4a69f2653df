// Both readers of exact mode on the real kernel: the binary per-CPU ring (the default) and the text
// trace_pipe (the fallback) report the same state changes of one loopback exchange, field for field,
// on the same clock. Needs root and a mounted tracefs; skipped otherwise.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { findTracefs } from './tracefs.js';
import { openStateTrace, type TransitionEvent } from './state-trace.js';

const skip = process.platform !== 'linux' || process.getuid?.() !== 0 ? 'needs root on Linux'
  : findTracefs() === undefined ? 'tracefs is not mounted' : undefined;

async function exchange(): Promise<number> {
  const srv = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.resume();
    c.on('end', () => { c.end(); });
    c.on('close', () => resolve());
  });
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('the binary and the text reader report the same state changes of a loopback exchange', { skip, timeout: 30_000 }, async () => {
  const seen: Record<string, { port: number; events: TransitionEvent[] }> = {};
  for (const reader of ['raw', 'text'] as const) {
    const t = await openStateTrace({ reader, pollMs: 20 });
    assert.ok(t.available, t.available ? '' : t.text.en);
    assert.equal(t.reader, reader, t.notice?.en);
    const before = process.hrtime.bigint();
    const port = await exchange();
    const after = process.hrtime.bigint();
    const deadline = Date.now() + 10_000;
    const mine: TransitionEvent[] = [];
    while (Date.now() < deadline && mine.filter((e) => e.to === 'CLOSED').length < 3) {
      await new Promise((r) => setTimeout(r, 50));
      mine.push(...t.drain().filter((e) => e.sport === port || e.dport === port));
    }
    assert.deepEqual(t.readerErrors(), []);
    await t.close();
    // Monotonic times fall inside the exchange (the text pipe prints microseconds).
    for (const e of mine) {
      assert.ok(e.monotonic >= Number(before) / 1e6 - 0.001 && e.monotonic <= Number(after) / 1e6 + 0.001, `${reader}: ${e.monotonic} outside the exchange`);
    }
    seen[reader] = { port, events: mine };
  }
  // Ports differ between the two exchanges: the server's reads as S, the client's as C.
  const shape = ({ port, events }: { port: number; events: TransitionEvent[] }): string[] => {
    const p = (n: number): string => (n === port ? 'S' : n === 0 ? '0' : 'C');
    return events.map((e) => `${e.family} ${e.saddr}:${p(e.sport)} → ${e.daddr}:${p(e.dport)} ${e.from}>${e.to} ${e.fromCode}>${e.toCode}`).sort();
  };
  // The listener's open and close, and five changes of each of the two connected sockets.
  assert.equal(seen.raw.events.length, 12, JSON.stringify(seen.raw.events));
  assert.deepEqual(shape(seen.raw), shape(seen.text));
});
