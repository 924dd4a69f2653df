import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieCheck, cookieInit } from './syncookie.js';

const t = { saddr: '192.0.2.1', sport: 40000, daddr: '192.168.0.1', dport: 8080 };

test('a cookie carries the MSS back (rounded down to msstab) and is valid for up to two minutes', () => {
  const { isn, mss } = cookieInit(42, t, 1000, 1460, 5_000);
  assert.equal(mss, 1460);
  assert.equal(cookieCheck(42, t, isn, 1000, 5_100), 1460);
  assert.equal(cookieCheck(42, t, isn, 1000, 60_000 + 59_000), 1460);
  assert.equal(cookieCheck(42, t, isn, 1000, 120_000), 0, 'minute counter two behind: too old');
  assert.equal(cookieInit(42, t, 1000, 1400, 0).mss, 1300);
  assert.equal(cookieInit(42, t, 1000, 100, 0).mss, 536);
});

test('a cookie for another 4-tuple, another ISN or another secret fails', () => {
  const { isn } = cookieInit(42, t, 1000, 1460, 0);
  assert.equal(cookieCheck(42, { ...t, sport: 40001 }, isn, 1000, 0), 0);
  assert.equal(cookieCheck(42, t, isn, 1000 + 4096, 0), 0);
  assert.equal(cookieCheck(43, t, isn, 1000, 0), 0);
  assert.equal(cookieCheck(42, t, (isn + 4096) >>> 0, 1000, 0), 0);
  // As in Linux, only 2 of the 24 low bits are data: a cookie off by one may still decode (mssind 2).
  assert.equal(cookieCheck(42, t, (isn - 1) >>> 0, 1000, 0), 1440);
});
