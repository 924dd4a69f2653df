// A paste taken without -n on a host whose own /etc/services named a port no other table knows:
// the doctor still counts, attributes and diagnoses it, and says the name it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/run-cli.js';
import type { DoctorReport } from '../src/diagnose/finding.js';

const rows = ['Active Internet connections (servers and established)',
  'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
  'tcp        0      0 0.0.0.0:tl-metrics      0.0.0.0:*               LISTEN      4242/metricsd'];
for (let i = 0; i < 25; i++) rows.push(`tcp        1      0 app-01:tl-metrics       web-${String(i).padStart(2, '0')}:${40000 + i}          CLOSE_WAIT  4242/metricsd`);
const PASTE = rows.join('\n') + '\n';

test('doctor: a port known only by an unknown service name keeps the name in the finding', () => {
  const j = runCli(['doctor', '--json', '--input', '-'], { input: PASTE });
  assert.equal(j.status, 1, j.stderr);
  const report = JSON.parse(j.stdout) as DoctorReport;
  assert.equal(report.summary.unreadLines, 0);
  const f = report.findings.find((x) => x.id === 'close_wait_leak')!;
  assert.equal(f.evidence.count, 25);
  assert.equal(f.evidence.process, 'metricsd');
  assert.equal(f.evidence.localService, 'tl-metrics');
  assert.match(f.summary, /on local port tl-metrics /);
  const text = runCli(['doctor', '--input', '-'], { input: PASTE });
  assert.match(text.stdout, /local port tl-metrics/);
  assert.doesNotMatch(text.stdout, /local port 0\b/);
  const ls = runCli(['ls', '--input', '-'], { input: PASTE });
  assert.match(ls.stdout, /app-01:tl-metrics\s+web-00:40000\s+metricsd\/4242/);
});

test('doctor: a listener known only by its service name keeps it in the accept-queue finding', () => {
  const paste = `${rows[0]}\n${rows[1]}\ntcp      129      0 0.0.0.0:tl-metrics      0.0.0.0:*               LISTEN      4242/metricsd\n`;
  const r = runCli(['doctor', '--json', '--input', '-'], { input: paste });
  const f = (JSON.parse(r.stdout) as DoctorReport).findings.find((x) => x.id === 'accept_queue_overflow')!;
  assert.match(f.summary, /Accept queue of 0\.0\.0\.0:tl-metrics /);
  assert.equal(f.evidence.localService, 'tl-metrics');
});
