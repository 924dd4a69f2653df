// Public sample captures (test/fixtures/pcap/README.md names their sources) read as a user would:
// every connection found, its ending inferred, no packet left unread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';

const DIR = path.join(ROOT, 'test/fixtures/pcap/public');

interface Doc { capture: string; packets: number; tcpPackets: number; problemCount: number; connections: Array<{ client: { port: number }; server: { port: number }; endStates: { client: string; server: string }; ending: { text: string } }> }

function read(file: string): Doc {
  const r = runCli(['pcap', path.join(DIR, file), '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Doc;
}

test('the Wireshark wiki\'s 200722_tcp_anon.pcapng: two netcat connections, one closed by each side', () => {
  const d = read('200722_tcp_anon.pcapng');
  assert.equal(d.capture, 'pcapng');
  assert.deepEqual([d.packets, d.tcpPackets, d.problemCount], [35, 35, 0]);
  assert.deepEqual(d.connections.map((c) => [c.client.port, c.server.port, c.endStates.client, c.endStates.server, c.ending.text]), [
    [7875, 2000, 'TIME-WAIT', 'CLOSED', 'client active closer → TIME-WAIT'],
    [7876, 2000, 'CLOSED', 'TIME-WAIT', 'server active closer → TIME-WAIT'],
  ]);
});

test('python http.server on loopback, as Ethernet and as Linux cooked SLL2: the server closes, TIME-WAIT on the server', () => {
  for (const [file, port] of [['simple_http.pcap', 56789], ['simple_http_sll2.pcap', 8000]] as const) {
    const d = read(file);
    assert.equal(d.capture, 'pcap');
    assert.equal(d.problemCount, 0);
    assert.equal(d.connections.length, 2, file);
    for (const c of d.connections) {
      assert.equal(c.server.port, port);
      assert.deepEqual(c.endStates, { client: 'CLOSED', server: 'TIME-WAIT' });
      assert.equal(c.ending.text, 'server active closer → TIME-WAIT');
    }
  }
});
