/**
 * INTERIM store opener (to be replaced by the WAL snapshot reader + persistent writer).
 * Contract other modules rely on — keep these exports stable:
 *   openStore(dbPath, options) → Store   (see ./types.ts)
 * Interim behaviour: snapshot = python3 sqlite3 backup() to a temp file loaded into sql.js
 * (sees WAL content, consistent); write = one python3 process running BEGIN IMMEDIATE … COMMIT.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { ClewError } from '../errors';
import { assetPath } from '../util/assets';
import type { Row, SqlValue, Store, StoreView, WriteOp, WriteOpResult } from './types';

export interface OpenStoreOptions {
  /** Create the file (and schema, once schema.ts exists) when missing. */
  create?: boolean;
  readOnly?: boolean;
}

let sqlJsPromise: Promise<SqlJsStatic> | undefined;
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJsPromise ??= initSqlJs({ locateFile: () => assetPath('sql-wasm.wasm') });
  return sqlJsPromise;
}

class SqlJsView implements StoreView {
  constructor(readonly dbPath: string, readonly version: number, private readonly db: Database) {}
  all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params as SqlValue[]);
      const rows: T[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as T);
      return rows;
    } finally {
      stmt.free();
    }
  }
  get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }
  hasTable(table: string): boolean {
    return this.get("SELECT 1 AS x FROM sqlite_master WHERE type='table' AND name=?", [table]) !== undefined;
  }
  hasColumn(table: string, column: string): boolean {
    return this.all<{ name: string }>(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).some((r) => r.name === column);
  }
}

const WRITE_PY = `
import sqlite3, sys, json
db, ops = sys.argv[1], json.load(sys.stdin)
con = sqlite3.connect(db, timeout=30, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA busy_timeout=30000")
out = []
con.execute("BEGIN IMMEDIATE")
try:
    for op in ops:
        try:
            cur = con.execute(op["sql"], op.get("params") or [])
        except sqlite3.Error as e:
            if op.get("ignoreError") and op["ignoreError"] in str(e):
                out.append({"changes": 0, "lastInsertRowid": None, "rows": []}); continue
            raise
        rows = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()] if cur.description else []
        out.append({"changes": max(cur.rowcount, 0), "lastInsertRowid": cur.lastrowid, "rows": rows})
    con.execute("COMMIT")
except Exception:
    con.execute("ROLLBACK"); raise
print(json.dumps(out))
`;

export async function openStore(dbPath: string, options: OpenStoreOptions = {}): Promise<Store> {
  const abs = path.resolve(dbPath);
  if (!fs.existsSync(abs) && !options.create) throw new ClewError('store-missing', `no Clew store at ${abs}`);
  const SQL = await loadSqlJs();
  let version = 0;
  return {
    dbPath: abs,
    readOnlyReason: options.readOnly ? 'opened read-only' : null,
    async snapshot(): Promise<StoreView> {
      if (!fs.existsSync(abs)) return new SqlJsView(abs, ++version, new SQL.Database());
      const tmp = path.join(os.tmpdir(), `clew-snap-${process.pid}-${Date.now()}.db`);
      try {
        execFileSync('python3', ['-c', 'import sqlite3,sys;s=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True);d=sqlite3.connect(sys.argv[2]);s.backup(d);d.close()', abs, tmp], { stdio: 'pipe' });
        const db = new SQL.Database(fs.readFileSync(tmp));
        return new SqlJsView(abs, ++version, db);
      } catch (err) {
        throw new ClewError('store-corrupt', `cannot read Clew store ${abs}`, { cause: err });
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
    async write(ops: readonly WriteOp[]): Promise<WriteOpResult[]> {
      if (options.readOnly) throw new ClewError('store-readonly', `store ${abs} is opened read-only`);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      const out = execFileSync('python3', ['-c', WRITE_PY, abs], { input: JSON.stringify(ops), stdio: 'pipe' }).toString();
      return JSON.parse(out) as WriteOpResult[];
    },
    async close(): Promise<void> {},
  };
}
