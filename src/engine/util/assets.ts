import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds a runtime asset shipped in `dist/` (sql-wasm.wasm, hashWorker.js, clew_writer.py, webview.js).
 * Bundles live in dist/ themselves; unit-test bundles live in out/test/**, so we also walk up
 * looking for a sibling `dist/`. `CLEW_ASSETS_DIR` overrides both (used by packaging tests).
 */
export function assetPath(name: string): string {
  const override = process.env.CLEW_ASSETS_DIR;
  if (override && existsSync(join(override, name))) return join(override, name);
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const here = join(dir, name);
    if (existsSync(here)) return here;
    const inDist = join(dir, 'dist', name);
    if (existsSync(inDist)) return inDist;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`Clew asset ${name} not found near ${__dirname}; run \`npm run build\` first`);
}
