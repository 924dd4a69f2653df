import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, type TcpConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import { Host } from './host.js';
import { HostPair } from '../sim/testing/host-pair.js';

const C = '10.0.0.1';
const S = '10.0.0.2';

function hosts(tune: (c: TcpConfig) => void = () => {}): { client: Host; server: Host; pair: HostPair } {
  const cc = defaultConfig();
  const sc = defaultConfig();
  tune(cc);
  tune(sc);
  const client = new Host({ addrs: [C], config: cc, seed: 1, hostname: 'client' });
  const server = new Host({ addrs: [S], config: sc, seed: 2, hostname: 'server' });
  return { client, server, pair: new HostPair(0.05, client, server) };
}

function listen(server: Host, port: number, backlog: number): number {
  const fd = server.socket('ipv4') as number;
  assert.equal(server.bind(fd, '0.0.0.0', port), 0);
  assert.equal(server.listen(fd, backlog), 0);
  return fd;
}

function connect(client: Host, port: number): number {
  const fd = client.socket('ipv4') as number;
  const r = client.connect(fd, S, port);
  assert.ok(isSysError(r) && r.errno === 'EINPROGRESS', `connect gave ${JSON.stringify(r)}`);
  return fd;
}

function state(h: Host, fd: number): string {
  const s = h.status(fd);
  return isSysError(s) ? s.errno : s.state;
}

test('socket() returns 3, accept() the next free fd; the handshake completes on both hosts', () => {
  const { client, server, pair } = hosts();
  const lfd = listen(server, 80, 128);
  assert.equal(lfd, 3);
  const cfd = connect(client, 80);
  assert.equal(cfd, 3);
  pair.run(10);
  assert.equal(state(client, cfd), 'ESTABLISHED');
  const a = server.accept(lfd);
  assert.ok(!isSysError(a));
  assert.equal(a.fd, 4);
  assert.equal(a.addr, C);
  assert.equal(state(server, a.fd), 'ESTABLISHED');
  assert.equal(server.accept(lfd) && (server.accept(lfd) as { errno: string }).errno, 'EAGAIN');
  assert.deepEqual(pair.log.slice(0, 3).map((s) => s.text.split(' ')[3]), ['S', 'S.', '.']);
  assert.equal(client.counters()['Tcp:ActiveOpens'], 1);
  assert.equal(server.counters()['Tcp:PassiveOpens'], 1);
  assert.equal(server.counters()['Tcp:CurrEstab'], 1);
});

test('SYN to a port with no listener → RST; connect fails, SO_ERROR = ECONNREFUSED (111)', () => {
  const { client, server, pair } = hosts();
  void server;
  const cfd = connect(client, 81);
  pair.run(10);
  assert.equal(pair.log[1].text.split(' ')[3], 'R.');
  assert.equal(state(client, cfd), 'CLOSED');
  assert.equal(client.getsockopt(cfd, 'SO_ERROR'), 111);
  assert.equal(client.getsockopt(cfd, 'SO_ERROR'), 0, 'reading SO_ERROR clears it');
  assert.equal(client.counters()['Tcp:AttemptFails'], 1);
  assert.equal(server.counters()['Tcp:OutRsts'], 1);
});

/** Open and client-close `n` connections to S:80, all within a few ms; returns the fds' errors. */
function churn(client: Host, server: Host, pair: HostPair, lfd: number, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const fd = client.socket('ipv4') as number;
    const r = client.connect(fd, S, 80);
    if (isSysError(r) && r.errno !== 'EINPROGRESS') {
      client.close(fd);
      continue;
    }
    pair.run(pair.now + 1);
    const a = server.accept(lfd);
    client.close(fd); // the client closes first: TIME-WAIT on the client
    pair.run(pair.now + 1);
    if (!isSysError(a)) server.close(a.fd);
    pair.run(pair.now + 1);
    ok++;
  }
  return ok;
}

