/**
 * The root hash (spec §6): one SHA-256 over the selected runs ordered by session id, fed each
 * id then its stored combined hash (empty when NULL), no separators. Stored hashes only: current
 * file contents play no part (that is what `check-stamp --files` adds).
 */
import { createHash } from 'node:crypto';
import type { StoreView } from '../store/types';
import { compareCodePoints } from './format';
import type { RootHash } from './types';

interface Row {
  session_id: string;
  combined_hash: string | null;
  [key: string]: string | null;
}

function selectRuns(view: StoreView, sessionIds?: readonly string[]): Row[] {
  if (!view.hasTable('runs')) return [];
  // Upstream tests the list for truthiness: an empty list means "all successful runs".
  if (!sessionIds || sessionIds.length === 0) {
    return view.all<Row>("SELECT session_id, combined_hash FROM runs WHERE status = 'success' AND combined_hash IS NOT NULL");
  }
  const unique = [...new Set(sessionIds)];
  const rows: Row[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500);
    rows.push(...view.all<Row>(`SELECT session_id, combined_hash FROM runs WHERE session_id IN (${ids.map(() => '?').join(',')})`, ids));
  }
  return rows;
}

export function computeRootHash(view: StoreView, sessionIds?: readonly string[]): RootHash {
  const rows = selectRuns(view, sessionIds).sort((a, b) => compareCodePoints(a.session_id, b.session_id));
  if (rows.length === 0) return { root_hash: null, run_count: 0, session_ids: [] };
  const hash = createHash('sha256');
  for (const row of rows) {
    hash.update(row.session_id, 'utf8');
    hash.update(row.combined_hash ?? '', 'utf8');
  }
  return { root_hash: hash.digest('hex'), run_count: rows.length, session_ids: rows.map((r) => r.session_id) };
}
