import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promptCommand, splitSessions } from './session.js';
import { countStates, snapshotFromText } from './merge.js';
import { fixture } from '../../../test/fixtures/formats/read-fixture.js';

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