test('ip_local_port_range 40000-40999, tcp_tw_reuse=0: exactly 1,000 connections succeed, the 1,001st gets EADDRNOTAVAIL', () => {
  const { client, server, pair } = hosts((c) => {
    c.ip_local_port_range = [40000, 40999];
    c.tcp_tw_reuse = 0;
  });
  const lfd = listen(server, 80, 4096);
  assert.equal(churn(client, server, pair, lfd, 1000), 1000);
  assert.ok(pair.now < 60_000, `all within 60 s (took ${pair.now} ms)`);
  assert.equal(client.stateCounts()['TIME-WAIT'], 1000);
  assert.equal(client.sockstat().tw, 1000);
  const fd = client.socket('ipv4') as number;
  assert.deepEqual(client.connect(fd, S, 80), { errno: 'EADDRNOTAVAIL' });
  // Another destination port is another set of 4-tuples.
  listen(server, 81, 16);
  const fd2 = client.socket('ipv4') as number;
  assert.deepEqual(client.connect(fd2, S, 81), { errno: 'EINPROGRESS' });
  // 60 s after the first TIME-WAIT began, its port is free again.
  pair.run(61_000);
  assert.equal(client.counters()['TcpExt:TW'] > 0, true);
  assert.deepEqual(client.connect(fd, S, 80), { errno: 'EINPROGRESS' });
});

test('tcp_tw_reuse=1 with timestamps: the 1,001st connection takes a TIME-WAIT 4-tuple once it is older than 1 s', () => {
  const { client, server, pair } = hosts((c) => {
    c.ip_local_port_range = [40000, 40999];
    c.tcp_tw_reuse = 1;
  });
  const lfd = listen(server, 80, 4096);
  assert.equal(churn(client, server, pair, lfd, 1000), 1000);
  const t0 = pair.now;
  assert.ok(t0 < 1000 + 3000);
  // Too young: every TIME-WAIT entry is younger than tcp_tw_reuse_delay.
  const early = hosts((c) => {
    c.ip_local_port_range = [40000, 40001];
    c.tcp_tw_reuse = 1;
  });
  const l2 = listen(early.server, 80, 16);
  churn(early.client, early.server, early.pair, l2, 2);
  const e = early.client.socket('ipv4') as number;
  assert.deepEqual(early.client.connect(e, S, 80), { errno: 'EADDRNOTAVAIL' });
  early.pair.run(early.pair.now + 1001);
  assert.deepEqual(early.client.connect(e, S, 80), { errno: 'EINPROGRESS' });
  assert.equal(early.client.counters()['TcpExt:TWRecycled'], 1);
  early.pair.run(early.pair.now + 10);
  assert.equal(state(early.client, e), 'ESTABLISHED');
  // And the big one: after 1 s more, the 1,001st succeeds.
  pair.run(t0 + 1001);
  const fd = client.socket('ipv4') as number;
  assert.deepEqual(client.connect(fd, S, 80), { errno: 'EINPROGRESS' });
  pair.run(pair.now + 10);
  assert.equal(state(client, fd), 'ESTABLISHED');
});

test('tcp_tw_reuse=2 (the default) applies to loopback only', () => {
  const { client, server, pair } = hosts((c) => {
    c.ip_local_port_range = [40000, 40001];
  });
  const lfd = listen(server, 80, 16);
  churn(client, server, pair, lfd, 2);
  pair.run(pair.now + 2000);
  const fd = client.socket('ipv4') as number;
  assert.deepEqual(client.connect(fd, S, 80), { errno: 'EADDRNOTAVAIL' }, '10.0.0.2 is not loopback');
});

