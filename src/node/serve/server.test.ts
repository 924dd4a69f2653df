// The dashboard's server against a pasted host: what it answers, what it refuses and with which
// status, and the headers every answer carries. Real HTTP on loopback, raw sockets where a client
// library would tidy the request up (`..` in a path, oversized headers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSource } from '../source.js';
import { DashboardServer, CSP } from './server.js';
import { findAssetDir } from './static-assets.js';
import { MAX_PASTE_BYTES, PAGE_SIZE, type HostUpdate, type PasteResult, type SocketPage } from '../../web/messages.js';
import { firstEvents } from '../../../test/helpers/serve.js';

function listing(n: number): string {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*    users:(("java",pid=4242,fd=3))'];
  for (let i = 0; i < n; i++) rows.push(`CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:${40000 + i} users:(("java",pid=4242,fd=${10 + i}))`);
  return rows.join('\n') + '\n';
}

function assets(): string {
  const found = findAssetDir();
  if (found) return found;
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(dir, 'app.js'), 'export {};');
  return dir;
}

let server: DashboardServer;
let tokened: DashboardServer;
let base: string;
const TOKEN = 'secret-token-123';

before(async () => {
  const source = await openSource({ kind: 'paste', files: [{ name: 'ss.txt', text: listing(300) }] });
  server = await DashboardServer.start({ host: '127.0.0.1', port: 0, source, intervalMs: 60_000, assetDir: assets() });
  base = `http://127.0.0.1:${server.address().port}`;
  tokened = await DashboardServer.start({ host: '127.0.0.1', port: 0, source, intervalMs: 60_000, assetDir: assets(), token: TOKEN });
});
after(async () => { await server.close(); await tokened.close(); });

