// The package a user installs: what `npm pack` would put in the tarball, and what installing it
// would run. Installing must need no compiler and run nothing (npm lists any preinstall, install,
// postinstall or, for a tarball, prepare script as one to approve), so the addon ships as source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
}

test('the tarball holds bin, the compiled library, the addon source and LICENSE, and no tests or binaries', () => {
  const files = packedFiles();
  assert.ok(files.length < 250, `${files.length} files`);
  for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/tcplens.js', 'dist/lib/index.js', 'dist/src/public/index.d.ts',
    'dist/lib/node.js', 'dist/src/public/node.d.ts', 'dist/lib/cli.js', 'src/node/native/sock-diag.c',
    'src/node/native/binding.gyp', 'scripts/build-native.mjs']) {
    assert.ok(files.includes(f), `${f} missing`);
  }
  const unwanted = files.filter((f) => /\.test\.|\.bench\.|\.map$|\.node$|^dist\/(test|bench)\/|^test\/|\/testing\//.test(f));
  assert.deepEqual(unwanted, []);
});

test('installing runs nothing: no install-time script, no binding.gyp at the package root', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const installTime = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'].filter((s) => s in pkg.scripts);
  assert.deepEqual(installTime, []);
  // npm adds `node-gyp rebuild` as an install script when binding.gyp sits at the root.
  assert.equal(readdirSync(root).includes('binding.gyp'), false);
});

test('the published declarations show no private members', () => {
  const seen: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.d.ts') && /^\s*private (?!constructor\()/m.test(readFileSync(p, 'utf8'))) seen.push(path.relative(root, p));
    }
  };
  walk(path.join(root, 'dist/src'));
  assert.deepEqual(seen, []);
});

test('the published declarations type-check in a strict consumer, and a look-alike object is not a Host', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcplens-consumer-'));
  try {
    const file = path.join(dir, 'consumer.ts');
    writeFileSync(file, [
      `import { Host, diagnose, snapshotFromText } from ${JSON.stringify(path.join(root, 'dist/src/public/index.js'))};`,
      `import { readLiveSnapshot, runCli } from ${JSON.stringify(path.join(root, 'dist/src/public/node.js'))};`,
      `const h: Host = new Host({ addrs: ['10.0.0.1'] });`,
      '// @ts-expect-error the class stays nominal without its private members',
      'const fake: Host = { ...h };',
      `void fake; void diagnose(snapshotFromText('p', '')); void readLiveSnapshot; void runCli;`,
    ].join('\n'));
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(root, 'node_modules/@types'), file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