test('backlog 4: the accept queue holds 5; the 6th final ACK is dropped and the SYN-ACK retransmitted at 1 s, 3 s', () => {
  const { client, server, pair } = hosts();
  const lfd = listen(server, 80, 4);
  const fds: number[] = [];
  // Four one at a time, then two together: both SYNs find room (a SYN meeting a full accept
  // queue would be dropped), then the 6th final ACK finds the queue full.
  for (let i = 0; i < 4; i++) {
    fds.push(connect(client, 80));
    pair.run(pair.now + 1);
  }
  fds.push(connect(client, 80), connect(client, 80));
  pair.run(pair.now + 1);
  assert.equal(server.queues()[0].acceptQueue, 5);
  assert.equal(server.queues()[0].synQueue, 1);
  assert.equal(server.counters()['TcpExt:ListenOverflows'], 1);
  assert.equal(server.counters()['TcpExt:ListenDrops'], 1);
  assert.equal(state(client, fds[5]), 'ESTABLISHED', 'the client believes it is connected');
  const listenRow = server.sockets().find((r) => r.state === 'LISTEN');
  assert.equal(listenRow?.recvQ, 5);
  assert.equal(listenRow?.sendQ, 4);
  assert.equal(server.sockets().filter((r) => r.state === 'SYN-RECEIVED').length, 1);
  const mark = pair.log.length;
  const t0 = pair.log.filter((s) => s.text.split(' ')[3] === 'S.').at(-1)?.at ?? 0;
  pair.run(t0 + 3500);
  const synacks = pair.since(mark, (s) => s.text.split(' ')[3] === 'S.').map((s) => Math.round(s.at - t0));
  assert.deepEqual(synacks, [1000, 3000]);
  assert.equal(server.counters()['TcpExt:ListenOverflows'], 3, 'each re-ACK meets the full queue again');
  // Make room: the next SYN-ACK retransmission (at 7 s) completes the handshake.
  assert.ok(!isSysError(server.accept(lfd)));
  pair.run(t0 + 7500);
  assert.equal(server.queues()[0].acceptQueue, 5);
  assert.equal(server.queues()[0].synQueue, 0);
});

test('a SYN meeting a full accept queue is dropped (ListenOverflows); the client retries it after 1 s', () => {
  const { client, server, pair } = hosts();
  listen(server, 80, 0);
  connect(client, 80); // backlog 0 holds 1
  pair.run(10);
  const fd = connect(client, 80);
  pair.run(20);
  assert.equal(state(client, fd), 'SYN-SENT');
  assert.equal(server.counters()['TcpExt:ListenOverflows'], 1);
  assert.equal(server.counters()['TcpExt:ListenDrops'], 1);
});

test('tcp_abort_on_overflow=1: the 6th final ACK is answered with RST and the client sees ECONNRESET', () => {
  const { client, server, pair } = hosts((c) => {
    c.tcp_abort_on_overflow = 1;
  });
  listen(server, 80, 4);
  const fds: number[] = [];
  for (let i = 0; i < 4; i++) {
    fds.push(connect(client, 80));
    pair.run(pair.now + 1);
  }
  fds.push(connect(client, 80), connect(client, 80));
  pair.run(pair.now + 1);
  assert.equal(state(client, fds[5]), 'CLOSED');
  assert.equal(client.getsockopt(fds[5], 'SO_ERROR'), 104);
  assert.equal(server.queues()[0].synQueue, 0);
  assert.equal(server.counters()['TcpExt:ListenOverflows'], 1);
});

function fakeSyn(src: string, port: number, isn: number) {
  return {
    srcAddr: src, srcPort: port, dstAddr: S, dstPort: 80, seq: isn, ack: 0,
    flags: { syn: true, ack: false, fin: false, rst: false, psh: false, urg: false, ece: false, cwr: false },
    window: 64240, urgent: 0, options: [{ kind: 'mss' as const, value: 1460 }], payload: new Uint8Array(0),
  } as unknown as Parameters<Host['handleSegment']>[0];
}

test('SYN queue past the backlog: a SYN cookie, and the connection rebuilt from the cookie ACK', () => {
  const { client, server, pair } = hosts();
  const lfd = listen(server, 80, 4);
  for (let i = 0; i < 5; i++) pair.inject(server, fakeSyn('198.18.0.1', 1000 + i, 7777));
  assert.equal(server.queues()[0].synQueue, 5);
  const fd = connect(client, 80);
  pair.run(10);
  assert.equal(state(client, fd), 'ESTABLISHED');
  const c = server.counters();
  assert.equal(c['TcpExt:TCPReqQFullDoCookies'], 1);
  assert.equal(c['TcpExt:SyncookiesSent'], 1);
  assert.equal(c['TcpExt:SyncookiesRecv'], 1);
  const a = server.accept(lfd);
  assert.ok(!isSysError(a));
  assert.equal(state(server, a.fd), 'ESTABLISHED');
  // Data both ways on the rebuilt connection.
  assert.equal(client.send(fd, new Uint8Array([1, 2, 3])), 3);
  pair.run(pair.now + 50);
  assert.deepEqual([...(server.recv(a.fd, 10) as Uint8Array)], [1, 2, 3]);
  // An ACK with a forged cookie fails and is reset.
  const bad = { ...fakeSyn('198.18.0.9', 999, 5), ack: 12345, flags: { ...fakeSyn(C, 1, 1).flags, syn: false, ack: true } };
  pair.inject(server, bad as Parameters<Host['handleSegment']>[0]);
  assert.equal(server.counters()['TcpExt:SyncookiesFailed'], 1);
});

