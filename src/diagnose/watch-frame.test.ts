import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchSession } from './watch-frame.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from './snapshot-builder.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';

const T0 = 1_700_000_000_000;
const cw = (i: number): SocketRecord => ({ ...sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:40000`, { pid: 7, name: 'api', inode: 100 + i, recvQ: 0 }), id: `inode:${100 + i}` });
const listen = { ...sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 7, name: 'api', inode: 1 }), id: 'inode:1' };
const at = (t: number, sockets: SocketRecord[]): HostSnapshot => ({ ...host({ takenAt: T0 + t, sysctls: LINUX_DEFAULT_SYSCTLS }, [listen, ...sockets]), readDoneAt: T0 + t });

test('growth toward the owner\'s fd limit: rate over the window and the time left at that rate', () => {
  const s = new WatchSession('live');
  const fds = (open: number) => ({ fds: new Map([[7, { limit: 1024, open }]]) });
  s.refresh(at(0, times(10, cw)), fds(20));
  const f = s.refresh(at(10_000, times(30, cw)), fds(40));
  assert.deepEqual(f.growth.find((g) => g.what === 'close-wait-fds'),
    { what: 'close-wait-fds', key: 'api/7', pid: 7, process: 'api', current: 40, limit: 1024, ratePerSec: 2, secondsToLimit: 492 });
  assert.deepEqual(f.flows, { exact: false, windowMs: 10_000, edges: [{ from: 'new', to: 'CLOSE-WAIT', count: 20, ratePerSec: 2 }] });
  assert.deepEqual(f.states['CLOSE-WAIT'], { count: 30, change: 20, ratePerSec: 2 });
});

test('findings appear (new), stay, and clear when the sockets go', () => {
  const s = new WatchSession('live');
  assert.deepEqual(s.refresh(at(0, [])).findings.filter((x) => x.id === 'close_wait_leak'), []);
  const a = s.refresh(at(2000, times(25, cw))).findings.find((x) => x.id === 'close_wait_leak');
  assert.equal(a?.new, true);
  assert.equal(a?.firstSeenAt, T0 + 2000);
  const b = s.refresh(at(4000, times(25, cw))).findings.find((x) => x.id === 'close_wait_leak');
  assert.deepEqual([b?.new, b?.firstSeenAt], [false, T0 + 2000]);
  const c = s.refresh(at(6000, []));
  assert.ok(!c.findings.some((x) => x.id === 'close_wait_leak'));
  assert.ok(c.cleared.some((x) => x.id === 'close_wait_leak'));
  assert.deepEqual(c.flows.edges, [{ from: 'CLOSE-WAIT', to: 'gone', count: 25, ratePerSec: 12.5 }]);
});

// Between full reads watch lists every state but ESTABLISHED (src/node/watch-read.ts).
const estab = (i: number): SocketRecord => ({ ...sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:41000`, { pid: 7, name: 'api', inode: 5000 + i }), id: `inode:${5000 + i}` });
const tw = (i: number): SocketRecord => ({ ...sock('TIME-WAIT', '10.0.0.1:8080', `${peerIp(i)}:42000`, { timer: { kind: 'timewait', remainingMs: 30_000 } }), id: `cookie:${i}` });
const LIGHT = (n: number) => ({ light: { unlisted: ['ESTABLISHED' as const], counts: { ESTABLISHED: n }, countedFrom: 'Tcp:CurrEstab' as const } });

test('a light read: ESTABLISHED counted, what needs its sockets carried from the full read with its age, the rest read again', () => {
  const s = new WatchSession('live');
  const full = s.refresh(at(0, [...times(50, estab), ...times(120, tw)]));
  assert.deepEqual(full.listing, { full: true, fullAt: T0 });
  const twFinding = full.findings.find((x) => x.id === 'time_wait_pressure');
  assert.ok(twFinding, 'server-side TIME-WAIT ≥ 100 on one port');
  const f = s.refresh(at(10_000, [...times(110, tw), ...times(25, cw)]), LIGHT(48));
  assert.deepEqual(f.listing, { full: false, fullAt: T0, unlisted: ['ESTABLISHED'], countedFrom: 'Tcp:CurrEstab' });
  assert.deepEqual(f.states.ESTABLISHED, { count: 48, change: -2, ratePerSec: -0.2 });
  assert.equal(f.total, 1 + 48 + 110 + 25);
  // time_wait_pressure reads ESTABLISHED (ports in use per destination): the full read's, as of then.
  const carried = f.findings.find((x) => x.id === 'time_wait_pressure');
  assert.deepEqual(carried, { ...twFinding, new: false, asOf: T0 });
  // close_wait_leak reads only CLOSE-WAIT and listeners: from this read.
  const leak = f.findings.find((x) => x.id === 'close_wait_leak');
  assert.equal(leak?.asOf, undefined);
  assert.equal(leak?.new, true);
  assert.deepEqual(f.flows.unlisted, ['ESTABLISHED']);
  // The ESTABLISHED sockets are neither listed nor gone: the tracker still follows them.
  assert.ok(!f.flows.edges.some((e) => e.from === 'ESTABLISHED'));
  assert.equal(f.tracked, 50 + 110 + 25 + 1);
  // The next full read: its own findings again, and the moves out of ESTABLISHED since the last full read.
  const g = s.refresh(at(20_000, [...times(48, estab), ...times(110, tw), ...times(25, cw)]));
  assert.deepEqual(g.listing, { full: true, fullAt: T0 + 20_000 });
  assert.equal(g.findings.find((x) => x.id === 'time_wait_pressure')?.asOf, undefined);
  assert.deepEqual(g.flows.edges.find((e) => e.from === 'ESTABLISHED'), { from: 'ESTABLISHED', to: 'gone', count: 2, ratePerSec: 0.1, windowMs: 20_000 });
  assert.deepEqual(g.flows.unlisted, ['ESTABLISHED']);
});
