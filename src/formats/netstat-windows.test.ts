import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNetstatWindows } from './netstat-windows.js';
import { countStates } from './merge.js';
import { fixture, FORMATS_DIR } from '../../test/fixtures/formats/read-fixture.js';

test('netstat -ano (English): LISTENING, TIME_WAIT with PID 0, zone-indexed IPv6, UDP rows skipped', () => {
  const p = parseNetstatWindows('en', fixture('windows/netstat-ano-en.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), {
    LISTEN: 4, ESTABLISHED: 2, 'CLOSE-WAIT': 3, 'TIME-WAIT': 2, 'SYN-SENT': 1, 'FIN-WAIT-2': 1,
  });
  assert.equal(p.hasProcesses, true);
  assert.ok(p.sockets!.filter((s) => s.state === 'TIME-WAIT').every((s) => s.processes === undefined));
  assert.deepEqual(p.sockets!.filter((s) => s.state === 'CLOSE-WAIT').map((s) => s.processes![0].pid), [5120, 5120, 5120]);
  const ll = p.sockets!.find((s) => s.localAddress === 'fe80::1')!;
  assert.deepEqual([ll.family, ll.localPort, ll.remoteAddress, ll.remotePort], ['ipv6', 8080, 'fe80::2', 50500]);
  const v6l = p.sockets!.find((s) => s.state === 'LISTEN' && s.family === 'ipv6')!;
  assert.deepEqual([v6l.localAddress, v6l.remoteAddress, v6l.remotePort], ['::', '::', 0]);
});

test('German netstat in cp850: ABHÖREN decoded right, or mangled to U+0099 / U+FFFD, is LISTENING', () => {
  const bytes = readFileSync(path.join(FORMATS_DIR, 'windows/netstat-ano-de-cp850.txt'));
  const expect = { LISTEN: 3, ESTABLISHED: 1, 'CLOSE-WAIT': 1, 'TIME-WAIT': 1, 'FIN-WAIT-2': 1, 'SYN-SENT': 1 };
  for (const enc of ['latin1', 'utf8'] as const) {
    const p = parseNetstatWindows('de', bytes.toString(enc));
    assert.deepEqual(p.problems, [], enc);
    assert.deepEqual(countStates({ sockets: p.sockets! }), expect, enc);
  }
  const proper = bytes.toString('latin1').replace(/\u0099/g, 'Ö');
  assert.deepEqual(countStates({ sockets: parseNetstatWindows('de', proper).sockets! }), expect);
});

test('zh-CN netstat: translated headers (UTF-8 or GBK read as UTF-8) do not matter', () => {
  for (const f of ['windows/netstat-ano-zh-utf8.txt', 'windows/netstat-ano-zh-gbk.txt']) {
    const p = parseNetstatWindows(f, fixture(f));
    assert.deepEqual(p.problems, [], f);
    assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 3, 'TIME-WAIT': 3, ESTABLISHED: 1 }, f);
  }
});

test('netstat -anob: [exe] continuation lines name the process', () => {
  const p = parseNetstatWindows('anob', fixture('windows/netstat-anob.txt'));
  assert.deepEqual(p.problems, []);
  const names = p.sockets!.map((s) => s.processes?.[0]?.name ?? null);
  assert.deepEqual(names, ['svchost.exe', null, 'chrome.exe', 'chrome.exe', null]);
  assert.equal(p.sockets![1].processes![0].pid, 4);
});

test('a cut-off last row and an unknown word are reported by line', () => {
  const text = '\r\nActive Connections\r\n\r\n  Proto  Local Address  Foreign Address  State  PID\r\n' +
    '  TCP    10.0.0.1:80    10.0.0.2:5000    GEHEIM  12\r\n' +
    '  TCP    10.0.0.1:80    10.0.0.2:50';
  const p = parseNetstatWindows('x', text);
  assert.equal(p.sockets!.length, 0);
  assert.deepEqual(p.problems.map((x) => x.line), [5, 6]);
  assert.match(p.problems[0].message, /unknown state word 'GEHEIM'/);
  assert.match(p.problems[1].message, /ends in the middle/);
});

test('a damaged indented row is reported; -b continuation lines are not', () => {
  const text = '\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n' +
    '  TCB    0.0.0.0:1              0.0.0.0:0              LISTENING       4\r\n' +
    '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1712\r\n  RpcSs\r\n [svchost.exe]\r\n' +
    '  TCP 0.0.0.0:445\r\n' +
    '  TCP    0.0.0.0:80             0.0.0.0:0              LISTENING       4\r\n';
  const p = parseNetstatWindows('w', text);
  assert.equal(p.sockets!.length, 2);
  assert.deepEqual(p.problems.map((x) => x.line), [5, 9]);
});
