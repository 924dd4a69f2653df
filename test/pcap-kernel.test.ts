// `tcplens pcap` on real kernel exchanges: a namespace of its own, tcpdump on its loopback, a
// program that runs each way a connection ends (one server port each), and nftables rules that
// drop a first FIN and a last ACK. Each connection's inferred ending is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { netnsSkipReason, TestNetns, waitUntil } from './helpers/netns.js';
import { runCli } from './helpers/run-cli.js';

const tool = (cmd: string): boolean => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0 || spawnSync(cmd, ['-V'], { encoding: 'utf8' }).status === 0;
const skip = netnsSkipReason() ?? (!tool('tcpdump') ? 'tcpdump is not installed (.ci/run installs it)' : !tool('nft') ? 'nft is not installed (.ci/run installs it)' : undefined);

// Input drops (after tcpdump has seen the packet on lo): the first FIN to port 7006; the first
// segment to port 7007 after its server's FIN, which is the client's last ACK.
const RULES = `
table inet tcplens_test {
  chain in {
    type filter hook input priority 0;
    tcp dport 7006 tcp flags & fin == fin ct mark != 1 ct mark set 1 drop
    tcp dport 7007 ct mark 1 ct mark set 2 drop
  }
  chain out {
    type filter hook output priority 0;
    tcp sport 7007 tcp flags & fin == fin ct mark 0 ct mark set 1
  }
}
`;

// Each port one ending; the program says {done} and waits to be killed, so nothing its exit closes
// reaches the capture.
const PROGRAM = `
const net = require('net');
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
setTimeout(() => process.exit(0), 60000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const held = [];
const server = (port, onConn, opts) => new Promise((res) => {
  const s = net.createServer(opts || {}, (c) => { c.on('error', () => {}); held.push(c); onConn(c); });
  s.listen(port, '127.0.0.1', () => res(s));
});
const client = (port, onConnect) => new Promise((res) => {
  const c = net.connect(port, '127.0.0.1');
  held.push(c);
  c.on('error', (e) => res(e.code));
  c.on('connect', () => { c.on('data', () => {}); onConnect(c); res('connected'); });
});
(async () => {
  // 7001: the client closes first (TIME-WAIT on the client).
  await server(7001, (c) => { c.on('data', () => {}); });
  await client(7001, (c) => { c.write('hello'); setTimeout(() => c.end(), 50); });
  await sleep(300);
  // 7002: the server closes first (TIME-WAIT on the server).
  await server(7002, (c) => { c.on('data', () => {}); setTimeout(() => c.end(), 50); });
  await client(7002, () => {});
  await sleep(300);
  // 7003: the server resets: SO_LINGER {on, 0} and close().
  await server(7003, (c) => { c.on('data', () => c.resetAndDestroy()); });
  await client(7003, (c) => c.write('hello'));
  await sleep(300);
  // 7004: nothing listens.
  say({ refused: await client(7004, () => {}) });
  await sleep(100);
  // 7005: the server never closes (CLOSE-WAIT for ever).
  await server(7005, (c) => { c.on('data', () => {}); }, { allowHalfOpen: true });
  await client(7005, (c) => setTimeout(() => c.end(), 50));
  await sleep(300);
  // 7006: the client's first FIN is dropped and retransmitted.
  await server(7006, (c) => { c.on('data', () => {}); });
  await client(7006, (c) => setTimeout(() => c.end(), 50));
  await sleep(1500);
  // 7007: the client's last ACK is dropped; the server retransmits its FIN.
  await server(7007, (c) => { c.on('data', () => {}); });
  await client(7007, (c) => setTimeout(() => c.end(), 50));
  await sleep(1500);
  say({ done: true });
})();
`;

interface Conn { server: { port: number }; endStates: { client: string; server: string }; ending: { id: string; text: string }; findings: Array<{ id: string; text: string }>; timeline: Array<{ from: string; to: string; cause: string }> }

