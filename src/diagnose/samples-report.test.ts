import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSamples } from './samples.js';
import { diagnose } from './diagnose.js';
import { rateText, renderSamples, samplesReport } from './samples-report.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from './snapshot-builder.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';

const T0 = 1_700_000_000_000;
const listen: SocketRecord = { ...sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 4242, name: 'java', inode: 1 }), id: 'inode:1' };
const cw = (i: number): SocketRecord => ({ ...sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:40000`, { pid: 4242, name: 'java', inode: 100 + i, recvQ: 0 }), id: `inode:${100 + i}` });
const at = (t: number, n: number): HostSnapshot => ({ ...host({ takenAt: T0 + t, sysctls: LINUX_DEFAULT_SYSCTLS }, [listen, ...times(n, cw)]), readDoneAt: T0 + t });

test('CLOSE-WAIT 203 → 213 → 223 over 10 s: the counts, +2/s, and the fd limit at that rate', () => {
  const merged = mergeSamples([at(0, 203), at(5000, 213), at(10_000, 223)]);
  const findings = diagnose(merged);
  const r = samplesReport(merged, findings, new Map([[4242, { limit: 1024, open: 240 }]]));
  assert.ok(r);
  assert.deepEqual(r.takenAt, [T0, T0 + 5000, T0 + 10_000]);
  const s = r.findings.find((f) => f.id === 'close_wait_leak');
  assert.deepEqual(s && { subject: s.subject, counts: s.counts, rate: s.ratePerSec, limit: s.limit }, {
    subject: { state: 'CLOSE-WAIT', pid: 4242, process: 'java' }, counts: [203, 213, 223], rate: 2,
    limit: { what: 'close-wait-fds', key: 'java/4242', pid: 4242, process: 'java', current: 240, limit: 1024, ratePerSec: 2, secondsToLimit: 392 },
  });
  const en = renderSamples(r, 'en');
  assert.match(en, /^Samples: 3 reads over 10 s$/m);
  assert.match(en, /close_wait_leak — CLOSE-WAIT held by java \(pid 4242\): 203 → 213 → 223, \+2\/s/);
  assert.match(en, /java\/4242 fds 240 of 1024 \(RLIMIT_NOFILE\), \+2\/s: the limit in about 6 min 32 s at this rate/);
  const zh = renderSamples(r, 'zh');
  assert.match(zh, /采样：3 次，历时 10 秒/);
  assert.match(zh, /java \(pid 4242\) 持有的 CLOSE-WAIT: 203 → 213 → 223, \+2\/秒/);
  assert.match(zh, /按此速率约 6 分 32 秒 后达到上限/);
});

test('a single read has no samples section; a rate reads in the unit that keeps it readable', () => {
  assert.equal(samplesReport(at(0, 30), []), undefined);
  assert.deepEqual([rateText(2.5, 'en'), rateText(0.05, 'en'), rateText(-0.0005, 'en'), rateText(0, 'en'), rateText(12.4, 'zh')], ['+2.5/s', '+3/min', '−1.8/h', '0', '+12/秒']);
});
