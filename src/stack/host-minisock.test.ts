// TIME-WAIT minisockets in the host: the same script run on hosts that keep full Connections in
// TIME-WAIT (timeWaitMinisockets: false) and on hosts that swap them for minisockets must put
// the same segments on the wire at the same times, record the same state changes, show the
// same views and count the same counters — while the 4-tuple table holds minisockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, type TcpConfig } from '../core/config.js';
import { isSysError } from '../core/errno.js';
import type { Segment } from '../core/segment.js';
import { NO_FLAGS } from '../core/segment.js';
import { seq, seqAdd } from '../core/seq.js';
import { Connection, TimeWaitSock } from './engine.js';
import { Host, hostState } from './host.js';
import { HostPair } from '../sim/testing/host-pair.js';

const C = '10.0.0.1';
const S = '10.0.0.2';

function hosts(mini: boolean, tune: (c: TcpConfig) => void = () => {}, tuneServer = tune): { client: Host; server: Host; pair: HostPair } {
  const cc = defaultConfig();
  const sc = defaultConfig();
  tune(cc);
  tuneServer(sc);
  const client = new Host({ addrs: [C], config: cc, seed: 1, hostname: 'client', timeWaitMinisockets: mini });
  const server = new Host({ addrs: [S], config: sc, seed: 2, hostname: 'server', timeWaitMinisockets: mini });
  return { client, server, pair: new HostPair(0.05, client, server) };
}

/** What the 4-tuple table holds in TIME-WAIT: minisockets and full connections. */
function held(h: Host): { mini: number; full: number } {
  const conns = hostState(h).conns;
  let mini = 0, full = 0;
  for (const e of conns.values()) {
    if (e.state !== 'TIME-WAIT') continue;
    if (e.conn instanceof TimeWaitSock) mini++;
    else if (e.conn instanceof Connection) full++;
  }
  return { mini, full };
}

function open(client: Host, server: Host, pair: HostPair, lfd: number): { c: number; s: number } {
  const c = client.socket('ipv4') as number;
  const r = client.connect(c, S, 80);
  assert.ok(isSysError(r) && r.errno === 'EINPROGRESS', `connect: ${JSON.stringify(r)}`);
  pair.run(pair.now + 1);
  const a = server.accept(lfd);
  assert.ok(!isSysError(a));
  return { c, s: a.fd };
}

const fin = (s: Segment): boolean => s.flags.fin;

