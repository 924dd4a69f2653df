// Output taken without -n: host and service names are data. Every capture under
// test/fixtures/formats/names/ shows one socket table (see SOURCES.md), so each tool's reading must
// agree with `ss -tan` taken at the same moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat } from './detect.js';
import { countStates, snapshotFromText } from './merge.js';
import { parseNetstatLinux } from './netstat-linux.js';
import { parseLsof } from './lsof.js';
import { parseSs } from './ss.js';
import { parseServicesFile } from './services.js';
import type { SocketRecord } from '../model/snapshot.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

const ALL = { LISTEN: 5, ESTABLISHED: 12, 'TIME-WAIT': 4, 'CLOSE-WAIT': 5, 'FIN-WAIT-2': 5 };
const WITH_FD = { LISTEN: 5, ESTABLISHED: 12, 'CLOSE-WAIT': 5, 'FIN-WAIT-2': 5 };

const read = (f: string) => snapshotFromText(f, fixture(`names/${f}`));
const key = (s: SocketRecord) => `${s.state} ${s.localPort}->${s.remotePort}`;

test('ss -tan is the reference: the namespace table as numbers', () => {
  assert.deepEqual(countStates(read('ss-tan.txt')), ALL);
});

test('every tool and layout, with names, counts the same table (lsof: the sockets with an fd)', () => {
  const want: Record<string, [string, object]> = {
    'netstat-at.txt': ['netstat-linux', ALL], 'netstat-atp.txt': ['netstat-linux', ALL], 'netstat-a.txt': ['netstat-linux', ALL],
    'ss-ta.txt': ['ss', ALL], 'ss-tap.txt': ['ss', ALL],
    'lsof-i.txt': ['lsof', WITH_FD], 'lsof-itcp.txt': ['lsof', WITH_FD], 'lsof-i-n-p.txt': ['lsof', WITH_FD], 'lsof-k-itcp.txt': ['lsof', WITH_FD],
  };
  const ref = read('ss-tan.txt').sockets.map(key).sort();
  for (const [f, [format, counts]] of Object.entries(want)) {
    assert.equal(detectFormat(fixture(`names/${f}`))?.format, format, f);
    const s = read(f);
    assert.deepEqual(s.problems, [], f);
    assert.deepEqual(countStates(s), counts, f);
    // Ports by name come back as the same numbers ss -tan printed.
    const mine = s.sockets.map(key).sort();
    const expected = f.startsWith('lsof') ? ref.filter((k) => !k.startsWith('TIME-WAIT')) : ref;
    assert.deepEqual(mine, expected, f);
  }
});

test('netstat -atp: host names are kept as names, cut ones as netstat cut them; processes named', () => {
  const p = parseNetstatLinux('netstat-atp.txt', fixture('names/netstat-atp.txt'));
  assert.deepEqual(p.problems, []);
  const cw = p.sockets!.filter((s) => s.state === 'CLOSE-WAIT');
  assert.equal(cw.length, 5);
  for (const s of cw) {
    assert.deepEqual([s.localAddress, s.localPort, s.remoteAddress, s.family], ['localhost', 8080, 'web-01', 'ipv4']);
    assert.equal(s.processes?.[0]?.name, 'tl-leaky');
  }
  // `localhost.localdomain` cut to netstat's 23-character column.
  assert.equal(p.sockets!.filter((s) => s.remoteAddress === 'localhost.localdo' && s.localPort === 3306).length, 3);
  const v6 = p.sockets!.filter((s) => s.family === 'ipv6');
  assert.equal(v6.length, 5);
  assert.ok(v6.some((s) => s.localAddress === 'ip6-localhos' && s.localPort === 5432));
  assert.ok(p.sockets!.every((s) => s.localService === undefined && s.remoteService === undefined));
});

test('lsof -i with names, and lsof -K: thread rows (TID TASKCMD) count each fd once', () => {
  const named = parseLsof('lsof-i.txt', fixture('names/lsof-i.txt'));
  const lc = named.sockets!.find((s) => s.state === 'ESTABLISHED' && s.localPort === 3306)!;
  assert.equal(lc.remoteAddress, 'localhost.localdomain');
  assert.equal(lc.inode !== undefined && lc.inode > 0, true);
  const threads = parseLsof('lsof-k-itcp.txt', fixture('names/lsof-k-itcp.txt'));
  assert.deepEqual(threads.problems, []);
  assert.equal(threads.sockets!.length, 27);
  const ls = threads.sockets!.find((s) => s.state === 'LISTEN' && s.localPort === 8080)!;
  assert.deepEqual(ls.processes, [{ pid: 10184, name: 'tl-leaky', fd: 19 }]);
});

