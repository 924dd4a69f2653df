// Runs after `tsc` (npm run build, from bundle-package.mjs): bundles the page of `tcplens serve`
// (src/web/main.ts) for the browser with esbuild into dist/lib/web/app.js and copies its HTML,
// stylesheet and icon beside it. No Node built-in may reach the page; the server serves these four
// files and nothing else. Prints the sizes (raw and gzipped) so a growing bundle is seen.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/lib/web');
mkdirSync(out, { recursive: true });

// The library's modules only define things (tables, classes, functions): told so, esbuild keeps
// just what the page uses from the public entry instead of the whole engine, lab and doctor.
const pureModules = {
  name: 'pure-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolved' || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
      if (r.errors.length) return { errors: r.errors };
      return { path: r.path, sideEffects: false };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/web/main.ts'],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: Boolean(process.env.TCPLENS_BUNDLE_SIZE),
  plugins: [pureModules],
});
for (const f of ['index.html', 'app.css', 'icon.svg']) copyFileSync(path.join(root, 'src/web', f), path.join(out, f));

if (process.env.TCPLENS_BUNDLE_SIZE) {
  const inputs = Object.entries(result.metafile.outputs[path.relative(root, path.join(out, 'app.js'))]?.inputs ?? {}).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [f, v] of inputs.slice(0, 12)) process.stdout.write(`  ${v.bytesInOutput}\t${f}\n`);
  for (const f of ['app.js', 'app.css', 'index.html']) {
    const b = readFileSync(path.join(out, f));
    process.stdout.write(`dist/lib/web/${f}: ${b.length} bytes, ${gzipSync(b).length} gzipped\n`);
  }
}
