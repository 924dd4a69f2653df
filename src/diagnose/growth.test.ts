import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupCounts, growthRows, windowRate } from './growth.js';
import { host, LINUX_DEFAULT_SYSCTLS, sock, times } from './snapshot-builder.js';
import type { SocketRecord } from '../model/snapshot.js';

const T0 = 1_700_000_000_000;
const sysctls = { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.ip_local_port_range': '40000\t40999', 'net.ipv4.tcp_tw_reuse': '0' };
const client = (i: number, state: SocketRecord['state'] = 'ESTABLISHED', dest = '10.9.0.5:5432'): SocketRecord => sock(state, `10.0.0.1:${40000 + i}`, dest, { pid: 3, name: 'app', inode: 500 + i });

test('ports toward one destination: every state holding an ephemeral port, TIME-WAIT too unless connect() may reuse it', () => {
  const socks = [...times(6, (i) => client(i)), ...times(4, (i) => client(10 + i, 'TIME-WAIT')), client(20, 'ESTABLISHED', '10.9.0.6:443'),
    sock('ESTABLISHED', '10.0.0.1:50000', '10.9.0.5:5432')]; // outside the range: bound by hand, not drawn
  assert.equal(groupCounts(host({ sysctls }, socks)).get('ports|10.9.0.5|5432'), 10);
  // tcp_tw_reuse=1: a TIME-WAIT port may be taken again by connect(), so it does not count.
  assert.equal(groupCounts(host({ sysctls: { ...sysctls, 'net.ipv4.tcp_tw_reuse': '1' } }, socks)).get('ports|10.9.0.5|5432'), 6);
  // 2 (the default) reuses only toward loopback.
  assert.equal(groupCounts(host({ sysctls: { ...sysctls, 'net.ipv4.tcp_tw_reuse': '2' } }, socks)).get('ports|10.9.0.5|5432'), 10);
});

test('growth toward the ephemeral range, the TIME-WAIT table and the orphan limit, soonest first', () => {
  const sys = { ...sysctls, 'net.ipv4.tcp_max_tw_buckets': '1000', 'net.ipv4.tcp_max_orphans': '4096' };
  const a = host({ takenAt: T0, sysctls: sys, sockstat: { orphan: 10 } }, times(100, (i) => client(i)));
  const b = host({ takenAt: T0 + 10_000, sysctls: sys, sockstat: { orphan: 10 } }, [...times(300, (i) => client(i)), ...times(50, (i) => client(400 + i, 'TIME-WAIT', '10.8.0.1:80'))]);
  const points = [{ at: a.takenAt, groups: groupCounts(a) }, { at: b.takenAt, groups: groupCounts(b) }];
  assert.equal(windowRate(points, 'ports|10.9.0.5|5432'), 20);
  assert.equal(windowRate(points.slice(1), 'ports|10.9.0.5|5432'), undefined, 'one read: no rate');
  assert.deepEqual(growthRows(b, points, undefined), [
    { what: 'ephemeral-ports', key: '10.9.0.5:5432', current: 300, limit: 1000, ratePerSec: 20, secondsToLimit: 35 },
    { what: 'ephemeral-ports', key: '10.8.0.1:80', current: 50, limit: 1000, ratePerSec: 5, secondsToLimit: 190 },
    { what: 'time-wait-buckets', key: 'net.ipv4.tcp_max_tw_buckets', current: 50, limit: 1000, ratePerSec: 5, secondsToLimit: 190 },
    { what: 'orphans', key: 'net.ipv4.tcp_max_orphans', current: 10, limit: 4096, ratePerSec: 0 },
  ]);
});
