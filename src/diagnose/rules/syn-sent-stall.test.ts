import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../diagnose.js';
import { host, sock, times } from '../snapshot-builder.js';

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
