import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, sock, times } from '../snapshot-builder.js';
import { main } from '../../cli/main.js';
import { synGiveUpSeconds } from './syn-sent-stall.js';

const only = ['syn_sent_stall'] as const;

test('40 SYN-SENT from nginx toward one upstream, SYNs retransmitted → warning naming both ends', () => {
  const s = host({}, times(40, (i) => sock('SYN-SENT', `10.0.0.1:${40000 + i}`, '10.0.0.30:8080', { pid: 11, name: 'nginx', timer: { kind: 'on', remainingMs: 3000, retransmits: 2 } })));
  const [f] = diagnose(s, { only });
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.destination, '10.0.0.30:8080');
  assert.equal(f.evidence.process, 'nginx');
  assert.equal(f.evidence.figures?.synRetransmitted, 40);
  assert.match(f.explanation, /neither SYN-ACK nor RST/);
});

test('a few SYN-SENT spread over destinations → nothing', () => {
  const s = host({}, times(30, (i) => sock('SYN-SENT', `10.0.0.1:${40000 + i}`, `10.0.${i}.30:443`)));
  assert.deepEqual(diagnose(s, { only }), []);
});

const stalled = (sysctls: Record<string, string>): ReturnType<typeof host> =>
  host({ sysctls }, times(25, (i) => sock('SYN-SENT', `10.0.0.1:${40000 + i}`, '10.0.0.30:8080')));

test('give-up time: 131 s with Linux 6.x defaults, 127 s without linear timeouts (not "127 s" alone)', () => {
  assert.equal(synGiveUpSeconds(6, 4), 131);
  assert.equal(synGiveUpSeconds(6, 0), 127);
  assert.equal(synGiveUpSeconds(8, 4), 371); // 128 and 256 s capped at TCP_RTO_MAX 120 s
  // Worded by duration(): 131 s → "2 min 11 s", 127 s → "2 min 7 s".
  const [known] = diagnose(stalled({ 'net.ipv4.tcp_syn_retries': '6', 'net.ipv4.tcp_syn_linear_timeouts': '4' }), { only });
  assert.match(known.explanation, /tcp_syn_retries = 6 each connect\(\) fails with ETIMEDOUT after about 2 min 11 s \(tcp_syn_linear_timeouts = 4\)/);
  const [old] = diagnose(stalled({ 'net.ipv4.tcp_syn_retries': '6', 'net.ipv4.tcp_syn_linear_timeouts': '0' }), { only });
  assert.match(old.explanation, /about 2 min 7 s \(tcp_syn_linear_timeouts = 0\)/);
  const [unknown] = diagnose(stalled({}), { only });
  assert.match(unknown.explanation, /about 2 min 11 s on Linux 6\.x \(tcp_syn_linear_timeouts = 4; 2 min 7 s on kernels without it\)/);
});

test('synGiveUpSeconds agrees with the engine: sim syn-retries-timeout for several settings', async () => {
  for (const [r, l] of [[6, 4], [6, 0], [3, 4], [8, 2]]) {
    let out = '';
    const io = { stdout: (x: string) => { out += x; }, stderr: () => {}, readStdin: async () => '', env: { LANG: 'C' } };
    const status = await main(['sim', 'syn-retries-timeout', '--json', '--set', `tcp_syn_retries=${r}`, '--set', `tcp_syn_linear_timeouts=${l}`], io);
    assert.equal(status, 0);
    const steps = (JSON.parse(out) as { steps: Array<{ at: number; result?: string }> }).steps;
    const gaveUp = steps.find((st) => st.result?.includes('ETIMEDOUT'));
    assert.equal(gaveUp?.at, synGiveUpSeconds(r, l) * 1000, `tcp_syn_retries=${r} tcp_syn_linear_timeouts=${l}`);
  }
});