test('tcp_syncookies=0: a SYN meeting a full SYN queue is dropped (TCPReqQFullDrop)', () => {
  const { client, server, pair } = hosts((c) => {
    c.tcp_syncookies = 0;
  });
  listen(server, 80, 4);
  for (let i = 0; i < 5; i++) pair.inject(server, fakeSyn('198.18.0.1', 1000 + i, 7777));
  const fd = connect(client, 80);
  pair.run(10);
  assert.equal(state(client, fd), 'SYN-SENT');
  assert.equal(server.counters()['TcpExt:TCPReqQFullDrop'], 1);
  assert.equal(server.counters()['TcpExt:ListenDrops'], 1);
});

test('tcp_max_tw_buckets=10: the 11th connection to close skips TIME-WAIT (TCPTimeWaitOverflow)', () => {
  const { client, server, pair } = hosts((c) => {
    c.tcp_max_tw_buckets = 10;
  });
  const lfd = listen(server, 80, 128);
  churn(client, server, pair, lfd, 11);
  assert.equal(client.stateCounts()['TIME-WAIT'], 10);
  assert.equal(client.sockstat().tw, 10);
  assert.equal(client.counters()['TcpExt:TCPTimeWaitOverflow'], 1);
});

test('views: TIME-WAIT rows have inode 0 and a timewait timer; owned sockets name their process and fd', () => {
  const { client, server, pair } = hosts();
  const lfd = listen(server, 80, 128);
  churn(client, server, pair, lfd, 1);
  const tw = client.sockets().find((r) => r.state === 'TIME-WAIT');
  assert.ok(tw);
  assert.equal(tw.inode, 0);
  assert.equal(tw.timer?.kind, 'timewait');
  assert.ok((tw.timer?.remainingMs ?? 0) > 59_000);
  assert.equal(tw.processes, undefined);
  const l = server.sockets().find((r) => r.state === 'LISTEN');
  assert.deepEqual(l?.processes, [{ pid: 1000, name: 'app', fd: 3 }]);
  const snap = client.snapshot();
  assert.equal(snap.sysctls['net.ipv4.tcp_fin_timeout'], '60');
  assert.equal(snap.sysctls['net.ipv4.ip_local_port_range'], '32768\t60999');
  assert.equal(snap.sockstat?.tw, 1);
  assert.equal(snap.sources[0].kind, 'simulated');
});

