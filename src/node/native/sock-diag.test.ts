// The native sock_diag path against /proc on the real kernel: in a namespace of our own, with
// listeners (one with a full accept queue), established IPv4 and IPv6 pairs, FIN-WAIT-2/CLOSE-WAIT
// pairs and TIME-WAIT minisockets, netlink must count and list exactly what /proc/net/tcp[6] shows.
// Netlink answers for the caller's own namespace, so the reads run in a child inside it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SocketRecord } from '../../model/snapshot.js';
import { FROM_SOURCE, ROOT } from '../../../test/helpers/paths.js';
import { netnsSkipReason, TestNetns, waitUntil } from '../../../test/helpers/netns.js';
import { decodeRecords, nativeAvailable, nativeFdSockets, nativeFdSocketsMany, nativeSockets, RECORD_SIZE } from './sock-diag.js';

const ext = FROM_SOURCE ? 'ts' : 'js';
const base = FROM_SOURCE ? ROOT : path.join(ROOT, 'dist');
const mod = (rel: string): string => pathToFileURL(path.join(base, `src/${rel}.${ext}`)).href;

// Runs inside the namespace: /proc's records and counts, then netlink's, as one JSON line.
const PROBE = `
import { readFileSync } from 'node:fs';
import { nativeSockets, nativeTallyStates, nativeAvailable } from '${mod('node/native/sock-diag')}';
import { parseProcNetTcp, tallyStateCodes, addStateCodes } from '${mod('formats/proc-net-tcp')}';
import { readLiveStateCounts, readLiveSnapshot } from '${mod('node/live-snapshot')}';
const proc = [];
const procCodes = new Float64Array(256);
for (const [f, family] of [['/proc/net/tcp', 'ipv4'], ['/proc/net/tcp6', 'ipv6']]) {
  const b = readFileSync(f);
  proc.push(...parseProcNetTcp(b, { file: f }).sockets);
  tallyStateCodes(b, b.length, family, procCodes);
}
const nativeCodes = new Float64Array(256);
const ok = nativeTallyStates(nativeCodes);
console.log(JSON.stringify({
  available: nativeAvailable(), ok,
  procCounts: addStateCodes(procCodes, {}), nativeCounts: addStateCodes(nativeCodes, {}),
  proc, native: nativeSockets() ?? null,
  live: await readLiveStateCounts(), snapshot: (await readLiveSnapshot({ processes: false })).sockets,
}));
`;

interface Probe {
  available: boolean; ok: boolean;
  procCounts: Record<string, number>; nativeCounts: Record<string, number>;
  proc: SocketRecord[]; native: SocketRecord[] | null;
  live: Record<string, number>; snapshot: SocketRecord[];
}

const skip = netnsSkipReason() ?? (nativeAvailable() ? undefined : 'the native addon is not built (node scripts/build-native.mjs)');
let ns: TestNetns | undefined;

function probe(env: NodeJS.ProcessEnv = {}): Probe {
  if (!ns) throw new Error('no namespace');
  const argv = [...(FROM_SOURCE ? ['--import', 'tsx'] : []), '--input-type=module', '-e', PROBE];
  const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, ...argv], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 1 << 28, cwd: ROOT });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Probe;
}

/** A record as a set member: the timer's remaining time moves between two reads (and /proc rounds to 10 ms). */
function key(s: SocketRecord): string {
  // The id differs by design: the cookie from netlink, inode and 4-tuple from /proc; so do what only
  // netlink knows: a listener's backlog limit (Send-Q) and tcp_info's idle times (extra).
  const { timer, processes: _p, ageMs: _a, id: _id, extra: _x, ...rest } = s;
  if (rest.state === 'LISTEN') delete rest.sendQ;
  return JSON.stringify({ ...rest, timer: timer ? { kind: timer.kind, retransmits: timer.retransmits } : undefined }, Object.keys({ ...rest, timer: 0 }).sort());
}
const asSet = (xs: SocketRecord[]): string[] => xs.map(key).sort();

