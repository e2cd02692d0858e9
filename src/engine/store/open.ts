/**
 * openStore: the Store of ./types.ts over a real SQLite file shared with other processes.
 * Reads: pure-TS WAL snapshot (./walSnapshot.ts) into stock sql.js, cached while the (main, wal)
 * stat pair is unchanged; when the lock-free protocol keeps failing, a locking backup through the
 * writer process. Writes: the out-of-process writer (./writer.ts); never sql.js export().
 * Corrupt, truncated, empty or foreign files get a ClewError naming the file and are never modified.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';
import { ClewError, errorMessage } from '../errors';
import { assetPath } from '../util/assets';
import { planAndApplyPathMap, type PathMapOptions, type PathMapReport } from './pathMap';
import type { Row, SqlValue, Store, StoreView, WriteOp, WriteOpResult } from './types';
import { NotSqliteError, storeStateKey, TruncatedError, trySnapshot } from './walSnapshot';
import { createWriter, type Writer } from './writer';

export interface OpenStoreOptions {
  /** Allow the file to be missing (it is created by the first write). */
  create?: boolean;
  readOnly?: boolean;
  /** How long a write waits for another process's lock (default 5 minutes, as upstream). */
  busyTimeoutMs?: number;
  /** Read recorded paths as current ones (a store that moved, ./pathMap.ts); the file is never changed. */
  pathMap?: PathMapOptions;
  /** Told when a snapshot is read through a path map different from the last one (undefined: none any more). */
  onPathMap?(report: PathMapReport | undefined): void;
}

let sqlJsPromise: Promise<SqlJsStatic> | undefined;
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJsPromise ??= initSqlJs({ locateFile: () => assetPath('sql-wasm.wasm') });
  return sqlJsPromise;
}

/** Prepared statements kept per view (python's sqlite3 keeps 128 the same way); IN-lists vary, so the cache is bounded. */
const STATEMENT_CACHE = 64;

interface CachedStatement {
  stmt: Statement;
  names?: string[];
}

class SqlJsView implements StoreView {
  private readonly columns = new Map<string, Set<string>>();
  private readonly statements = new Map<string, CachedStatement>();
  constructor(readonly dbPath: string, readonly version: number, private readonly db: Database) {}
  all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
    // Re-preparing every query was most of the cost of many small ones (a chain is ~300 of them).
    let cached = this.statements.get(sql);
    if (cached) this.statements.delete(sql);
    else cached = { stmt: this.db.prepare(sql) };
    const { stmt } = cached;
    try {
      stmt.bind(params as SqlValue[]);
      const rows: T[] = [];
      // Column names once per statement, values as arrays: getAsObject() asks SQLite for every
      // column's name on every row, which dominated large reads (bench/status.ts).
      while (stmt.step()) {
        const names = (cached.names ??= stmt.getColumnNames());
        const values = stmt.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
        rows.push(row as T);
      }
      return rows;
    } finally {
      // Reset ends the statement's read; most recently used last, the oldest freed beyond the bound.
      stmt.reset();
      this.statements.set(sql, cached);
      if (this.statements.size > STATEMENT_CACHE) {
        const [oldest, entry] = this.statements.entries().next().value as [string, CachedStatement];
        entry.stmt.free();
        this.statements.delete(oldest);
      }
    }
  }
  get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }
  hasTable(table: string): boolean {
    return this.columnsOf(table).size > 0;
  }
  hasColumn(table: string, column: string): boolean {
    return this.columnsOf(table).has(column);
  }
  private columnsOf(table: string): Set<string> {
    let cols = this.columns.get(table);
    if (!cols) {
      cols = new Set(this.all<{ name: string }>(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).map((r) => r.name));
      this.columns.set(table, cols);
    }
    return cols;
  }
  /** Rewrites one path column of this in-memory snapshot; returns the rows changed. */
  rewriteColumn(table: string, column: string, map: (value: string) => string | undefined): number {
    // A private copy needs no rollback journal: without one the UPDATE does not keep a second
    // copy of every page it touches (a moved store's whole file_hashes table and its index).
    // Setting it again for the next column changes nothing.
    this.db.run('PRAGMA journal_mode = OFF');
    this.db.create_function('clew_map_path', (value: unknown) => (typeof value === 'string' ? (map(value) ?? null) : null));
    const t = `"${table.replace(/"/g, '""')}"`;
    const c = `"${column.replace(/"/g, '""')}"`;
    // OR IGNORE: two recorded paths mapping onto one (a UNIQUE clash) keep the recorded one.
    this.db.run(`UPDATE OR IGNORE ${t} SET ${c} = clew_map_path(${c}) WHERE clew_map_path(${c}) IS NOT NULL`);
    return this.db.getRowsModified();
  }
  close(): void {
    for (const { stmt } of this.statements.values()) stmt.free();
    this.statements.clear();
    this.db.close();
  }
}

const CLEW_TABLES = ['runs', 'file_hashes'];

