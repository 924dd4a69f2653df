import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { applyProfile, isProfile } from './profiles.js';

test('linux: TIME-WAIT fixed at 60 s, tcp_fin_timeout 60 s, the default port range', () => {
  const c = applyProfile(defaultConfig(), 'linux');
  assert.equal(c.time_wait_ms, 60_000);
  assert.equal(c.tcp_fin_timeout, 60);
  assert.deepEqual(c.ip_local_port_range, [32768, 60999]);
});

test('bsd: 2*MSL = 60 s, no tcp_tw_reuse, ports 10000-65535', () => {
  const c = applyProfile(defaultConfig(), 'bsd');
  assert.equal(c.time_wait_ms, 60_000);
  assert.equal(c.tcp_tw_reuse, 0);
  assert.deepEqual(c.ip_local_port_range, [10000, 65535]);
});

test('windows: TcpTimedWaitDelay 240 s by default, clamped to 30..300; TcpFinWait2Delay', () => {
  assert.equal(applyProfile(defaultConfig(), 'windows').time_wait_ms, 240_000);
  assert.equal(applyProfile(defaultConfig(), 'windows', { tcpTimedWaitDelay: 30 }).time_wait_ms, 30_000);
  assert.equal(applyProfile(defaultConfig(), 'windows', { tcpTimedWaitDelay: 5 }).time_wait_ms, 30_000);
  assert.equal(applyProfile(defaultConfig(), 'windows', { tcpTimedWaitDelay: 900 }).time_wait_ms, 300_000);
  assert.equal(applyProfile(defaultConfig(), 'windows', { tcpFinWait2Delay: 60 }).tcp_fin_timeout, 60);
  assert.deepEqual(applyProfile(defaultConfig(), 'windows').ip_local_port_range, [49152, 65535]);
  assert.equal(isProfile('windows'), true);
  assert.equal(isProfile('solaris'), false);
});
