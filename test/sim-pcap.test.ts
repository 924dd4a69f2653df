// `tcplens sim NAME --pcap FILE` read back by Debian's tshark: every exchange scenario decodes with
// good IP and TCP checksums, no malformed packet, and no expert warning but the RSTs the scenario
// is about; the packet comments carry every host's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';

const haveTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = haveTshark ? undefined : 'tshark is not installed (.ci/run installs it)';

function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('every exchange scenario as pcapng: tshark decodes it cleanly, one packet per segment sent', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-pcap-'));
  try {
    const list = JSON.parse(runCli(['sim', '--list', '--json']).stdout) as Array<{ name: string; kind: string }>;
    const exchanges = list.filter((s) => s.kind === 'exchange').map((s) => s.name);
    assert.ok(exchanges.length >= 16);
    for (const name of exchanges) {
      const file = path.join(dir, `${name}.pcapng`);
      const r = runCli(['sim', name, '--pcap', file]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const written = Number(/wrote (\d+) packets/.exec(r.stderr)?.[1]);
      const fields = tshark(['-r', file, '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'frame.comment', '-e', 'frame.interface_name']).trim().split('\n');
      assert.equal(fields.length, written, name);
      for (const f of fields) {
        const [ipSum, tcpSum, comment, iface] = f.split('\t');
        assert.equal(ipSum, '1', `${name}: IP checksum (1 = good): ${f}`);
        assert.equal(tcpSum, '1', `${name}: TCP checksum (1 = good): ${f}`);
        // Every host by name (A and B in a two-host exchange); a middlebox has no state to name.
        assert.match(comment, /^tcplens: [A-Z][A-Z0-9]* (?:[A-Z12-]+|-)(?:, [A-Z][A-Z0-9]* (?:[A-Z12-]+|-))+$/, name);
        assert.match(iface, /^[A-Z][A-Z0-9]*(?: |$)/, name);
      }
      const expert = tshark(['-r', file, '-q', '-z', 'expert,warn']);
      const warnings = expert.split('\n').filter((l) => /^\s+\d+\s+\S/.test(l)).map((l) => l.trim().replace(/\s+/g, ' '));
      for (const w of warnings) assert.match(w, /^\d+ Sequence TCP Connection reset \(RST\)$/, `${name}: unexpected expert warning: ${w}`);
      assert.doesNotMatch(tshark(['-r', file]), /Malformed/, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the active close in tshark: the client FIN first, the states in the comments follow the diagram', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-pcap-'));
  try {
    const file = path.join(dir, 'ac.pcapng');
    assert.equal(runCli(['sim', 'active-close', '--pcap', file]).status, 0);
    const rows = tshark(['-r', file, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'frame.comment']).trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r[1]), [
      'tcplens: A SYN-SENT, B LISTEN', 'tcplens: A SYN-SENT, B SYN-RECEIVED', 'tcplens: A ESTABLISHED, B SYN-RECEIVED',
      'tcplens: A FIN-WAIT-1, B ESTABLISHED', 'tcplens: A FIN-WAIT-1, B CLOSE-WAIT', 'tcplens: A FIN-WAIT-2, B LAST-ACK', 'tcplens: A TIME-WAIT, B LAST-ACK',
    ]);
    assert.match(rows[3][0], /F/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--pcap on a load scenario or to a folder that does not exist is refused, exit 2', () => {
  const load = runCli(['sim', 'short-connections', '--pcap', '/tmp/x.pcapng']);
  assert.equal(load.status, 2);
  assert.match(load.stderr, /--pcap writes the segments of an exchange scenario/);
  const bad = runCli(['sim', 'handshake', '--pcap', '/nonexistent-dir/x.pcapng']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /cannot write \/nonexistent-dir\/x\.pcapng: ENOENT/);
});
