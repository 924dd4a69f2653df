// The page's files, read once at start from the bundle `npm run build` writes (dist/lib/web/:
// index.html, app.js, app.css, icon.svg). Served by exact name only: there is no path from a URL
// to the file system, so no request can reach another file whatever it spells.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset { type: string; body: Buffer }

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** The folder holding the page bundle, looked for from this module up (dist/src/node/serve, dist/lib, dist/lib/chunks). */
export function findAssetDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const c of [path.join(dir, 'web'), path.join(dir, 'lib/web'), path.join(dir, 'dist/lib/web')]) {
      if (existsSync(path.join(c, 'index.html')) && existsSync(path.join(c, 'app.js'))) return c;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** URL path (`/`, `/app.js`) → file, for every file of the bundle. */
export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    out.set(name === 'index.html' ? '/' : `/${name}`, { type, body: readFileSync(file) });
  }
  return out;
}
