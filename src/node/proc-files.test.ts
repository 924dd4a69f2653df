// Streaming a big /proc/net/tcp in chunks counts exactly what parsing it whole does, whatever
// chunk boundary falls inside a line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLiveStateCounts } from './live-snapshot.js';
import { countProcNetTcpStates } from '../formats/proc-net-tcp.js';
import { streamFile } from './proc-files.js';

const root = mkdtempSync(path.join(tmpdir(), 'tcplens-stream-'));
after(() => rmSync(root, { recursive: true, force: true }));

function line(sl: number, st: number, v6: boolean): string {
  const a = v6 ? '0000000000000000FFFF00000100007F' : '0100007F';
  const port = (1024 + (sl % 60000)).toString(16).toUpperCase().padStart(4, '0');
  const code = st.toString(16).toUpperCase().padStart(2, '0');
  return `${String(sl).padStart(4)}: ${a}:${port} ${a}:1F90 ${code} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + sl} 1 0000000000000000 20 4 30 10 -1`.padEnd(149) + '\n';
}

test('30,000 lines of tcp and 7,000 of tcp6, streamed: same counts as the whole-buffer count', async () => {
  const codes = [1, 1, 1, 6, 8, 10, 5, 2, 12];
  let v4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  for (let i = 0; i < 30_000; i++) v4 += line(i, codes[i % codes.length], false);
  let v6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  for (let i = 0; i < 7_000; i++) v6 += line(i, codes[(i * 7) % codes.length], true);
  mkdirSync(path.join(root, 'net'));
  writeFileSync(path.join(root, 'net/tcp'), v4);
  writeFileSync(path.join(root, 'net/tcp6'), v6 + v6.slice(200, 260)); // and a cut-off last line
  const whole = countProcNetTcpStates(Buffer.from(v6), 'ipv6', countProcNetTcpStates(Buffer.from(v4), 'ipv4'));
  assert.equal(Object.values(whole).reduce((a, b) => a + (b ?? 0), 0), 37_000);
  assert.deepEqual(await readLiveStateCounts({ procRoot: root }), whole);
});

test('streamFile hands over every byte once, and says false for a missing file', () => {
  let seen = 0;
  assert.equal(streamFile(path.join(root, 'net/tcp'), (_buf, len) => { seen += len; return len; }), true);
  assert.ok(seen > 30_000 * 150);
  assert.equal(streamFile(path.join(root, 'nope'), () => 0), false);
});
