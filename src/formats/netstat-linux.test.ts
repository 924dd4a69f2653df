import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netstatLinuxParser, parseNetstatLinux } from './netstat-linux.js';
import { countStates } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

const CAPTURED = { LISTEN: 5, ESTABLISHED: 10, 'SYN-SENT': 2, 'CLOSE-WAIT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': 3 };

test('netstat -antp capture: states, PID/Program name, "-" for unowned sockets', () => {
  const p = parseNetstatLinux('netstat-antp.txt', fixture('linux/netstat-antp.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), CAPTURED);
  assert.equal(p.hasProcesses, true);
  const py = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.deepEqual(py.processes, [{ pid: 6592, name: 'python3' }]);
  assert.equal(py.recvQ, 2);
  assert.equal(py.sendQ, undefined); // netstat's listener Send-Q is always 0, not the backlog
  assert.equal(p.sockets!.filter((s) => !s.processes).length, 5);
  const v6 = p.sockets!.filter((s) => s.family === 'ipv6');
  assert.equal(v6.length, 3);
  assert.deepEqual([v6[0].localAddress, v6[0].remoteAddress], ['::1', '::']);
});

test('netstat -anto capture: timers in seconds/retransmits/probes', () => {
  const p = parseNetstatLinux('netstat-anto.txt', fixture('linux/netstat-anto.txt'));
  assert.deepEqual(p.problems, []);
  assert.deepEqual(countStates({ sockets: p.sockets! }), CAPTURED);
  assert.equal(p.hasProcesses, undefined);
  const tw = p.sockets!.filter((s) => s.state === 'TIME-WAIT');
  assert.ok(tw.every((s) => s.timer?.kind === 'timewait' && s.timer.remainingMs > 59_000 && s.timer.remainingMs <= 60_000));
  const ka = p.sockets!.find((s) => s.timer?.kind === 'keepalive')!;
  assert.ok(ka.timer!.remainingMs > 7_100_000);
  assert.equal(p.sockets!.filter((s) => s.timer?.kind === 'off').length, 18);
});

test('netstat -antpeW capture: User and Inode columns before PID/Program name', () => {
  const p = parseNetstatLinux('netstat-antpe-wide.txt', fixture('linux/netstat-antpe-wide.txt'));
  assert.deepEqual(p.problems, []);
  const py = p.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 6000)!;
  assert.equal(py.inode, 13448);
  assert.equal(py.uid, 0);
  assert.equal(py.processes![0].name, 'python3');
  assert.ok(p.sockets!.filter((s) => s.state === 'TIME-WAIT').every((s) => s.inode === 0));
});

test('localized netstat (cs, de, pt_BR, sv): translated titles, headers and state words', () => {
  const cs = [
    'Aktivní internetová spojení (servery a navázaná)',
    'Proto Přij-F Odes-F Místní adresa          Vzdálená adresa        Stav        PID/Název programu',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               NASLOUCHÁ   1206/sshd',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:50000          SPOJENO     2001/sshd: root@pts',
    'tcp        0      1 10.0.0.1:22             10.0.0.3:50001          POSLEDNÍ ACK -',
    'tcp6       0      0 :::80                   :::*                    NASLOUCHÁ   77/nginx: master',
  ].join('\n') + '\n';
  const p = parseNetstatLinux('cs.txt', cs);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.sockets!.map((s) => s.state), ['LISTEN', 'ESTABLISHED', 'LAST-ACK', 'LISTEN']);
  assert.equal(p.sockets![1].processes![0].name, 'sshd: root@pts');
  assert.equal(p.sockets![2].processes, undefined);
  assert.equal(p.sockets![3].processes![0].name, 'nginx: master');
  const words = ['VERBUNDEN', 'ESTABELECIDA', 'ETABLERAD', 'ESTABLERT'];
  for (const w of words) {
    const q = parseNetstatLinux('x', `tcp 0 0 10.0.0.1:22 10.0.0.2:5 ${w}\n`);
    assert.equal(q.sockets![0]?.state, 'ESTABLISHED', w);
  }
  const sv = parseNetstatLinux('sv', 'tcp 1 0 10.0.0.1:22 10.0.0.2:5 STÄNG_VÄNTA\ntcp 0 0 10.0.0.1:8 0.0.0.0:* LYSSNAR\n');
  assert.deepEqual(sv.sockets!.map((s) => s.state), ['CLOSE-WAIT', 'LISTEN']);
});

