// The exporter's HTTP server: `/metrics`, `/healthz` and a short help page at `/`.
//
// Rules it keeps:
// - One read per scrape, shared: while a read is in flight every scrape that arrives waits for it
//   and gets the same text (Prometheus, a second Prometheus and a curl at once cost one read).
// - Where the netlink addon answers, a namespace is read as columns (packed-read.ts: no object per
//   socket, owners through an owner cache kept per namespace); otherwise, and when that read fails,
//   through `openSource`/`sample` (src/node/source.ts), which read /proc asynchronously. Namespaces
//   are read one after another with a turn of the event loop between them, so a health check is
//   answered even while a large host is read.
// - The exporter's own process metrics (memory, CPU, event-loop lag) are served beside the host's.
// - A namespace that cannot be read (deleted, its member process gone, sockets vanishing while
//   /proc is walked past what the reader tolerates) is counted in tcplens_scrape_errors_total and
//   marked tcplens_up 0; the scrape still answers 200 with everything else. Nothing a host does
//   ends the process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Text } from '../../i18n/lang.js';
import { openSource, type Source, type SourceSpec } from '../source.js';
import { SourceError } from '../source-error.js';
import { ExporterMetrics, EXPORTED_SYSCTLS, type MetricOptions, type NamespaceRead } from './metrics.js';
import { namedNamespaces } from './namespaces.js';
import { readPacked } from './packed-read.js';
import { nativeAvailable } from '../native/sock-diag.js';
import { ExporterOwnerCache, ownerWalkDue } from './packed-read.js';
import { SelfMetrics } from './self-metrics.js';
import type { ListenAddress } from './listen-address.js';

export interface ExporterOptions extends MetricOptions {
  listen: ListenAddress;
  /** Namespaces to read: none for the exporter's own, names, or `all` (every named namespace). */
  netns: readonly string[] | 'all';
  /** Where read failures are reported (standard error in the CLI). */
  log?: (line: string) => void;
}

/** Binding failed: the port is taken, the address is not this host's, or it needs privileges. */
export class ListenError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