test('tcplens pcap on tcpdump -i lo of real kernel connections: every ending inferred', { skip, timeout: 120_000 }, async () => {
  const ns = TestNetns.create();
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-pcap-kernel-'));
  const file = path.join(dir, 'lo.pcap');
  try {
    const nft = spawnSync('ip', ['netns', 'exec', ns.name, 'nft', '-f', '-'], { input: RULES, encoding: 'utf8' });
    assert.equal(nft.status, 0, nft.stderr);
    const dump = spawn('ip', ['netns', 'exec', ns.name, 'tcpdump', '-i', 'lo', '-U', '-n', '-w', file, 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let dumpErr = '';
    dump.stderr.setEncoding('utf8').on('data', (d: string) => { dumpErr += d; });
    await waitUntil('tcpdump to listen', () => (/listening on/.test(dumpErr) ? true : undefined), 15_000);
    const prog = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', PROGRAM], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    prog.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    await waitUntil('the program to finish its connections', () => (/"done"/.test(out) ? true : undefined), 30_000);
    assert.match(out, /"refused":"ECONNREFUSED"/);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise((r) => dump.once('exit', r));
    dump.kill('SIGINT');
    await exited;
    prog.kill('SIGKILL');
    assert.ok(readFileSync(file).length > 24, dumpErr);
    // test/fixtures/pcap/loopback-endings.pcap was kept this way.
    if (process.env.TCPLENS_KEEP_CAPTURE) copyFileSync(file, process.env.TCPLENS_KEEP_CAPTURE);

    const r = runCli(['pcap', file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { capture: string; connections: Conn[] };
    assert.equal(doc.capture, 'pcap');
    const by = (port: number): Conn => {
      const cs = doc.connections.filter((c) => c.server.port === port);
      assert.equal(cs.length, 1, `one connection to port ${port}: ${JSON.stringify(doc.connections.map((c) => c.server.port))}`);
      return cs[0];
    };
    const ids = (c: Conn): string[] => c.findings.map((f) => f.id);

    const c1 = by(7001);
    assert.equal(c1.ending.text, 'client active closer → TIME-WAIT');
    assert.deepEqual(c1.endStates, { client: 'TIME-WAIT', server: 'CLOSED' });
    const c2 = by(7002);
    assert.equal(c2.ending.text, 'server active closer → TIME-WAIT');
    assert.deepEqual(c2.endStates, { client: 'CLOSED', server: 'TIME-WAIT' });
    const c3 = by(7003);
    assert.equal(c3.ending.id, 'rst');
    assert.match(c3.ending.text, /^RST from the server after SO_LINGER 0 or unread data/);
    assert.deepEqual(c3.endStates, { client: 'CLOSED', server: 'CLOSED' });
    const c4 = by(7004);
    assert.match(c4.ending.text, /^SYN answered by RST: nothing listens on 127\.0\.0\.1 port 7004/);
    assert.deepEqual(c4.endStates, { client: 'CLOSED', server: '-' });
    const c5 = by(7005);
    assert.match(c5.ending.text, /^server never closed: CLOSE-WAIT at the end of the capture/);
    assert.deepEqual(c5.endStates, { client: 'FIN-WAIT-2', server: 'CLOSE-WAIT' });
    const c6 = by(7006);
    assert.equal(c6.ending.text, 'client active closer → TIME-WAIT');
    assert.ok(ids(c6).includes('fin-retransmitted'), JSON.stringify(c6.findings));
    const c7 = by(7007);
    assert.equal(c7.ending.text, 'client active closer → TIME-WAIT');
    assert.ok(ids(c7).includes('last-ack-lost'), JSON.stringify(c7.findings));
    assert.ok(c7.findings.some((f) => /^FIN retransmitted: the last ACK was lost/.test(f.text)));

    // The drawing of one connection: both states after every segment and the timeline's causes.
    const drawn = runCli(['pcap', file, '--conn', '127.0.0.1:7005']);
    assert.equal(drawn.status, 0, drawn.stderr);
    assert.match(drawn.stdout, /CLOSE-WAIT/);
    assert.match(drawn.stdout, /ESTABLISHED -> CLOSE-WAIT\s+FIN received/);
    const summary = runCli(['pcap', file, '--summary']);
    assert.equal(summary.status, 0, summary.stderr);
    assert.match(summary.stdout, /7 connections; endings:/);
  } finally {
    await ns.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
