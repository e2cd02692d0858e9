/**
 * Every recorded file with the row that decides its badge: its latest recorded row (newest
 * recorded_at, then row id) of any role, or its run's script hash for scripts never recorded as files.
 */
import type { StoreView } from '../store/types';

export interface RecordedFileRow {
  path: string;
  expectedHash: string;
  frozen: boolean;
  sessionId: string;
  role: string;
}

export function recordedFiles(view: StoreView, include: (absPath: string) => boolean = () => true): Map<string, RecordedFileRow> {
  const files = new Map<string, RecordedFileRow>();
  if (view.hasTable('runs')) {
    for (const r of view.all<{ session_id: string; script_path: string; script_hash: string }>(
      "SELECT session_id, script_path, script_hash FROM runs WHERE script_hash IS NOT NULL AND script_path != '' ORDER BY started_at",
    )) {
      if (include(r.script_path)) files.set(r.script_path, { path: r.script_path, expectedHash: r.script_hash, frozen: false, sessionId: r.session_id, role: 'script' });
    }
  }
  if (view.hasTable('file_hashes')) {
    const frozen = view.hasColumn('file_hashes', 'frozen') ? 'frozen' : '0 AS frozen';
    for (const r of view.all<{ session_id: string; file_path: string; hash: string; frozen: number; role: string }>(
      `SELECT session_id, file_path, hash, ${frozen}, role FROM file_hashes ORDER BY recorded_at, id`,
    )) {
      if (include(r.file_path)) files.set(r.file_path, { path: r.file_path, expectedHash: r.hash, frozen: Boolean(r.frozen), sessionId: r.session_id, role: r.role });
    }
  }
  return files;
}
