/**
 * Shared plumbing for commands that read the store: locate it (spec §2.1), open it, take one
 * consistent snapshot, build the hasher the command asked for, and always clean up.
 */
import { pendingNotice } from '../engine/cluster/ingest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../engine/errors';
import { createFileHasher } from '../engine/hash/fileHasher';
import type { FileHasher } from '../engine/hash/types';
import { locateStore } from '../engine/store/locate';
import { openStore } from '../engine/store/open';
import { describePathMap, parsePathMapping, type PathMapOptions, type PathMapReport } from '../engine/store/pathMap';
import { configPathMappings, storeProjectRoot } from '../engine/store/pathMapSources';
import type { Store, StoreView } from '../engine/store/types';
import type { CliIo, GlobalOptions } from './types';

export interface StoreSession {
  store: Store;
  view: StoreView;
  hasher: FileHasher;
  /** True when hashes may come from the stat cache. */
  cached: boolean;
  /** True when the store is read through a path map (it moved): its answers depend on more than the store and the files. */
  pathMapped: boolean;
  /** How paths were rewritten, when they were (exports name files by the paths as recorded). */
  pathMap?: PathMapReport;
}

export async function withStore<T>(
  globals: GlobalOptions,
  io: CliIo,
  options: {
    useCache: boolean;
    /** Open for writing, creating the store if missing. */ writable?: boolean;
    /** See FileHasherOptions.refreshCache. */ refreshCache?: boolean;
    /** Start worker threads now (default: when every file will be re-read). False when the caller already has threads hashing. */ prestart?: boolean;
  },
  fn: (session: StoreSession) => Promise<T>,
): Promise<T> {
  const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
  // Runs recorded through the spool are not in the store until `clew ingest`; say so on every read.
  const waiting = pendingNotice(located.dbPath);
  if (waiting) io.err(`clew: ${waiting}`);
  if (!options.writable && !fs.existsSync(located.dbPath)) {
    throw new ClewError('store-missing', `no Clew store at ${located.dbPath} (record a run first, or pass --db PATH)`);
  }
  // The hasher first: a rehash starts its worker threads now, so they boot while sql.js loads.
  const hasher = createFileHasher({
    useCache: options.useCache,
    storeDir: path.dirname(located.dbPath),
    prestart: options.prestart ?? !options.useCache,
    refreshCache: options.refreshCache,
  });
  let pathMapped = false;
  let pathMap: PathMapReport | undefined;
  let store: Store;
  try {
    store = await openStore(located.dbPath, {
      ...(options.writable ? { create: true } : { readOnly: true }),
      pathMap: pathMapOptions(located.dbPath, globals, io),
      onPathMap: (report) => {
        pathMapped = Boolean(report);
        pathMap = report ?? undefined;
        if (report) io.err(`clew: ${describePathMap(report)}`);
      },
    });
  } catch (err) {
    await hasher.dispose();
    throw err;
  }
  try {
    const view = await store.snapshot();
    return await fn({ store, view, hasher, cached: options.useCache, pathMapped, pathMap });
  } finally {
    await hasher.dispose();
    await store.close();
  }
}

/** A moved store is read through a map (engine/store/pathMap.ts): `--map` first, then the config file, then detection. */
export function pathMapOptions(dbPath: string, globals: GlobalOptions, io: CliIo): PathMapOptions {
  const currentRoot = storeProjectRoot(dbPath);
  const fromCli = (globals.map ?? []).map((m) => parsePathMapping(m, io.cwd, '--map'));
  return { currentRoot, explicit: [...fromCli, ...configPathMappings(currentRoot ?? io.cwd)] };
}
