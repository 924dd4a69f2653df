// `tcplens serve` in a real browser: Chromium (playwright-core) against the real server process,
// reading a network namespace this test makes. The host view's counts follow sockets the test
// opens; clicking CLOSE-WAIT lists the leaking process; the paste box diagnoses an `ss` listing; a
// lab scenario draws its arrows and states; the language switch changes the page; nothing logs an
// error to the console. Screenshots of each view go to test-artefacts/ (git-ignored); with
// TCPLENS_DOCS_SCREENSHOTS=1 the README's are refreshed in docs/ as well.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium, pollPage } from './helpers/browser.js';
import { netnsSkipReason, TestNetns, type NsProcess } from './helpers/netns.js';
import { ROOT } from './helpers/paths.js';
import { startServe, type ServeProcess } from './helpers/serve.js';

const skipBrowser = browserSkipReason();
const skipNs = skipBrowser ?? netnsSkipReason();
if (skipBrowser) process.stdout.write(`# serve browser tests skipped: ${skipBrowser}\n`);
else if (skipNs) process.stdout.write(`# serve browser tests skipped: ${skipNs}\n`);

const ARTEFACTS = path.join(ROOT, 'test-artefacts');
const DOCS = path.join(ROOT, 'docs');

let ns: TestNetns | undefined;
let serve: ServeProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let leaky: NsProcess;
const consoleErrors: string[] = [];

/** The whole page into test-artefacts/; for the README, `docs` (a view's top or one element) into docs/ on request. */
async function shot(name: string, docs?: { file: string; selector?: string }): Promise<void> {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
  if (!docs) return;
  const file = path.join(ARTEFACTS, `${name}-readme.png`);
  if (docs.selector) await page.locator(docs.selector).screenshot({ path: file });
  else await page.screenshot({ path: file });
  if (process.env.TCPLENS_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, path.join(DOCS, docs.file));
  }
}

async function count(state: string): Promise<number> {
  const text = await page.locator(`[data-state="${state}"] .count`).textContent();
  return Number((text ?? '').replace(/,/g, ''));
}

// Reads of a namespace walk the host's /proc for owners: seconds on a busy machine.
async function waitCount(state: string, ok: (n: number) => boolean, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await count(state);
    if (ok(n)) return n;
    if (Date.now() > deadline) throw new Error(`${state} count stayed at ${n}`);
    await page.waitForTimeout(200);
  }
}

const rows = (n: number, timeoutMs = 30_000): Promise<void> =>
  pollPage(`${n} rows in the socket list`, async () => (await page.locator('#sockets tbody tr').count()) === n, timeoutMs);

function ssListing(): string {
  const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*    users:(("java",pid=4242,fd=3))'];
  for (let i = 0; i < 300; i++) rows.push(`CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:${40000 + i} users:(("java",pid=4242,fd=${10 + i}))`);
  return rows.join('\n');
}

before(async () => {
  if (skipNs) return;
  try {
    ns = TestNetns.create();
    leaky = ns.start('server', { port: 8080, mode: 'hold' }, { lifetimeMs: 600_000, title: 'tl-leaky' });
    await leaky.waitFor('ready');
    const closer = ns.start('server', { port: 8081, mode: 'close-first' }, { lifetimeMs: 600_000, title: 'tl-closer' });
    await closer.waitFor('ready');
    serve = await startServe(['--netns', ns.name, '--interval', '0.5']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(serve.url);
    await page.waitForSelector('[data-state="LISTEN"]');
  } catch (e) {
    await cleanUp();
    throw e;
  }
});

async function cleanUp(): Promise<void> {
  await browser?.close().catch(() => undefined);
  await serve?.stop();
  await ns?.destroy();
}
after(cleanUp);

test('the host view: counts follow the sockets the test opens in its namespace', { skip: skipNs, timeout: 300_000 }, async () => {
  await waitCount('LISTEN', (n) => n === 2);
  assert.equal(await count('CLOSE-WAIT'), 0);
  // A client that sends FIN to a server that never closes: CLOSE-WAIT at the server (the leak);
  // and a server that closes first: a TIME-WAIT pile on its side.
  const c1 = ns!.start('client', { port: 8080, count: 40, mode: 'end' }, { lifetimeMs: 600_000, title: 'tl-caller' });
  const c2 = ns!.start('client', { port: 8081, count: 120, mode: 'wait', concurrency: 20 }, { lifetimeMs: 600_000, title: 'tl-visitor' });
  await c1.waitFor('done');
  await c2.waitFor('done');
  assert.equal(await waitCount('CLOSE-WAIT', (n) => n === 40), 40);
  assert.ok(await waitCount('TIME-WAIT', (n) => n >= 100) >= 100);
  assert.ok(await waitCount('FIN-WAIT-2', (n) => n === 40));
  await page.waitForSelector('[data-rule="close_wait_leak"]', { timeout: 60_000 });
});

test('clicking CLOSE-WAIT lists its sockets with the leaking process', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.click('[data-state="CLOSE-WAIT"]');
  await rows(40, 60_000);
  const owners = await page.locator('#sockets tbody td.owner').allTextContents();
  assert.equal(owners.length, 40);
  for (const o of owners) assert.equal(o, `tl-leaky/${leaky.pid}`);
  assert.match(await page.locator('#socket-count').textContent() ?? '', /^40 sockets/);
  // The filter box, in ss's words: one client port.
  const port = (await page.locator('#sockets tbody tr td.mono').nth(1).textContent())!.split(':').pop();
  await page.fill('#socket-filter', `dport = :${port}`);
  await rows(1);
  await page.fill('#socket-filter', '');
  await rows(40);
  await page.evaluate('window.scrollTo(0, 0)');
  await shot('host-view', { file: 'serve-host.png' });
});

