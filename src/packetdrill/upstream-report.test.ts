import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionsFor } from './upstream-report.js';

test('a script runs on the IP versions its name and its own addresses allow', () => {
  assert.deepEqual(versionsFor('x/tcp_basic_client.pkt'), ['ipv4', 'ipv6', 'ipv4-mapped-ipv6']);
  assert.deepEqual(versionsFor('x/fastopen-client-v6.pkt'), ['ipv6']);
  assert.deepEqual(versionsFor('x/basic-v4.pkt'), ['ipv4']);
  // packetdrill refuses an IPv4 --local_ip under --ip_version=ipv6; the mapped form keeps it.
  const pinned = '//\n// Basic TFO server test\n//\n--remote_ip=192.0.2.1\n--local_ip=192.168.0.1\n`../common/defaults.sh`\n';
  assert.deepEqual(versionsFor('x/opt34/basic-rw.pkt', pinned), ['ipv4', 'ipv4-mapped-ipv6']);
  // An option naming something else, or an IPv6 address, pins nothing.
  assert.deepEqual(versionsFor('x/a.pkt', '--tolerance_usecs=10000\n'), ['ipv4', 'ipv6', 'ipv4-mapped-ipv6']);
  assert.deepEqual(versionsFor('x/a.pkt', '--local_ip=fd3d::1\n'), ['ipv4', 'ipv6', 'ipv4-mapped-ipv6']);
});