test('bind: EADDRINUSE on a port in use; SO_REUSEADDR binds over the server\'s own TIME-WAIT', () => {
  const { client, server, pair } = hosts();
  // Both the old socket and the new need SO_REUSEADDR: a TIME-WAIT entry keeps its socket's
  // sk_reuse (inet_bind_conflict compares the two).
  const lfd = server.socket('ipv4') as number;
  server.setsockopt(lfd, 'SO_REUSEADDR', 1);
  server.bind(lfd, '0.0.0.0', 80);
  server.listen(lfd, 128);
  const dup = server.socket('ipv4') as number;
  assert.deepEqual(server.bind(dup, '0.0.0.0', 80), { errno: 'EADDRINUSE' });
  server.setsockopt(dup, 'SO_REUSEADDR', 1);
  assert.deepEqual(server.bind(dup, '0.0.0.0', 80), { errno: 'EADDRINUSE' }, 'SO_REUSEADDR never binds over a listener');
  // The server closes first: TIME-WAIT on the server, on port 80.
  const cfd = connect(client, 80);
  pair.run(pair.now + 5);
  const a = server.accept(lfd) as { fd: number };
  server.close(a.fd);
  pair.run(pair.now + 5);
  client.close(cfd);
  pair.run(pair.now + 5);
  assert.equal(server.stateCounts()['TIME-WAIT'], 1);
  server.close(lfd);
  const plain = server.socket('ipv4') as number;
  assert.deepEqual(server.bind(plain, '0.0.0.0', 80), { errno: 'EADDRINUSE' }, 'TIME-WAIT holds the port');
  const reuse = server.socket('ipv4') as number;
  assert.equal(server.setsockopt(reuse, 'SO_REUSEADDR', 1), 0);
  assert.equal(server.bind(reuse, '0.0.0.0', 80), 0, 'SO_REUSEADDR on both sides');
  assert.deepEqual(server.bind(99, '0.0.0.0', 80), { errno: 'EBADF' });
  const x = server.socket('ipv4') as number;
  assert.deepEqual(server.bind(x, '192.0.2.77', 80), { errno: 'EADDRNOTAVAIL' });
});

test('an orphan beyond tcp_max_orphans is reset (TCPAbortOnMemory)', () => {
  const { client, server, pair } = hosts((c) => {
    c.tcp_max_orphans = 1;
  });
  const lfd = listen(server, 80, 128);
  const a = connect(client, 80);
  const b = connect(client, 80);
  pair.run(5);
  server.accept(lfd);
  server.accept(lfd);
  pair.drop = (s) => s.srcAddr === S; // the server goes silent: FINs stay unacknowledged (FIN-WAIT-1)
  client.close(a);
  client.close(b);
  pair.run(pair.now + 5);
  assert.equal(client.sockstat().orphan, 1);
  assert.equal(client.counters()['TcpExt:TCPAbortOnMemory'], 1);
  assert.ok(pair.log.some((s) => s.seg.srcAddr === C && s.seg.flags.rst));
});

test('profiles: Windows keeps TIME-WAIT 240 s, Linux 60 s', () => {
  for (const [profile, ms] of [['linux', 60_000], ['windows', 240_000]] as const) {
    const client = new Host({ addrs: [C], profile, seed: 1 });
    const server = new Host({ addrs: [S], profile, seed: 2 });
    const pair = new HostPair(0.05, client, server);
    const lfd = listen(server, 80, 16);
    churn(client, server, pair, lfd, 1);
    pair.run(ms - 100);
    assert.equal(client.stateCounts()['TIME-WAIT'], 1, `${profile} still in TIME-WAIT`);
    pair.run(ms + 100);
    assert.equal(client.stateCounts()['TIME-WAIT'] ?? 0, 0, `${profile} left TIME-WAIT`);
  }
});

test("address families are 'ipv4' and 'ipv6': an ipv4 socket refuses an IPv6 address, any other family is EAFNOSUPPORT", () => {
  const { client } = hosts();
  const fd = client.socket('ipv4') as number;
  assert.deepEqual(client.bind(fd, '::1', 0), { errno: 'EAFNOSUPPORT' });
  assert.deepEqual(client.connect(fd, '::1', 80), { errno: 'EAFNOSUPPORT' });
  assert.deepEqual(client.socket('AF_INET' as unknown as 'ipv4'), { errno: 'EAFNOSUPPORT' });
  const six = client.socket('ipv6') as number;
  assert.equal(client.bind(six, '::', 0), 0);
});

test('dual stack: an ipv6 (AF_INET6) listener on :: takes an IPv4 SYN; accept() reports ::ffff:10.0.0.1', () => {
  const { client, server, pair } = hosts();
  const l = server.socket('ipv6') as number;
  assert.equal(server.bind(l, '::', 80), 0);
  server.listen(l, 16);
  const fd = connect(client, 80);
  pair.run(5);
  assert.equal(state(client, fd), 'ESTABLISHED');
  const a = server.accept(l);
  assert.ok(!isSysError(a));
  assert.equal(a.addr, '::ffff:10.0.0.1');
  // An exact address wins over the wildcard.
  const exact = server.socket('ipv4') as number;
  server.setsockopt(exact, 'SO_REUSEADDR', 1);
  assert.deepEqual(server.bind(exact, S, 80), { errno: 'EADDRINUSE' }, 'a listener on :: holds port 80 for 10.0.0.2 too');
});

