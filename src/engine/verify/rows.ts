/**
 * Reading runs and file rows from a snapshot. Columns are addressed by name and optional ones
 * (frozen, provenance, exception_reason) tolerated when missing, as older stores lack them.
 * `+role` keeps SQLite off the low-selectivity role index (storage note §4.2).
 */
import type { SqlValue, StoreView } from '../store/types';

export interface RunRow {
  session_id: string;
  script_path: string | null;
  script_hash: string | null;
  started_at: string | null;
  status: string | null;
  parent_session: string | null;
  combined_hash: string | null;
  provenance: string | null;
  exception_reason: string | null;
}

export interface FileRow {
  session_id: string;
  file_path: string;
  hash: string;
  role: string;
  frozen: number;
}

function optionalColumn(view: StoreView, table: string, column: string, fallback: string): string {
  return view.hasColumn(table, column) ? column : `${fallback} AS ${column}`;
}

function runColumns(view: StoreView): string {
  return [
    'session_id',
    'script_path',
    'script_hash',
    'started_at',
    'status',
    'parent_session',
    'combined_hash',
    optionalColumn(view, 'runs', 'provenance', "'tracked'"),
    optionalColumn(view, 'runs', 'exception_reason', 'NULL'),
  ].join(', ');
}

export function getRun(view: StoreView, sessionId: string): RunRow | undefined {
  return view.get<RunRow & Record<string, string | null>>(`SELECT ${runColumns(view)} FROM runs WHERE session_id = ?`, [sessionId]);
}

/** Runs by started_at DESC (upstream's list order), optionally limited. */
export function recentRuns(view: StoreView, limit: number): RunRow[] {
  return view.all<RunRow & Record<string, string | null>>(
    `SELECT ${runColumns(view)} FROM runs ORDER BY started_at DESC LIMIT ?`,
    [limit],
  );
}

/** Input rows then output rows, each in insertion (rowid) order, as upstream reads them. */
export function filesOfSessions(view: StoreView, sessionIds: readonly string[]): Map<string, FileRow[]> {
  const bySession = new Map<string, FileRow[]>();
  for (const id of sessionIds) bySession.set(id, []);
  const frozen = optionalColumn(view, 'file_hashes', 'frozen', '0');
  const chunk = 500;
  for (let i = 0; i < sessionIds.length; i += chunk) {
    const ids = sessionIds.slice(i, i + chunk);
    const rows = view.all<FileRow & Record<string, string | number>>(
      `SELECT session_id, file_path, hash, role, ${frozen} FROM file_hashes
       WHERE session_id IN (${ids.map(() => '?').join(',')}) AND +role IN ('input', 'output')
       ORDER BY CASE role WHEN 'input' THEN 0 ELSE 1 END, id`,
      ids,
    );
    for (const row of rows) bySession.get(row.session_id)?.push(row);
  }
  return bySession;
}

/**
 * The newest producer of a path: role output, latest recorded_at. Ties within upstream's
 * 1-second resolution (spec §13.2) are broken by the later row id, i.e. the later write.
 *
 * Asked as upstream's `ORDER BY recorded_at DESC, id DESC LIMIT 1`, but without making SQLite sort:
 * in sql.js that sort (a temporary b-tree per call) cost 2–3× the index search itself, and a chain
 * asks this once per input of every run (bench/store.ts). The path's few output rows come from the
 * file_path index and the newest is picked here, in SQLite's order (NULL first, text by UTF-8
 * bytes). Anything else (numbers, blobs) is left to SQLite's own ORDER BY.
 */
export function newestProducer(view: StoreView, filePath: string, excludeSession?: string): string | undefined {
  const params = [filePath, excludeSession ?? ''];
  const rows = view.all<{ session_id: string; recorded_at: SqlValue; id: number }>(
    `SELECT session_id, recorded_at, id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ?`,
    params,
  );
  let best: (typeof rows)[number] | undefined;
  for (const row of rows) {
    const at = row.recorded_at;
    if (at !== null && typeof at !== 'string') return sortedNewestProducer(view, params);
    if (!best || newerRow(row.recorded_at as string | null, row.id, best.recorded_at as string | null, best.id)) best = row;
  }
  return best?.session_id;
}

function sortedNewestProducer(view: StoreView, params: readonly SqlValue[]): string | undefined {
  return view.get<{ session_id: string }>(
    `SELECT session_id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ?
     ORDER BY recorded_at DESC, id DESC LIMIT 1`,
    params,
  )?.session_id;
}

/** (at, id) after (bestAt, bestId) in SQLite's ORDER BY for NULL/TEXT values (BINARY collation). */
function newerRow(at: string | null, id: number, bestAt: string | null, bestId: number): boolean {
  if (at === null || bestAt === null) return at === bestAt ? id > bestId : at !== null;
  const order = at === bestAt ? 0 : compareUtf8(at, bestAt);
  return order > 0 || (order === 0 && id > bestId);
}

const SURROGATES = /[\uD800-\uDFFF]/;

/** memcmp order of the UTF-8 encodings: code-unit order, unless surrogate pairs are involved. */
function compareUtf8(a: string, b: string): number {
  if (SURROGATES.test(a) || SURROGATES.test(b)) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  return a < b ? -1 : a > b ? 1 : 0;
}