/** A request written byte for byte, and the status line of the answer. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => c.write(request));
    let got = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => { got += d; if (got.includes('\r\n')) { c.destroy(); resolve(got.split('\r\n')[0]); } });
    c.on('error', reject);
    c.on('close', () => resolve(got.split('\r\n')[0]));
  });
}

test('a server beyond loopback cannot start without a token', async () => {
  const source = await openSource({ kind: 'paste', files: [{ name: 'ss.txt', text: listing(1) }] });
  await assert.rejects(DashboardServer.start({ host: '0.0.0.0', port: 0, source, intervalMs: 60_000, assetDir: assets() }), /needs a token/);
});

test('every answer carries the Content-Security-Policy, nosniff and no framing, errors too', async () => {
  for (const p of ['/', '/app.js', '/api/sockets', '/nope']) {
    const r = await fetch(base + p);
    assert.equal(r.headers.get('content-security-policy'), CSP, p);
    assert.match(CSP, /default-src 'self'/);
    assert.doesNotMatch(CSP, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
    await r.arrayBuffer();
  }
});

test('the page is served from the bundle, with its script and style from this origin only', async () => {
  const html = await (await fetch(base + '/')).text();
  assert.doesNotMatch(html, /<script>|<style|style=|https?:\/\//);
  const js = await fetch(base + '/app.js');
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
});

test('with a token: 401 without it or with a wrong one; the query, the bearer header or the cookie it sets let in', async () => {
  const b = `http://127.0.0.1:${tokened.address().port}`;
  for (const p of ['/', '/app.js', '/api/sockets', '/api/events', `/api/sockets?token=wrong`]) {
    const r = await fetch(b + p);
    assert.equal(r.status, 401, p);
    await r.arrayBuffer();
  }
  const first = await fetch(`${b}/?token=${TOKEN}`);
  assert.equal(first.status, 200);
  const cookie = first.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly; SameSite=Strict/);
  await first.arrayBuffer();
  const viaCookie = await fetch(`${b}/api/sockets`, { headers: { Cookie: cookie.split(';')[0] } });
  assert.equal(viaCookie.status, 200);
  await viaCookie.arrayBuffer();
  const viaBearer = await fetch(`${b}/api/sockets`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(viaBearer.status, 200);
  await viaBearer.arrayBuffer();
});

test('malformed requests get a short 4xx', async () => {
  const port = server.address().port;
  const cases: Array<[string, RequestInit | undefined, number]> = [
    ['/', { method: 'DELETE' }, 405],
    ['/api/sockets', { method: 'POST', body: 'x' }, 405],
    ['/api/paste', undefined, 405],
    ['/etc/passwd', undefined, 404],
    ['/app.js%2f..%2f..%2fpackage.json', undefined, 400],
    ['/%E0%A4%A', undefined, 400],
    ['/api/sockets?state=FOO', undefined, 400],
    ['/api/sockets?page=-1', undefined, 400],
    ['/api/sockets?page=abc', undefined, 400],
    ['/api/sockets?q=sport%20%3D%20%3A99999', undefined, 400],
    ['/api/sockets?q=pid%20x', undefined, 400],
    ['/api/lab/run?scenario=nope', undefined, 400],
    ['/api/lab/run?scenario=active-close&seed=abc', undefined, 400],
    ['/api/lab/run?scenario=active-close&set=tcp_bogus=1', undefined, 400],
    ['/api/lab/run?scenario=active-close&param=nope=1', undefined, 400],
    ['/api/lab/run?scenario=active-close&profile=plan9', undefined, 400],
    [`/?x=${'a'.repeat(5000)}`, undefined, 414],
    ['/api/paste', { method: 'POST', body: 'x', headers: { 'Content-Type': 'application/json' } }, 415],
    ['/api/paste', { method: 'POST', body: '  ', headers: { 'Content-Type': 'text/plain' } }, 400],
  ];
  for (const [p, init, status] of cases) {
    const r = await fetch(base + p, init);
    assert.equal(r.status, status, `${init?.method ?? 'GET'} ${p.slice(0, 80)}`);
    const body = await r.text();
    assert.ok(body.length < 400, `short message for ${p.slice(0, 40)}`);
    if (p.startsWith('/api/') && status !== 405) assert.equal((JSON.parse(body) as { ok: boolean }).ok, false);
  }
  assert.match(await raw(port, 'GET /../package.json HTTP/1.1\r\nHost: localhost\r\n\r\n'), / 400 /);
  assert.match(await raw(port, 'GET /%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n'), / 400 /);
  assert.match(await raw(port, 'GET /web/..\\..\\package.json HTTP/1.1\r\nHost: localhost\r\n\r\n'), / 400 /);
  assert.match(await raw(port, `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`), / 431 /);
  assert.match(await raw(port, 'GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n'), / 421 /);
  assert.match(await raw(port, 'BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n'), / 4\d\d /);
  assert.match(await raw(port, `POST /api/paste HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${MAX_PASTE_BYTES + 1}\r\n\r\n`), / 413 /);
});

test('a paste streamed past the limit without a length is cut off with 413', async () => {
  const big = new Uint8Array(MAX_PASTE_BYTES + 1024).fill(0x61);
  const r = await fetch(base + '/api/paste', { method: 'POST', body: new Blob([big]), headers: { 'Content-Type': 'text/plain' } }).catch((e: Error) => e);
  if (r instanceof Error) return; // the server closed the connection mid-upload: refused too
  assert.equal(r.status, 413);
  await r.arrayBuffer();
});

test('the paste box: a pasted ss listing is diagnosed with the CLI\'s parsers and rules', async () => {
  const r = await fetch(base + '/api/paste', { method: 'POST', body: listing(300), headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const body = await r.json() as PasteResult;
  assert.ok(body.ok);
  if (!body.ok) return;
  assert.equal(body.states['CLOSE-WAIT'], 300);
  assert.deepEqual(body.formats, ['ss']);
  const f = body.findings.find((x) => x.id === 'close_wait_leak');
  assert.ok(f);
  assert.equal(f!.evidence.process, 'java');
  const unknown = await (await fetch(base + '/api/paste', { method: 'POST', body: 'hello world\n', headers: { 'Content-Type': 'text/plain' } })).json() as PasteResult;
  assert.equal(unknown.ok, false);
});

test('the socket list comes a page at a time, oldest first, filtered in ss\'s words', async () => {
  const get = async (q: string): Promise<SocketPage> => (await fetch(`${base}/api/sockets?${q}`)).json() as Promise<SocketPage>;
  const p0 = await get('state=CLOSE-WAIT');
  assert.equal(p0.total, 300);
  assert.equal(p0.rows.length, PAGE_SIZE);
  assert.equal(p0.rows[0].owner, 'java/4242');
  const p3 = await get('state=CLOSE-WAIT&page=3');
  assert.equal(p3.rows.length, 0);
  const one = await get('state=CLOSE-WAIT&q=dport%20%3D%20%3A40007');
  assert.equal(one.total, 1);
  assert.equal(one.rows[0].peer, '10.0.0.9:40007');
  assert.equal((await get('q=java%20sport%3A8080')).total, 301);
  assert.equal((await get('state=LISTEN&q=pid%201')).total, 0);
});

test('events: a page that connects gets the latest read at once, aggregated', async () => {
  const { text, contentType } = await firstEvents(`${base}/api/events`);
  assert.equal(contentType, 'text/event-stream');
  const data = /event: host\ndata: (.*)\n/.exec(text);
  assert.ok(data, text);
  const u = JSON.parse(data![1]) as HostUpdate;
  assert.equal(u.total, 301);
  assert.equal(u.states['CLOSE-WAIT'].count, 300);
  assert.ok(u.findings.some((f) => f.id === 'close_wait_leak'));
  assert.equal(u.live, false);
});

test('the lab runs a scenario and gives its capture', async () => {
  const r = await (await fetch(`${base}/api/lab/run?scenario=active-close&set=tcp_fin_timeout=30`)).json() as { ok: boolean; result: { steps: unknown[]; scenario: string } };
  assert.ok(r.ok);
  assert.equal(r.result.scenario, 'active-close');
  const p = await fetch(`${base}/api/lab/pcap?scenario=active-close`);
  assert.match(p.headers.get('content-disposition') ?? '', /active-close\.pcapng/);
  const bytes = new Uint8Array(await p.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x0a, 0x0d, 0x0d, 0x0a]);
});
