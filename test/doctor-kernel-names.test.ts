// One socket table on the real kernel, pasted the way most people paste it: without -n. In a
// namespace of its own the test builds a CLOSE-WAIT leak on 8080 (`http-alt`), a database-like
// listener on 3306 (`mysql`) with ESTABLISHED clients and a server on 22 (`ssh`) that closes first
// (TIME-WAIT); takes `netstat -at`, `netstat -atp`, `ss -ta`, `ss -tap`, `lsof -i`, `lsof -iTCP`
// and `ss -tan` one after the other with no traffic running; and gives each to the real CLI. Each
// must count what `ss -tan` counts (lsof: the sockets with an fd, so no TIME-WAIT) and name the same
// findings, with the leaking process where the paste names processes. Loopback only: a namespace
// shares the host's /etc/hosts, where 127.0.0.1 is `localhost`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import type { DoctorReport } from '../src/diagnose/finding.js';
import type { HostSnapshot } from '../src/model/snapshot.js';
import type { TcpState } from '../src/model/states.js';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();
const LEAK = 30;

const hasTool = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const PASTES: Array<{ file: string; cmd: string[]; tool: string; fdOnly: boolean; processes: boolean }> = [
  { file: 'netstat-at.txt', cmd: ['netstat', '-at'], tool: 'netstat', fdOnly: false, processes: false },
  { file: 'netstat-atp.txt', cmd: ['netstat', '-atp'], tool: 'netstat', fdOnly: false, processes: true },
  { file: 'ss-ta.txt', cmd: ['ss', '-ta'], tool: 'ss', fdOnly: false, processes: false },
  { file: 'ss-tap.txt', cmd: ['ss', '-tap'], tool: 'ss', fdOnly: false, processes: true },
  { file: 'lsof-i.txt', cmd: ['lsof', '-i'], tool: 'lsof', fdOnly: true, processes: true },
  { file: 'lsof-itcp.txt', cmd: ['lsof', '-iTCP'], tool: 'lsof', fdOnly: true, processes: true },
];

const count = (s: HostSnapshot, state: TcpState, pred: (x: HostSnapshot['sockets'][number]) => boolean = () => true): number =>
  s.sockets.filter((x) => x.state === state && pred(x)).length;

function cli(args: string[]): { json: unknown; status: number | null } {
  const r = runCli(args, { timeoutMs: 60_000 });
  assert.notEqual(r.status, 2, `tcplens ${args.join(' ')}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout) as unknown, status: r.status };
}

test('the same table pasted without -n by netstat, ss and lsof: same counts and findings as ss -tan', { skip, timeout: 120_000 }, async (t) => {
  const ns = TestNetns.create();
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-names-'));
  try {
    const leaky = ns.start('server', { port: 8080, mode: 'hold' }, { lifetimeMs: 90_000, title: 'tl-leaky' });
    const db = ns.start('server', { port: 3306, mode: 'hold' }, { lifetimeMs: 90_000, title: 'tl-db' });
    const sshd = ns.start('server', { port: 22, mode: 'close-first' }, { lifetimeMs: 90_000, title: 'tl-sshd' });
    await Promise.all([leaky.waitFor('ready'), db.waitFor('ready'), sshd.waitFor('ready')]);
    const clients = [
      ns.start('client', { port: 8080, count: LEAK, mode: 'end' }, { lifetimeMs: 90_000, title: 'tl-caller' }),
      ns.start('client', { port: 3306, count: 4, mode: 'hold' }, { lifetimeMs: 90_000, title: 'tl-app' }),
      ns.start('client', { port: 22, count: 3, mode: 'wait' }, { lifetimeMs: 90_000 }),
    ];
    for (const c of clients) assert.deepEqual((await c.waitFor('done')).errors, {});
    // Quiet: every handshake, FIN and accept() done, so the tools below see one table.
    await waitUntil('the table to settle', async () => {
      const s = await readLiveSnapshot({ netns: ns.name });
      return count(s, 'CLOSE-WAIT', (x) => x.processes?.[0]?.name === 'tl-leaky') === LEAK && count(s, 'FIN-WAIT-2') === LEAK
        && count(s, 'ESTABLISHED', (x) => !!x.processes?.length) === 8 && count(s, 'TIME-WAIT') === 3 && count(s, 'LISTEN') === 3 ? s : undefined;
    }, 20_000);

    const taken: typeof PASTES = [];
    for (const p of PASTES) {
      if (!hasTool(p.tool)) continue;
      const r = ns.exec(p.cmd);
      assert.equal(r.status, 0, `${p.cmd.join(' ')}: ${r.stderr}`);
      writeFileSync(path.join(dir, p.file), r.stdout);
      taken.push(p);
    }
    const ref = ns.exec(['ss', '-tan']);
    assert.equal(ref.status, 0, ref.stderr);
    writeFileSync(path.join(dir, 'ss-tan.txt'), ref.stdout);

    const states = (file: string) => (cli(['states', '--json', '--input', path.join(dir, file)]).json as { states: Record<string, number> }).states;
    const doctor = (file: string) => cli(['doctor', '--json', '--input', path.join(dir, file)]).json as DoctorReport;
    const want = states('ss-tan.txt');
    assert.equal(want['CLOSE-WAIT'], LEAK);
    const { 'TIME-WAIT': _tw, ...withFd } = want;
    const wantIds = doctor('ss-tan.txt').findings.map((f) => f.id).sort();
    assert.ok(wantIds.includes('close_wait_leak'), wantIds.join(', '));

    for (const p of PASTES) {
      await t.test(`${p.cmd.join(' ')}`, { skip: taken.includes(p) ? undefined : `${p.tool} is not installed` }, () => {
        // Taken without -n: the paste holds names (ss resolves services only, without -r).
        const text = readFileSync(path.join(dir, p.file), 'utf8');
        assert.match(text, /:http-alt\b/);
        if (p.tool !== 'ss') assert.match(text, /\blocalhost:/);
        assert.deepEqual(states(p.file), p.fdOnly ? withFd : want);
        const report = doctor(p.file);
        assert.equal(report.summary.unreadLines, 0);
        assert.deepEqual(report.findings.map((f) => f.id).sort(), wantIds);
        const leak = report.findings.find((f) => f.id === 'close_wait_leak')!;
        assert.equal(leak.evidence.localPort, 8080);
        assert.equal(leak.evidence.count, LEAK);
        if (p.processes) {
          assert.equal(leak.evidence.process, 'tl-leaky');
          assert.equal(leak.evidence.pid, leaky.pid);
        }
      });
    }
  } finally {
    await ns.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
