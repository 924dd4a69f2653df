// The runner against the real engine (src/stack/host.ts): a script that must pass, and scripts
// that are deliberately wrong in one way each, which must fail at that line with that message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';
import { runFile } from '../src/cli/commands/packetdrill.js';
import { parseScript } from '../src/packetdrill/parse-script.js';
import { runScript } from '../src/packetdrill/runner.js';
import { makeDefaultHost } from '../src/packetdrill/default-host.js';
import { TCP_STATES } from '../src/model/states.js';

const fx = (p: string): string => path.join('test/fixtures/packetdrill', p);

function outcome(file: string): { outcome: string; line?: number; message?: string; notes: string[] } {
  const o = runFile(path.join(ROOT, fx(file)), 'ipv4');
  if (o.kind === 'error') return { outcome: 'error', message: o.message, notes: [] };
  return { outcome: o.result.outcome, line: o.result.mismatch?.line, message: o.result.mismatch?.message, notes: o.result.notes };
}

test('passive open, data both ways, peer closes first, we close: PASS in every IP version', () => {
  for (const v of ['ipv4', 'ipv6', 'ipv4-mapped-ipv6'] as const) {
    const o = runFile(path.join(ROOT, fx('pass/passive-open-and-close.pkt')), v);
    assert.equal(o.kind, 'run');
    if (o.kind !== 'run') return;
    assert.deepEqual(o.result.mismatch, undefined, `${v}: ${o.result.mismatch?.line}: ${o.result.mismatch?.message}`);
    assert.equal(o.result.outcome, 'pass');
    const states = o.result.timeline.map((c) => `${c.from}>${c.to}`);
    assert.ok(states.includes('ESTABLISHED>CLOSE-WAIT') && states.includes('CLOSE-WAIT>LAST-ACK'), states.join(' '));
  }
});

test('backtick settings are applied from the included defaults.sh; python and nstat are evaluated; the rest is noted', () => {
  const o = outcome('pass/skipped-steps.pkt');
  assert.equal(o.outcome, 'pass', o.message);
  assert.ok(o.notes.includes('sysctl net.ipv4.tcp_not_modelled_here=1 not modelled'), o.notes.join('\n'));
  assert.ok(o.notes.includes('init: ignored shell command: echo this line is ignored with a note'), o.notes.join('\n'));
  assert.ok(!o.notes.some((n) => /python|nstat/.test(n)), o.notes.join('\n'));
  const r = runFile(path.join(ROOT, fx('pass/skipped-steps.pkt')), 'ipv4');
  assert.ok(r.kind === 'run');
  assert.deepEqual(r.result.checks, { python: 1, counters: 0, unevaluated: 0 });
});

test('a false python assertion fails at its line; an unmodelled TCP_INFO field is not evaluated and does not pass', () => {
  const a = outcome('fail/python-assert.pkt');
  assert.deepEqual([a.outcome, a.line, a.message], ['fail', 15, 'assertion failed: assert tcpi_snd_mss == 999, tcpi_snd_mss (1000)']);
  const u = outcome('fail/python-unmodelled.pkt');
  assert.deepEqual([u.outcome, u.line, u.message], ['fail', 14, 'not evaluated, so the script does not pass: %{ python }%: tcpi_busy_time is not modelled by the engine']);
});

test('wrong flags: RST expected, FIN sent', () => {
  const o = outcome('fail/wrong-flags.pkt');
  assert.deepEqual([o.outcome, o.line, o.message], ['fail', 15, 'expected "> R. 1:1(0) ack 1" got "> F. 1:1(0) ack 1" at 0.020s (flags differs)']);
});

test('wrong ack', () => {
  const o = outcome('fail/wrong-ack.pkt');
  assert.equal(o.line, 15);
  assert.equal(o.message, 'expected "> . 1:1(0) ack 1000" got "> . 1:1(0) ack 1001" at 0.020s (ack differs)');
});

test('a segment too early', () => {
  const o = outcome('fail/too-early.pkt');
  assert.equal(o.line, 15);
  assert.equal(o.message, 'segment too early: "> F. 1:1(0) ack 1" at 0.020s, expected at 0.520s (±0.063s)');
});

test('a segment too late', () => {
  const o = outcome('fail/too-late.pkt');
  assert.equal(o.line, 16);
  assert.match(o.message ?? '', /^segment too late: "> F\. 1:1\(0\) ack 1" at 0\.2\d\ds, expected at 0\.070s \(±0\.006s\)$/);
});

test('a missing segment', () => {
  const o = outcome('fail/missing-segment.pkt');
  assert.equal(o.line, 14);
  assert.equal(o.message, 'expected "> P. 1:11(10) ack 1" at 0.020s, the engine sent nothing by 0.024s (nor in the 10 s after)');
});

test('a wrong errno', () => {
  const o = outcome('fail/wrong-errno.pkt');
  assert.equal(o.line, 14);
  assert.equal(o.message, 'write() returned 10, expected -1 EPIPE');
});