before(async () => {
  if (skip) return;
  ns = TestNetns.create();
  const life = { lifetimeMs: 180_000 }; // the whole file, on a loaded machine; after() ends them
  const servers = [
    ns.start('server', { port: 7001, mode: 'hold' }, life),
    ns.start('server', { port: 7002, host: '::1', mode: 'hold' }, life),
    ns.start('server', { port: 7003, mode: 'close-first' }, life),
  ];
  for (const s of servers) await s.waitFor('ready');
  const clients = [
    ns.start('client', { port: 7001, count: 20, mode: 'hold', write: 'hello' }, life),
    ns.start('client', { port: 7001, count: 10, mode: 'end' }, life),
    ns.start('client', { port: 7002, host: '::1', count: 10, mode: 'hold' }, life),
    ns.start('client', { port: 7003, count: 10, mode: 'wait' }, life),
  ];
  for (const c of clients) await c.waitFor('done');
  // A listener that never accepts: its accept queue (LISTEN Recv-Q) holds 3.
  const stuck = ns.start('server', { port: 7004, mode: 'no-accept', backlog: 8 }, life);
  await stuck.waitFor('ready');
  const c = ns.start('client', { port: 7004, count: 3, mode: 'hold' }, life);
  await c.waitFor('done');
  await waitUntil('FIN-WAIT-2 and TIME-WAIT settled', () => {
    const p = probe({ TCPLENS_NO_NATIVE: '1' });
    return p.procCounts['FIN-WAIT-2'] === 10 && p.procCounts['TIME-WAIT'] === 10 ? true : undefined;
  }, 20_000, 300);
});
after(async () => { await ns?.destroy(); });

test('netlink counts equal /proc counts, per state', { skip }, () => {
  const p = probe();
  assert.equal(p.available, true);
  assert.equal(p.ok, true);
  assert.deepEqual(p.nativeCounts, p.procCounts);
  assert.deepEqual(p.procCounts, { ESTABLISHED: 66, 'FIN-WAIT-2': 10, 'CLOSE-WAIT': 10, 'TIME-WAIT': 10, LISTEN: 4 });
  assert.deepEqual(p.live, p.procCounts, 'readLiveStateCounts takes the native path and agrees');
});

test('netlink records equal parseProcNetTcp records, as sets', { skip }, () => {
  const p = probe();
  assert.ok(p.native);
  assert.equal(p.native.length, p.proc.length);
  assert.deepEqual(asSet(p.native), asSet(p.proc));
  assert.deepEqual(asSet(p.snapshot), asSet(p.proc), 'readLiveSnapshot lists the same sockets');
  // Spot checks of fields where inet_diag and /proc mean different things.
  const stuck = p.native.find((s) => s.state === 'LISTEN' && s.localPort === 7004);
  assert.equal(stuck?.recvQ, 3, 'LISTEN Recv-Q is the accept queue');
  assert.equal(stuck?.sendQ, 8, 'LISTEN Send-Q is the backlog limit (sk_max_ack_backlog), as ss -ltn prints it');
  assert.equal(p.proc.find((s) => s.state === 'LISTEN' && s.localPort === 7004)?.sendQ, undefined, '/proc has no backlog limit: unknown, not 0');
  // tcp_info's idle times on every full connection of the live snapshot, as ss -i's words; none on listeners.
  const conns = p.snapshot.filter((s) => s.state !== 'LISTEN' && s.state !== 'TIME-WAIT' && s.timer?.kind !== 'timewait');
  assert.ok(conns.length > 0);
  for (const k of conns) {
    for (const w of ['lastsnd', 'lastrcv', 'lastack']) assert.equal(typeof k.extra?.[w], 'number', `${k.state} ${k.localPort}->${k.remotePort} ${w}`);
  }
  assert.ok(p.snapshot.filter((s) => s.state === 'LISTEN').every((s) => s.extra === undefined));
  assert.ok(p.native.every((s) => s.extra === undefined), 'no tcp_info unless asked');
  const tw = p.native.find((s) => s.state === 'TIME-WAIT');
  assert.equal(tw?.timer?.kind, 'timewait');
  assert.equal(tw?.uid, undefined);
  assert.equal(tw?.inode, 0);
  assert.ok(p.native.some((s) => s.family === 'ipv6' && s.localAddress === '::1' && s.localPort === 7002 && s.state === 'LISTEN'));
});