test('ss -ta prints service names for ports: read back to numbers', () => {
  const p = parseSs('ss-ta.txt', fixture('names/ss-ta.txt'));
  assert.deepEqual(p.problems, []);
  assert.ok(p.sockets!.some((s) => s.state === 'LISTEN' && s.localPort === 5432 && s.localAddress === '::1'));
  assert.equal(p.sockets!.filter((s) => s.state === 'TIME-WAIT' && s.localPort === 22).length, 4);
});

test('grep fragments without a header are recognised by their rows', () => {
  const want: Record<string, [string, object, number]> = {
    'netstat-at-grep.txt': ['netstat-linux', { 'CLOSE-WAIT': 5 }, 0],
    'netstat-atp-grep.txt': ['netstat-linux', WITH_FD, 27],
    'lsof-i-grep.txt': ['lsof', { LISTEN: 5, 'CLOSE-WAIT': 5 }, 10],
    'lsof-k-itcp-n-p-grep.txt': ['lsof', { 'FIN-WAIT-2': 5 }, 5],
    'ss-tap-grep.txt': ['ss', { LISTEN: 5, 'CLOSE-WAIT': 5 }, 10],
  };
  for (const [f, [format, counts, owned]] of Object.entries(want)) {
    assert.equal(detectFormat(fixture(`names/${f}`))?.format, format, f);
    const s = read(f);
    assert.deepEqual(s.problems, [], f);
    assert.deepEqual(countStates(s), counts, f);
    assert.equal(s.sockets.filter((x) => x.processes?.length).length, owned, f);
  }
});

test('a service only the source host knew (its own /etc/services) keeps its name; the reader\'s table resolves it', () => {
  for (const f of ['netstat-atp-local-service.txt', 'lsof-itcp-local-service.txt', 'ss-tap-local-service.txt']) {
    const text = fixture(`names/${f}`);
    const alone = snapshotFromText(f, text);
    assert.deepEqual(alone.problems, [], f);
    const ls = alone.sockets.find((s) => s.state === 'LISTEN' && s.localService === 'tl-metrics')!;
    assert.ok(ls, f);
    assert.equal(ls.localPort, 0);
    assert.equal(ls.processes?.[0]?.name, 'tl-leaky');
    // The two ends of the connection stay two sockets: their keys carry the name.
    assert.equal(alone.sockets.filter((s) => s.state === 'ESTABLISHED' && (s.localService ?? s.remoteService) === 'tl-metrics').length, 2, f);
    const services = parseServicesFile('tl-metrics\t19999/tcp\t\t# local\n');
    const known = snapshotFromText(f, text, 0, { services });
    assert.ok(known.sockets.every((s) => s.localService === undefined && s.remoteService === undefined), f);
    assert.equal(known.sockets.filter((s) => s.localPort === 19999 || s.remotePort === 19999).length, 3, f);
  }
});

test('a row is unreadable only for its state or its shape, never for a name', () => {
  const text = [
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State',
    'tcp        0      0 db-primary.internal:mysql app-7:51234         ESTABLISHED',
    'tcp        0      0 localhost:http-alt      localhost:56192         NOSUCHSTATE',
    'tcp        0      0 localhost:http-alt      not an endpoint',
    'tcp        0      0 1.2.3.999:22            1.2.3.4:5                ESTABLISHED',
  ].join('\n') + '\n';
  const p = parseNetstatLinux('paste', text);
  assert.deepEqual(p.sockets!.map((s) => [s.localAddress, s.localPort, s.remoteAddress, s.remotePort]), [['db-primary.internal', 3306, 'app-7', 51234]]);
  assert.deepEqual(p.problems.map((x) => x.line), [3, 4, 5]);
});

test('netstat -a (UDP rows and the UNIX section skipped quietly) and lsof -i with UDP rows, against ss -tan of the same moment', () => {
  const ref = read('ss-tan-udp-moment.txt');
  for (const f of ['netstat-a-udp.txt', 'lsof-i-udp.txt']) {
    const s = read(f);
    assert.deepEqual(s.problems, [], f);
    const want = ref.sockets.filter((x) => !f.startsWith('lsof') || x.state !== 'TIME-WAIT').map(key).sort();
    assert.deepEqual(s.sockets.map(key).sort(), want, f);
  }
});

test('localized netstat -atp with names (de: VERBUNDEN, the title translated) reads as the English one', () => {
  const de = read('netstat-atp-de.txt');
  assert.deepEqual(de.problems, []);
  assert.deepEqual(de.sockets.map(key).sort(), read('netstat-atp.txt').sockets.map(key).sort());
});
