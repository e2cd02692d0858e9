/**
 * Store location, spec §2.1 (INTERIM: the store owner completes legacy migration).
 * Order: explicit path → SCITEX_CLEW_DB_PATH → <project root>/.scitex/clew/runtime/clew.db,
 * project root = nearest ancestor of cwd holding `.git` or `pyproject.toml`, else cwd.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STORE_RELATIVE_PATH = path.join('.scitex', 'clew', 'runtime', 'clew.db');

export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, 'pyproject.toml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

export interface LocatedStore {
  dbPath: string;
  /** Which rule chose the path. */
  source: 'explicit' | 'env' | 'project';
  projectRoot: string;
}

export function locateStore(options: { explicit?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): LocatedStore {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const projectRoot = findProjectRoot(cwd);
  if (options.explicit) return { dbPath: path.resolve(cwd, options.explicit), source: 'explicit', projectRoot };
  const fromEnv = env.SCITEX_CLEW_DB_PATH;
  if (fromEnv) return { dbPath: path.resolve(cwd, fromEnv), source: 'env', projectRoot };
  return { dbPath: path.join(projectRoot, STORE_RELATIVE_PATH), source: 'project', projectRoot };
}
