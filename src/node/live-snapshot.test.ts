// readLiveSnapshot over a /proc tree laid out in a temporary folder: the same code path as the
// live host, with files we wrote ourselves (a 6.18 kernel's formats).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLiveSnapshot, readLiveStateCounts } from './live-snapshot.js';
import { SourceError } from './source-error.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14016 1 00000000f5a2df13 100 0 0 10 0
   1: 0100007F:1F90 0100007F:DC02 08 00000000:00000000 00:00000000 00000000     0        0 14023 1 000000000e364b06 20 4 30 10 -1
   2: 0100007F:DC02 0100007F:1F90 05 00000000:00000000 03:000001F4 00000000     0        0 0 3 00000000b69a5a99
   3: 0100007F:1F90 0100007F:DC04 06 00000000:00000000 03:00001388 00000000     0        0 0 3 00000000b69a5a99
`;
const NETSTAT = `TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeWaitOverflow
TcpExt: 0 12 13 0
IpExt: InNoRoutes InOctets
IpExt: 0 1234
`;
const SNMP = `Ip: Forwarding DefaultTTL
Ip: 1 64
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab
Tcp: 1 200 120000 -1 7 3
`;
const SOCKSTAT = `sockets: used 5
TCP: inuse 3 orphan 1 tw 2 alloc 4 mem 1
UDP: inuse 0 mem 0
`;

const root = mkdtempSync(path.join(tmpdir(), 'tcplens-proc-'));
after(() => rmSync(root, { recursive: true, force: true }));
function put(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}
put('net/tcp', TCP);
put('net/netstat', NETSTAT);
put('net/snmp', SNMP);
put('net/sockstat', SOCKSTAT);
put('sys/net/ipv4/tcp_fin_timeout', '5\n');
put('sys/net/ipv4/tcp_max_tw_buckets', '131072\n');
put('sys/net/ipv4/ip_local_port_range', '32768\t60999\n');
put('sys/net/ipv4/ip_forward', '0\n');
put('sys/net/core/somaxconn', '4096\n');
put('uptime', '1000.00 1900.00\n');
// pid 4242 "leaky-server" owns the listener (fd 3) and the CLOSE-WAIT socket (fd 7); pid 17 is a
// kernel thread with no fds; "self" is not a pid.
put('4242/comm', 'leaky-server\n');
put('4242/cmdline', 'node\0server.js\0--port\x008080\0');
put('4242/stat', '4242 (leaky-server) S 1 4242 4242 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 1 0 90000 0 0\n');
mkdirSync(path.join(root, '4242/fd'), { recursive: true });
symlinkSync('socket:[14016]', path.join(root, '4242/fd/3'));
symlinkSync('/dev/null', path.join(root, '4242/fd/0'));
symlinkSync('socket:[14023]', path.join(root, '4242/fd/7'));
symlinkSync('socket:[99999]', path.join(root, '4242/fd/9')); // a UDP socket: not in net/tcp
put('17/comm', 'kworker/0:1\n');
mkdirSync(path.join(root, '17/fd'));
put('self/comm', 'x\n');

test('sockets, owners and the process behind them', async () => {
  const s = await readLiveSnapshot({ procRoot: root, now: () => 1_700_000_000_000 });
  assert.equal(s.takenAt, 1_700_000_000_000);
  assert.deepEqual(s.sources, [{ kind: 'proc', origin: root, os: 'linux' }]);
  assert.deepEqual(s.sockets.map((x) => `${x.state} ${x.localPort}->${x.remotePort} ${x.processes?.map((p) => `${p.name}/${p.pid}/fd${p.fd}`).join(',') ?? '-'}`), [
    'LISTEN 8080->0 leaky-server/4242/fd3',
    'CLOSE-WAIT 8080->56322 leaky-server/4242/fd7',
    'FIN-WAIT-2 56322->8080 -',
    'TIME-WAIT 8080->56324 -',
  ]);
  assert.equal(s.processes.length, 1);
  const p = s.processes[0];
  assert.equal(p.name, 'leaky-server');
  assert.equal(p.cmdline, 'node server.js --port 8080');
  assert.equal(p.uptimeMs, 100_000); // booted 1000 s ago, started at tick 90000 = 900 s
  assert.equal(typeof p.uid, 'number');
  assert.equal(s.processAttributionComplete, true);
  assert.deepEqual(s.problems, []);
  assert.equal(s.hostname, undefined, 'a captured tree is not this host');
});

test('ages from the timewait timer: 60 s for TIME-WAIT, tcp_fin_timeout for an orphaned FIN-WAIT-2', async () => {
  const s = await readLiveSnapshot({ procRoot: root, processes: false });
  const fw2 = s.sockets.find((x) => x.state === 'FIN-WAIT-2');
  const tw = s.sockets.find((x) => x.state === 'TIME-WAIT');
  assert.equal(fw2?.ageMs, 0); // 5 s fin timeout, 5 s (0x1F4 ticks) left
  assert.equal(tw?.ageMs, 10_000); // 50 s (0x1388 ticks) left of 60
  assert.equal(s.sockets[0].processes, undefined);
  assert.equal(s.processAttributionComplete, false, 'no walk, no claim');
});

test('sysctls by dotted name, tabs made spaces, non-TCP ones left out; counters; sockstat', async () => {
  const s = await readLiveSnapshot({ procRoot: root, processes: false });
  assert.deepEqual(s.sysctls, {
    'net.ipv4.tcp_fin_timeout': '5',
    'net.ipv4.tcp_max_tw_buckets': '131072',
    'net.ipv4.ip_local_port_range': '32768 60999',
    'net.core.somaxconn': '4096',
  });
  assert.equal('net.ipv4.tcp_tw_recycle' in s.sysctls, false);
  assert.equal(s.counters['TcpExt:ListenOverflows'], 12);
  assert.equal(s.counters['TcpExt:ListenDrops'], 13);
  assert.equal(s.counters['Tcp:CurrEstab'], 3);
  assert.equal(s.counters['Tcp:MaxConn'], -1);
  assert.equal(s.counters['IpExt:InOctets'], 1234);
  assert.deepEqual(s.sockstat, { inuse: 3, orphan: 1, tw: 2, alloc: 4, mem: 1 });
});

test('the count fast path sees the same states', async () => {
  assert.deepEqual(await readLiveStateCounts({ procRoot: root }), { LISTEN: 1, 'CLOSE-WAIT': 1, 'FIN-WAIT-2': 1, 'TIME-WAIT': 1 });
});

test('a tree without net/tcp or tcp6 is a SourceError that says so, never an empty host', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'tcplens-empty-'));
  try {
    await assert.rejects(readLiveSnapshot({ procRoot: empty }),
      (e: unknown) => e instanceof SourceError && /cannot read \/proc\/net\/tcp or tcp6/.test(e.message) && e.text.zh.length > 0);
  } finally { rmSync(empty, { recursive: true, force: true }); }
});

test('owners carry over between reads of one source: walked again for new sockets and in full every minute', async () => {
  const { OwnerCache, OWNER_FULL_WALK_MS } = await import('./live-snapshot.js');
  const cache = new OwnerCache();
  let now = 1_700_000_000_000;
  const read = () => readLiveSnapshot({ procRoot: root, ownerCache: cache, now: () => now });
  const owner = (s: Awaited<ReturnType<typeof read>>, inode: number): string | undefined => s.sockets.find((k) => k.inode === inode)?.processes?.map((p) => `${p.name}/${p.pid}/${p.fd}`).join(' ');
  const a = await read();
  assert.equal(owner(a, 14023), 'leaky-server/4242/7');
  // The fd moves (as after dup2 and close): a read within the minute keeps the owner it knew...
  rmSync(path.join(root, '4242/fd/7'));
  symlinkSync('socket:[14023]', path.join(root, '4242/fd/8'));
  now += 5000;
  const b = await read();
  assert.equal(owner(b, 14023), 'leaky-server/4242/7');
  assert.deepEqual(b.processes.map((p) => p.pid), [4242]);
  assert.equal(b.processes[0].uptimeMs, (a.processes[0].uptimeMs ?? 0) + 5000, 'the process is 5 s older');
  // ...and the full walk a minute later sees where it is now.
  now += OWNER_FULL_WALK_MS;
  const c = await read();
  assert.equal(owner(c, 14023), 'leaky-server/4242/8');
  rmSync(path.join(root, '4242/fd/8'));
  symlinkSync('socket:[14023]', path.join(root, '4242/fd/7'));
});
