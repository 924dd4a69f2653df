// `import 'tcplens'` must run in a browser page: the pure entry is bundled here for the browser
// platform with esbuild, refusing any Node built-in, and the bundle is run in a fresh V8 context
// that has no `require`, no `process` and no `Buffer` — only the language and the few web globals
// every browser has. A Node import anywhere in the pure graph fails the bundle step by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build, type Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const PURE_ENTRY = path.join(here, '../src/public/index.js');
const NODE_ENTRY = path.join(here, '../src/public/node.js');

const BUILTIN = new Set(builtinModules);

/** Fails the bundle on `node:*` or any bare Node built-in name, saying which file imported it. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0];
      if (!args.path.startsWith('node:') && !BUILTIN.has(bare)) return undefined;
      return { errors: [{ text: `Node built-in '${args.path}' imported by ${path.relative(path.join(here, '..'), args.importer)}` }] };
    });
  },
};

async function bundleForBrowser(entry: string): Promise<string> {
  const r = await build({
    entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'iife',
    globalName: 'tcplens', target: 'es2022', logLevel: 'silent', plugins: [noNodeBuiltins],
  });
  return r.outputFiles[0].text;
}

/** What a browser page offers besides the language itself (none of it is Node's). */
function browserLikeContext(): vm.Context {
  return vm.createContext({ TextEncoder, TextDecoder, URL, structuredClone, console });
}

test('the Node entry does not bundle for the browser, naming the built-in it imports', async () => {
  // Bare names too: a runtime dependency (prom-client, behind the exporter) imports `util`, not `node:util`.
  await assert.rejects(bundleForBrowser(NODE_ENTRY), (e: Error) => /Node built-in '(node:)?[a-z_]+' imported by/.test(e.message));
});

test('the pure entry bundles for the browser and runs with no require, process or Buffer', async () => {
  const code = await bundleForBrowser(PURE_ENTRY);
  const ctx = browserLikeContext();
  vm.runInContext(`${code}\nglobalThis.tcplens = tcplens;`, ctx, { filename: 'tcplens.browser.js' });
  const out = vm.runInContext(`(() => {
    if (typeof require !== 'undefined' || typeof process !== 'undefined' || typeof Buffer !== 'undefined') throw new Error('not a browser-like context');
    const t = globalThis.tcplens;

    // A pasted ss listing with a pile of CLOSE-WAIT, diagnosed.
    const rows = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port', 'LISTEN     0      128    0.0.0.0:8080        0.0.0.0:*'];
    for (let i = 0; i < 300; i++) rows.push('CLOSE-WAIT 1      0      10.0.0.5:8080       10.0.0.9:' + (40000 + i));
    const snap = t.snapshotFromText('paste', rows.join('\\n') + '\\n');
    const findings = t.diagnose(snap).map((f) => f.id);

    // A lab scenario on virtual time.
    const r = t.findScenario('active-close').run({ settings: {}, params: {}, seed: 1, profile: 'linux' });
    const text = t.renderExchange(r, { lang: 'en' });

    // A packetdrill script run against a simulated Linux host.
    const script = [
      '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
      '+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0',
      '+0 bind(3, ..., ...) = 0',
      '+0 listen(3, 1) = 0',
      '+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>',
      '+0 > S. 0:0(0) ack 1 <...>',
      '+.01 < . 1:1(0) ack 1 win 257',
      '+0 accept(3, ..., ...) = 4',
      '+.01 < F. 1:1(0) ack 1 win 257',
      '+0~+.05 > . 1:1(0) ack 2',
      '+0 close(4) = 0',
      '+0 > F. 1:1(0) ack 2',
      '+.01 < . 2:2(0) ack 2 win 257',
    ].join('\\n');
    const parsed = t.parseScript(script, 'inline.pkt');
    if (!parsed.ok) throw new Error(t.formatParseError(parsed.error));
    const run = t.runScript(parsed.script, { ipVersion: 'ipv4', makeHost: t.makeDefaultHost, readInclude: () => undefined });

    return { closeWait: snap.sockets.filter((s) => s.state === 'CLOSE-WAIT').length, findings, kind: r.kind, text, outcome: run.outcome, last: run.timeline.at(-1)?.to };
  })()`, ctx);
  assert.equal(out.closeWait, 300);
  assert.ok(out.findings.includes('close_wait_leak'), out.findings.join(','));
  assert.equal(out.kind, 'exchange');
  assert.match(out.text, /TIME-WAIT/);
  assert.equal(out.outcome, 'pass');
  assert.equal(out.last, 'CLOSED');
});
