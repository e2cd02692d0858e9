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

/**
 * Adds the deciding rows to `files`, every path or only `onlyPaths`: script hashes first (oldest
 * run first), then file rows (oldest first), so the last row set for a path is the one that decides.
 */
function collectRows(view: StoreView, files: Map<string, RecordedFileRow>, include: (absPath: string) => boolean, onlyPaths?: readonly string[]): void {
  const scripts = onlyPaths ? `script_path IN (${onlyPaths.map(() => '?').join(',')})` : "script_path != ''";
  const paths = onlyPaths ? ` WHERE file_path IN (${onlyPaths.map(() => '?').join(',')})` : '';
  const params = onlyPaths ?? [];
  if (view.hasTable('runs')) {
    for (const r of view.all<{ session_id: string; script_path: string; script_hash: string }>(
      `SELECT session_id, script_path, script_hash FROM runs WHERE script_hash IS NOT NULL AND ${scripts} ORDER BY started_at`,
      params,
    )) {
      if (include(r.script_path)) files.set(r.script_path, { path: r.script_path, expectedHash: r.script_hash, frozen: false, sessionId: r.session_id, role: 'script' });
    }
  }
  if (view.hasTable('file_hashes')) {
    const frozen = view.hasColumn('file_hashes', 'frozen') ? 'frozen' : '0 AS frozen';
    for (const r of view.all<{ session_id: string; file_path: string; hash: string; frozen: number; role: string }>(
      `SELECT session_id, file_path, hash, ${frozen}, role FROM file_hashes${paths} ORDER BY recorded_at, id`,
      params,
    )) {
      if (include(r.file_path)) files.set(r.file_path, { path: r.file_path, expectedHash: r.hash, frozen: Boolean(r.frozen), sessionId: r.session_id, role: r.role });
    }
  }
}

export function recordedFiles(view: StoreView, include: (absPath: string) => boolean = () => true): Map<string, RecordedFileRow> {
  const files = new Map<string, RecordedFileRow>();
  collectRows(view, files, include);
  return files;
}

/**
 * Where the store's rows stood when recordedFiles was last read, so a reader can later take only
 * what was added (a run recorded since). Row ids are rowids: upstream's file_hashes id is
 * AUTOINCREMENT, and a replaced row (INSERT OR REPLACE) comes back with a new, larger id.
 */
export interface RecordedMark {
  fileRows: number;
  maxFileRowid: number;
  /** The newest file row itself, so a deleted-then-reused rowid (tables without AUTOINCREMENT) is noticed. */
  newestFileRow: string;
  runRows: number;
  maxRunRowid: number;
}

export interface RecordedDelta {
  mark: RecordedMark;
  /** Paths whose deciding row may have changed: every path of a row (file or new run's script) added since. */
  paths: Set<string>;
  /** Sessions that gained rows (new runs, or new files of a run still recording). */
  sessions: Set<string>;
}

function markOf(view: StoreView): RecordedMark {
  const files = view.hasTable('file_hashes')
    ? view.get<{ n: number; max: number | null }>('SELECT COUNT(*) AS n, MAX(rowid) AS max FROM file_hashes')
    : undefined;
  const newest = files?.max != null ? view.get<{ s: string; p: string; h: string }>('SELECT session_id AS s, file_path AS p, hash AS h FROM file_hashes WHERE rowid = ?', [files.max]) : undefined;
  const runs = view.hasTable('runs') ? view.get<{ n: number; max: number | null }>('SELECT COUNT(*) AS n, MAX(rowid) AS max FROM runs') : undefined;
  return {
    fileRows: files?.n ?? 0,
    maxFileRowid: files?.max ?? 0,
    newestFileRow: newest ? `${newest.s}\0${newest.p}\0${newest.h}` : '',
    runRows: runs?.n ?? 0,
    maxRunRowid: runs?.max ?? 0,
  };
}

export function recordedMark(view: StoreView): RecordedMark {
  return markOf(view);
}

/**
 * What was added since `mark`, or undefined when the store did not only grow — a row deleted or
 * replaced (INSERT OR REPLACE deletes the old row), a row rewritten in place under the newest
 * rowid, or the file replaced — and the caller must read everything again. Costs what was added
 * (counts and maxima are b-tree lookups), not the size of the store.
 */
export function recordedSince(view: StoreView, mark: RecordedMark): RecordedDelta | undefined {
  const now = markOf(view);
  if (now.maxFileRowid < mark.maxFileRowid || now.maxRunRowid < mark.maxRunRowid) return undefined;
  if (mark.maxFileRowid > 0) {
    const kept = view.get<{ s: string; p: string; h: string }>('SELECT session_id AS s, file_path AS p, hash AS h FROM file_hashes WHERE rowid = ?', [mark.maxFileRowid]);
    if (!kept || `${kept.s}\0${kept.p}\0${kept.h}` !== mark.newestFileRow) return undefined;
  }
  const addedFiles = view.hasTable('file_hashes') ? view.all<{ s: string; p: string }>('SELECT session_id AS s, file_path AS p FROM file_hashes WHERE rowid > ?', [mark.maxFileRowid]) : [];
  const addedRuns = view.hasTable('runs') ? view.all<{ s: string; p: string | null }>('SELECT session_id AS s, script_path AS p FROM runs WHERE rowid > ?', [mark.maxRunRowid]) : [];
  // Every old row must still be there: the counts grew by exactly what was added.
  if (now.fileRows !== mark.fileRows + addedFiles.length || now.runRows !== mark.runRows + addedRuns.length) return undefined;
  const paths = new Set<string>();
  const sessions = new Set<string>();
  for (const r of addedFiles) {
    paths.add(r.p);
    sessions.add(r.s);
  }
  for (const r of addedRuns) {
    if (r.p) paths.add(r.p);
    sessions.add(r.s);
  }
  return { mark: now, paths, sessions };
}

/** recordedFiles for only these paths (their deciding rows now), in the same precedence. */
export function recordedFilesFor(view: StoreView, paths: Iterable<string>, include: (absPath: string) => boolean = () => true): Map<string, RecordedFileRow> {
  const wanted = [...paths].filter(include);
  const files = new Map<string, RecordedFileRow>();
  // A path's rows all fall in its own chunk, so the precedence holds across chunks.
  for (let i = 0; i < wanted.length; i += 500) collectRows(view, files, include, wanted.slice(i, i + 500));
  return files;
}
