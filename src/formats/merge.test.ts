import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countStates, snapshotFromText, snapshotFromTexts, UnknownFormatError } from './merge.js';
import { fixture, fixtureFolder } from '../../test/fixtures/formats/read-fixture.js';

const CAPTURED = { LISTEN: 5, ESTABLISHED: 10, 'SYN-SENT': 2, 'CLOSE-WAIT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': 3 };

test('the whole Linux capture folder: one snapshot, sockets once each, every source used', () => {
  const files = fixtureFolder('linux');
  const snap = snapshotFromTexts(files, 1_700_000_000_000);
  assert.equal(snap.takenAt, 1_700_000_000_000);
  assert.deepEqual(countStates(snap), CAPTURED);
  assert.equal(snap.sources[0].kind, 'folder');
  assert.equal(snap.sources.length, files.length + 1);
  // ss -p names the processes; ps adds their command lines.
  const py = snap.sockets.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.deepEqual(py.processes, [{ pid: 6592, name: 'python3', fd: 3 }]);
  assert.equal(py.sendQ, 1); // the limit only ss knows survives the merge
  assert.deepEqual(snap.processes.map((p) => [p.pid, p.name]), [[6559, 'node'], [6592, 'python3']]);
  assert.match(snap.processes[0].cmdline!, /linux-states\.mjs/);
  assert.equal(snap.sysctls['net.ipv4.tcp_fin_timeout'], '60');
  assert.equal(snap.counters['TcpExt:ListenOverflows'], 1);
  assert.equal(snap.counters['Tcp:CurrEstab'], 12);
  assert.deepEqual(snap.sockstat, { inuse: 18, orphan: 0, tw: 3, alloc: 22, mem: 96 });
  assert.equal(snap.processAttributionComplete, true);
  // Only the netstat -s prose note; every other line of every file was read.
  assert.deepEqual(snap.problems.map((p) => p.file), ['linux/netstat-s.txt']);
});

test('ss -tan (no processes) + lsof: lsof fills pid/name/inode by 4-tuple; TIME-WAIT stays from ss', () => {
  const snap = snapshotFromTexts([
    { name: 'a', text: fixture('linux/ss-tan.txt') }, { name: 'b', text: fixture('linux/lsof-itcp.txt') },
  ], 0);
  assert.deepEqual(countStates(snap), CAPTURED);
  const cw = snap.sockets.filter((s) => s.state === 'CLOSE-WAIT');
  assert.ok(cw.every((s) => s.processes?.[0].name === 'node' && s.inode! > 0 && s.recvQ === 1));
  assert.equal(snap.sockets.filter((s) => !s.processes).length, 5);
  assert.equal(snap.processAttributionComplete, true);
});

test('/proc/net/tcp + tcp6: one source; without a process source attribution is incomplete', () => {
  const snap = snapshotFromTexts([
    { name: 'tcp', text: fixture('linux/proc-net-tcp.txt') }, { name: 'tcp6', text: fixture('linux/proc-net-tcp6.txt') },
  ], 0);
  assert.deepEqual(countStates(snap), CAPTURED);
  assert.equal(snap.processAttributionComplete, false);
});

test('netstat -antp and ss -tanpoei agree; ss is preferred and netstat adds nothing twice', () => {
  const snap = snapshotFromTexts([
    { name: 'n', text: fixture('linux/netstat-anto.txt') }, { name: 's', text: fixture('linux/ss-tanpoei.txt') },
  ], 0);
  assert.equal(snap.sockets.length, 24);
  assert.ok(snap.sockets.every((s) => s.extra?.sk !== undefined)); // ss's rows, not netstat's
});

test('a file in no known format inside a folder is a problem; a folder of only such files is an error', () => {
  const snap = snapshotFromTexts([{ name: 'd/README', text: 'notes about this host\n' }, { name: 'd/ss', text: fixture('linux/ss-tan.txt') }], 0);
  assert.equal(snap.sockets.length, 24);
  assert.match(snap.problems[0].message, /d\/README: no known format/);
  assert.throws(() => snapshotFromTexts([{ name: 'x', text: 'nothing' }], 0), (e: unknown) => {
    assert.ok(e instanceof UnknownFormatError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /x: no known format/);
    return true;
  });
  assert.throws(() => snapshotFromText('-', ''), UnknownFormatError);
});

test('one pasted Windows netstat: PID-only processes; process list from the socket rows', () => {
  const snap = snapshotFromText('win.txt', fixture('windows/netstat-ano-en.txt'));
  assert.equal(snap.sources[0].os, 'windows');
  assert.equal(snap.sockets.length, 13);
  assert.deepEqual(snap.processes, []);
});

test('Windows folder: netstat -ano + tasklist names the PIDs; JSON CreationTime gives connection ages', () => {
  const snap = snapshotFromTexts([
    { name: 'w/netstat.txt', text: fixture('windows/netstat-ano-en.txt') },
    { name: 'w/tasklist.txt', text: fixture('windows/tasklist.txt') },
  ], 0);
  const cw = snap.sockets.filter((s) => s.state === 'CLOSE-WAIT');
  assert.deepEqual(cw.map((s) => s.processes![0].name), ['java.exe', 'java.exe', 'java.exe']);
  assert.equal(snap.sockets.find((s) => s.localPort === 445)!.processes![0].name, 'System');
  assert.equal(snap.processes.find((p) => p.pid === 0), undefined);
  const ps = snapshotFromText('j', fixture('powershell/convertto-json-ps51.json.txt'), 1795770903000);
  assert.equal(ps.sockets[0].ageMs, 60_000);
  assert.equal(ps.sockets[3].ageMs, 10_903_000);
});

test('a `tcplens capture` folder: the manifest gives host and time; every other file is read', () => {
  const snap = snapshotFromTexts(fixtureFolder('capture-folder'), 1);
  assert.equal(snap.hostname, 'vm');
  assert.equal(snap.takenAt, Date.parse('2026-11-22T01:03:58.946Z'));
  assert.deepEqual(snap.problems, []);
  assert.deepEqual(countStates(snap), { LISTEN: 1 });
  // This sandbox hides the listener's owner even from root: attribution is honestly incomplete.
  assert.equal(snap.processAttributionComplete, false);
  assert.equal(snap.processes.find((p) => p.pid === 1)!.uptimeMs, 947_000);
  assert.equal(snap.counters['Ip6:InReceives'] !== undefined, true);
});

test('attribution: an ownerless listener in netstat -antp (no inodes) makes it incomplete', () => {
  const text = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n' +
    'tcp        0      0 0.0.0.0:2024            0.0.0.0:*               LISTEN      -\n' +
    'tcp        0      0 10.0.0.1:2024           10.0.0.2:5000           TIME_WAIT   -\n';
  assert.equal(snapshotFromText('n', text).processAttributionComplete, false);
  const owned = text.replace('LISTEN      -', 'LISTEN      1/init');
  assert.equal(snapshotFromText('n', owned).processAttributionComplete, true);
});
