/**
 * The upstream DDL (spec §2.3), byte-for-byte in meaning, and its idempotent migrations, as
 * write operations. Python and Clew must keep seeing the same shape, so every writer runs
 * `coreSchemaOps` before its first write; lazily-created tables get their own op lists.
 */
import type { StoreView, WriteOp } from './types';

const CORE_DDL = [
  `CREATE TABLE IF NOT EXISTS runs (
                    session_id TEXT PRIMARY KEY,
                    script_path TEXT,
                    script_hash TEXT,
                    started_at TIMESTAMP,
                    finished_at TIMESTAMP,
                    status TEXT,
                    exit_code INTEGER,
                    parent_session TEXT,
                    combined_hash TEXT,
                    metadata TEXT,
                    provenance TEXT DEFAULT 'tracked',
                    exception_reason TEXT
                )`,
  `CREATE TABLE IF NOT EXISTS file_hashes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL,
                    file_path TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    role TEXT NOT NULL,
                    size_bytes INTEGER,
                    frozen INTEGER DEFAULT 0,
                    host TEXT,
                    recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    FOREIGN KEY (session_id) REFERENCES runs(session_id),
                    UNIQUE(session_id, file_path, role)
                )`,
  `CREATE TABLE IF NOT EXISTS verification_results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL,
                    verified_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    level TEXT NOT NULL,
                    status TEXT NOT NULL,
                    FOREIGN KEY (session_id) REFERENCES runs(session_id)
                )`,
  `CREATE TABLE IF NOT EXISTS session_parents (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL,
                    parent_session TEXT NOT NULL,
                    recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    FOREIGN KEY (session_id) REFERENCES runs(session_id),
                    FOREIGN KEY (parent_session) REFERENCES runs(session_id),
                    UNIQUE(session_id, parent_session)
                )`,
  `CREATE INDEX IF NOT EXISTS idx_runs_status
                    ON runs(status)`,
  `CREATE INDEX IF NOT EXISTS idx_runs_parent
                    ON runs(parent_session)`,
  `CREATE INDEX IF NOT EXISTS idx_file_path
                    ON file_hashes(file_path)`,
  `CREATE INDEX IF NOT EXISTS idx_session
                    ON file_hashes(session_id)`,
  `CREATE INDEX IF NOT EXISTS idx_role
                    ON file_hashes(role)`,
  `CREATE INDEX IF NOT EXISTS idx_hash
                    ON file_hashes(hash)`,
  `CREATE INDEX IF NOT EXISTS idx_verification_session
                    ON verification_results(session_id)`,
  `CREATE INDEX IF NOT EXISTS idx_session_parents_session
                    ON session_parents(session_id)`,
  `CREATE INDEX IF NOT EXISTS idx_session_parents_parent
                    ON session_parents(parent_session)`,
];

/** Columns added by upstream migrations, in upstream's order (spec §2.3 "Migrations"). */
const ADDED_COLUMNS: [table: string, column: string, ddl: string][] = [
  ['file_hashes', 'size_bytes', 'size_bytes INTEGER'],
  ['runs', 'provenance', "provenance TEXT DEFAULT 'tracked'"],
  ['runs', 'exception_reason', 'exception_reason TEXT'],
  ['file_hashes', 'frozen', 'frozen INTEGER DEFAULT 0'],
  ['file_hashes', 'host', 'host TEXT'],
];

/**
 * Core tables + migrations. `view` (when given) skips ALTERs for columns already present; an
 * ALTER racing another process is harmless because 'duplicate column name' is ignored.
 */
export function coreSchemaOps(view?: Pick<StoreView, 'hasTable' | 'hasColumn'>): WriteOp[] {
  const ops: WriteOp[] = CORE_DDL.map((sql) => ({ sql }));
  for (const [table, column, ddl] of ADDED_COLUMNS) {
    if (view?.hasTable(table) && view.hasColumn(table, column)) continue;
    ops.push({ sql: `ALTER TABLE ${table} ADD COLUMN ${ddl}`, ignoreError: 'duplicate column name' });
  }
  ops.push({
    sql: 'INSERT OR IGNORE INTO session_parents (session_id, parent_session) SELECT session_id, parent_session FROM runs WHERE parent_session IS NOT NULL',
  });
  return ops;
}

export const CLAIMS_DDL: WriteOp[] = [
  `CREATE TABLE IF NOT EXISTS claims (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                claim_id TEXT UNIQUE NOT NULL,
                file_path TEXT NOT NULL,
                line_number INTEGER,
                claim_type TEXT NOT NULL,
                claim_value TEXT,
                source_session TEXT,
                source_file TEXT,
                source_hash TEXT,
                registered_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                verified_at TIMESTAMP,
                status TEXT DEFAULT 'registered'
            )`,
  'CREATE INDEX IF NOT EXISTS idx_claims_file ON claims(file_path)',
  'CREATE INDEX IF NOT EXISTS idx_claims_source ON claims(source_file)',
  'CREATE INDEX IF NOT EXISTS idx_claims_session ON claims(source_session)',
].map((sql) => ({ sql }));
