// Builds the optional native addon (src/node/native: NETLINK_SOCK_DIAG reader) with npm's own
// bundled node-gyp and copies it to build/tcplens_sockdiag.node. `npm test` runs it in the
// repository; an installed package never runs it by itself (it has no install script), and a user
// who wants the fast path runs `node node_modules/tcplens/scripts/build-native.mjs` once.
// Optional by design: any failure (not Linux, no compiler, no Node headers, no node-gyp) prints one
// line and exits 0, and tcplens reads /proc instead (src/node/native/sock-diag.ts). Never
// downloads: it builds against the headers of the running Node (npm's `nodedir`, or
// <prefix>/include/node beside node itself).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'src/node/native');
const out = path.join(root, 'build', 'tcplens_sockdiag.node');

function skip(why) {
  process.stdout.write(`tcplens: native sock_diag addon not built (${why}); using /proc instead\n`);
  process.exit(0);
}

if (process.platform !== 'linux') skip('not Linux');
if (process.env.TCPLENS_NO_NATIVE === '1') skip('TCPLENS_NO_NATIVE=1');

// `npm test` runs this every time: an addon newer than its sources that this Node loads is kept.
function upToDate() {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  if (['sock-diag.c', 'binding.gyp'].some((f) => statSync(path.join(dir, f)).mtimeMs > built)) return false;
  try { createRequire(import.meta.url)(out); return true; } catch { return false; }
}
if (upToDate()) {
  process.stdout.write(`tcplens: native sock_diag addon up to date: ${path.relative(root, out)}\n`);
  process.exit(0);
}

// npm tells lifecycle scripts where its node-gyp is; otherwise look beside npm itself.
const prefix = path.dirname(path.dirname(process.execPath));
const gyp = [
  process.env.npm_config_node_gyp,
  path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  path.join(prefix, 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].find((p) => p && existsSync(p));
if (!gyp) skip('npm\'s node-gyp not found');

const args = [gyp, 'rebuild', `--directory=${dir}`];
const nodedir = process.env.npm_config_nodedir
  ?? (existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
if (nodedir) args.push(`--nodedir=${nodedir}`);

const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 180_000, env: { ...process.env, npm_config_loglevel: 'silent' } });
if (r.error || r.status !== 0) {
  const lines = `${r.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l));
  skip(r.error ? r.error.message : `node-gyp exited ${r.status}${lines.length ? `: ${lines[0].trim()}` : ''}`);
}
const built = path.join(dir, 'build/Release/tcplens_sockdiag.node');
if (!existsSync(built)) skip('node-gyp produced no tcplens_sockdiag.node');
try {
  mkdirSync(path.dirname(out), { recursive: true });
  copyFileSync(built, out);
} catch (e) {
  skip(`cannot copy to ${out}: ${e.message}`);
}
process.stdout.write(`tcplens: native sock_diag addon built: ${path.relative(root, out)}\n`);