/** A script that touches every TIME-WAIT path the host has; returns everything observable. */
function scenario(mini: boolean): { observed: unknown; client: Host; server: Host; mid: { client: { mini: number; full: number }; server: { mini: number; full: number } } } {
  const { client, server, pair } = hosts(mini, (c) => {
    c.tcp_tw_reuse = 1;
    c.ip_local_port_range = [40000, 40005];
  }, (c) => {
    c.tcp_max_tw_buckets = 1;
  });
  const views: unknown[] = [];
  const look = (): void => {
    views.push({ at: pair.now, c: client.sockets(), s: server.sockets(), cs: client.sockstat(), ss: server.sockstat() });
  };
  const lfd = server.socket('ipv4') as number;
  server.setsockopt(lfd, 'SO_REUSEADDR', 1);
  server.bind(lfd, '0.0.0.0', 80);
  server.listen(lfd, 128);
  // 6 connections the client closes first, one per port of the range: 6 TIME-WAIT entries.
  for (let i = 0; i < 6; i++) {
    const p = open(client, server, pair, lfd);
    client.close(p.c);
    pair.run(pair.now + 1);
    server.close(p.s);
    pair.run(pair.now + 1);
  }
  look();
  const mid: { client: { mini: number; full: number }; server: { mini: number; full: number } } = { client: held(client), server: held(server) };
  // The server's FINs, replayed at the client's TIME-WAIT entries: retransmitted FIN → ACK.
  const finTo = (port: number): Segment => {
    const l = pair.log.filter((x) => x.seg.srcAddr === S && fin(x.seg) && x.seg.dstPort === port).at(-1);
    assert.ok(l, `the server's FIN to port ${port}`);
    return l.seg;
  };
  const fins = client.sockets().filter((r) => r.state === 'TIME-WAIT').map((r) => finTo(r.localPort));
  assert.ok(fins.length >= 3, `${fins.length} client TIME-WAIT entries`);
  pair.run(pair.now + 700);
  pair.inject(client, fins[0]);
  pair.inject(client, fins[0]); // within tcp_invalid_ratelimit: no second ACK
  // An in-window RST assassinates the second (tcp_rfc1337=0), an old SYN is ACKed at the third.
  const f1 = fins[1];
  pair.inject(client, { ...f1, flags: { ...NO_FLAGS, rst: true }, seq: seqAdd(f1.seq, 1), ack: seq(0), options: [] });
  const f2 = fins[2];
  pair.inject(client, { ...f2, flags: { ...NO_FLAGS, syn: true }, seq: seqAdd(f2.seq, -5), ack: seq(0), options: [] });
  pair.run(pair.now + 10);
  look();
  // (The server answers those ACKs with RSTs, which assassinate two more.) 2 the server closes
  // first (server-side TIME-WAIT, the second one past tcp_max_tw_buckets=1: TCPTimeWaitOverflow).
  pair.run(pair.now + 1500);
  const two = [open(client, server, pair, lfd), open(client, server, pair, lfd)];
  for (const p of two) {
    server.close(p.s);
    pair.run(pair.now + 1);
    client.close(p.c);
    pair.run(pair.now + 1);
  }
  look();
  const server2 = held(server);
  mid.server = server2;
  // 6 more connections over 6 ports: some take TIME-WAIT 4-tuples (tcp_tw_reuse=1, older than 1 s).
  pair.run(pair.now + 1500);
  for (let i = 0; i < 6; i++) {
    const p = open(client, server, pair, lfd);
    client.close(p.c);
    pair.run(pair.now + 1);
    server.close(p.s);
    pair.run(pair.now + 1);
  }
  look();
  // A new incarnation of a server-side TIME-WAIT 4-tuple: the client reconnects from that port.
  // (The reused ports above may already have met it: an ephemeral connect() is a new incarnation too.)
  const twRow = server.sockets().find((r) => r.state === 'TIME-WAIT');
  pair.run(pair.now + 2000);
  if (twRow) {
    const c2 = client.socket('ipv4') as number;
    client.setsockopt(c2, 'SO_REUSEADDR', 1);
    assert.equal(client.bind(c2, C, twRow.remotePort), 0);
    client.connect(c2, S, 80);
    pair.run(pair.now + 5);
  }
  look();
  // Everything expires (TcpExt:TW).
  pair.run(pair.now + 130_000);
  look();
  return {
    observed: {
      wire: pair.log.map((l) => [l.at, l.seg]),
      changes: [pair.stateChanges(client), pair.stateChanges(server)],
      views,
      counters: [client.counters(), server.counters()],
      deadlines: [client.nextDeadline(), server.nextDeadline()],
    },
    client, server, mid,
  };
}

