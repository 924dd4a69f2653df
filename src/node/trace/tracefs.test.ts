import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTracefs, instancePid, reapStaleInstances } from './tracefs.js';

test('instances of a dead process, or of a pid reused since, are removed; live ones and others are kept', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tl-tracefs-'));
  try {
    const dir = (n: string): string => path.join(root, 'instances', n);
    for (const n of ['tcplens-1', 'tcplens-999999999', `tcplens-${process.ppid}`, `tcplens-${process.pid}`, 'trace-cmd', 'tcplens-x']) mkdirSync(dir(n), { recursive: true });
    // Made before our parent started: that pid belonged to another process then.
    utimesSync(dir(`tcplens-${process.ppid}`), new Date(0), new Date(0));
    assert.deepEqual(reapStaleInstances(root).sort(), [`tcplens-${process.ppid}`, 'tcplens-999999999'].sort());
    for (const n of ['tcplens-1', `tcplens-${process.pid}`, 'trace-cmd', 'tcplens-x']) assert.ok(existsSync(dir(n)), n);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('instance names carry their pid, with a counter for a second trace in one process', () => {
  assert.equal(instancePid('tcplens-4242'), 4242);
  assert.equal(instancePid('tcplens-4242-2'), 4242);
  assert.equal(instancePid('tcplens-'), undefined);
  assert.equal(instancePid('perf-4242'), undefined);
});

test('tracefs from the mount table: the standard place first, debugfs\'s tracing last, only where it has instances', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tl-mounts-'));
  try {
    const a = path.join(root, 'a b');
    mkdirSync(path.join(a, 'instances'), { recursive: true });
    mkdirSync(path.join(root, 'dbg/tracing/instances'), { recursive: true });
    const esc = a.replace(/ /g, '\\040');
    assert.equal(findTracefs(`proc /proc proc rw 0 0\ntracefs ${esc} tracefs rw 0 0\n`), a);
    assert.equal(findTracefs(`debugfs ${root}/dbg debugfs rw 0 0\n`), path.join(root, 'dbg/tracing'));
    assert.equal(findTracefs(`tracefs ${root}/missing tracefs rw 0 0\n`), undefined);
    assert.equal(findTracefs(''), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
