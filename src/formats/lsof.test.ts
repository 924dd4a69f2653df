import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lsofParser, parseLsof } from './lsof.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

test('lsof -iTCP -n -P capture: every socket has its process, inode and fd; no TIME-WAIT', () => {
  const p = parseLsof('lsof', fixture('linux/lsof-itcp.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), { LISTEN: 5, ESTABLISHED: 8, 'FIN-WAIT-2': 2, 'CLOSE-WAIT': 2, 'SYN-SENT': 2 });
  assert.ok(p.sockets!.every((s) => s.processes?.length === 1 && s.inode! > 0));
  const py = p.sockets!.find((s) => s.localPort === 6000 && s.state === 'LISTEN')!;
  assert.deepEqual(py.processes, [{ pid: 6592, name: 'python3', fd: 3 }]);
  const v6 = p.sockets!.filter((s) => s.family === 'ipv6');
  assert.equal(v6.length, 3);
  assert.equal(v6[0].remoteAddress, '::');
});

test('lsof with a TID column, thread rows, a forked shared socket, service names and a cut line', () => {
  const text = [
    'COMMAND     PID   TID TASKCMD   USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME',
    'sshd       1127              root    3u  IPv4   30163      0t0  TCP *:ssh (LISTEN)',
    'java       2000              app    45u  IPv6 5707685      0t0  TCP 127.0.0.1:5000->127.0.0.1:36832 (CLOSE_WAIT)',
    'java       2000  2001 worker    app    45u  IPv6 5707685      0t0  TCP 127.0.0.1:5000->127.0.0.1:36832 (CLOSE_WAIT)',
    'nginx      3000              root    6u  IPv4   40000      0t0  TCP *:80 (LISTEN)',
    'nginx      3001              www     6u  IPv4   40000      0t0  TCP *:80 (LISTEN)',
    'curl       4000              me      5u  IPv6   50000      0t0  TCP [::1]:41000->[::1]:8443 (ESTABLISHED)',
    'curl       4001              me      5u  IPv4   50001      0t0  TCP 10.0.0.1:41000->10.0.0.2:84',
  ].join('\n');
  const p = parseLsof('x', text);
  assert.equal(p.sockets!.length, 4);
  assert.deepEqual([p.sockets![0].localPort, p.sockets![0].localAddress], [22, '0.0.0.0']);
  assert.equal(p.sockets![1].state, 'CLOSE-WAIT');
  assert.deepEqual(p.sockets![2].processes!.map((r) => r.pid), [3000, 3001]);
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0].line, 8);
  assert.match(p.problems[0].message, /ends in the middle/);
});

test('long lines stay linear: 200 kB of IPv4 words, of TCP words, of spaces (were 13 s and 44 s)', () => {
  for (const l of ['node 1 root 3u' + ' IPv4'.repeat(40_000) + ' x', 'node 1 root 3u IPv4 1 0t0' + ' TCP a'.repeat(35_000) + ' x', 'node 1 ' + ' '.repeat(200_000) + 'x']) {
    const t0 = performance.now();
    lsofParser.sniff([l]);
    const p = parseLsof('x', l + '\n');
    assert.ok(performance.now() - t0 < 1000, `${l.slice(0, 30)}: ${performance.now() - t0} ms`);
    assert.equal(p.sockets!.length, 0);
  }
});

test('figures lsof never prints (pid 0, fd -1u, uid -5) make the row an error on its line; the rest count', () => {
  const text = [
    'COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME',
    'node       0 root   19u  IPv4  13410      0t0  TCP 127.0.0.1:8080 (LISTEN)',
    'node    6559 root   -1u  IPv4  13411      0t0  TCP 127.0.0.1:43832->127.0.0.1:8080 (ESTABLISHED)',
    'node    6559 -5     21u  IPv4  13412      0t0  TCP 127.0.0.1:43834->127.0.0.1:8080 (ESTABLISHED)',
    'node    6559 root   22u  IPv4  13413      0t0  TCP 127.0.0.1:43836->127.0.0.1:8080 (ESTABLISHED)',
    '',
  ].join('\n');
  const p = parseLsof('lsof', text);
  assert.deepEqual(p.sockets!.map((s) => [s.localPort, s.processes]), [[43836, [{ pid: 6559, name: 'node', fd: 22 }]]]);
  assert.deepEqual(p.problems.map((x) => x.line), [2, 3, 4]);
  assert.match(p.problems[0].message, /pid 0/);
  assert.match(p.problems[1].message, /fd -1/);
  assert.match(p.problems[2].message, /uid -5/);
});
