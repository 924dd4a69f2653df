// READ THIS FIRST — `tcplens serve`'s HTTP server (node:http, no framework).
//
// Rules it keeps:
// - Read-only: nothing it answers changes the host. The paste and the lab run in memory.
// - Loopback by default. Bound anywhere else it requires a token (the CLI generates and prints
//   one): every request without it gets 401. The token is accepted as `?token=`, as
//   `Authorization: Bearer`, or as the cookie the first good request sets, so the page's own
//   requests (scripts, Server-Sent Events) carry it without putting it in every URL. The token is
//   compared in constant time.
// - On loopback without a token, the Host header must name this machine (localhost, 127.0.0.1,
//   [::1]): a web page elsewhere cannot reach it by rebinding a DNS name to 127.0.0.1.
// - Every answer has a strict Content-Security-Policy (`default-src 'self'`, no inline script or
//   style, no other origin), nosniff and no framing. The page comes from the bundle, never a CDN.
// - Malformed requests get a short 4xx in plain text (API paths: JSON `{ok:false,text}`): a method
//   other than GET/HEAD (POST for the paste), an unknown path, `..` or an encoded slash or NUL in
//   the path, headers over 8 KiB (Node answers 431), a URL over 4 KiB, a bad query value, a paste
//   over MAX_PASTE_BYTES or not text/plain.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Text } from '../../i18n/lang.js';
import { isTcpState, type TcpState } from '../../model/states.js';
import type { Source } from '../source.js';
import { SourceError } from '../source-error.js';
import { diagnoseText, missingEvidence } from '../../diagnose/diagnose.js';
import { stateCounts } from '../../diagnose/state-counts.js';
import { ListenError } from '../exporter/server.js';
import { MAX_PASTE_BYTES, ROUTES, TOKEN_PARAM, type ApiError, type PasteResult } from '../../web/messages.js';
import { HostFeed } from './host-feed.js';
import { labPcap, LabInputError, runLab, scenarioList } from './lab-routes.js';
import { parseSocketQuery, QueryError } from './socket-query.js';
import { loadAssets, type Asset } from './static-assets.js';
import { openSource } from '../source.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Required unless `host` is a loopback address. */
  token?: string;
  source: Source;
  intervalMs: number;
  assetDir: string;
  log?: (line: string) => void;
}

export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MAX_URL = 4096;
const MAX_HEADER_BYTES = 8192;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

class HttpError extends Error {
  constructor(readonly status: number, readonly text: Text) { super(text.en); }
}

const err = (status: number, en: string, zh: string): HttpError => new HttpError(status, { en, zh });

export class DashboardServer {
  private server: Server | undefined;
  private readonly assets: Map<string, Asset>;
  private readonly sse = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;
  readonly feed: HostFeed;

  private constructor(private readonly opts: ServeOptions) {
    if (!isLoopback(opts.host) && !opts.token) throw new Error('a server bound beyond loopback needs a token');
    this.assets = loadAssets(opts.assetDir);
    this.feed = new HostFeed(opts.source, opts.intervalMs);
  }

  static async start(opts: ServeOptions): Promise<DashboardServer> {
    const s = new DashboardServer(opts);
    // Listen first: a big host's first read takes seconds, and the page says it is waiting.
    await s.listen();
    void s.feed.start();
    s.heartbeat = setInterval(() => { for (const r of s.sse) r.write(': keep-alive\n\n'); }, 15_000);
    s.heartbeat.unref();
    return s;
  }

