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
// `tcplens states` as most people type it (src/cli/states-count.ts) as one self-contained file that
// the entry imports by name before anything else: Node loads 3 files for it instead of 15. Its few
// modules are copies of the ones in the chunks above; a run uses one or the other.
await build({
  absWorkingDir: root,
  entryPoints: { 'states-count': 'src/cli/states-count.ts' },
  outdir: 'dist/lib',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
await import('./bundle-web.mjs');
