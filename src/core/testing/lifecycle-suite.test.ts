// The lifecycle suite's own promise: taken together, its cases enter and leave every RFC 9293
// state, and each case is well formed (times never go back, each line names one thing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TCP_STATES } from '../../model/states.js';
import { LIFECYCLE_CASES, statesEntered } from './lifecycle-suite.js';

test('the lifecycle suite enters and leaves each of the eleven states', () => {
  const entered = new Set<string>();
  const left = new Set<string>();
  for (const c of LIFECYCLE_CASES) {
    const path = ['CLOSED', ...statesEntered(c)];
    path.forEach((s, i) => {
      if (i > 0) entered.add(s);
      if (i < path.length - 1) left.add(s);
    });
  }
  for (const s of TCP_STATES) {
    assert.ok(entered.has(s), `no case enters ${s}`);
    assert.ok(left.has(s), `no case leaves ${s}`);
  }
});

test('lifecycle cases: times never go back', () => {
  for (const c of LIFECYCLE_CASES) {
    c.steps.forEach((s, i) => assert.ok(i === 0 || s.at >= c.steps[i - 1].at, `${c.name}: line ${i + 1} goes back in time`));
  }
});
