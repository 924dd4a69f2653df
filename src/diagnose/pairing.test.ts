import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySnapshot, type HostSnapshot, type SocketRecord } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import { pairHosts, parseAddressMapping } from './pairing.js';

function host(name: string, socks: Array<[TcpState, string, string, { pid?: number; name?: string; recvQ?: number; sendQ?: number }?]>): { name: string; snapshot: HostSnapshot } {
  const s = emptySnapshot(0, { kind: 'ss', origin: name, os: 'linux' });
  for (const [state, local, remote, extra] of socks) {
    const [la, lp] = local.split(':'); const [ra, rp] = remote.split(':');
    const k: SocketRecord = { state, family: 'ipv4', localAddress: la, localPort: Number(lp), remoteAddress: ra, remotePort: Number(rp) };
    if (extra?.pid) k.processes = [{ pid: extra.pid, name: extra.name }];
    if (extra?.recvQ !== undefined) { k.recvQ = extra.recvQ; k.sendQ = extra.sendQ; }
    s.sockets.push(k);
  }
  return { name, snapshot: s };
}

test('FIN-WAIT-2 on the client ⇔ CLOSE-WAIT on the server: fix the server, named with its process', () => {
  const a = host('web-01', Array.from({ length: 12 }, (_, i) => ['FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.2:8080'] as [TcpState, string, string]));
  const b = host('api-01', [
    ['LISTEN', '0.0.0.0:8080', '0.0.0.0:0', { pid: 4242, name: 'java' }],
    ...Array.from({ length: 12 }, (_, i) => ['CLOSE-WAIT', '10.0.0.2:8080', `10.0.0.1:${40000 + i}`, { pid: 4242, name: 'java' }] as [TcpState, string, string, { pid: number; name: string }]),
  ]);
  const r = pairHosts([a, b]);
  assert.equal(r.matched, 12);
  assert.deepEqual(r.unmatched, { 'web-01': {}, 'api-01': {} });
  assert.equal(r.findings.length, 1);
  const f = r.findings[0];
  assert.deepEqual({ kind: f.kind, severity: f.severity, fix: f.fix, other: f.other, count: f.count, port: f.port, owner: f.owner },
    { kind: 'close-wait-behind-fin-wait-2', severity: 'warning', fix: 'api-01', other: 'web-01', count: 12, port: 8080, owner: { pid: 4242, name: 'java' } });
  assert.match(f.summary.en, /^web-01: 12 FIN-WAIT-2 toward api-01:8080 ⇔ api-01: 12 CLOSE-WAIT held by java \(pid 4242\): fix api-01/);
  assert.match(f.summary.zh, /应修复 api-01/);
});

test('SYN-SENT with no end on a server whose accept queue is full; ESTABLISHED with nothing on the other side is half-open', () => {
  const a = host('client', [
    ['SYN-SENT', '10.0.0.1:50000', '10.0.0.2:80'], ['SYN-SENT', '10.0.0.1:50001', '10.0.0.2:80'],
    ['ESTABLISHED', '10.0.0.1:50002', '10.0.0.2:22'],
    ['TIME-WAIT', '10.0.0.1:50003', '10.0.0.2:80'],
    ['ESTABLISHED', '10.0.0.1:50004', '192.0.2.9:443'],
  ]);
  const b = host('server', [['LISTEN', '10.0.0.2:80', '0.0.0.0:0', { pid: 7, name: 'nginx', recvQ: 129, sendQ: 128 }], ['LISTEN', '10.0.0.2:22', '0.0.0.0:0']]);
  const r = pairHosts([a, b]);
  assert.equal(r.matched, 0);
  assert.deepEqual(r.unmatched.client, { 'SYN-SENT': 2, ESTABLISHED: 1, 'TIME-WAIT': 1 });
  assert.deepEqual(r.findings.map((f) => [f.kind, f.fix, f.count, f.port]), [['syn-sent-vs-full-accept-queue', 'server', 2, 80], ['half-open', 'client', 1, 22]]);
  assert.deepEqual(r.findings[0].owner, { pid: 7, name: 'nginx' });
});

test('an address map joins ends seen through NAT: the client talks to a virtual IP, the server sees the gateway', () => {
  const a = host('client', [['FIN-WAIT-2', '10.0.0.1:40000', '198.51.100.10:443']]);
  const b = host('server', [['CLOSE-WAIT', '172.16.0.5:8443', '172.16.0.1:61000']]);
  assert.equal(pairHosts([a, b]).matched, 0);
  const r = pairHosts([a, b], [parseAddressMapping('198.51.100.10:443=172.16.0.5:8443'), parseAddressMapping('172.16.0.1:61000=10.0.0.1:40000')]);
  assert.equal(r.matched, 1);
  assert.equal(r.findings[0].kind, 'close-wait-behind-fin-wait-2');
  assert.equal(r.findings[0].severity, 'info');
});

test('address maps are read as SEEN=REAL with optional ports, IPv6 in brackets; anything else is refused', () => {
  assert.deepEqual(parseAddressMapping('198.51.100.7=10.0.0.5'), { seen: { address: '198.51.100.7' }, real: { address: '10.0.0.5' } });
  assert.deepEqual(parseAddressMapping('[2001:DB8::7]:443=[fd00::5]:8443'), { seen: { address: '2001:db8::7', port: 443 }, real: { address: 'fd00::5', port: 8443 } });
  for (const bad of ['10.0.0.1', '=10.0.0.1', 'host=10.0.0.1', '10.0.0.1:70000=10.0.0.2']) assert.throws(() => parseAddressMapping(bad), /address map/);
});