test('socket ids: the cookie from netlink, one per socket, the same in the next read', { skip }, () => {
  const a = probe(), b = probe();
  assert.ok(a.native && b.native);
  const ids = a.native.map((s) => s.id ?? '');
  assert.ok(ids.every((id) => /^cookie:[0-9a-f]{16}$/.test(id) && id !== 'cookie:0000000000000000'), ids.join(' '));
  assert.equal(new Set(ids).size, ids.length, 'unique');
  const byId = new Map(b.native.map((s) => [s.id, s]));
  for (const s of a.native) assert.equal(byId.get(s.id) && key(byId.get(s.id)!), key(s), `${s.id} is the same socket in both reads`);
  // From /proc: inode plus 4-tuple, or state plus 4-tuple for TIME-WAIT (inode 0).
  assert.ok(a.proc.every((s) => (s.inode ? s.id?.startsWith(`inode:${s.inode}|`) : s.id?.startsWith(`${s.state}|`))));
  assert.equal(new Set(a.proc.map((s) => s.id)).size, a.proc.length);
});

test('without the addon (TCPLENS_NO_NATIVE=1) the same counts and sockets come from /proc', { skip }, () => {
  const withNative = probe();
  const without = probe({ TCPLENS_NO_NATIVE: '1' });
  assert.equal(without.available, false);
  assert.equal(without.ok, false);
  assert.equal(without.native, null);
  assert.deepEqual(without.live, withNative.live);
  assert.deepEqual(asSet(without.snapshot), asSet(withNative.snapshot));
});

