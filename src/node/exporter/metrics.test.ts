// The series from hand-built snapshots: folding under --top, the ss-only queue limit, unowned
// sockets, findings, a failed read, and no stale series once a port or process is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { host, LINUX_DEFAULT_SYSCTLS, sock, times } from '../../diagnose/snapshot-builder.js';
import { ExporterMetrics, LABEL_SETS } from './metrics.js';

const busy = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS }, counters: { 'TcpExt:ListenOverflows': 7 }, sockstat: { tw: 3, orphan: 1 } }, [
  sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 10, name: 'web', recvQ: 4, sendQ: 511 }),
  ...times(30, (i) => sock('CLOSE-WAIT', '10.0.0.5:8080', `10.0.0.9:${41000 + i}`, { pid: 10, name: 'web' })),
  sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*', { pid: 1, name: 'sshd' }),
  ...times(3, (i) => sock('TIME-WAIT', '10.0.0.5:22', `10.0.0.8:${5000 + i}`)),
]);

async function text(m: ExporterMetrics): Promise<string> {
  return m.registry.metrics();
}

test('--top 1: the biggest port and process kept, the rest as "other", and the folded counts', async () => {
  const m = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top: 1 });
  m.fill([{ netns: '', snapshot: busy, durationMs: 12 }]);
  const t = await text(m);
  assert.match(t, /^tcplens_port_connection_states\{netns="",port="8080",state="CLOSE-WAIT"\} 30$/m);
  assert.match(t, /^tcplens_port_connection_states\{netns="",port="other",state="TIME-WAIT"\} 3$/m);
  assert.match(t, /^tcplens_folded_groups\{netns="",by="port"\} 1$/m);
  assert.match(t, /^tcplens_folded_sockets\{netns="",by="port"\} 4$/m);
  assert.match(t, /^tcplens_process_connection_states\{netns="",comm="web",pid="10",state="CLOSE-WAIT"\} 30$/m);
  assert.match(t, /^tcplens_process_connection_states\{netns="",comm="other",pid="other",state="TIME-WAIT"\} 3$/m);
  assert.match(t, /^tcplens_listen_queue_length\{netns="",address="0.0.0.0",port="8080"\} 4$/m);
  assert.match(t, /^tcplens_listen_queue_limit\{netns="",address="0.0.0.0",port="8080"\} 511$/m);
  assert.doesNotMatch(t, /^tcplens_listen_queue_limit\{netns="",address="0.0.0.0",port="22"\}/m);
  assert.match(t, /^tcplens_netstat_TcpExt_ListenOverflows\{netns=""\} 7$/m);
  assert.match(t, /^tcplens_sockstat_TCP_tw\{netns=""\} 3$/m);
  assert.match(t, /^tcplens_sysctl_net_ipv4_tcp_max_orphans\{netns=""\} 131072$/m);
  assert.match(t, /^tcplens_finding\{netns="",id="close_wait_leak",severity="warning",state="CLOSE-WAIT",process="web",port="8080",destination=""\} 1$/m);
  assert.match(t, /^tcplens_scrape_duration_seconds\{netns=""\} 0.012$/m);
});

test('unowned sockets are comm="" pid=""; a later fill without them leaves no stale series; a failed read is up 0 and one error', async () => {
  const m = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top: 20 });
  m.fill([{ netns: 'a', snapshot: busy, durationMs: 1 }]);
  assert.match(await text(m), /^tcplens_process_connection_states\{netns="a",comm="",pid="",state="TIME-WAIT"\} 3$/m);
  const calm = host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS } }, [sock('LISTEN', '0.0.0.0:22', '0.0.0.0:*', { pid: 1, name: 'sshd' })]);
  m.fill([{ netns: 'a', snapshot: calm, durationMs: 1 }, { netns: 'b', error: new Error('gone'), durationMs: 1 }]);
  const t = await text(m);
  assert.doesNotMatch(t, /port="8080"|comm="web"|close_wait_leak/);
  assert.match(t, /^tcplens_up\{netns="a"\} 1$/m);
  assert.match(t, /^tcplens_up\{netns="b"\} 0$/m);
  assert.match(t, /^tcplens_scrape_errors_total\{netns="b"\} 1$/m);
  assert.match(t, /^tcplens_scrape_errors_total\{netns="a"\} 0$/m);
});

test('time in state: TIME-WAIT from its timer at once, others from the second scrape on, per state and per process, in cumulative buckets', async () => {
  const m = new ExporterMetrics({ nodeNames: false, labels: new Set(LABEL_SETS), top: 20 });
  const leak = times(4, (i) => sock('CLOSE-WAIT', '10.0.0.5:8080', `10.0.0.9:${41000 + i}`, { pid: 10, name: 'web' }));
  const tw = sock('TIME-WAIT', '10.0.0.5:8080', '10.0.0.8:5000', { timer: { kind: 'timewait', remainingMs: 20_000 } });
  const t0 = 1_700_000_000_000;
  m.fill([{ netns: '', snapshot: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS }, takenAt: t0 }, [...leak, tw]), durationMs: 1 }]);
  let t = await text(m);
  // First scrape: the CLOSE-WAIT sockets were there before it, for an unknown time.
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="TIME-WAIT",le="30"\} 0$/m);
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="TIME-WAIT",le="60"\} 1$/m);
  assert.match(t, /^tcplens_state_age_seconds_sum\{netns="",state="TIME-WAIT"\} 40$/m);
  assert.doesNotMatch(t, /state_age_seconds_count\{netns="",state="CLOSE-WAIT"\}/);
  assert.match(t, /^tcplens_state_oldest_age_seconds\{netns="",state="TIME-WAIT"\} 40$/m);
  assert.doesNotMatch(t, /oldest_age_seconds\{netns="",state="CLOSE-WAIT"\}/);

  // 10 minutes later: the same four, one more that appeared in between.
  const newer = sock('CLOSE-WAIT', '10.0.0.5:8080', '10.0.0.9:42000', { pid: 10, name: 'web' });
  m.fill([{ netns: '', snapshot: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS }, takenAt: t0 + 600_000 }, [...leak, newer]), durationMs: 1 }]);
  t = await text(m);
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="CLOSE-WAIT",le="1"\} 1$/m);
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="CLOSE-WAIT",le="300"\} 1$/m);
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="CLOSE-WAIT",le="600"\} 5$/m);
  assert.match(t, /^tcplens_state_age_seconds_bucket\{netns="",state="CLOSE-WAIT",le="\+Inf"\} 5$/m);
  assert.match(t, /^tcplens_state_age_seconds_count\{netns="",state="CLOSE-WAIT"\} 5$/m);
  assert.match(t, /^tcplens_state_oldest_age_seconds\{netns="",state="CLOSE-WAIT"\} 600$/m);
  assert.match(t, /^tcplens_process_state_age_seconds_count\{netns="",comm="web",pid="10",state="CLOSE-WAIT"\} 5$/m);
  assert.doesNotMatch(t, /age_seconds\w*\{[^}]*state="TIME-WAIT"/, 'the TIME-WAIT socket is gone: no stale series');
  assert.match(t, /^# TYPE tcplens_state_age_seconds histogram$/m);
});
