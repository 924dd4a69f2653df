// tcplens capture over a /proc tree: the files it writes, their formats, and what it refuses.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CaptureError, writeCapture } from './capture.js';

const base = mkdtempSync(path.join(tmpdir(), 'tcplens-capture-'));
after(() => rmSync(base, { recursive: true, force: true }));
const proc = path.join(base, 'proc');
const TCP = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14016 1 0 100 0 0 10 0\n';
for (const [rel, text] of [
  ['net/tcp', TCP], ['net/snmp', 'Tcp: CurrEstab\nTcp: 0\n'], ['net/sockstat', 'TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\n'],
  ['sys/net/ipv4/tcp_fin_timeout', '60\n'], ['sys/net/ipv4/ip_local_port_range', '32768\t60999\n'], ['sys/net/core/somaxconn', '4096\n'],
] as const) {
  mkdirSync(path.dirname(path.join(proc, rel)), { recursive: true });
  writeFileSync(path.join(proc, rel), text);
}

test('writes the /proc files byte for byte, sysctl output and a manifest; names what it could not read', async () => {
  const dir = path.join(base, 'out');
  const r = await writeCapture(dir, { procRoot: proc, tools: false, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
  assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', 'proc-net-snmp', 'proc-net-sockstat', 'proc-net-tcp', 'sysctl.txt']);
  assert.equal(readFileSync(path.join(dir, 'proc-net-tcp'), 'utf8'), TCP);
  assert.equal(readFileSync(path.join(dir, 'sysctl.txt'), 'utf8'),
    'net.ipv4.tcp_fin_timeout = 60\nnet.ipv4.ip_local_port_range = 32768 60999\nnet.core.somaxconn = 4096\n');
  assert.deepEqual(r.skipped.map((s) => s.from), ['/proc/net/tcp6', '/proc/net/netstat', '/proc/net/sockstat6']);
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(m.takenAt, '2026-01-02T03:04:05.000Z');
  assert.equal(m.netns, null);
  assert.deepEqual(m.primarySockets, ['proc-net-tcp', 'proc-net-tcp6']);
  assert.equal(typeof m.kernel, 'string');
});

test('an existing empty folder is fine; a non-empty one or a file is refused and left alone', async () => {
  const empty = path.join(base, 'empty');
  mkdirSync(empty);
  await writeCapture(empty, { procRoot: proc, tools: false });
  assert.ok(readdirSync(empty).includes('manifest.json'));
  await assert.rejects(writeCapture(empty, { procRoot: proc, tools: false }), (e: unknown) => e instanceof CaptureError && /is not empty/.test(e.message));
  const file = path.join(base, 'a-file');
  writeFileSync(file, 'keep me');
  await assert.rejects(writeCapture(file, { procRoot: proc, tools: false }), /exists and is not a directory/);
  assert.equal(readFileSync(file, 'utf8'), 'keep me');
});

test('a folder that cannot be created is a CaptureError naming it', async () => {
  const under = path.join(base, 'a-file', 'sub');
  await assert.rejects(writeCapture(under, { procRoot: proc, tools: false }), (e: unknown) => e instanceof CaptureError && e.message.includes(under));
});
