import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateLine, promptCommand, splitSessions } from './session.js';
import { countStates, snapshotFromText } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('prompt lines of common shells are recognised with their command and host', () => {
  assert.deepEqual(promptCommand('[root@web01 ~]# ss -tanp'), { command: 'ss -tanp', hostname: 'web01' });
  assert.deepEqual(promptCommand('deploy@api-3:/srv$ sudo netstat -antp'), { command: 'sudo netstat -antp', hostname: 'api-3' });
  assert.deepEqual(promptCommand('PS C:\\Users\\me> Get-NetTCPConnection'), { command: 'Get-NetTCPConnection', hostname: undefined });
  assert.deepEqual(promptCommand('C:\\>netstat -ano'), { command: 'netstat -ano', hostname: undefined });
  assert.deepEqual(promptCommand('$ cat /proc/net/sockstat'), { command: 'cat /proc/net/sockstat', hostname: undefined });
  assert.equal(promptCommand('tcp 0 0 1.2.3.4:80 5.6.7.8:9 ESTABLISHED'), undefined);
  assert.equal(promptCommand('# a comment'), undefined);
  assert.deepEqual(promptCommand('$ uptime'), { command: 'uptime', hostname: undefined });
});

test('a pasted terminal session with three commands becomes one snapshot of three sources', () => {
  const text = [
    '[root@web01 ~]# ss -s', fixture('linux/ss-s.txt').trimEnd(),
    '[root@web01 ~]# ss -tanpoei', fixture('linux/ss-tanpoei.txt').trimEnd(),
    '[root@web01 ~]# sysctl net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_fin_timeout = 60',
    '[root@web01 ~]# exit',
  ].join('\n') + '\n';
  assert.equal(splitSessions(text).length, 3);
  const snap = snapshotFromText('session.txt', text);
  assert.equal(snap.hostname, 'web01');
  assert.deepEqual(snap.problems, []);
  assert.deepEqual(snap.sources.map((s) => s.format), ['ss-summary', 'ss', 'sysctl']);
  assert.equal(countStates(snap)['TIME-WAIT'], 3);
  assert.equal(snap.sysctls['net.ipv4.tcp_fin_timeout'], '60');
  assert.equal(snap.counters['Tcp:CurrEstab'], 12);
});

test('one unreadable command in a session is a problem at its prompt line; line numbers stay the file’s', () => {
  const text = '$ uptime\n 10:00 up 3 days\n$ ss -tan\nState Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 1.2.3.4:22 5.6.7.8:9\nBOGUS 0 0 1.2.3.4:22 5.6.7.8:10\n$ cat /etc/motd\nhello\n';
  const snap = snapshotFromText('s.txt', text);
  assert.equal(snap.sockets.length, 1);
  assert.deepEqual(snap.problems.map((p) => [p.line, p.message.slice(0, 30)]), [
    [1, 'the output of `uptime` is in n'], [6, "unknown state word 'BOGUS'"], [7, 'the output of `cat /etc/motd` '],
  ]);
});

test('date lines: unambiguous forms give the moment, a named non-UTC zone gives null', () => {
  assert.equal(dateLine('Sun Nov 22 01:16:47 UTC 2026'), Date.UTC(2026, 10, 22, 1, 16, 47));
  assert.equal(dateLine('Sun, 22 Nov 2026 09:16:47 +0800'), Date.UTC(2026, 10, 22, 1, 16, 47));
  assert.equal(dateLine('2026-11-22T01:16:47+00:00'), Date.UTC(2026, 10, 22, 1, 16, 47));
  assert.equal(dateLine('1795310207'), 1795310207000);
  assert.equal(dateLine('Sun Nov 22 09:16:47 CST 2026'), null); // China or US Central?
  assert.equal(dateLine('LISTEN 0 128 *:22 *:*'), undefined);
});

test('`while true; do date; ss -tan; sleep 10; done`: the last listing is now, the earlier ones history', () => {
  const tw = (n: number): string => ['State Recv-Q Send-Q Local Address:Port Peer Address:Port',
    'LISTEN 0 128 0.0.0.0:80 0.0.0.0:*',
    ...Array.from({ length: n }, (_, i) => `TIME-WAIT 0 0 10.0.0.1:80 10.0.0.2:${40000 + i}`)].join('\n');
  const text = ['Sun Nov 22 01:00:00 UTC 2026', tw(2), 'Sun Nov 22 01:00:10 UTC 2026', tw(5), 'Sun Nov 22 01:00:20 UTC 2026', tw(9)].join('\n') + '\n';
  const snap = snapshotFromText('loop.txt', text, 1);
  assert.deepEqual(snap.problems, []);
  assert.equal(snap.takenAt, Date.UTC(2026, 10, 22, 1, 0, 20));
  assert.deepEqual(countStates(snap), { LISTEN: 1, 'TIME-WAIT': 9 });
  assert.deepEqual(snap.history, [
    { takenAt: Date.UTC(2026, 10, 22, 1, 0, 0), stateCounts: { LISTEN: 1, 'TIME-WAIT': 2 } },
    { takenAt: Date.UTC(2026, 10, 22, 1, 0, 10), stateCounts: { LISTEN: 1, 'TIME-WAIT': 5 } },
  ]);
});

test('a repeated listing without dates is not added up: the last is used and the rest reported', () => {
  const one = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n';
  const two = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5001\n';
  const snap = snapshotFromText('s.txt', `$ ss -tan\n${one}$ ss -tan\n${two}`);
  assert.deepEqual(snap.sockets.map((s) => s.remotePort), [5001]);
  assert.equal(snap.history, undefined);
  assert.equal(snap.problems.length, 1);
  assert.equal(snap.problems[0].line, 4);
  assert.match(snap.problems[0].message, /1 earlier `ss -tan` listing\(s\) in this paste were set aside/);
});

test('different listing commands in one session are one moment: `ss -tlnp` then `ss -tanp` are merged', () => {
  const text = '$ ss -tlnp\nState Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=9,fd=3))\n' +
    '$ ss -tan\nState Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n';
  const snap = snapshotFromText('s.txt', text);
  assert.deepEqual(snap.problems, []);
  assert.deepEqual(countStates(snap), { LISTEN: 1, ESTABLISHED: 1 });
  assert.equal(snap.sockets.find((s) => s.state === 'LISTEN')!.processes![0].name, 'sshd');
});
