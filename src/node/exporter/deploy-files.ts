// The files under deploy/ that ship with the package (the Prometheus alert rules, the Grafana
// dashboard), found from this module's own location: from dist/lib (the bundle) or dist/src (tsc)
// the package root is the nearest folder up whose package.json is tcplens's.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RULES_FILE = 'deploy/prometheus/tcplens-rules.yml';
export const DASHBOARD_FILE = 'deploy/grafana/tcplens.json';

export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tcplens') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tcplens: cannot find the package folder (deploy/ files)');
    dir = up;
  }
}

export function readDeployFile(rel: string): string {
  return readFileSync(path.join(packageRoot(), rel), 'utf8');
}
