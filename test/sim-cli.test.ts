// `tcplens sim` end to end: the real CLI in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/run-cli.js';

test('tcplens sim --list names every scenario with its kind and summary', () => {
  const r = runCli(['sim', '--list']);
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['handshake', 'active-close', 'lost-last-ack', 'keepalive-dead-peer', 'syn-retries-timeout']) {
    assert.match(r.stdout, new RegExp(`^  ${name} +exchange +\\S`, 'm'));
  }
});

test('tcplens sim handshake draws the diagram with both states', () => {
  const r = runCli(['sim', 'handshake']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--- SYN seq=0 -+>\s+SYN-RECEIVED/);
  assert.match(r.stdout, /ESTABLISHED\s+<-+ SYN\+ACK seq=0 ack=1 ---/);
  assert.match(r.stdout, /State timeline/);
  assert.match(r.stdout, /Conclusion: Three segments/);
});

test('tcplens sim fin-wait-2-timeout --set tcp_fin_timeout=30 --lang zh', () => {
  const r = runCli(['sim', 'fin-wait-2-timeout', '--set', 'tcp_fin_timeout=30', '--lang', 'zh']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /结论: .*tcp_fin_timeout = 30 秒（本次 30 s）/);
});

test('tcplens sim active-close --json prints the ScenarioResult', () => {
  const r = runCli(['sim', 'active-close', '--json', '--set', 'tcp_fin_timeout=10']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { kind: string; scenario: string; steps: unknown[]; timeline: Array<{ host: string; to: string; at: number; from: string }> };
  assert.equal(j.kind, 'exchange');
  assert.equal(j.scenario, 'active-close');
  const a = j.timeline.filter((c) => c.host === 'A');
  const into = a.find((c) => c.to === 'TIME-WAIT');
  const out = a.find((c) => c.from === 'TIME-WAIT');
  assert.ok(into && out);
  assert.equal(out.at - into.at, 60_000);
});

test('bad input exits 2 with a message, never a stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['sim', 'handshake', '--set', 'tcp_bogus=1'], /unknown setting 'tcp_bogus'/],
    [['sim', 'handshake', '--set', 'tcp_fin_timeout=abc'], /needs a number/],
    [['sim', 'handshake', '--set', 'tcp_fin_timeout'], /--set wants NAME=VALUE/],
    [['sim', 'no-such-scenario'], /unknown scenario 'no-such-scenario'[\s\S]*handshake/],
    [['sim', 'handshake', '--param', 'x=1'], /no parameter 'x'/],
    [['sim', 'handshake', '--profile', 'plan9'], /--profile must be one of/],
    [['sim', 'handshake', '--seed', '1.5'], /--seed wants a whole number/],
    [['sim', 'handshake', '--lang', 'fr'], /--lang must be en or zh/],
    [['sim', 'handshake', '--bogus'], /bogus/],
    [['sim'], /name a scenario/],
  ];
  for (const [args, msg] of cases) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('tcplens sim handshake --absolute prints raw sequence numbers', () => {
  const r = runCli(['sim', 'handshake', '--absolute', '--seed', '9']);
  assert.equal(r.status, 0, r.stderr);
  const m = /--- SYN seq=(\d+) -/.exec(r.stdout);
  assert.ok(m && Number(m[1]) > 0, r.stdout);
  assert.match(r.stdout, /raw sequence numbers/);
});

test('a run that does not confirm its conclusion exits 1 and says so', () => {
  const r = runCli(['sim', 'handshake', '--param', 'loss=1']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /lost \(random loss\)/);
  assert.match(r.stdout, /Conclusion: NOT CONFIRMED by this run/);
});

test('tcplens sim --list --json lists scenarios with their parameters', () => {
  const r = runCli(['sim', '--list', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Array<{ name: string; kind: string; params: Array<{ name: string }> }>;
  const leak = list.find((s) => s.name === 'close-wait-leak');
  assert.ok(leak);
  assert.deepEqual(leak.params.map((p) => p.name), ['duration', 'delay', 'loss', 'drop']);
  assert.ok(list.filter((s) => s.kind === 'exchange').length >= 16);
});

test('--set values Linux refuses → exit 2 naming the valid range, before anything runs', () => {
  for (const [set, re] of [
    ['ip_local_port_range=70000 10', /--set ip_local_port_range=70000 10: Linux refuses this value \(EINVAL\); net\.ipv4\.ip_local_port_range takes 1\.\.65535/],
    ['net.ipv4.ip_local_port_range=6000 5000', /the low end 6000 is above the high end 5000/],
    ['tcp_syn_retries=300', /net\.ipv4\.tcp_syn_retries takes 1\.\.127/],
    ['tcp_tw_reuse=3', /net\.ipv4\.tcp_tw_reuse takes 0\.\.2/],
    ['tcp_fin_timeout=-5', /net\.ipv4\.tcp_fin_timeout takes 0\.\.21474836 \(Linux stores a negative value/],
  ] as Array<[string, RegExp]>) {
    const r = runCli(['sim', 'fin-wait-2-timeout', '--set', set]);
    assert.equal(r.status, 2, set);
    assert.match(r.stderr, re, set);
    assert.equal(r.stdout, '', set);
  }
  const zh = runCli(['sim', 'handshake', '--lang', 'zh', '--set', 'tcp_syn_retries=300']);
  assert.equal(zh.status, 2);
  assert.match(zh.stderr, /Linux 不接受这个值（EINVAL），net\.ipv4\.tcp_syn_retries 的有效范围是 1\.\.127/);
  assert.equal(runCli(['sim', 'fin-wait-2-timeout', '--set', 'tcp_syn_retries=127', '--set', 'ip_local_port_range=1024 1024']).status, 0);
});

test('--param values out of their range → exit 2 naming it', () => {
  for (const [args, re] of [
    [['sim', 'handshake', '--param', 'loss=-1'], /--param loss=-1: out of range, 'handshake' takes 0\.\.1/],
    [['sim', 'handshake', '--param', 'loss=1.5'], /takes 0\.\.1/],
    [['sim', 'handshake', '--param', 'delay=-50'], /--param delay=-50: out of range, 'handshake' takes 0 or more/],
    [['sim', 'close-wait-leak-at-scale', '--param', 'leakPercent=150'], /takes 0\.\.100/],
    [['sim', 'idle-keepalive', '--param', 'connections=2.5'], /--param connections=2\.5: needs a whole number/],
  ] as Array<[string[], RegExp]>) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
});
