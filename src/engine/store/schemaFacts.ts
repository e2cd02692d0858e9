/**
 * What a recording needs to know of the store, asked of the writer (real SQLite) instead of
 * reading the whole store into sql.js: its tables and columns (for the schema ops and the
 * foreign-store check), and whether any recorded path lies outside the project (only then can the
 * store have moved, ./detectMove.ts). A snapshot of a 16 MB store cost `clew record` ~0.2 s of
 * CPU beside the command (docs/recording.md).
 *
 * Contract: undefined whenever this cannot answer exactly as a snapshot would (the store is
 * damaged, paths lie outside the project, anything unexpected); the caller then takes the
 * snapshot, with its own errors and path map. Throws only store-foreign, as a snapshot would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkShapeOf } from './open';
import type { Store, WriteOpResult } from './types';

export interface SchemaFacts {
  hasTable(table: string): boolean;
  hasColumn(table: string, column: string): boolean;
}

const COLUMNS_SQL = "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";

/** Columns whose absolute paths a move would be detected from (pathMap.ts recordedPaths). */
const PATH_COLUMNS: readonly (readonly [string, string])[] = [
  ['runs', 'script_path'],
  ['file_hashes', 'file_path'],
  ['claims', 'file_path'],
  ['claims', 'source_file'],
];

/** `projectRoot`: where paths are detected as moved from (undefined: detection is off, as in PathMapOptions). */
export async function schemaThroughWriter(store: Store, projectRoot: string | undefined): Promise<SchemaFacts | undefined> {
  // The writer opens a store in WAL mode: on a file that is not in WAL mode yet (a foreign
  // database, a rollback-journal store) that alone would change its header. Only a missing store
  // or one already in WAL mode is asked this way.
  if (!missingOrWal(store.dbPath)) return undefined;
  let columns: WriteOpResult[];
  try {
    columns = await store.write([{ sql: COLUMNS_SQL }]);
  } catch {
    return undefined;
  }
  const byTable = new Map<string, Set<string>>();
  for (const row of columns[0]?.rows ?? []) {
    if (typeof row.t !== 'string' || typeof row.c !== 'string') return undefined;
    let set = byTable.get(row.t);
    if (!set) byTable.set(row.t, (set = new Set()));
    set.add(row.c);
  }
  const facts: SchemaFacts = {
    hasTable: (t) => byTable.has(t),
    hasColumn: (t, c) => byTable.get(t)?.has(c) ?? false,
  };
  checkShapeOf([...byTable.keys()], facts.hasColumn, store.dbPath);
  if (projectRoot === undefined) return facts;
  const root = path.resolve(projectRoot);
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const after = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const probes = PATH_COLUMNS.filter(([t, c]) => facts.hasColumn(t, c)).map(([t, c]) => ({
    // An absolute path not under the root: below the prefix (but not the root itself), or after it.
    sql: `SELECT 1 AS outside FROM "${t}" WHERE "${c}" LIKE '/%' AND ((("${c}" < ? AND "${c}" != ?) OR "${c}" >= ?)) LIMIT 1`,
    params: [prefix, root, after],
  }));
  if (probes.length === 0) return facts;
  try {
    const found = await store.write(probes);
    return found.some((r) => r.rows.length > 0) ? undefined : facts;
  } catch {
    return undefined;
  }
}

/** No file yet, or an SQLite header whose read and write versions say WAL (bytes 18 and 19 = 2). */
function missingOrWal(dbPath: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(dbPath, 'r');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  try {
    const head = Buffer.alloc(20);
    const n = fs.readSync(fd, head, 0, 20, 0);
    return n === 20 && head.toString('latin1', 0, 16) === 'SQLite format 3\0' && head[18] === 2 && head[19] === 2;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
