import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFromV6Bytes, formatIpv6 } from './address.js';

test('IPv6 text follows RFC 5952', () => {
  assert.equal(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), '2001:db8::1:0:0:1');
  assert.equal(formatIpv6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 'fe80::');
  assert.equal(formatIpv6([1, 2, 3, 4, 5, 6, 7, 8]), '1:2:3:4:5:6:7:8');
  assert.equal(formatIpv6([1, 0, 2, 3, 4, 5, 6, 7]), '1:0:2:3:4:5:6:7', 'one zero group is not compressed');
});

test('sixteen bytes: IPv6, and IPv4-mapped as the IPv4 address it carries', () => {
  const b = (...g: number[]): number[] => g.flatMap((x) => [x >> 8, x & 0xff]);
  assert.deepEqual(addressFromV6Bytes(b(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)), { address: '2001:db8::1', family: 'ipv6' });
  assert.deepEqual(addressFromV6Bytes(b(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0007)), { address: '10.0.0.7', family: 'ipv4' });
  assert.deepEqual(addressFromV6Bytes(b(0, 0, 0, 0, 0, 0, 0, 0)), { address: '::', family: 'ipv6' });
});
