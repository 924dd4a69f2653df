import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSockstatBsd, sockstatBsdParser } from './sockstat-bsd.js';
import { countStates, snapshotFromText, snapshotFromTexts } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('sockstat -s: sockets with their state and owner', () => {
  const p = parseSockstatBsd('s', fixture('bsd/freebsd-sockstat-s.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 2, ESTABLISHED: 1, 'FIN-WAIT-2': 1, 'CLOSE-WAIT': 1 });
  assert.deepEqual(p.sockets!.find((s) => s.state === 'CLOSE-WAIT')!.processes, [{ pid: 2001, name: 'nginx', fd: 7 }]);
});

test('sockstat without -s names owners only; joined to FreeBSD netstat -an by 4-tuple', () => {
  const p = parseSockstatBsd('o', fixture('bsd/freebsd-sockstat.txt'));
  assert.equal(p.sockets!.length, 0);
  assert.equal(p.owners!.length, 4); // the udp row and the `?` row own nothing here
  const snap = snapshotFromTexts([
    { name: 'netstat', text: fixture('bsd/freebsd-netstat-an.txt') }, { name: 'sockstat', text: fixture('bsd/freebsd-sockstat.txt') },
  ], 0);
  const owner = (st: string): string => snap.sockets.filter((s) => s.state === st).map((s) => s.processes?.map((r) => `${r.name}/${r.pid}`).join(',') ?? '-').join(' ');
  assert.equal(owner('LISTEN'), 'sshd/1234 sshd/1234');
  assert.equal(owner('ESTABLISHED'), 'sshd/5678');
  assert.equal(owner('FIN-WAIT-2'), 'nginx/2001');
  assert.equal(owner('SYN-RECEIVED'), '-');
  assert.deepEqual(snap.problems.map((x) => x.file), ['netstat']); // only the cut IPv6 address
});

test('sockstat without -s alone: nothing invented, the missing states are reported', () => {
  const snap = snapshotFromText('o', fixture('bsd/freebsd-sockstat.txt'));
  assert.equal(snap.sockets.length, 0);
  assert.equal(snap.problems.length, 1);
  assert.equal(snap.problems[0].line, 2);
  assert.match(snap.problems[0].message, /4 sockets have an owner but no state/);
});

test('a long line of spaces is no row, read in linear time', () => {
  const spaces = ' '.repeat(50_000);
  const t0 = performance.now();
  assert.equal(sockstatBsdParser.sniff([spaces, 'root sshd' + spaces + '1']), 0);
  const p = parseSockstatBsd('s', 'root     sshd' + spaces + '812   3  tcp4   *:22    *:*   LISTEN\n');
  assert.ok(performance.now() - t0 < 200, 'linear');
  assert.equal(p.sockets!.length, 1);
  assert.deepEqual(p.sockets![0].processes, [{ pid: 812, name: 'sshd', fd: 3 }]);
});

test('a paste that repeats its rows stays linear and lists each owner once', () => {
  const rows = ['USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       PATH STATE   CONN STATE',
    'www      nginx      2001  6  tcp4   192.168.71.163:80     192.168.71.9:40000                   FIN_WAIT_2'];
  const text = [rows[0], ...Array.from({ length: 20000 }, () => rows[1])].join('\n') + '\n';
  const part = parseSockstatBsd('s.txt', text);
  assert.equal(part.sockets!.length, 1);
  assert.deepEqual(part.sockets![0].processes, [{ pid: 2001, name: 'nginx', fd: 6 }]);
});