test('SO_REUSEPORT: two listeners share a port and the 4-tuple hash spreads connections over both', () => {
  const { client, server, pair } = hosts();
  const ls = [0, 1].map(() => {
    const fd = server.socket('ipv4') as number;
    server.setsockopt(fd, 'SO_REUSEPORT', 1);
    assert.equal(server.bind(fd, '0.0.0.0', 80), 0);
    assert.equal(server.listen(fd, 64), 0);
    return fd;
  });
  for (let i = 0; i < 20; i++) connect(client, 80);
  pair.run(5);
  const q = server.queues().map((x) => x.acceptQueue);
  assert.equal(q[0] + q[1], 20);
  assert.ok(q[0] > 0 && q[1] > 0, `spread ${q}`);
  void ls;
});

test('a SYN for the server\'s TIME-WAIT 4-tuple with a higher sequence number opens a new incarnation', () => {
  const { client, server, pair } = hosts();
  const l = server.socket('ipv4') as number;
  server.bind(l, '0.0.0.0', 80);
  server.listen(l, 16);
  const c1 = client.socket('ipv4') as number;
  client.setsockopt(c1, 'SO_REUSEADDR', 1);
  assert.equal(client.bind(c1, C, 45000), 0);
  client.connect(c1, S, 80);
  pair.run(5);
  const a = server.accept(l) as { fd: number };
  server.close(a.fd); // the server closes first: TIME-WAIT on the server
  pair.run(pair.now + 5);
  client.close(c1);
  pair.run(pair.now + 5);
  assert.equal(server.stateCounts()['TIME-WAIT'], 1);
  pair.run(pair.now + 2000); // time passes: the client's next ISN is higher
  const c2 = client.socket('ipv4') as number;
  client.setsockopt(c2, 'SO_REUSEADDR', 1);
  assert.equal(client.bind(c2, C, 45000), 0);
  assert.deepEqual(client.connect(c2, S, 80), { errno: 'EINPROGRESS' });
  pair.run(pair.now + 5);
  assert.equal(state(client, c2), 'ESTABLISHED');
  assert.equal(server.stateCounts()['TIME-WAIT'] ?? 0, 0);
  assert.equal(server.stateCounts().ESTABLISHED, 1);
});

test('an orphaned FIN-WAIT-2 counts as a timewait entry in sockstat and against tcp_max_tw_buckets', () => {
  const { client, server, pair } = hosts((c) => {
    c.tcp_max_tw_buckets = 1;
  });
  const l = listen(server, 80, 16);
  const a = connect(client, 80);
  const b = connect(client, 80);
  pair.run(5);
  server.accept(l);
  server.accept(l);
  client.close(a); // the server never closes: the client's orphan waits in FIN-WAIT-2
  pair.run(pair.now + 5);
  assert.equal(client.sockstat().tw, 1);
  assert.equal(client.sockstat().orphan, 0);
  const row = client.sockets().find((r) => r.state === 'FIN-WAIT-2');
  assert.equal(row?.inode, 0);
  client.close(b); // the second one finds the bucket table full and is destroyed
  pair.run(pair.now + 5);
  assert.equal(client.counters()['TcpExt:TCPTimeWaitOverflow'], 1);
  assert.equal(client.stateCounts()['FIN-WAIT-2'], 1);
  // tcp_fin_timeout later, the minisocket is gone and counted as TW.
  pair.run(pair.now + 61_000);
  assert.equal(client.sockstat().tw, 0);
});

