/**
 * Store location, spec §2.1, including upstream's legacy-store migration.
 * Order: explicit path → SCITEX_CLEW_DB_PATH → <project root>/.scitex/clew/runtime/clew.db,
 * project root = nearest ancestor of cwd holding `.git` or `pyproject.toml`, else cwd.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';

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
  /**
   * With `migrate: false`: the current path a legacy store (now `dbPath`) would be moved to.
   * Unset when the store is already at its current location.
   */
  legacyTarget?: string;
}

export interface LocateOptions {
  explicit?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Perform the legacy rename (default true, as upstream); false: read a legacy store where it is. */
  migrate?: boolean;
  onNotice?(message: string): void;
}

export function locateStore(options: LocateOptions = {}): LocatedStore {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const projectRoot = findProjectRoot(cwd);
  if (options.explicit) return { dbPath: path.resolve(cwd, options.explicit), source: 'explicit', projectRoot };
  const fromEnv = env.SCITEX_CLEW_DB_PATH;
  if (fromEnv) return { dbPath: path.resolve(cwd, fromEnv), source: 'env', projectRoot };
  const dbPath = path.join(projectRoot, STORE_RELATIVE_PATH);
  if (options.migrate !== false) {
    migrateLegacyStore(projectRoot, dbPath, options.onNotice);
  } else if (!fs.existsSync(dbPath)) {
    const legacy = findLegacyStore(projectRoot);
    if (legacy) return { dbPath: legacy, source: 'project', projectRoot, legacyTarget: dbPath };
  }
  return { dbPath, source: 'project', projectRoot };
}

/** Older default locations, in the order upstream tries them (spec §2.1 rule 3). */
export const LEGACY_RELATIVE_PATHS = [path.join('.scitex', 'clew', 'runtime', 'db.sqlite'), path.join('.scitex', 'clew', 'db.sqlite')];

/**
 * Upstream's legacy rename: when runtime/clew.db is absent, the first legacy store found is
 * checkpointed (its WAL folded in by a real SQLite, errors ignored), moved atomically to
 * runtime/clew.db, and its leftover -wal/-shm deleted. Returns the migrated-from path, if any.
 */
export function findLegacyStore(projectRoot: string): string | undefined {
  return LEGACY_RELATIVE_PATHS.map((rel) => path.join(projectRoot, rel)).find((p) => fs.existsSync(p));
}

export function migrateLegacyStore(projectRoot: string, dbPath: string, onNotice?: (message: string) => void): string | undefined {
  if (fs.existsSync(dbPath)) return undefined;
  const legacy = findLegacyStore(projectRoot);
  if (!legacy) return undefined;
  lazyChildProcess().spawnSync('python3', ['-c', 'import sqlite3,sys\ntry:\n c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()\nexcept Exception: pass', legacy], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  fs.renameSync(legacy, dbPath);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(legacy + suffix, { force: true });
  onNotice?.(`moved legacy Clew store ${legacy} to ${dbPath}`);
  return legacy;
}

/** The project a store belongs to: the folder holding `.scitex/clew/runtime/clew.db`, else the nearest project root. */
export function projectRootOf(dbPath: string, cwd: string): string {
  return dbPath.endsWith(STORE_RELATIVE_PATH) ? dbPath.slice(0, -STORE_RELATIVE_PATH.length - 1) : findProjectRoot(cwd);
}