test('minisockets change nothing observable: wire, state changes, views, counters, deadlines', () => {
  const full = scenario(false);
  const mini = scenario(true);
  assert.deepEqual(mini.observed, full.observed);
  const counters = (full.observed as { counters: Array<Record<string, number>> }).counters;
  // The script did reach the paths it is meant to check.
  assert.ok(counters[1]['TcpExt:TCPTimeWaitOverflow'] > 0, 'overflow');
  assert.ok(counters[0]['TcpExt:TWRecycled'] > 0, 'tw_reuse');
  assert.ok(counters[0]['TcpExt:TW'] > 0, 'expiry');
  const changes = (full.observed as { changes: Array<Array<{ from: string; cause: string }>> }).changes.flat();
  assert.ok(changes.some((c) => c.from === 'TIME-WAIT' && c.cause === 'rst-received'), 'assassination');
  // A new incarnation: a SYN taken by the listener while the server held that 4-tuple in
  // TIME-WAIT (the host frees the entry first, so its TIME-WAIT → CLOSED is not recorded).
  const server = (full.observed as { changes: Array<Array<{ remote: { port: number }; from: string; to: string }>> }).changes[1];
  const tw = new Set<number>();
  let reborn = false;
  for (const c of server) {
    if (c.to === 'TIME-WAIT') tw.add(c.remote.port);
    else if (c.from === 'TIME-WAIT') tw.delete(c.remote.port);
    else if (c.from === 'LISTEN' && tw.has(c.remote.port)) reborn = true;
  }
  assert.ok(reborn, 'new incarnation');
  assert.ok(changes.some((c) => c.cause === 'time-wait-timeout'), 'expiry cause');
  // And the tables really held minisockets (or full connections without them).
  assert.ok(full.mid.client.full > 0 && full.mid.server.full > 0);
  assert.deepEqual(mini.mid, { client: { mini: full.mid.client.full, full: 0 }, server: { mini: full.mid.server.full, full: 0 } });
  assert.deepEqual(full.mid.client.mini + full.mid.server.mini, 0);
});

test('a host holds N TIME-WAIT entries as minisockets; a socket the application still holds stays a Connection', () => {
  const { client, server, pair } = hosts(true, (c) => { c.ip_local_port_range = [40000, 40499]; });
  const lfd = server.socket('ipv4') as number;
  server.bind(lfd, '0.0.0.0', 80);
  server.listen(lfd, 1024);
  for (let i = 0; i < 300; i++) {
    const p = open(client, server, pair, lfd);
    client.close(p.c);
    pair.run(pair.now + 1);
    server.close(p.s);
    pair.run(pair.now + 1);
  }
  assert.deepEqual(held(client), { mini: 300, full: 0 });
  assert.equal(client.sockstat().tw, 300);
  assert.equal(client.stateCounts()['TIME-WAIT'], 300);
  const row = client.sockets().find((r) => r.state === 'TIME-WAIT');
  assert.equal(row?.timer?.kind, 'timewait');
  assert.equal(row?.inode, 0);
  // shutdown(SHUT_WR) and the peer's FIN: TIME-WAIT with the fd still open — a full Connection
  // (the application may still read EOF); close() then swaps it.
  const p = open(client, server, pair, lfd);
  client.shutdown(p.c, 'SHUT_WR');
  pair.run(pair.now + 1);
  server.close(p.s);
  pair.run(pair.now + 1);
  assert.deepEqual(held(client), { mini: 300, full: 1 });
  client.close(p.c);
  assert.deepEqual(held(client), { mini: 301, full: 0 });
  pair.run(pair.now + 61_000);
  assert.deepEqual(held(client), { mini: 0, full: 0 });
  assert.equal(client.sockstat().tw, 0);
});

test('a TIME-WAIT entry is one record: the minisocket itself in the 4-tuple table, the bind table and the timer heap', () => {
  const { client, server, pair } = hosts(true);
  const l = server.socket('ipv4') as number;
  server.bind(l, S, 80);
  server.listen(l, 16);
  const { c, s } = open(client, server, pair, l);
  client.close(c);
  pair.run(pair.now + 1);
  server.close(s);
  pair.run(pair.now + 1);
  const h = hostState(client);
  const [e] = [...h.conns.values()];
  assert.equal(e.state, 'TIME-WAIT');
  assert.ok(e instanceof TimeWaitSock, 'the table entry is the minisocket');
  assert.equal(e.conn, e);
  assert.deepEqual([...h.ports.owners(e.port)], [e]);
  assert.equal(h.heap.size, 1);
  assert.equal(h.heap.peek(), e.conn.nextDeadline());
  assert.equal(h.classCount.tw, 1);
  pair.run(pair.now + 61_000);
  assert.equal(h.conns.size, 0);
  assert.equal(h.classCount.tw, 0);
  assert.deepEqual([...h.ports.owners(e.port)], []);
});