test('bad calls: EBADF for unknown fds, EINVAL for a second bind, EAGAIN on an empty accept queue', () => {
  const { server } = hosts();
  assert.deepEqual(server.accept(42), { errno: 'EBADF' });
  assert.deepEqual(server.close(42), { errno: 'EBADF' });
  assert.deepEqual(server.recv(42, 10), { errno: 'EBADF' });
  const fd = server.socket('ipv4') as number;
  assert.equal(server.bind(fd, '0.0.0.0', 0), 0);
  assert.deepEqual(server.bind(fd, '0.0.0.0', 0), { errno: 'EINVAL' });
  assert.deepEqual(server.accept(fd), { errno: 'EINVAL' });
  server.listen(fd, 1);
  assert.deepEqual(server.accept(fd), { errno: 'EAGAIN' });
  assert.deepEqual(server.readiness(fd), { readable: false, writable: false, error: false, hup: false });
  assert.equal(server.close(fd), 0);
  assert.deepEqual(server.close(fd), { errno: 'EBADF' });
});

test('tcp_tw_reuse=1 without timestamps: TIME-WAIT is never reused (no PAWS), EADDRNOTAVAIL stays', () => {
  const { client, server, pair } = hosts((c) => {
    c.ip_local_port_range = [40000, 40001];
    c.tcp_tw_reuse = 1;
    c.tcp_timestamps = 0;
  });
  const lfd = listen(server, 80, 16);
  churn(client, server, pair, lfd, 2);
  pair.run(pair.now + 5000);
  const fd = client.socket('ipv4') as number;
  assert.deepEqual(client.connect(fd, S, 80), { errno: 'EADDRNOTAVAIL' });
});

test('bind-before-connect: bind(addr, 0) takes a port for every destination; connect() then uses it', () => {
  const { client, server, pair } = hosts((c) => {
    c.ip_local_port_range = [40000, 40003];
  });
  listen(server, 80, 16);
  const fds = [0, 1].map(() => {
    const fd = client.socket('ipv4') as number;
    assert.equal(client.bind(fd, C, 0), 0);
    return fd;
  });
  const ports = fds.map((fd) => (client.status(fd) as { local?: { port: number } }).local?.port);
  assert.equal(new Set(ports).size, 2);
  for (const fd of fds) client.connect(fd, S, 80);
  pair.run(5);
  assert.deepEqual(fds.map((fd) => (client.status(fd) as { local?: { port: number } }).local?.port), ports);
  // Two more explicit binds exhaust the 4-port range for everyone: bind(0) fails with EADDRINUSE.
  for (let i = 0; i < 2; i++) assert.equal(client.bind(client.socket('ipv4') as number, C, 0), 0);
  assert.deepEqual(client.bind(client.socket('ipv4') as number, C, 0), { errno: 'EADDRINUSE' });
});

test('a SYN queue more than half full of old requests drops them after 2 SYN-ACK retries (7 s) until it is half empty', () => {
  const flooded = hosts((c) => {
    c.tcp_syncookies = 0;
  });
  listen(flooded.server, 80, 8);
  for (let i = 0; i < 9; i++) flooded.pair.inject(flooded.server, fakeSyn('198.18.0.1', 2000 + i, 1));
  assert.equal(flooded.server.queues()[0].synQueue, 9);
  flooded.pair.run(6_900);
  assert.equal(flooded.server.queues()[0].synQueue, 9);
  flooded.pair.run(7_100);
  // Five expire at their third timeout; then 4 × 2 is no longer more than max(8, backlog), so the
  // last four get the full tcp_synack_retries again (qlen is re-read at every timer).
  assert.equal(flooded.server.queues()[0].synQueue, 4);
  flooded.pair.run(62_000);
  assert.equal(flooded.server.queues()[0].synQueue, 4);
  flooded.pair.run(64_000);
  assert.equal(flooded.server.queues()[0].synQueue, 0);
  // A few requests in a big queue keep tcp_synack_retries = 5: SYN-ACKs at 1, 3, 7, 15, 31 s, gone at 63 s.
  const calm = hosts();
  listen(calm.server, 80, 128);
  for (let i = 0; i < 3; i++) calm.pair.inject(calm.server, fakeSyn('198.18.0.1', 3000 + i, 1));
  calm.pair.run(62_000);
  assert.equal(calm.server.queues()[0].synQueue, 3);
  calm.pair.run(64_000);
  assert.equal(calm.server.queues()[0].synQueue, 0);
});
