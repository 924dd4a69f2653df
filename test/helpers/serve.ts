// `tcplens serve` as a child process, for the tests and the benchmark: started with its
// arguments, ready when it prints its URL, stopped with SIGTERM (SIGKILL after 3 s). Every server
// started here is also killed when the test process exits, so a failing test leaves none behind.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FROM_SOURCE, ROOT } from './paths.js';

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const c of running) c.kill('SIGKILL'); });

export interface ServeProcess {
  url: string;
  /** Origin without the path and token: `http://127.0.0.1:PORT`. */
  origin: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export function serveArgv(args: string[]): string[] {
  return FROM_SOURCE
    ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts'), 'serve', ...args]
    : [path.join(ROOT, 'bin/tcplens.js'), 'serve', ...args];
}

export async function startServe(args: string[], opts: { timeoutMs?: number; prefix?: string[] } = {}): Promise<ServeProcess> {
  const argv = [...(opts.prefix ?? []), process.execPath, ...serveArgv(args)];
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, LANG: 'C', LC_ALL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { if (err.length < 20_000) err += d; });
  const exited = new Promise<void>((r) => child.once('exit', () => { running.delete(child); r(); }));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`tcplens serve printed no URL within ${opts.timeoutMs ?? 60_000} ms: ${err.trim()}`)), opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`tcplens serve exited (${code}) before printing its URL: ${err.trim()}`)); });
  });
  const u = new URL(url);
  return {
    url, origin: u.origin, child, stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const k = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(k);
    },
  };
}

/** The first Server-Sent Events a new page of `url` gets (the stream up to its first complete `data:` message after the opening), with the response's content type. */
export async function firstEvents(url: string): Promise<{ text: string; contentType: string | null }> {
  const ac = new AbortController();
  const r = await fetch(url, { signal: ac.signal });
  const reader = r.body!.getReader();
  let text = '';
  while (!/\n\n(?:.|\n)*data: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  ac.abort();
  return { text, contentType: r.headers.get('content-type') };
}