  address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** The URL to open (with the token when there is one). */
  url(): string {
    const { host, port } = this.address();
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${port}/${this.opts.token ? `?${TOKEN_PARAM}=${this.opts.token}` : ''}`;
  }

  async close(): Promise<void> {
    this.feed.stop();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const r of this.sse) r.end();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      this.handle(req, res).catch((e: unknown) => this.fail(res, req, e));
    });
    const { host, port } = this.opts;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new ListenError({ en: `--listen ${host}:${port}: ${e.code ?? e.message}`, zh: `--listen ${host}:${port}：${e.code ?? e.message}` })));
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (e) => this.opts.log?.(`tcplens serve: ${e.message}`));
        this.server = server;
        resolve();
      });
    });
  }

  private fail(res: ServerResponse, req: IncomingMessage, e: unknown): void {
    const he = e instanceof HttpError ? e : undefined;
    if (!he) this.opts.log?.(`tcplens serve: ${req.method} ${req.url?.slice(0, 200)}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    const status = he?.status ?? 500;
    const text = he?.text ?? { en: 'internal error', zh: '内部错误' };
    if (res.headersSent) { res.destroy(); return; }
    const api = (req.url ?? '').startsWith('/api/');
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', 'Content-Type': api ? 'application/json' : 'text/plain; charset=utf-8' };
    if (status === 405) headers.Allow = (req.url ?? '').startsWith(ROUTES.paste) ? 'POST' : 'GET, HEAD';
    if (status === 413) headers.Connection = 'close';
    const body: ApiError = { ok: false, text };
    res.writeHead(status, headers).end(api ? JSON.stringify(body) : `${text.en}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (raw.length > MAX_URL) throw err(414, 'URL too long', 'URL 过长');
    if (!raw.startsWith('/')) throw err(400, 'bad request target', '请求目标无效');
    const q = raw.indexOf('?');
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    let path: string;
    try { path = decodeURIComponent(rawPath); } catch { throw err(400, 'bad percent-encoding in the path', '路径中的百分号编码无效'); }
    if (/\.\.|\\|\0|\/\//.test(path) || /%2f|%5c|%00/i.test(rawPath)) throw err(400, 'bad path', '路径无效');
    let params: URLSearchParams;
    try { params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)); } catch { throw err(400, 'bad query', '查询参数无效'); }
    this.checkHost(req);
    const setCookie = this.checkToken(req, params);
    const method = req.method ?? '';
    const isPaste = path === ROUTES.paste;
    if (isPaste ? method !== 'POST' : method !== 'GET' && method !== 'HEAD') throw err(405, 'method not allowed', '不允许的方法');
    const head: Record<string, string> = { ...SECURITY_HEADERS, ...(setCookie ? { 'Set-Cookie': setCookie } : {}) };

    const asset = this.assets.get(path);
    if (asset) {
      res.writeHead(200, { ...head, 'Content-Type': asset.type, 'Cache-Control': 'no-cache', 'Content-Length': asset.body.length });
      res.end(method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const json = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { ...head, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra }).end(method === 'HEAD' ? undefined : text);
    };
    switch (path) {
      case ROUTES.events: return this.events(req, res, head);
      case ROUTES.sockets: {
        const stateText = params.get('state') ?? '';
        if (stateText !== '' && !isTcpState(stateText)) throw err(400, `state: '${stateText.slice(0, 40)}' is not a TCP state`, `state：'${stateText.slice(0, 40)}' 不是 TCP 状态`);
        const pageText = params.get('page') ?? '0';
        if (!/^\d{1,6}$/.test(pageText)) throw err(400, `page: '${pageText.slice(0, 20)}' is not a page number`, `page：'${pageText.slice(0, 20)}' 不是页码`);
        let query;
        try { query = parseSocketQuery(params.get('q') ?? ''); } catch (e) {
          if (e instanceof QueryError) throw new HttpError(400, e.text);
          throw e;
        }
        return json(200, this.feed.page(stateText === '' ? undefined : stateText as TcpState, query, Number(pageText)));
      }
      case ROUTES.scenarios: return json(200, scenarioList());
      case ROUTES.labRun: {
        const r = this.lab(() => runLab(params));
        const name = r.scenario.replace(/[^a-z0-9-]/gi, '');
        return json(200, { ok: true, result: r }, params.get('download') === '1' ? { 'Content-Disposition': `attachment; filename="${name}.json"` } : {});
      }
      case ROUTES.labPcap: {
        const p = this.lab(() => labPcap(params));
        res.writeHead(200, { ...head, 'Content-Type': 'application/vnd.tcpdump.pcap', 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${p.name.replace(/[^a-z0-9-]/gi, '')}.pcapng"` });
        res.end(method === 'HEAD' ? undefined : p.bytes);
        return;
      }
      case ROUTES.paste: return json(200, await this.paste(req));
      default: throw err(404, 'not found', '未找到');
    }
  }

  private lab<T>(f: () => T): T {
    try { return f(); } catch (e) {
      if (e instanceof LabInputError) throw new HttpError(400, e.text);
      throw e;
    }
  }

  private checkHost(req: IncomingMessage): void {
    if (this.opts.token) return;
    const h = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTS.has(h) && !/^127\.\d+\.\d+\.\d+$/.test(h)) throw err(421, `unexpected Host header '${h.slice(0, 60)}': this server answers only as localhost`, `意外的 Host 头 '${h.slice(0, 60)}'：本服务只以 localhost 应答`);
  }

  /** Throws 401 without the token; returns the cookie to set when the token came in the URL. */
  private checkToken(req: IncomingMessage, params: URLSearchParams): string | undefined {
    const token = this.opts.token;
    if (!token) return undefined;
    const cookieName = `tcplens_${this.address().port}`;
    const fromQuery = params.get(TOKEN_PARAM);
    const auth = req.headers.authorization ?? '';
    const fromHeader = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const fromCookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${cookieName}=`))?.slice(cookieName.length + 1);
    const given = fromQuery ?? fromHeader ?? fromCookie;
    if (given === undefined || !same(given, token)) throw err(401, 'this server needs its token: open the URL tcplens serve printed', '此服务需要令牌：请打开 tcplens serve 打印的 URL');
    return fromQuery !== null ? `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/` : undefined;
  }

  private events(req: IncomingMessage, res: ServerResponse, head: Record<string, string>): void {
    res.writeHead(200, { ...head, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    if (req.method === 'HEAD') { res.end(); return; }
    res.write('retry: 2000\n\n');
    const send = (e: { type: string }): void => { res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`); };
    const cur = this.feed.current();
    if (cur) send(cur);
    const off = this.feed.subscribe(send);
    this.sse.add(res);
    req.on('close', () => { off(); this.sse.delete(res); });
  }

  private async paste(req: IncomingMessage): Promise<PasteResult> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'text/plain') throw err(415, 'the paste must be sent as text/plain', '粘贴内容必须以 text/plain 发送');
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooBig = err(413, `paste larger than ${MAX_PASTE_BYTES / 1024 / 1024} MiB`, `粘贴内容超过 ${MAX_PASTE_BYTES / 1024 / 1024} MiB`);
    if (declared > MAX_PASTE_BYTES) { req.resume(); throw tooBig; }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_PASTE_BYTES) throw tooBig;
      chunks.push(c);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') throw err(400, 'the paste is empty', '粘贴内容为空');
    try {
      const snap = await (await openSource({ kind: 'paste', files: [{ name: 'paste', text }] })).sample();
      return {
        ok: true, formats: [...new Set(snap.sources.map((s) => s.format ?? s.kind))], total: snap.sockets.length, states: stateCounts(snap.sockets),
        findings: diagnoseText(snap), notes: missingEvidence(snap), unreadLines: snap.problems.length,
      };
    } catch (e) {
      if (e instanceof SourceError) return { ok: false, text: e.text };
      throw e;
    }
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
