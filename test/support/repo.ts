/**
 * The repository root, found from wherever a test bundle runs (out/test/<any depth>/), so tests
 * can live in folders mirroring src/ without counting `../`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'clew') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no clew package.json above ${start}`);
  }
}

export const REPO_ROOT = findRoot(__dirname);
/** The built command line (`npm run build` first). */
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
