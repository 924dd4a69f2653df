// `tcplens pcap` through the real CLI: a `sim --pcap` file drawn, summarised and as JSON, in both
// languages, from a file and from standard input; damaged captures named by packet and byte with
// exit 2 (what was read before the damage still shown); a capture far larger than the memory the
// reader is allowed streams through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { FROM_SOURCE, ROOT } from './helpers/paths.js';
import { BulkTransferBlocks, ipOf, pcapFile, seg } from '../src/pcap/testing/capture-bytes.js';

function withDir(f: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-pcap-cli-'));
  try { f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('a sim --pcap file: drawn like sim, summarised, as JSON, in Chinese, from standard input', () => withDir((dir) => {
  const file = path.join(dir, 'll.pcapng');
  assert.equal(runCli(['sim', 'lost-last-ack', '--pcap', file]).status, 0);
  const r = runCli(['pcap', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^connection 1: 10\.0\.0\.1:\d+ → 10\.0\.0\.2:80, 9 packets/);
  assert.match(r.stdout, /TIME-WAIT\s+--- ACK ack=2 -+>/);
  assert.match(r.stdout, /FIN-WAIT-2 -> TIME-WAIT\s+FIN received/);
  assert.match(r.stdout, /Conclusion: client active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/);
  assert.match(r.stdout, /What one capture point cannot tell: A capture shows segments, not sockets/);

  const zh = runCli(['pcap', file, '--lang', 'zh']);
  assert.match(zh.stdout, /结论: 客户端主动关闭 → TIME-WAIT；FIN 被重传：最后的 ACK 丢失/);
  assert.match(zh.stdout, /客户端 10\.0\.0\.1/);

  const sum = runCli(['pcap', file, '--summary']);
  assert.equal(sum.status, 0, sum.stderr);
  assert.match(sum.stdout, /^#1 {2}10\.0\.0\.1:\d+ → 10\.0\.0\.2:80 {2}9 pkts {2}client TIME-WAIT, server CLOSED {2}client active closer → TIME-WAIT; FIN retransmitted: the last ACK was lost/);
  assert.match(sum.stdout, /9 packets \(9 TCP\), 1 connections; endings:\n\s+1 {2}client active closer → TIME-WAIT \(client TIME-WAIT, server CLOSED\)/);

  const json = JSON.parse(runCli(['pcap', file, '--json', '--conn', '1']).stdout) as { capture: string; connections: Array<{ ending: { id: string }; steps: Array<{ states: Record<string, string> }>; timeline: Array<{ cause: string }> }> };
  assert.equal(json.capture, 'pcapng');
  assert.equal(json.connections[0].ending.id, 'active-close');
  assert.equal(json.connections[0].steps.length, 9);
  assert.deepEqual(json.connections[0].steps[7].states, { client: 'TIME-WAIT', server: 'LAST-ACK' });
  assert.ok(json.connections[0].timeline.some((e) => e.cause === 'fin-acked'));

  const stdin = spawnSync(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')]), 'pcap', '-', '--summary'],
    { input: readFileSync(file), encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.match(stdin.stdout, /client active closer → TIME-WAIT/);

  const svg = runCli(['pcap', file, '--format', 'svg']);
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(svg.stdout, /^<svg [^>]*>[\s\S]*>LAST-ACK<[\s\S]*<\/svg>\n$/);
  const mermaid = runCli(['sim', 'lost-last-ack', '--format', 'mermaid']);
  assert.equal(mermaid.status, 0, mermaid.stderr);
  assert.match(mermaid.stdout, /^sequenceDiagram\n {2}participant H0 as A client 10\.0\.0\.1\n/);
  assert.equal(runCli(['sim', 'short-connections', '--format', 'svg']).status, 2);
  assert.equal(runCli(['pcap', file, '--format', 'png']).status, 2);

  const none = runCli(['pcap', file, '--conn', '10.9.9.9:1']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no connection matches --conn 10\.9\.9\.9:1 \(1 in the capture/);
  assert.equal(runCli(['pcap', file, '--conn', 'x:y']).status, 2);
}));

test('damaged captures: located messages and exit 2, what came before the damage still read', () => withDir((dir) => {
  const segs = [seg('10.0.0.1:40000', '10.0.0.2:80', 'S', 1), seg('10.0.0.2:80', '10.0.0.1:40000', 'R.', 0, 2)];
  const whole = pcapFile(segs.map((s, i) => ({ atMs: i, data: ipOf(s) })));
  const cut = path.join(dir, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 5));
  const r = runCli(['pcap', cut, '--summary']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cut\.pcap: packet 2 at byte 80: the file ends inside this record \(\d+ bytes of it are there\): the capture is truncated/);
  assert.match(r.stdout, /#1 {2}10\.0\.0\.1:40000 → 10\.0\.0\.2:80 {2}1 pkts/);

  const text = path.join(dir, 'ss.txt');
  writeFileSync(text, 'State  Recv-Q Send-Q\n');
  const t = runCli(['pcap', text]);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /ss\.txt: byte 0: not a pcap or pcapng capture \(it starts with 53 74 61 74: text/);

  const snap = path.join(dir, 'snap.pcap');
  writeFileSync(snap, pcapFile([{ atMs: 0, data: ipOf(segs[0]).subarray(0, 30), origLen: 40 }], { snaplen: 30 }));
  const s = runCli(['pcap', snap]);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /snap\.pcap: packet 1 at byte 24: the TCP header is cut \(the snapshot length is too small\) \(30 of its 40 bytes were captured/);
  assert.equal(runCli(['pcap', path.join(dir, 'missing.pcap')]).status, 2);
}));

test('a capture of 200 MB streams through a heap of 64 MB', { timeout: 300_000 }, () => withDir((dir) => {
  // One long transfer: 1448-byte segments and their ACKs (capture-bytes.ts, BulkTransferBlocks).
  const file = path.join(dir, 'big.pcap');
  const bulk = new BulkTransferBlocks(1024);
  const fd = openSync(file, 'w');
  writeSync(fd, pcapFile([]));
  for (let written = 0; written < 200 * 1024 * 1024;) {
    const block = bulk.next();
    writeSync(fd, block);
    written += block.length;
  }
  closeSync(fd);
  assert.ok(statSync(file).size >= 200 * 1024 * 1024);
  const argv = FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/tcplens.js')];
  // A heap far smaller than the file: loading it whole would fail.
  const r = spawnSync(process.execPath, ['--max-old-space-size=64', ...argv, 'pcap', file, '--summary'], { encoding: 'utf8', timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 connections; endings:\n\s+1 {2}open at the end of the capture: ESTABLISHED on both ends/);
  assert.match(r.stdout, /#1 {2}10\.0\.0\.1:40000 → 10\.0\.0\.2:80 {2}\d+ pkts {2}client ESTABLISHED, server ESTABLISHED/);
}));
