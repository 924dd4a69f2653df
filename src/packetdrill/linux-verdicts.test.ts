import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxVerdicts } from './conformance-report.js';

test('suite records in both layouts: the whole suite (linux_6.18) and the lifecycle corpus (linux_result)', () => {
  const upstream = linuxVerdicts('file\ttopic\tlinux_6.18\tlinux_runs_passed\tlinux_first_failure\n'
    + 'a/x.pkt\tcubic\tfail\t0/5\tline 51: error in Python code\nb/y.pkt\tblocking\tpass\t5/5\t\n');
  assert.deepEqual(upstream.get('a/x.pkt'), { pass: false, kernel: '6.18', detail: '0/5 runs passed; line 51: error in Python code' });
  assert.deepEqual(upstream.get('b/y.pkt'), { pass: true, kernel: '6.18', detail: '5/5 runs passed' });
  const manifest = linuxVerdicts('file\tsource\ttopic\tstates\tlinux_result\tneeds\tdifficulty\r\n'
    + 'c/z.pkt\ts\tt\tS\tFAIL (all 3 IP versions; 5/5 runs): timing only\tn\teasy\r\n');
  assert.deepEqual(manifest.get('c/z.pkt'), { pass: false, kernel: '6.18', detail: '(all 3 IP versions; 5/5 runs): timing only' });
  assert.equal(linuxVerdicts('name\tvalue\nx\t1\n').size, 0);
  assert.equal(linuxVerdicts('').size, 0);
});
