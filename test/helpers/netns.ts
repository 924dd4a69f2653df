// Real sockets on the real kernel, in a network namespace a test makes for itself.
//
// Rules this helper keeps:
// - Every namespace has a unique name (`tlt-<pid>-<n>`), so a namespace left by a crashed run never
//   collides with the next; namespaces whose creating pid is gone are removed on the next start.
// - Everything started in a namespace has a bounded lifetime (it exits by itself), and `destroy()`
//   kills what is left and deletes the namespace. Call it in `after`/finally; a process 'exit'
//   hook removes anything still registered even if the test runner dies on an exception.
// - Without root or `ip netns`, `netnsSkipReason()` says why, and the tests skip with that message.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const PREFIX = 'tlt-';
let counter = 0;
const live = new Set<TestNetns>();

function ip(args: string[], timeoutMs = 10_000): SpawnSyncReturns<string> {
  return spawnSync('ip', args, { encoding: 'utf8', timeout: timeoutMs });
}

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to create network namespaces (CI runs as root)';
  const r = ip(['netns', 'list']);
  if (r.error) return `'ip' (iproute2) is not available: ${r.error.message}`;
  if (r.status !== 0) return `'ip netns' does not work here: ${r.stderr.trim()}`;
  return undefined;
}

/** Deletes namespaces left by runs whose process is gone (a crash, a SIGKILL). */
function reapStale(): void {
  let names: string[] = [];
  try { names = readdirSync('/run/netns'); } catch { return; }
  for (const n of names) {
    const m = /^tlt-(\d+)-/.exec(n);
    if (m && !existsSync(`/proc/${m[1]}`)) ip(['netns', 'del', n]);
  }
}

process.on('exit', () => {
  for (const ns of live) ns.destroySync();
});

