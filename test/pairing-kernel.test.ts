// Pairing across hosts on the real kernel: two namespaces joined by a veth pair, the server in one
// never closes, the client in the other half-closes: FIN-WAIT-2 there, CLOSE-WAIT here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sample } from '../src/node/source.js';
import { pairHosts, type PairingReport } from '../src/diagnose/pairing.js';
import { runCli } from './helpers/run-cli.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';

const skip = netnsSkipReason();

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

test('two namespaces over a veth pair, one leaking CLOSE-WAIT: the pairing names the server to fix, its process and port', { skip, timeout: 60_000 }, async () => {
  const a = TestNetns.create();
  const b = TestNetns.create();
  try {
    ip(['-n', a.name, 'link', 'add', 'tlpa', 'type', 'veth', 'peer', 'name', 'tlpb', 'netns', b.name]);
    ip(['-n', a.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'tlpa']);
    ip(['-n', b.name, 'addr', 'add', '10.77.0.2/24', 'dev', 'tlpb']);
    ip(['-n', a.name, 'link', 'set', 'tlpa', 'up']);
    ip(['-n', b.name, 'link', 'set', 'tlpb', 'up']);
    const srv = b.start('server', { host: '10.77.0.2', port: 8080, mode: 'hold' }, { lifetimeMs: 40_000, title: 'tl-pair-srv' });
    const ready = await srv.waitFor('ready', 10_000);
    const cli = a.start('client', { host: '10.77.0.2', port: 8080, count: 15, mode: 'end' }, { lifetimeMs: 40_000, title: 'tl-pair-cli' });
    await cli.waitFor('done', 10_000);
    const [sa, sb] = await waitUntil('15 FIN-WAIT-2 in one namespace and 15 CLOSE-WAIT in the other', async () => {
      const x = await sample({ kind: 'netns', name: a.name });
      const y = await sample({ kind: 'netns', name: b.name });
      const fw2 = x.sockets.filter((k) => k.state === 'FIN-WAIT-2').length;
      const cw = y.sockets.filter((k) => k.state === 'CLOSE-WAIT').length;
      return fw2 === 15 && cw === 15 ? [x, y] as const : undefined;
    }, 20_000, 200);
    const r = pairHosts([{ name: 'client-ns', snapshot: sa }, { name: 'server-ns', snapshot: sb }]);
    assert.equal(r.matched, 15);
    const f = r.findings.find((x) => x.kind === 'close-wait-behind-fin-wait-2');
    assert.ok(f, JSON.stringify(r.findings));
    assert.deepEqual({ fix: f.fix, other: f.other, count: f.count, port: f.port, owner: f.owner?.name },
      { fix: 'server-ns', other: 'client-ns', count: 15, port: 8080, owner: 'tl-pair-srv' });
    assert.equal(f.owner?.pid, ready.pid);
    assert.deepEqual(r.unmatched['client-ns']['FIN-WAIT-2'] ?? 0, 0);

    // The same through the real CLI: tcplens doctor --netns A --netns B.
    const cliRun = runCli(['doctor', '--netns', a.name, '--netns', b.name, '--json'], { timeoutMs: 60_000 });
    assert.notEqual(cliRun.status, 2, cliRun.stderr);
    const out = JSON.parse(cliRun.stdout) as { hosts: Array<{ name: string }>; pairing: PairingReport };
    assert.deepEqual(out.hosts.map((h) => h.name), [a.name, b.name]);
    const g = out.pairing.findings.find((x) => x.kind === 'close-wait-behind-fin-wait-2');
    assert.deepEqual({ fix: g?.fix, count: g?.count, port: g?.port, owner: g?.owner?.name }, { fix: b.name, count: 15, port: 8080, owner: 'tl-pair-srv' });
    const text = runCli(['doctor', '--netns', a.name, '--netns', b.name], { timeoutMs: 60_000 }).stdout;
    assert.match(text, new RegExp(`15 FIN-WAIT-2 toward ${b.name}:8080 ⇔ ${b.name}: 15 CLOSE-WAIT held by tl-pair-srv \\(pid \\d+\\).*: fix ${b.name}`));
  } finally {
    await a.destroy();
    await b.destroy();
  }
});
