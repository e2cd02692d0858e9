/**
 * `check-stamp --files`: re-read every file the stamped runs recorded and list those whose bytes
 * differ from the recorded hash. Upstream's check only compares stored hashes, so an output edited
 * after the stamp goes unnoticed there; this is what sees it.
 */
import { hashesMatch } from '../hash/sha256';
import type { FileHasher } from '../hash/types';
import type { StoreView } from '../store/types';
import type { FileChange } from './types';

interface FileRow {
  session_id: string;
  file_path: string;
  hash: string;
  role: string;
  [key: string]: string;
}

export async function changedFiles(view: StoreView, hasher: FileHasher, sessionIds: readonly string[]): Promise<FileChange[]> {
  if (!view.hasTable('file_hashes') || sessionIds.length === 0) return [];
  const rows: FileRow[] = [];
  for (let i = 0; i < sessionIds.length; i += 500) {
    const ids = sessionIds.slice(i, i + 500);
    rows.push(...view.all<FileRow>(`SELECT session_id, file_path, hash, role FROM file_hashes WHERE session_id IN (${ids.map(() => '?').join(',')}) ORDER BY session_id, id`, ids));
  }
  const outcomes = await hasher.hashMany([...new Set(rows.map((r) => r.file_path))]);
  const changes: FileChange[] = [];
  for (const row of rows) {
    const outcome = outcomes.get(row.file_path);
    const base = { session_id: row.session_id, path: row.file_path, role: row.role, expected_hash: row.hash };
    if (!outcome || outcome.kind === 'missing') changes.push({ ...base, status: 'missing', current_hash: null, ...(outcome?.error ? { error: outcome.error } : {}) });
    else if (outcome.kind === 'unreadable') changes.push({ ...base, status: 'unreadable', current_hash: null });
    else if (!hashesMatch(row.hash, outcome.hash)) {
      const archive = outcome.kind === 'hash' ? outcome.archive : undefined;
      changes.push({ ...base, status: 'changed', current_hash: outcome.hash, ...(archive ? { archive } : {}) });
    }
  }
  return changes;
}
