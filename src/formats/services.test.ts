import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServicesFile, servicePort } from './services.js';

test('the built-in table: IANA names netstat, ss and lsof print, aliases included', () => {
  assert.equal(servicePort('http-alt'), 8080);
  assert.equal(servicePort('webcache'), 8080);
  assert.equal(servicePort('mysql'), 3306);
  assert.equal(servicePort('postgresql'), 5432);
  assert.equal(servicePort('ssh'), 22);
  assert.equal(servicePort('microsoft_ds'), 445);
  assert.equal(servicePort('HTTPS'), 443);
  assert.equal(servicePort('no-such-service'), undefined);
  assert.equal(servicePort('constructor'), undefined);
  assert.equal(servicePort('__proto__'), undefined);
});

test('/etc/services: tcp entries and aliases; udp, comments and bad ports skipped; the host table wins', () => {
  const t = parseServicesFile('# comment\nfoo\t\t7001/tcp\tfoo-alias # x\nbar 7002/udp\nbig 70000/tcp\nhttp-alt 8888/tcp\n\r\n');
  assert.deepEqual({ ...t }, { foo: 7001, 'foo-alias': 7001, 'http-alt': 8888 });
  assert.equal(servicePort('foo-alias', t), 7001);
  assert.equal(servicePort('http-alt', t), 8888);
  assert.equal(servicePort('ssh', t), 22);
});
