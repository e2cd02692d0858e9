/**
 * The `stamps` table: upstream's DDL (created lazily, only when a stamp is written) and reads
 * that tolerate its absence, since a store no one has stamped has no such table.
 */
import type { Row, StoreView, WriteOp } from '../store/types';
import { pythonJsonDumps } from './format';
import type { StampRecord } from './types';

/** Same text as upstream's CREATE statements, so `sqlite_master` looks the same whoever created it. */
export const STAMPS_DDL: readonly WriteOp[] = [
  `CREATE TABLE IF NOT EXISTS stamps (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                stamp_id TEXT UNIQUE NOT NULL,
                root_hash TEXT NOT NULL,
                timestamp TEXT NOT NULL,
                backend TEXT NOT NULL,
                service_url TEXT,
                response_token TEXT,
                run_count INTEGER,
                metadata TEXT
            )`,
  'CREATE INDEX IF NOT EXISTS idx_stamps_hash ON stamps(root_hash)',
].map((sql) => ({ sql }));

export function insertStampOps(record: StampRecord): WriteOp[] {
  return [
    ...STAMPS_DDL,
    {
      sql: 'INSERT INTO stamps (stamp_id, root_hash, timestamp, backend, service_url, response_token, run_count, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      params: [record.stamp_id, record.root_hash, record.timestamp, record.backend, record.service_url, record.response_token, record.run_count, record.metadata === null ? null : pythonJsonDumps(record.metadata)],
    },
  ];
}

function parseMetadata(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string' || text === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    // Upstream would raise here; a damaged metadata cell should not hide the rest of the stamp.
    return null;
  }
}

function toRecord(row: Row): StampRecord {
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    stamp_id: String(row.stamp_id),
    root_hash: String(row.root_hash),
    timestamp: String(row.timestamp),
    backend: String(row.backend),
    service_url: str(row.service_url),
    response_token: str(row.response_token),
    run_count: typeof row.run_count === 'number' ? row.run_count : null,
    metadata: parseMetadata(row.metadata),
  };
}

const COLUMNS = 'stamp_id, root_hash, timestamp, backend, service_url, response_token, run_count, metadata';

/** Newest first (by row id), as upstream's list_stamps. */
export function readStamps(view: StoreView, limit = 20): StampRecord[] {
  if (!view.hasTable('stamps')) return [];
  return view.all(`SELECT ${COLUMNS} FROM stamps ORDER BY id DESC LIMIT ?`, [limit]).map(toRecord);
}

/** The stamp with this id, or the newest one when no id is given. */
export function findStamp(view: StoreView, stampId?: string): StampRecord | undefined {
  if (!view.hasTable('stamps')) return undefined;
  const row = stampId ? view.get(`SELECT ${COLUMNS} FROM stamps WHERE stamp_id = ?`, [stampId]) : view.get(`SELECT ${COLUMNS} FROM stamps ORDER BY id DESC LIMIT 1`);
  return row ? toRecord(row) : undefined;
}

/** The session ids a stamp names (upstream's `metadata.session_ids`), or undefined when absent. */
export function stampedSessionIds(record: StampRecord): string[] | undefined {
  const ids = record.metadata?.session_ids;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : undefined;
}
