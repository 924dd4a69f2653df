import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currEstabCountsCloseWait, establishedFromCounter } from './watch-read.js';
import { host, sock } from '../diagnose/snapshot-builder.js';

test('CurrEstab counts CLOSE-WAIT from Linux 6.10 on (tcp_set_state), guessed from the release', () => {
  assert.equal(currEstabCountsCloseWait('6.18.44-fc-v1272'), true);
  assert.equal(currEstabCountsCloseWait('6.10.0'), true);
  assert.equal(currEstabCountsCloseWait('6.9.12-arch1'), false);
  assert.equal(currEstabCountsCloseWait('5.15.0-105-generic'), false);
  assert.equal(currEstabCountsCloseWait('7.0.1'), true);
});

test('ESTABLISHED from the counter: less the listed CLOSE-WAIT where the kernel counts it, never negative, none without it', () => {
  const cw = [sock('CLOSE-WAIT', '10.0.0.1:80', '10.0.0.2:5000'), sock('CLOSE-WAIT', '10.0.0.1:80', '10.0.0.2:5001')];
  const s = { ...host({}, [...cw, sock('TIME-WAIT', '10.0.0.1:80', '10.0.0.2:5002')]), counters: { 'Tcp:CurrEstab': 12 } };
  assert.equal(establishedFromCounter(s, true), 10);
  assert.equal(establishedFromCounter(s, false), 12);
  assert.equal(establishedFromCounter({ ...s, counters: { 'Tcp:CurrEstab': 1 } }, true), 0);
  assert.equal(establishedFromCounter({ ...s, counters: {} }, true), undefined);
});