test('through the CLI: exit 1 on any failure, FAIL line with file:line, --verbose timeline, --json', () => {
  const r = runCli(['packetdrill', '--verbose', fx('fail/wrong-flags.pkt'), fx('pass/passive-open-and-close.pkt')]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^FAIL {2}test\/fixtures\/packetdrill\/fail\/wrong-flags\.pkt:15: expected "> R\. 1:1\(0\) ack 1" got "> F\. 1:1\(0\) ack 1" at 0\.020s/m);
  assert.match(r.stdout, /ESTABLISHED → FIN-WAIT-1/);
  assert.match(r.stdout, /segments and calls:\n {4}0\.000s {4}socket\(\.\.\., SOCK_STREAM, IPPROTO_TCP\) = 3\n/);
  assert.match(r.stdout, /\n {4}0\.020s {2}> F\. 1:1\(0\) ack 1 win \d+\n/);
  assert.match(r.stdout, /^PASS {2}test\/fixtures\/packetdrill\/pass\/passive-open-and-close\.pkt/m);
  assert.match(r.stdout, /1 passed, 1 failed, 0 unreadable or unparsable/);
  const ok = runCli(['packetdrill', fx('pass')]);
  assert.equal(ok.status, 0, ok.stdout);
  const j = runCli(['packetdrill', '--json', fx('fail/wrong-ack.pkt')]);
  assert.equal(j.status, 1);
  const rows = JSON.parse(j.stdout) as Array<{ outcome: string; mismatch: { line: number } }>;
  assert.equal(rows[0].outcome, 'fail');
  assert.equal(rows[0].mismatch.line, 15);
  const zh = runCli(['packetdrill', '--lang', 'zh', fx('pass')]);
  assert.match(zh.stdout, /^通过/m);
});

test('every prefix of a real script runs to a verdict: no crash, no hang', () => {
  const text = readFileSync(path.join(ROOT, fx('pass/passive-open-and-close.pkt')), 'utf8');
  const lines = text.split('\n');
  for (let n = 0; n <= lines.length; n++) {
    const parsed = parseScript(lines.slice(0, n).join('\n'), 'prefix.pkt');
    if (!parsed.ok) continue;
    const r = runScript(parsed.script, {
      ipVersion: 'ipv4', makeHost: makeDefaultHost,
      readInclude: (rel) => { try { return readFileSync(path.join(ROOT, fx('pass'), rel), 'utf8'); } catch { return undefined; } },
    });
    assert.ok(r.outcome === 'pass' || r.outcome === 'fail');
    assert.doesNotMatch(r.mismatch?.message ?? '', /engine threw/);
  }
});

test('corrupted corpus scripts that still parse run to a verdict: no crash, no hang', () => {
  const dir = path.join(ROOT, '../shared/conformance/seed');
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.pkt')).sort(); } catch { return; }
  let seed = 7;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  let ran = 0;
  for (const n of names) {
    const text = readFileSync(path.join(dir, n), 'utf8');
    for (let i = 0; i < 15; i++) {
      const chars = [...text];
      // Flip digits and flag letters mostly, so many variants still parse and reach the engine.
      for (let k = 0; k < 1 + rand(3); k++) chars[rand(chars.length)] = '0123456789SF.RP<>'[rand(17)];
      const parsed = parseScript(chars.join(''), n);
      if (!parsed.ok) continue;
      const r = runScript(parsed.script, { ipVersion: 'ipv4', makeHost: makeDefaultHost, readInclude: (rel) => { try { return readFileSync(path.join(dir, rel), 'utf8'); } catch { return undefined; } } });
      assert.ok(r.outcome === 'pass' || r.outcome === 'fail');
      ran++;
    }
  }
  assert.ok(ran > 20, `only ${ran} variants parsed`);
});

test('--lang zh: the FAIL line and the mismatch in Chinese', () => {
  const r = runCli(['packetdrill', '--lang', 'zh', fx('fail/wrong-errno.pkt')]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.trim(), '失败  test/fixtures/packetdrill/fail/wrong-errno.pkt:14: write() 返回 10，期望 -1 EPIPE');
});

test('the lifecycle fixtures, through the runner, visit all eleven RFC 9293 states', () => {
  const seen = new Set<string>();
  for (const f of ['pass/active-open-to-time-wait.pkt', 'pass/passive-open-and-close.pkt', 'pass/simultaneous-close.pkt']) {
    const o = runFile(path.join(ROOT, fx(f)), 'ipv4');
    assert.ok(o.kind === 'run' && o.result.outcome === 'pass', `${f}: ${o.kind === 'run' ? o.result.mismatch?.message : o.message}`);
    if (o.kind === 'run') for (const c of o.result.timeline) { seen.add(c.from); seen.add(c.to); }
  }
  assert.deepEqual([...seen].sort(), [...TCP_STATES].sort());
});
