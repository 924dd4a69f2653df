// One namespace, two ways in: `tcplens ls --json --netns NS` reads it live, `tcplens ls --json
// --input DIR` reads a `tcplens capture` of it. In a quiet namespace (nothing changes between the two
// reads) they must agree on every field of every socket that both can know.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SocketRecord } from '../src/model/snapshot.js';
import { netnsSkipReason, TestNetns, waitUntil, type NsProcess } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const skip = netnsSkipReason();

function ls(args: string[]): SocketRecord[] {
  const r = runCli(['ls', '--json', ...args], { timeoutMs: 60_000 });
  assert.equal(r.status, 0, `ls ${args.join(' ')}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { sockets: SocketRecord[]; problems?: unknown[] };
  assert.equal(doc.problems, undefined, `ls ${args.join(' ')} reported problems: ${JSON.stringify(doc.problems)}`);
  return doc.sockets;
}

/**
 * What both reads can know of a socket. Left out: how long a timer has to run and a socket's age
 * (time passes between the reads), and the id's form: netlink (the live read, when the addon is
 * built) names a socket by the kernel's cookie, /proc by inode and 4-tuple, so only an id from
 * /proc is compared with the other side's. A listener's backlog limit (Send-Q) is compared too:
 * netlink and ss both report it.
 */
function known(s: SocketRecord): Record<string, unknown> {
  return {
    id: s.id?.startsWith('cookie:') ? '(cookie)' : s.id, state: s.state, family: s.family,
    local: `${s.localAddress}:${s.localPort}`, remote: `${s.remoteAddress}:${s.remotePort}`,
    recvQ: s.recvQ, sendQ: s.state === 'LISTEN' ? '(backlog)' : s.sendQ,
    timer: s.timer?.kind ?? 'off', retransmits: s.timer?.retransmits ?? 0,
    uid: s.uid, inode: s.inode,
    owners: (s.processes ?? []).map((p) => `${p.name}/${p.pid}/${p.fd}`).sort().join(' '),
  };
}

const byTuple = (xs: SocketRecord[]): Map<string, Record<string, unknown>> =>
  new Map(xs.map((s) => [`${s.state} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`, known(s)]));

let ns: TestNetns | undefined;
let parent = '';
const procs: NsProcess[] = [];

before(async () => {
  if (skip) return;
  ns = TestNetns.create();
  parent = mkdtempSync(path.join(tmpdir(), 'tcplens-agree-'));
  const life = { lifetimeMs: 90_000 };
  const idle = ns.start('server', { port: 7090, mode: 'hold' }, { ...life, title: 'tl-idle-srv' });
  const leaky = ns.start('server', { port: 7091, mode: 'hold' }, { ...life, title: 'tl-leaky' });
  const v6 = ns.start('server', { port: 7092, host: '::', mode: 'hold' }, { ...life, title: 'tl-dual' });
  const closer = ns.start('server', { port: 7093, mode: 'close-first' }, { ...life, title: 'tl-closer' });
  procs.push(idle, leaky, v6, closer);
  for (const p of procs) await p.waitFor('ready');
  const clients = [
    ns.start('client', { port: 7090, count: 3, mode: 'hold' }, { ...life, title: 'tl-idle-cli' }),
    ns.start('client', { port: 7091, count: 6, mode: 'end' }, { ...life, title: 'tl-caller' }),
    ns.start('client', { port: 7092, host: '::1', count: 2, mode: 'hold' }, { ...life, title: 'tl-v6-cli' }),
    ns.start('client', { port: 7092, host: '127.0.0.1', count: 2, mode: 'hold' }, { ...life, title: 'tl-v4-cli' }),
    // The server closes first: TIME-WAIT minisockets on its side (60 s, longer than the test).
    ns.start('client', { port: 7093, count: 3, mode: 'wait' }, { ...life, title: 'tl-waiter' }),
  ];
  procs.push(...clients);
  for (const c of clients) assert.deepEqual((await c.waitFor('done')).errors, {});
  await waitUntil('the namespace settled', () => {
    const s = ls(['--netns', ns!.name]);
    const n = (st: string): number => s.filter((x) => x.state === st).length;
    return n('CLOSE-WAIT') === 6 && n('FIN-WAIT-2') === 6 && n('ESTABLISHED') === 14 && n('LISTEN') === 4 && n('TIME-WAIT') === 3 ? true : undefined;
  }, 20_000, 200);
});

after(async () => {
  if (parent) rmSync(parent, { recursive: true, force: true });
  await ns?.destroy();
});

test('ls --netns and ls --input of a capture of it agree on every socket', { skip, timeout: 120_000 }, () => {
  const dir = path.join(parent, 'capture');
  const cap = runCli(['capture', dir, '--netns', ns!.name]);
  assert.equal(cap.status, 0, cap.stderr);
  const live = byTuple(ls(['--netns', ns!.name]));
  const offline = byTuple(ls(['--input', dir]));
  assert.deepEqual([...offline.keys()].sort(), [...live.keys()].sort(), 'the same sockets');
  for (const [k, v] of live) {
    const o = offline.get(k);
    assert.deepEqual(v.id === '(cookie)' && o ? { ...o, id: '(cookie)' } : o, v, k);
  }
  // The capture's own ids are /proc's: inode and 4-tuple, or state and 4-tuple without an inode.
  assert.ok([...offline.values()].every((v) => /^(inode:|TIME-WAIT\|)/.test(String(v.id))));
  // The fields compared are really there: owners named, ids, the CLOSE-WAIT pile held by its process.
  const cw = [...live.values()].filter((v) => v.state === 'CLOSE-WAIT');
  assert.equal(cw.length, 6);
  assert.ok(cw.every((v) => String(v.owners).startsWith('tl-leaky/') && typeof v.inode === 'number' && v.inode > 0 && /^(inode:|\(cookie\))/.test(String(v.id))));
  assert.ok([...live.values()].every((v) => v.id !== undefined && v.recvQ !== undefined && (v.state === 'TIME-WAIT' || v.uid !== undefined)));
  // TIME-WAIT minisockets: the kernel prints uid 0 and inode 0 for them; no owner, uid unknown.
  const tw = [...live.values()].filter((v) => v.state === 'TIME-WAIT');
  assert.equal(tw.length, 3);
  assert.ok(tw.every((v) => v.timer === 'timewait' && v.inode === 0 && v.uid === undefined && v.owners === '' && /^(TIME-WAIT\||\(cookie\))/.test(String(v.id))));
});
