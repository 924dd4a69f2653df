import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHost, parseEndpoint, tupleKey } from './address.js';

test('IPv6 is printed one way (RFC 5952) so every tool joins on it', () => {
  assert.equal(canonicalHost('2001:0DB8:0000:0000:0000:0000:0000:0001')?.address, '2001:db8::1');
  assert.equal(canonicalHost('[fe80::1%eth0]')?.address, 'fe80::1');
  assert.equal(canonicalHost('2001:db8:0:1:0:0:0:1')?.address, '2001:db8:0:1::1');
  assert.equal(canonicalHost('0:0:0:0:0:0:0:1')?.address, '::1');
  assert.deepEqual(canonicalHost('::ffff:10.0.0.1'), { address: '10.0.0.1', family: 'ipv4' });
  assert.deepEqual(canonicalHost('*', 'ipv6'), { address: '::', family: 'ipv6' });
  assert.equal(canonicalHost('010.001.000.009')?.address, '10.1.0.9');
});

test('not addresses: names, cut text, out-of-range octets', () => {
  for (const bad of ['localhost', 'fe80::aede:48ff:', '1.2.3.256', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', 'localhost.localdo']) {
    assert.equal(canonicalHost(bad), undefined, bad);
  }
});

test('endpoints split on the last separator; well-known service names become ports', () => {
  assert.deepEqual(parseEndpoint('[::1]:8443'), { address: '::1', port: 8443, family: 'ipv6' });
  assert.deepEqual(parseEndpoint(':::22'), { address: '::', port: 22, family: 'ipv6' });
  assert.deepEqual(parseEndpoint('127.0.0.53%lo:53'), { address: '127.0.0.53', port: 53, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('*.*', '.'), { address: '0.0.0.0', port: 0, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('192.168.1.191.52040', '.'), { address: '192.168.1.191', port: 52040, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('0.0.0.0:https'), { address: '0.0.0.0', port: 443, family: 'ipv4' });
  assert.equal(parseEndpoint('1.2.3.4:65536'), undefined);
  assert.equal(parseEndpoint('1.2.3.4:'), undefined);
  assert.equal(parseEndpoint('1.2.3.4:frobnicate'), undefined);
  assert.equal(tupleKey({ localAddress: '::1', localPort: 1, remoteAddress: '::', remotePort: 0 }), '::1|1|::|0');
});

test('without -n: host names kept as names, unknown service names kept with port 0', () => {
  const names = { names: true };
  assert.deepEqual(parseEndpoint('localhost:http-alt', ':', 'ipv4', names), { address: 'localhost', port: 8080, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('web-01:ssh', ':', 'ipv6', names), { address: 'web-01', port: 22, family: 'ipv6' });
  assert.deepEqual(parseEndpoint('localhost.localdo:35450', ':', 'ipv4', names), { address: 'localhost.localdo', port: 35450, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('*:mysql', ':', 'ipv4', names), { address: '0.0.0.0', port: 3306, family: 'ipv4' });
  assert.deepEqual(parseEndpoint('app-7:tl-metrics', ':', 'ipv4', names), { address: 'app-7', port: 0, family: 'ipv4', service: 'tl-metrics' });
  assert.deepEqual(parseEndpoint('app-7:tl-metrics', ':', 'ipv4', { ...names, services: { 'tl-metrics': 19999 } }), { address: 'app-7', port: 19999, family: 'ipv4' });
  // Names are not a way around a broken address or port.
  for (const bad of ['1.2.3.256:22', 'fe80::aede:48ff::22x:ssh', '1.2.3.4:65536', 'web 01:ssh', 'web-01:', 'web-01:toString', 'web-01:constructor']) {
    const e = parseEndpoint(bad, ':', 'ipv4', names);
    assert.ok(e === undefined || e.service !== undefined, bad);
  }
  assert.equal(parseEndpoint('1.2.3.256:22', ':', 'ipv4', names), undefined);
  assert.equal(parseEndpoint('1.2.3.4:65536', ':', 'ipv4', names), undefined);
  assert.equal(parseEndpoint('web-01:toString')?.port, undefined);
  assert.equal(tupleKey({ localAddress: 'a', localPort: 0, localService: 'x', remoteAddress: 'b', remotePort: 1 }), 'a|0/x|b|1');
});
