// The real `tcplens exporter` as a child process on a free port, and a real Prometheus beside it.
// Both are killed by `stop()`; callers put it in `finally`.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './paths.js';
import { waitUntil } from './netns.js';

/** A port nothing listens on now (bound once by the kernel's choice, then released). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Why Prometheus tests cannot run here, or undefined when promtool and prometheus are installed. */
export function prometheusSkipReason(): string | undefined {
  for (const tool of ['promtool', 'prometheus']) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error) return `'${tool}' is not installed (Debian package prometheus; .ci/run installs it)`;
  }
  return undefined;
}

function cliArgv(args: string[]): string[] {
  return FROM_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts'), ...args] : [path.join(ROOT, 'bin/tcplens.js'), ...args];
}

export interface Running { child: ChildProcess; url: string; stderr: () => string; stop: () => Promise<void> }

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(t);
}

/** `tcplens exporter --listen 127.0.0.1:PORT ...args`, once it answers /healthz. */
export async function startExporter(args: string[]): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, cliArgv(['exporter', '--listen', `127.0.0.1:${port}`, ...args]), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANG: 'C' } });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (err.length < 20_000) err += d; });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(`tcplens exporter on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`tcplens exporter exited ${child.exitCode}: ${err}`);
      try { return (await fetch(`${url}/healthz`)).ok ? true : undefined; } catch { return undefined; }
      // Starting reads each named namespace once (proving it exists), owners included: on a loaded
      // machine with many processes that walk alone can take tens of seconds.
    }, 120_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { child, url, stderr: () => err, stop: () => stopChild(child) };
}

export interface RunningPrometheus extends Running {
  /** GET /api/v1/query; throws on an HTTP or PromQL error. */
  query: (expr: string) => Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** GET /api/v1/alerts. */
  alerts: () => Promise<Array<{ labels: Record<string, string>; state: string }>>;
}

/** Prometheus on 127.0.0.1 scraping `target` (host:port) every second, with `rules` files loaded. */
export async function startPrometheus(target: string, rules: string[] = []): Promise<RunningPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-prom-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s',
    `rule_files: [${rules.map((r) => JSON.stringify(r)).join(', ')}]`,
    'scrape_configs:', '  - job_name: tcplens', '    static_configs:', `      - targets: ['${target}']`, '',
  ].join('\n'));
  const child = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (err.length < 20_000) err += d; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => { await stopChild(child); rmSync(dir, { recursive: true, force: true }); };
  try {
    await waitUntil(`prometheus on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${err}`);
      try { return (await fetch(`${url}/-/ready`)).ok ? true : undefined; } catch { return undefined; }
    }, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const api = async <T>(p: string): Promise<T> => {
    const r = await fetch(`${url}${p}`);
    const body = await r.json() as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${p}: ${body.error ?? r.status}`);
    return body.data;
  };
  return {
    child, url, stderr: () => err, stop,
    query: async (expr) => (await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    alerts: async () => (await api<{ alerts: Array<{ labels: Record<string, string>; state: string }> }>('/api/v1/alerts')).alerts,
  };
}

/**
 * `promtool check metrics` exits 0, or complains only that the netstat counters keep the kernel's
 * CamelCase field names (node_exporter's node_netstat_TcpExt_ListenOverflows does the same, and
 * dashboards written for it expect those names).
 */
export function assertPromtoolAccepts(text: string): void {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const problems = (r.stdout + r.stderr).split('\n').filter(Boolean)
    .filter((l) => !/^tcplens_netstat_Tcp(Ext)?_\w+ metric names should be written in 'snake_case' not 'camelCase'$/.test(l));
  assert.deepEqual(problems, []);
  assert.ok(r.status === 0 || r.status === 3, `promtool check metrics exited ${r.status}`);
}