const HELP_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>tcplens exporter</title></head>
<body><h1>tcplens exporter</h1>
<p>TCP connection states per state, listening port and process, ephemeral-port use per destination,
accept queues and the findings of <code>tcplens doctor</code>, for Prometheus.</p>
<ul>
<li><a href="/metrics">/metrics</a>: the metrics (each scrape reads the host once)</li>
<li><a href="/healthz">/healthz</a>: <code>ok</code> while the exporter runs</li>
</ul>
<p>Alert rules: <code>tcplens exporter --rules</code>. Grafana dashboard: <code>tcplens exporter --grafana</code>.</p>
</body></html>
`;

export class Exporter {
  private readonly metrics: ExporterMetrics;
  private readonly self: SelfMetrics;
  private readonly sources = new Map<string, Source>();
  /** Socket owners carried across scrapes, per namespace, for the netlink read. */
  private readonly owners = new Map<string, ExporterOwnerCache>();
  private inflight: Promise<string> | undefined;
  private server: Server | undefined;
  /** Reads done since start (tests check that concurrent scrapes share one). */
  reads = 0;

  private constructor(private readonly opts: ExporterOptions) {
    this.metrics = new ExporterMetrics(opts);
    this.self = new SelfMetrics(this.metrics.registry);
  }

  /** Checks the named namespaces, binds the address and starts answering. */
  static async start(opts: ExporterOptions): Promise<Exporter> {
    const ex = new Exporter(opts);
    if (opts.netns !== 'all') {
      // A namespace named on the command line must exist now: a typo is a usage error, not a
      // series of failed scrapes. One read proves it (opening checks only the name's syntax).
      for (const name of ex.targetsNamed()) {
        const src = await openSource(ex.specFor(name));
        if (name !== '') await src.sample();
        ex.sources.set(name, src);
      }
    }
    await ex.listen();
    return ex;
  }

  /** The address actually bound (the port when 0 was asked for). */
  address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  async close(): Promise<void> {
    this.self.close();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** One scrape's text: the read in flight if there is one, else a new read. */
  scrape(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.collect().finally(() => { this.inflight = undefined; });
    }
    return this.inflight;
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  private targetsNamed(): string[] {
    return this.opts.netns === 'all' ? [] : this.opts.netns.length === 0 ? [''] : [...new Set(this.opts.netns)];
  }

  private specFor(netns: string): SourceSpec {
    const processes = this.opts.labels.has('process');
    return netns === '' ? { kind: 'live', processes } : { kind: 'netns', name: netns, processes };
  }

  private async collect(): Promise<string> {
    this.reads++;
    const names = this.opts.netns === 'all' ? await namedNamespaces() : this.targetsNamed();
    const reads: NamespaceRead[] = [];
    for (const netns of names) {
      const t0 = performance.now();
      try {
        let src = this.sources.get(netns);
        if (!src) { src = await openSource(this.specFor(netns)); this.sources.set(netns, src); }
        const packed = nativeAvailable() ? await this.readColumns(netns) : undefined;
        if (packed) reads.push({ netns, packed, durationMs: performance.now() - t0 });
        else reads.push({ netns, snapshot: await src.sample(), durationMs: performance.now() - t0 });
      } catch (error) {
        // The next scrape opens the source afresh (a namespace re-created under the same name).
        this.sources.delete(netns);
        this.owners.delete(netns);
        const why = error instanceof SourceError ? error.text.en : error instanceof Error ? error.message : String(error);
        this.opts.log?.(`tcplens exporter: reading ${netns === '' ? 'this host' : `netns ${netns}`} failed: ${why}`);
        reads.push({ netns, error, durationMs: performance.now() - t0 });
      }
      await new Promise((r) => setImmediate(r));
    }
    // Names a namespace had before `--netns all` stopped seeing it are dropped with their source.
    if (this.opts.netns === 'all') {
      for (const n of [...this.sources.keys()]) if (!names.includes(n)) this.sources.delete(n);
      for (const n of [...this.owners.keys()]) if (!names.includes(n)) this.owners.delete(n);
    }
    this.metrics.fill(reads);
    return this.metrics.registry.metrics();
  }

  /** The netlink read of one namespace as columns, or undefined (then /proc through `sample`). */
  private async readColumns(netns: string): Promise<NamespaceRead['packed']> {
    let cache = this.owners.get(netns);
    if (!cache) { cache = new ExporterOwnerCache(); this.owners.set(netns, cache); }
    // tcp_info (idle times) only for the scrapes that evaluate the findings: nothing else reads it.
    // Not in the scrape that reads every process's fds (packed-read.ts), unless never evaluated
    // yet: the two costliest steps on a big host then fall in different scrapes.
    const now = Date.now();
    const walk = this.opts.labels.has('process') && ownerWalkDue(cache, now);
    const findings = this.metrics.findingsDue(netns, now) && (!walk || !this.metrics.findingsKnown(netns));
    // Every TCP sysctl likewise (the rules read them); the exported ones at every scrape.
    const r = await readPacked({
      ...(netns !== '' ? { netns } : {}), processes: this.opts.labels.has('process'), ownerCache: cache, info: findings,
      ...(findings ? {} : { sysctls: EXPORTED_SYSCTLS }),
    });
    return r ? Object.assign(r, { findings }) : undefined;
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => { void this.handle(req, res); });
    const { host, port } = this.opts.listen;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.opts.log?.(`tcplens exporter: ${err.message}`));
        this.server = server;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (url === '/metrics') {
      try {
        const body = await this.scrape();
        res.writeHead(200, { 'Content-Type': this.contentType }).end(req.method === 'HEAD' ? undefined : body);
      } catch (err) {
        // Only a defect in the exporter itself lands here: reads failing are metrics, not errors.
        this.opts.log?.(`tcplens exporter: scrape failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('scrape failed\n');
      }
    } else if (url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(HELP_PAGE);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
    }
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError({ en: `--listen ${where}: the port is already in use (another exporter? pick another with --listen)`, zh: `--listen ${where}：端口已被占用（另一个 exporter？用 --listen 换一个）` });
    case 'EADDRNOTAVAIL':
      return new ListenError({ en: `--listen ${where}: no interface of this host has that address`, zh: `--listen ${where}：本机没有这个地址的网卡` });
    case 'EACCES':
      return new ListenError({ en: `--listen ${where}: not allowed to bind that port (ports below 1024 need privileges)`, zh: `--listen ${where}：无权绑定该端口（1024 以下的端口需要特权）` });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError({ en: `--listen ${where}: cannot resolve host '${host}'`, zh: `--listen ${where}：无法解析主机 '${host}'` });
    default:
      return new ListenError({ en: `--listen ${where}: ${err.message}`, zh: `--listen ${where}：${err.message}` });
  }
}