test('the paste box diagnoses a pasted ss listing', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.fill('#paste-text', ssListing());
  await page.click('#paste-run');
  await page.waitForSelector('#paste-result [data-rule="close_wait_leak"]');
  const text = await page.locator('#paste-result').textContent();
  assert.match(text ?? '', /read as ss/);
  assert.match(text ?? '', /java/);
  await page.locator('#paste-result').scrollIntoViewIfNeeded();
  await shot('paste');
});

test('a lab scenario draws its arrows and both sides\' states, step by step', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.goto(`${serve!.origin}/#/lab/active-close`);
  await page.waitForSelector('#lab-scenario option[value="active-close"]', { state: 'attached' });
  await page.click('#lab-run');
  await page.waitForSelector('#sequence');
  // The handshake (SYN, SYN+ACK, ACK) and the close (FIN, ACK, FIN, ACK): seven arrows.
  assert.equal(await page.locator('#sequence .arrow').count(), 7);
  const a = await page.locator('#sequence .state-label[data-host="A"]').allTextContents();
  const b = await page.locator('#sequence .state-label[data-host="B"]').allTextContents();
  assert.deepEqual(a, ['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
  assert.deepEqual(b, ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  assert.match(await page.locator('#lab-conclusion').textContent() ?? '', /TIME-WAIT/);
  const steps = await page.locator('#sequence .step').count();
  await page.click('#lab-prev');
  await page.click('#lab-prev');
  assert.equal(await page.locator('#sequence .step.future').count(), 2);
  assert.match(await page.locator('#lab-step').textContent() ?? '', new RegExp(`${steps - 2} / ${steps}`));
  await page.click('#lab-all');
  assert.equal(await page.locator('#sequence .step.future').count(), 0);
  const pcap = await page.locator('#lab-pcap').getAttribute('href');
  const r = await page.request.get(`${serve!.origin}${pcap}`);
  assert.equal(r.status(), 200);
  assert.equal((await r.body()).readUInt32LE(0), 0x0a0d0d0a);
  await shot('lab-view', { file: 'serve-lab.png', selector: '#sequence' });
});

test('a scenario with a firewall on the path draws three lifelines, arrows through the box and no state for it', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.goto(`${serve!.origin}/#/lab/middlebox-idle-drop`);
  await page.waitForSelector('#lab-scenario option[value="middlebox-idle-drop"]', { state: 'attached' });
  await page.click('#lab-run');
  await page.waitForSelector('#sequence .lifeline.middlebox', { state: 'attached' });
  assert.equal(await page.locator('#sequence .lifeline').count(), 3);
  assert.equal(await page.locator('#sequence .lifeline.middlebox').count(), 1);
  // Every segment crosses the firewall: from a host to FW, or from FW on to the other host.
  const ends = await page.locator('#sequence .arrow').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
  assert.ok(ends.length > 0 && ends.every((e) => e.includes('FW')), ends.join(' '));
  assert.ok(ends.includes('C>FW') && ends.includes('FW>S'));
  assert.equal(await page.locator('#sequence .state-label[data-host="FW"]').count(), 0, 'the box holds no connection');
  const c = await page.locator('#sequence .state-label[data-host="C"]').allTextContents();
  const srv = await page.locator('#sequence .state-label[data-host="S"]').allTextContents();
  assert.equal(c[0], 'SYN-SENT');
  assert.ok(srv.includes('ESTABLISHED'), srv.join(' '));
  // The timeline bands: the two hosts with connections, not the firewall.
  assert.equal(await page.locator('#timeline .host-label').count(), 2);
  const pcap = await page.locator('#lab-pcap').getAttribute('href');
  const r = await page.request.get(`${serve!.origin}${pcap}`);
  assert.equal(r.status(), 200);
  await shot('lab-network');
  await page.goto(`${serve!.origin}/#/lab/active-close`);
  await page.waitForSelector('#lab-scenario option[value="active-close"]', { state: 'attached' });
  await page.click('#lab-run');
  await page.waitForSelector('#sequence .arrow');
});

test('explain pages are linked from the views', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.click('#lab-out .timeline-list a[href="#/explain/CLOSE-WAIT"]');
  await page.waitForSelector('#explain h2');
  assert.equal(await page.locator('#explain h2').textContent(), 'CLOSE-WAIT');
  assert.ok((await page.locator('#explain li').count()) >= 2);
  await shot('explain');
});

test('the language switch turns the page to Chinese and back; the theme to dark; a phone width', { skip: skipNs, timeout: 120_000 }, async () => {
  await page.goto(`${serve!.origin}/#/host`);
  await page.waitForSelector('#findings [data-rule="close_wait_leak"]');
  assert.equal(await page.locator('#nav-host').textContent(), 'Host');
  await page.click('#lang');
  assert.equal(await page.locator('#nav-host').textContent(), '主机');
  assert.equal(await page.evaluate('document.documentElement.lang'), 'zh-CN');
  assert.match(await page.locator('#findings [data-rule="close_wait_leak"] summary').textContent() ?? '', /[\u4e00-\u9fff]/);
  await page.click('#theme');
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number;
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than a phone`);
  await shot('host-phone-zh-dark');
  await page.click('#lang');
  await page.click('#theme');
  assert.equal(await page.locator('#nav-host').textContent(), 'Host');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('no console errors on any view', { skip: skipNs }, () => {
  assert.deepEqual(consoleErrors, []);
});