/** Throws store-corrupt / store-foreign unless the image is a readable (possibly empty) Clew store. */
function checkShape(view: SqlJsView, dbPath: string): void {
  let tables: string[];
  try {
    tables = view.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name);
  } catch (err) {
    throw new ClewError('store-corrupt', `${dbPath} is damaged and cannot be read (${errorMessage(err)})`);
  }
  checkShapeOf(tables, (t, c) => view.hasColumn(t, c), dbPath);
}

/** The shape rule itself, for any way of listing a store's tables (store/schemaFacts.ts asks the writer). */
export function checkShapeOf(tables: readonly string[], hasColumn: (table: string, column: string) => boolean, dbPath: string): void {
  const userTables = tables.filter((t) => !t.startsWith('sqlite_'));
  if (userTables.length === 0) return;
  if (!CLEW_TABLES.every((t) => tables.includes(t))) {
    throw new ClewError('store-foreign', `${dbPath} is an SQLite database but not a Clew store (tables: ${userTables.slice(0, 5).join(', ')})`);
  }
  for (const [table, column] of [['runs', 'session_id'], ['file_hashes', 'file_path'], ['file_hashes', 'hash'], ['file_hashes', 'role']]) {
    if (!hasColumn(table, column)) throw new ClewError('store-foreign', `${dbPath} has a '${table}' table without '${column}': not a Clew store`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openStore(dbPath: string, options: OpenStoreOptions = {}): Promise<Store> {
  const abs = path.resolve(dbPath);
  if (!options.create && !fs.existsSync(abs)) throw new ClewError('store-missing', `no Clew store at ${abs}`);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) throw new ClewError('store-corrupt', `${abs} is a directory, not a Clew store`);
  const SQL = await loadSqlJs();
  const busyTimeoutMs = options.busyTimeoutMs ?? 300_000;
  let writer: Writer | undefined;
  const getWriter = () => (writer ??= createWriter(abs, busyTimeoutMs));
  let version = 0;
  let cached: { key: string; view: SqlJsView } | undefined;
  // Contract: a view stays usable until two newer views have been taken (callers hold a view
  // across async hashing); older ones are closed to free their WASM memory.
  let retired: SqlJsView | undefined;
  let toldPathMap = '';
  const mapPaths = (view: SqlJsView) => {
    if (!options.pathMap) return;
    const report = planAndApplyPathMap(view, (t, c, map) => view.rewriteColumn(t, c, map), options.pathMap);
    const key = report ? JSON.stringify([report.detected, report.explicit]) : '';
    if (key !== toldPathMap) options.onPathMap?.(report);
    toldPathMap = key;
  };
  const retire = (view: SqlJsView | undefined) => {
    if (!view || view === retired) return;
    retired?.close();
    retired = view;
  };

  async function readImage(): Promise<Uint8Array> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const image = trySnapshot(abs);
        if (image) return image;
      } catch (err) {
        if (err instanceof NotSqliteError) throw new ClewError('store-corrupt', err.message);
        if (err instanceof TruncatedError) throw new ClewError('store-corrupt', err.message);
        if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new ClewError('io', `permission denied reading ${abs}`);
        throw err;
      }
      await sleep(1 + Math.random() * 9);
    }
    // The lock-free protocol kept seeing a store in motion: take a locking copy instead.
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-backup-')), 'copy.db');
    try {
      await getWriter().backup(tmp);
      return fs.readFileSync(tmp);
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
  }

  return {
    dbPath: abs,
    readOnlyReason: options.readOnly ? 'opened read-only' : null,
    async snapshot(): Promise<StoreView> {
      if (!fs.existsSync(abs)) return new SqlJsView(abs, ++version, new SQL.Database());
      const key = storeStateKey(abs);
      if (cached && cached.key === key) return cached.view;
      const image = await readImage();
      let db: Database;
      try {
        db = new SQL.Database(image);
        // The snapshot is ours alone: keep its read lock instead of re-checking the (in-memory) file
        // for a hot journal and a changed header before every statement. Nothing is written by this.
        db.exec('PRAGMA locking_mode = EXCLUSIVE');
      } catch (err) {
        throw new ClewError('store-corrupt', `${abs} cannot be opened as SQLite (${errorMessage(err)})`);
      }
      const view = new SqlJsView(abs, ++version, db);
      checkShape(view, abs);
      mapPaths(view);
      retire(cached?.view);
      cached = { key, view };
      return view;
    },
    async write(ops: readonly WriteOp[]): Promise<WriteOpResult[]> {
      if (options.readOnly) throw new ClewError('store-readonly', `store ${abs} is opened read-only`);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      const results = await getWriter().write(ops);
      // The stat key changes with the write; the next snapshot() re-reads and retires the view.
      return results;
    },
    async backup(dest: string): Promise<void> {
      await getWriter().backup(dest);
    },
    async close(closeOptions?: { waitForWriter?: boolean }): Promise<void> {
      await writer?.close(closeOptions?.waitForWriter ?? true);
      writer = undefined;
    },
  };
}
