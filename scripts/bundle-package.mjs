// Runs after `tsc` (npm run build): bundles the three ways into tcplens — the pure library
// (`tcplens`), the Node additions (`tcplens/node`) and the CLI (bin/tcplens.js) — into dist/lib/
// with esbuild, sharing their common code in chunks. The installed package ships these few files
// and the declarations instead of one .js per source module, and the CLI starts by loading a
// handful of files instead of a hundred and more.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'src/public/index.ts',
    node: 'src/public/node.ts',
    cli: 'src/cli/entry.ts',
  },
  outdir: 'dist/lib',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // The runtime dependencies stay packages of their own, resolved from node_modules at run time.
  external: ['prom-client'],
});
await import('./bundle-web.mjs');