test('an unknown state word on a wildcard peer is a listener; elsewhere it is reported', () => {
  const p = parseNetstatLinux('x', 'tcp 0 0 0.0.0.0:22 0.0.0.0:* ÉCOUTE\ntcp 0 0 10.0.0.1:22 10.0.0.2:5 ÉTABLIE\n');
  assert.deepEqual(p.sockets!.map((s) => s.state), ['LISTEN']);
  assert.equal(p.problems[0].line, 2);
  assert.match(p.problems[0].message, /unknown state word 'ÉTABLIE'/);
});

test('non-root netstat -p: the tool’s own warning marks attribution partial; a cut address is reported, a cut name kept', () => {
  const text = [
    '(Not all processes could be identified, non-owned process info',
    ' will not be shown, you would have to be root to see it all.)',
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
    'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      -',
    'tcp6       0      0 2001:db8:aaaa:bbbb:cc:35450 2001:db8::1:443      ESTABLISHED -',
    'tcp        0      0 localhost.localdo:35450 localhost:443           ESTABLISHED -',
    'tcp        0      0 10.0.0.1:22             10.0.0.2:5',
  ].join('\n');
  const p = parseNetstatLinux('x', text);
  assert.equal(p.attributionPartial, true);
  assert.equal(p.sockets!.length, 2);
  // A host name cut to netstat's column is still a name: kept as printed, the port is whole.
  assert.deepEqual([p.sockets![1].localAddress, p.sockets![1].localPort, p.sockets![1].remoteAddress, p.sockets![1].remotePort], ['localhost.localdo', 35450, 'localhost', 443]);
  assert.deepEqual(p.problems.map((x) => x.line), [6, 8]);
  assert.match(p.problems[0].message, /cannot read the address '2001:db8:aaaa:bbbb:cc:35450'/);
  assert.match(p.problems[1].message, /ends in the middle/);
});

test('long lines stay linear: a 200 kB token of colons, of spaces, of words (was 70 s in the sniffer)', () => {
  const lines = ['tcp 0 0 ' + 'a:'.repeat(100_000), 'tcp 0 0 a:1 b:2 ' + ' '.repeat(200_000) + ')',
    'tcp 0 0 a:1 b:2 ESTABLISHED' + ' (x'.repeat(70_000) + ')', 'tcp 0 0 ' + 'a:'.repeat(50_000) + ' ' + 'b:'.repeat(50_000)];
  for (const l of lines) {
    const t0 = performance.now();
    netstatLinuxParser.sniff([l]);
    const p = parseNetstatLinux('x', 'Proto Recv-Q Send-Q Local Address Foreign Address State\n' + l + '\n');
    // Generous for a loaded machine; the quadratic forms took seconds to minutes.
    assert.ok(performance.now() - t0 < 1000, `${l.slice(0, 30)}: ${performance.now() - t0} ms`);
    assert.equal(p.sockets!.length, 0);
    assert.equal(p.problems.length, 1);
  }
});

test('figures netstat never prints (an inode that is no number or missing, pid 0, uid -1) make the row an error on its line', () => {
  const head = [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name',
  ];
  const rows = [
    'tcp        0      0 127.0.0.1:9000          0.0.0.0:*               LISTEN      0          13x18      6559/node',
    'tcp        0      0 127.0.0.1:7000          0.0.0.0:*               LISTEN      0          13423      0/node',
    'tcp        0      0 127.0.0.1:7001          0.0.0.0:*               LISTEN      -1         13424      6559/node',
    'tcp        0      0 127.0.0.1:7002          0.0.0.0:*               LISTEN',
    'tcp        0      0 127.0.0.1:7003          0.0.0.0:*               LISTEN      0          13425      6559/node',
  ];
  const p = parseNetstatLinux('netstat', [...head, ...rows, ''].join('\n'));
  assert.deepEqual(p.sockets!.map((s) => [s.localPort, s.inode, s.uid]), [[7003, 13425, 0]]);
  assert.deepEqual(p.problems.map((x) => x.line), [3, 4, 5, 6]);
  assert.match(p.problems[0].message, /Inode '13x18'/);
  assert.match(p.problems[1].message, /PID '0'/);
  assert.match(p.problems[2].message, /User '-1'/);
  assert.match(p.problems[3].message, /no Inode/);
});
