import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenAddressError, parseListen } from './listen-address.js';

test('--listen accepts IPv4, bracketed IPv6, a host name and :PORT for every address', () => {
  assert.deepEqual(parseListen('127.0.0.1:19709'), { host: '127.0.0.1', port: 19709 });
  assert.deepEqual(parseListen('[::1]:19709'), { host: '::1', port: 19709 });
  assert.deepEqual(parseListen('localhost:1'), { host: 'localhost', port: 1 });
  assert.deepEqual(parseListen(':19709'), { host: '::', port: 19709 });
});

test('--listen rejects a missing or out-of-range port and a bare IPv6 address, in both languages', () => {
  for (const bad of ['127.0.0.1', '127.0.0.1:', '127.0.0.1:0', '127.0.0.1:65536', '::1:19709', '[127.0.0.1]:19709', 'a b:80', '19709']) {
    assert.throws(() => parseListen(bad), (e: unknown) => e instanceof ListenAddressError && e.text.en.includes(`'${bad}'`) && e.text.zh.includes('--listen'), bad);
  }
});