test('tcplens states --json: the same answer with and without the addon', { skip }, () => {
  const cli = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
  const run = (env: NodeJS.ProcessEnv): unknown => {
    const r = spawnSync('ip', ['netns', 'exec', ns?.name ?? '', process.execPath, ...cli, 'states', '--json'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000, cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const a = run({}), b = run({ TCPLENS_NO_NATIVE: '1' });
  assert.deepEqual(a, b);
  assert.deepEqual((a as { total: number }).total, 100);
});

test('another namespace by its file: netlink enters it on a thread of its own and lists what a read inside lists', { skip }, async () => {
  const inside = probe();
  const name = ns?.name ?? '';
  // TIME-WAIT ends 60 s after it began, possibly between two reads on a loaded machine: compared apart.
  const lasting = (xs: SocketRecord[]): string[] => asSet(xs.filter((s) => s.state !== 'TIME-WAIT'));
  const direct = nativeSockets({ netnsPath: `/run/netns/${name}` });
  assert.ok(direct, 'setns on a helper thread worked');
  assert.deepEqual(lasting(direct), lasting(inside.proc));
  assert.ok(direct.filter((s) => s.state === 'TIME-WAIT').every((s) => asSet(inside.proc).includes(key(s))));
  assert.equal(direct.find((s) => s.state === 'LISTEN' && s.localPort === 7004)?.sendQ, 8, 'the backlog limit, through the namespace file');
  // Our own namespace is untouched: the host's sockets are not the test namespace's.
  assert.notDeepEqual(lasting(nativeSockets() ?? []), lasting(inside.proc));
  assert.equal(nativeSockets({ netnsPath: '/run/netns/tcplens-no-such-namespace' }), undefined, 'a namespace that does not exist: undefined, /proc is read');
});

// Hand-made packed records (sock-diag.c's layout), so the decoding is tested even where the
// addon cannot be built.
function record(f: { state: number; v6?: boolean; timer?: number; lport: number; rport: number; rq?: number; wq?: number; expires?: number; retrans?: number; uid?: number; inode?: number; cookie?: [number, number]; src: number[]; dst: number[]; idle?: [number, number, number] }): Uint8Array {
  const b = new ArrayBuffer(RECORD_SIZE);
  const u8 = new Uint8Array(b), u16 = new Uint16Array(b), u32 = new Uint32Array(b);
  u8[0] = f.state; u8[1] = f.v6 ? 6 : 4; u8[2] = f.timer ?? 0;
  u16[2] = f.lport; u16[3] = f.rport;
  u32[2] = f.rq ?? 0; u32[3] = f.wq ?? 0; u32[4] = f.expires ?? 0; u32[5] = f.retrans ?? 0; u32[6] = f.uid ?? 0; u32[7] = f.inode ?? 0;
  u8.set(f.src, 32); u8.set(f.dst, 48);
  u32[16] = f.cookie?.[0] ?? 0; u32[17] = f.cookie?.[1] ?? 0;
  if (f.idle) { u32[18] = f.idle[0]; u32[19] = f.idle[1]; u32[20] = f.idle[2]; u8[84] = 1; }
  return u8;
}

test('decodeRecords: LISTEN, retransmitting ESTABLISHED, IPv6 TIME-WAIT, an unknown state code', () => {
  const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7];
  const recs = [
    record({ state: 0x0a, lport: 8080, rport: 0, rq: 2, wq: 511, uid: 1000, inode: 14016, cookie: [1, 0], src: [127, 0, 0, 1], dst: [0, 0, 0, 0] }),
    record({ state: 0x01, timer: 1, lport: 8080, rport: 56322, rq: 5, wq: 1448, expires: 412, retrans: 2, uid: 1000, inode: 14023, cookie: [0xffffffff, 0xabc], src: [127, 0, 0, 1], dst: [10, 1, 2, 3], idle: [40, 3_600_000, 20] }),
    record({ state: 0x06, v6: true, timer: 3, lport: 443, rport: 40000, expires: 59_000, cookie: [3, 0], src: mapped, dst: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }),
    record({ state: 0x0d, lport: 1, rport: 0, src: [0, 0, 0, 0], dst: [0, 0, 0, 0] }), // TCP_BOUND_INACTIVE: /proc never shows it
  ];
  const buf = new Uint8Array(RECORD_SIZE * recs.length);
  recs.forEach((r, i) => buf.set(r, i * RECORD_SIZE));
  assert.deepEqual(decodeRecords(buf.buffer), [
    { id: 'cookie:0000000000000001', state: 'LISTEN', family: 'ipv4', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, recvQ: 2, sendQ: 511, inode: 14016, uid: 1000, timer: { kind: 'off', remainingMs: 0, retransmits: 0 } },
    { id: 'cookie:00000abcffffffff', state: 'ESTABLISHED', family: 'ipv4', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '10.1.2.3', remotePort: 56322, recvQ: 5, sendQ: 1448, inode: 14023, uid: 1000, timer: { kind: 'on', remainingMs: 412, retransmits: 2 }, extra: { lastsnd: 40, lastrcv: 3_600_000, lastack: 20 } },
    { id: 'cookie:0000000000000003', state: 'TIME-WAIT', family: 'ipv6', localAddress: '10.0.0.7', localPort: 443, remoteAddress: '2001:db8::1', remotePort: 40000, recvQ: 0, sendQ: 0, inode: 0, timer: { kind: 'timewait', remainingMs: 59_000, retransmits: 0 } },
  ]);
});

test('fdSockets: the socket links of a process\'s fd directory, as readlink reads them', { skip: nativeAvailable() ? false : 'the addon is not built' }, async () => {
  const { createServer } = await import('node:net');
  const { readdirSync, readlinkSync } = await import('node:fs');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const read = nativeFdSockets();
    assert.ok(read);
    const got = read('/proc/self/fd');
    const pairs: string[] = [];
    for (let i = 0; i < got.length; i += 2) pairs.push(`${got[i]}:${got[i + 1]}`);
    const want: string[] = [];
    for (const fd of readdirSync('/proc/self/fd')) {
      let link = '';
      try { link = readlinkSync(`/proc/self/fd/${fd}`); } catch { continue; }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) want.push(`${fd}:${m[1]}`);
    }
    assert.ok(want.length > 0);
    assert.deepEqual(pairs.sort(), want.sort());
    assert.throws(() => read('/proc/999999999/fd'), (e: unknown) => (e as { code?: string }).code === 'ENOENT');
  } finally {
    srv.close();
  }
});

test('fdSocketsMany: several fd directories read on a worker thread, as fdSockets reads each', { skip: nativeAvailable() ? false : 'the addon is not built' }, async () => {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const one = nativeFdSockets();
    const many = nativeFdSocketsMany();
    assert.ok(one && many);
    const [mine, gone, again] = await many(['/proc/self/fd', '/proc/999999999/fd', `/proc/${process.pid}/fd`]);
    assert.equal(gone, 'ENOENT');
    assert.ok(mine instanceof Float64Array && again instanceof Float64Array);
    const want = [...one('/proc/self/fd')].join(',');
    assert.ok(want.length > 0);
    assert.equal([...mine].join(','), want);
    assert.equal([...again].join(','), want);
    assert.deepEqual(await many([]), []);
  } finally {
    srv.close();
  }
});