/** A line-oriented child in the namespace: JSON lines on stdout become `messages`. */
export class NsProcess {
  readonly messages: Record<string, unknown>[] = [];
  stderr = '';
  exited = false;
  private waiters: (() => void)[] = [];
  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try { this.messages.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not ours */ }
        this.wake();
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => { if (this.stderr.length < 10_000) this.stderr += d; });
    child.on('exit', () => { this.exited = true; this.wake(); });
  }

  get pid(): number { return this.child.pid ?? -1; }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The first message with `key` set, waiting up to `timeoutMs`. */
  async waitFor(key: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => key in x);
      if (m) return m;
      if (this.exited) throw new Error(`namespace process ${this.pid} exited before saying '${key}': ${this.stderr.trim()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`namespace process ${this.pid} did not say '${key}' within ${timeoutMs} ms: ${this.stderr.trim()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export interface NodeOptions {
  /** Seconds before it exits by itself (always set: nothing outlives a test). */
  lifetimeMs: number;
  /** Process name (comm), so tests can tell it from other node processes. At most 15 bytes. */
  title?: string;
  /** Raise RLIMIT_NOFILE for this process (many sockets), at most to the hard limit. */
  nofile?: number;
}

export class TestNetns {
  readonly name: string;
  private procs: NsProcess[] = [];
  private gone = false;

  private constructor(name: string) { this.name = name; }

  /** Creates a fresh namespace with loopback up. */
  static create(): TestNetns {
    if (counter === 0) reapStale();
    const name = `${PREFIX}${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
    const add = ip(['netns', 'add', name]);
    if (add.status !== 0) throw new Error(`ip netns add ${name}: ${add.stderr.trim()}`);
    const ns = new TestNetns(name);
    live.add(ns);
    const up = ip(['-n', name, 'link', 'set', 'lo', 'up']);
    if (up.status !== 0) { ns.destroySync(); throw new Error(`ip -n ${name} link set lo up: ${up.stderr.trim()}`); }
    return ns;
  }

  /** Runs a command inside the namespace and waits for it. */
  exec(cmd: string[], timeoutMs = 30_000): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.name, ...cmd], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 30 });
  }

  /** `sysctl -w name=value` inside the namespace (the net.* sysctls are per namespace). */
  sysctl(name: string, value: string): void {
    const r = this.exec(['sysctl', '-q', '-w', `${name}=${value}`]);
    if (r.status !== 0) throw new Error(`sysctl -w ${name}=${value} in ${this.name}: ${r.stderr.trim()}`);
  }

  /** Starts one of the PEERS scripts inside the namespace with its arguments. */
  start(script: keyof typeof PEERS, args: Record<string, unknown>, opts: NodeOptions): NsProcess {
    const env = { ...process.env, TL_ARGS: JSON.stringify({ ...args, lifetimeMs: opts.lifetimeMs, title: opts.title }) };
    const argv = opts.nofile !== undefined
      // Raise the soft limit up to the hard one: raising the hard limit needs CAP_SYS_RESOURCE,
      // which a sandbox's root may lack, so callers spread many sockets over several processes.
      ? ['ip', 'netns', 'exec', this.name, 'sh', '-c', `n=${opts.nofile}; h=$(ulimit -Hn); [ "$h" = unlimited ] || [ "$n" -le "$h" ] || n=$h; ulimit -n "$n" && exec "$0" -e "$1"`, process.execPath, PEERS[script]]
      : ['ip', 'netns', 'exec', this.name, process.execPath, '-e', PEERS[script]];
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const p = new NsProcess(child);
    this.procs.push(p);
    return p;
  }

  /** Kills what is still running and deletes the namespace. Safe to call twice. */
  async destroy(): Promise<void> {
    for (const p of this.procs) p.kill();
    await Promise.all(this.procs.map((p) => (p.exited ? undefined : new Promise<void>((r) => {
      const t = setTimeout(r, 2000);
      p.child.once('exit', () => { clearTimeout(t); r(); });
    }))));
    this.destroySync();
  }

  destroySync(): void {
    if (this.gone) return;
    for (const p of this.procs) p.kill();
    // Any process we did not start (or missed) must not keep the namespace busy.
    const pids = ip(['netns', 'pids', this.name]).stdout?.split('\n').map(Number).filter((n) => n > 0) ?? [];
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    ip(['netns', 'del', this.name]);
    this.gone = true;
    live.delete(this);
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with `what`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// The programs run inside namespaces. Each reads TL_ARGS (JSON), prints JSON lines, and exits by
// itself after `lifetimeMs`. Kept as strings so they run the same from source and from dist/.
const PRELUDE = `
const net = require('net');
const A = JSON.parse(process.env.TL_ARGS);
if (A.title) process.title = A.title;
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
setTimeout(() => process.exit(0), A.lifetimeMs);
`;

export const PEERS = {
  /**
   * A TCP server on A.host:A.ports (or A.port). A.mode:
   * - 'hold': accept, read, never close, even after the peer's FIN (CLOSE-WAIT, the leak).
   * - 'close-first': accept and close at once (the server enters TIME-WAIT).
   * - 'echo': echo bytes and close when the peer does (healthy).
   * - 'no-accept': listen with A.backlog and never accept (the event loop is blocked, so the kernel
   *   queue fills: accept-queue overflow).
   */
  server: PRELUDE + `
const ports = A.ports || [A.port];
const held = [];
let listening = 0;
for (const port of ports) {
  const srv = net.createServer({ allowHalfOpen: A.mode === 'hold' }, (c) => {
    c.on('error', () => {});
    if (A.mode === 'hold') { held.push(c); c.on('data', () => {}); }
    else if (A.mode === 'close-first') { c.end(); c.on('data', () => {}); }
    else { c.on('data', (d) => c.write(d)); }
  });
  srv.listen({ port, host: A.host || '127.0.0.1', backlog: A.backlog || 511 }, () => {
    if (++listening === ports.length) {
      say({ ready: true, pid: process.pid });
      if (A.mode === 'no-accept') {
        // Block the event loop: libuv never calls accept(), the kernel accept queue fills up.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, A.lifetimeMs);
        process.exit(0);
      }
    }
  });
  srv.on('error', (e) => { say({ error: e.code || String(e) }); process.exit(3); });
}
`,
  /**
   * Opens A.count connections to A.host:A.ports (round robin), A.concurrency at a time. A.mode:
   * - 'hold': keep them open.
   * - 'close': close each after connecting (FIN first, so the client side gets TIME-WAIT).
   * - 'orphan': close the fd at once without waiting (the socket lives on, orphaned).
   * - 'end': send FIN (shutdown SHUT_WR) but keep the fd: FIN-WAIT-2 here, CLOSE-WAIT at a 'hold' server.
   * - 'wait': wait for the server to close first, then close (the server side gets TIME-WAIT).
   * Says {done, ok, errors: {CODE: n}}; failures like EADDRNOTAVAIL are counted, not fatal.
   */
  client: PRELUDE + `
const ports = A.ports || [A.port];
const held = [];
const errors = {};
const localPorts = new Set(); // distinct source ports: a reused one replaces the server's TIME-WAIT entry
let ok = 0, started = 0, finished = 0;
const conc = A.concurrency || 50;
function next() {
  if (started >= A.count) { if (finished === A.count) say({ done: true, ok, errors, distinctPorts: localPorts.size }); return; }
  const i = started++;
  const opts = { host: A.host || '127.0.0.1', port: ports[i % ports.length] };
  if (A.localAddress) opts.localAddress = A.localAddress;
  const c = net.connect(opts);
  let settled = false;
  const settle = () => { if (settled) return; settled = true; finished++; next(); };
  c.setTimeout(A.connectTimeoutMs || 3000, () => { errors.ETIMEDOUT = (errors.ETIMEDOUT || 0) + 1; c.destroy(); settle(); });
  c.on('error', (e) => { errors[e.code || 'ERR'] = (errors[e.code || 'ERR'] || 0) + 1; settle(); });
  c.on('connect', () => {
    c.setTimeout(0);
    ok++;
    localPorts.add(c.localPort);
    if (A.write) c.write(A.write);
    if (A.mode === 'hold') { held.push(c); c.on('data', () => {}); settle(); }
    else if (A.mode === 'orphan') { c.destroy(); settle(); }
    else if (A.mode === 'end') { held.push(c); c.on('data', () => {}); c.end(); settle(); }
    else if (A.mode === 'wait') { c.on('data', () => {}); c.on('close', settle); }
    else { c.on('data', () => {}); c.end(); c.on('close', settle); }
  });
}
for (let k = 0; k < conc; k++) next();
if (A.count === 0) say({ done: true, ok, errors });
`,
} as const;
