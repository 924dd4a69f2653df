// `--netns` reads a namespace through one of its member processes (/proc/<pid>/net). That process
// can exit in the middle of the read; the answer must then come through another member, or from
// inside the namespace, or be a clear failure (exit 2) — never "0 sockets".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readLiveSnapshot } from '../src/node/live-snapshot.js';
import { SourceError } from '../src/node/source-error.js';
import { netnsSkipReason, TestNetns, waitUntil, type NsProcess } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();
let ns: TestNetns | undefined;
let srv: NsProcess | undefined;
let dead = 0;

before(async () => {
  if (skip) return;
  ns = TestNetns.create();
  srv = ns.start('server', { port: 7095, mode: 'hold' }, { lifetimeMs: 60_000, title: 'tl-member' });
  await srv.waitFor('ready');
  const c = ns.start('client', { port: 7095, count: 2, mode: 'hold' }, { lifetimeMs: 60_000 });
  await c.waitFor('done');
  // A member that has exited: its pid no longer leads into the namespace.
  const gone = ns.start('server', { port: 7096, mode: 'hold' }, { lifetimeMs: 60_000 });
  await gone.waitFor('ready');
  dead = gone.pid;
  gone.kill();
  await waitUntil('the member exited', () => (gone.exited ? true : undefined));
});
after(async () => { await ns?.destroy(); });

const listed = (n: number): string => `${n} sockets`;

test('a member that exited is passed over for the next one', { skip }, async () => {
  const s = await readLiveSnapshot({ netns: ns!.name, netnsMembers: async () => [dead, srv!.pid] });
  assert.equal(listed(s.sockets.filter((x) => x.localPort === 7095 || x.remotePort === 7095).length), listed(5));
  assert.deepEqual(s.problems, []);
});

test('with no member left, a named namespace is read from inside it', { skip }, async () => {
  const s = await readLiveSnapshot({ netns: ns!.name, processes: false, netnsMembers: async () => [dead] });
  assert.equal(listed(s.sockets.filter((x) => x.localPort === 7095 || x.remotePort === 7095).length), listed(5));
  assert.deepEqual(s.problems, []);
});

test('pid:N whose process is gone by the time its files are read: a SourceError, not an empty host', { skip }, async () => {
  // The process passes the first check, then is no member any more when the socket files are read.
  await assert.rejects(readLiveSnapshot({ netns: `pid:${srv!.pid}`, netnsMembers: async () => [] }),
    (e: unknown) => e instanceof SourceError && /exited while its namespace was being read/.test(e.message));
});

test('tcplens ls --netns pid:N of a process that exited: exit 2 with a message', { skip }, () => {
  const r = runCli(['ls', '--json', '--netns', `pid:${dead}`]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`no process ${dead} whose network namespace`));
});
