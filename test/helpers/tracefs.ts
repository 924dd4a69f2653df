// tracefs for the exact-mode tests: used where it is mounted; on a host where it is not, mounted on
// a temporary directory for this test process (tcplens itself never mounts anything) and unmounted
// when the process exits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTracefs } from '../../src/node/trace/tracefs.js';
import { netnsSkipReason } from './netns.js';

let mountedHere: string | undefined;

/** Why the exact-mode tests cannot run here (no root, no namespaces, no tracefs or tracepoint), or undefined. */
export function tracefsSkipReason(): string | undefined {
  const ns = netnsSkipReason();
  if (ns) return ns;
  const found = findTracefs();
  if (found) return existsSync(path.join(found, 'events/sock/inet_sock_set_state')) ? undefined : 'this kernel has no sock:inet_sock_set_state tracepoint';
  const dir = mkdtempSync(path.join(tmpdir(), 'tlt-tracefs-'));
  const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', dir], { encoding: 'utf8' });
  if (r.status !== 0) { rmdirSync(dir); return `tracefs is not mounted and cannot be: ${r.stderr.trim()}`; }
  mountedHere = dir;
  process.on('exit', unmountTracefs);
  if (!existsSync(path.join(dir, 'events/sock/inet_sock_set_state'))) return 'this kernel has no sock:inet_sock_set_state tracepoint';
  return undefined;
}

/** Unmounts what tracefsSkipReason mounted (also done at exit). */
export function unmountTracefs(): void {
  if (!mountedHere) return;
  spawnSync('umount', ['-l', mountedHere]);
  try { rmdirSync(mountedHere); } catch { /* still busy: the next boot cleans /tmp */ }
  mountedHere = undefined;
}
