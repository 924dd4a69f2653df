import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePowershell } from './powershell.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('Get-NetTCPConnection default table: blank AppliedSetting does not shift OwningProcess', () => {
  const p = parsePowershell('t', fixture('powershell/get-nettcpconnection.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { ESTABLISHED: 1, LISTEN: 1, 'TIME-WAIT': 1, 'CLOSE-WAIT': 2, CLOSED: 1 });
  assert.deepEqual(p.sockets!.map((s) => s.processes?.[0].pid ?? null), [5584, 5584, null, 6120, 6120, 6120]);
  assert.deepEqual([p.sockets![0].family, p.sockets![0].localAddress, p.sockets![0].remotePort], ['ipv6', '::1', 12699]);
});

test('Format-Table -AutoSize: right-aligned numbers', () => {
  const p = parsePowershell('t', fixture('powershell/format-table-autosize.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockets!.map((s) => [s.state, s.localPort, s.remotePort, s.processes?.[0].pid ?? 0]), [
    ['ESTABLISHED', 22, 12699, 5584], ['LISTEN', 22, 0, 5584], ['TIME-WAIT', 49695, 80, 0], ['CLOSE-WAIT', 49696, 80, 6120],
  ]);
});

test('Format-List, ConvertTo-Csv and ConvertTo-Json (numeric MIB states of PowerShell 5.1)', () => {
  const list = parsePowershell('l', fixture('powershell/format-list.txt'));
  assert.deepEqual(list.problems, []);
  assert.deepEqual(list.sockets!.map((s) => s.state), ['ESTABLISHED', 'LISTEN']);
  assert.equal(list.sockets![0].extra?.creationTime, '11/21/2026 9:14:03 AM');
  const csv = parsePowershell('c', fixture('powershell/convertto-csv.txt'));
  assert.deepEqual(csv.problems, []);
  assert.deepEqual(csv.sockets!.map((s) => s.state), ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT']);
  const json = parsePowershell('j', fixture('powershell/convertto-json-ps51.json.txt'));
  assert.deepEqual(json.problems, []);
  assert.deepEqual(json.sockets!.map((s) => s.state), ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT']);
  assert.equal(json.sockets![3].processes![0].pid, 6120);
});

test('UTF-16LE output of PowerShell `>` read as UTF-8 is repaired', () => {
  const utf16 = Buffer.from('\uFEFF' + fixture('powershell/convertto-csv.txt'), 'utf16le').toString('utf8');
  const p = parsePowershell('u', utf16);
  assert.deepEqual(p.problems, []);
  assert.equal(p.sockets!.length, 4);
});

test('broken JSON and unknown states are problems, not crashes', () => {
  assert.match(parsePowershell('j', '[{"LocalAddress": "::1",').problems[0].message, /not valid JSON/);
  const p = parsePowershell('c', '"LocalAddress","LocalPort","RemoteAddress","RemotePort","State"\n"1.2.3.4","1","5.6.7.8","2","Weird"\n');
  assert.equal(p.problems[0].line, 2);
  assert.match(p.problems[0].message, /unknown state word 'Weird'/);
  assert.match(p.problems[0].zh!, /未知的状态词 'Weird'/);
});

test('an IPv6 address cut by the default table view is reported with the way out', () => {
  const text = '\nLocalAddress                        LocalPort RemoteAddress   RemotePort State       AppliedSetting OwningProcess\n' +
    '------------                        --------- -------------   ---------- -----       -------------- -------------\n' +
    '2001:db8:1c2d:3e4f:5a6b:7c8d:9...   445       fe80::99        50000      Established Internet       4\n';
  const p = parsePowershell('t', text);
  assert.equal(p.sockets!.length, 0);
  assert.equal(p.problems[0].line, 4);
  assert.match(p.problems[0].message, /cut by the table view \(use \| Format-Table -AutoSize/);
});

test('a table row missing its State is reported, not read as a state from a stray digit', () => {
  const text = '\nLocalAddress LocalPort RemoteAddress RemotePort State       OwningProcess\n' +
    '------------ --------- ------------- ---------- -----       -------------\n' +
    '10.0.0.1     22        10.0.0.2      50000 4                  812\n';
  const p = parsePowershell('t', text);
  assert.equal(p.sockets!.length, 0);
  assert.equal(p.problems[0].line, 4);
});

test('JSON nested deeper than ConvertTo-Json writes is a problem, not a stack overflow', () => {
  const p = parsePowershell('j', '[{"LocalAddress":"::","LocalPort":1,"RemoteAddress":"::","RemotePort":0,"State":2,"x":' + '['.repeat(40_000) + ']'.repeat(40_000) + '}]');
  assert.equal(p.sockets!.length, 0);
  assert.match(p.problems[0].message, /nested deeper than 100 levels/);
});
