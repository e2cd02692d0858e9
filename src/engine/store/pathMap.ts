/**
 * Stores that moved (issue #14): a store recorded under /scratch/u/proj and read under
 * /home/me/proj records absolute paths that no longer exist. A path map rewrites those paths in
 * the in-memory sql.js snapshot only, so every engine query sees current paths while the user's
 * store is never written (new runs keep recording real paths). Combined hashes are left as they
 * are: upstream never recomputes them during verification (spec §3), so they stay valid.
 */
import * as path from 'node:path';
import { ClewError } from '../errors';
import { detectMove } from './detectMove';
import type { StoreView } from './types';
import { clewMetadataOf } from '../record/replayInfo';

export interface PathMapping {
  /** Recorded absolute prefix (whole path segments). */
  from: string;
  /** What it is read as here. */
  to: string;
}

export interface PathMapOptions {
  /** Project root the store lives in now; undefined turns detection off. */
  currentRoot?: string;
  /** `--map`, config `paths.map`, setting `clew.pathMappings`: applied before detection. */
  explicit?: readonly PathMapping[];
}

/** What a snapshot was read with; `detected` is the automatic recorded-root → current-root move. */
export interface PathMapReport {
  detected?: PathMapping;
  explicit: PathMapping[];
  /** Path values rewritten in the snapshot. */
  rewritten: number;
}

/** Every column upstream fills with an absolute path (the fixture tool relocate.py's list). */
export const PATH_COLUMNS: readonly (readonly [string, string])[] = [
  ['runs', 'script_path'],
  ['file_hashes', 'file_path'],
  ['claims', 'file_path'],
  ['claims', 'source_file'],
  // The file backend stores the stamp JSON's path here; URLs never match a path prefix.
  ['stamps', 'service_url'],
];

/** Parses `OLD=NEW`; NEW may be relative to `base`, OLD must be absolute (recorded paths are). */
export function parsePathMapping(text: string, base: string, origin: string): PathMapping {
  const at = text.indexOf('=');
  const from = at > 0 ? text.slice(0, at).trim() : '';
  const to = at > 0 ? text.slice(at + 1).trim() : '';
  if (!from || !to) throw new ClewError('usage', `${origin}: '${text}' is not OLD=NEW`);
  if (!path.isAbsolute(from)) throw new ClewError('usage', `${origin}: '${from}' must be an absolute path (stores record absolute paths)`);
  return { from: trimSep(path.normalize(from)), to: trimSep(path.resolve(base, to)) };
}

function trimSep(p: string): string {
  return p.length > 1 && p.endsWith(path.sep) ? p.slice(0, -1) : p;
}

/** The mapped value of `value`, or undefined when no mapping covers it; the longest `from` wins. */
export function mapPath(value: string, mappings: readonly PathMapping[]): string | undefined {
  let best: PathMapping | undefined;
  for (const m of mappings) {
    const covers = value === m.from || value.startsWith(m.from === path.sep ? m.from : m.from + path.sep);
    if (covers && (!best || m.from.length > best.from.length)) best = m;
  }
  if (!best) return undefined;
  return best.to + value.slice(best.from.length === 1 ? 0 : best.from.length);
}

/**
 * The forms `current` was recorded under before the store moved (the inverse of mapPath), e.g.
 * /home/me/proj/x.csv → /scratch/u/proj/x.csv: a run recorded now into a moved store finds the
 * runs that wrote its inputs under their old paths.
 */
export function recordedFormsOf(current: string, mappings: readonly PathMapping[]): string[] {
  const forms = new Set<string>();
  for (const m of mappings) {
    if (current === m.to || current.startsWith(m.to === path.sep ? m.to : m.to + path.sep)) forms.add(m.from + current.slice(m.to.length === 1 ? 0 : m.to.length));
  }
  forms.delete(current);
  return [...forms];
}

/** Every mapping a report applied (explicit first, then the detected move). */
export function mappingsOf(report: PathMapReport | undefined): PathMapping[] {
  return report ? [...report.explicit, ...(report.detected ? [report.detected] : [])] : [];
}

/**
 * Distinct recorded absolute paths the detection looks at (stamps' JSON paths are not evidence),
 * except those under `notUnder`. "Not under" is asked as two ranges around the folder's prefix,
 * which SQLite answers from the file_path index without visiting the paths under it: a store that
 * did not move costs two index searches instead of a scan of every row (~0.4 s at 1M rows).
 */
export function recordedPaths(view: StoreView, notUnder?: string): string[] {
  const seen = new Set<string>();
  let params: string[] = [];
  if (notUnder !== undefined) {
    const base = notUnder.length > 1 && notUnder.endsWith(path.sep) ? notUnder.slice(0, -1) : notUnder;
    const prefix = base.endsWith(path.sep) ? base : base + path.sep;
    // Every path starting with prefix sorts in [prefix, after): the separator's next code point.
    const after = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    params = [prefix, base, after];
  }
  for (const [table, column] of PATH_COLUMNS.slice(0, 4)) {
    if (!view.hasColumn(table, column)) continue;
    const c = `"${column}"`;
    const t = `"${table}"`;
    let sql = `SELECT DISTINCT ${c} AS p FROM ${t}`;
    if (notUnder !== undefined) {
      // Two range searches when the column leads an index (file_hashes.file_path); one scan otherwise.
      sql = leadsAnIndex(view, table, column)
        ? `${sql} WHERE ${c} < ?1 AND ${c} != ?2 UNION ALL SELECT DISTINCT ${c} FROM ${t} WHERE ${c} >= ?3`
        : `${sql} WHERE (${c} < ?1 AND ${c} != ?2) OR ${c} >= ?3`;
    }
    for (const row of view.all<{ p: string | null }>(sql, params)) {
      if (typeof row.p === 'string' && path.isAbsolute(row.p)) seen.add(row.p);
    }
  }
  return [...seen];
}

function leadsAnIndex(view: StoreView, table: string, column: string): boolean {
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return view
    .all<{ name: string }>(`PRAGMA index_list(${quoted(table)})`)
    .some((index) => view.get<{ name: string }>(`PRAGMA index_info(${quoted(index.name)})`)?.name === column);
}

/** Runs an UPDATE on the snapshot's own database (never the file): the open store provides it. */
export type SnapshotRewriter = (table: string, column: string, map: (value: string) => string | undefined) => number;

export function planAndApplyPathMap(view: StoreView, rewrite: SnapshotRewriter, options: PathMapOptions): PathMapReport | undefined {
  const explicit = [...(options.explicit ?? [])];
  const currentRoot = options.currentRoot === undefined ? undefined : path.resolve(options.currentRoot);
  // Without a project root there is nothing to detect: the recorded paths need not be read at all.
  const unmapped = currentRoot ? recordedPaths(view, currentRoot).filter((p) => mapPath(p, explicit) === undefined) : [];
  const detected = currentRoot ? detectMove(unmapped, currentRoot) : undefined;
  const mappings = detected ? [...explicit, detected] : explicit;
  if (mappings.length === 0) return undefined;
  let rewritten = 0;
  for (const [table, column] of PATH_COLUMNS) {
    if (view.hasColumn(table, column)) rewritten += rewrite(table, column, (v) => mapPath(v, mappings));
  }
  if (view.hasColumn('runs', 'metadata')) rewrite('runs', 'metadata', (v) => mapReplayInfo(v, mappings));
  return { ...(detected ? { detected } : {}), explicit, rewritten };
}

/**
 * `clew record` keeps how to replay a run in runs.metadata (`clew.cwd`, `clew.argv`,
 * `clew.executable`, record/replayInfo.ts): reruns of a moved store start in the current folder.
 * Only whole values that are mapped paths change; anything else (JSON or not) is left alone.
 */
function mapReplayInfo(metadata: string, mappings: readonly PathMapping[]): string | undefined {
  const found = clewMetadataOf(metadata);
  if (!found) return undefined;
  const info = found.clew;
  let changed = false;
  const map = (v: unknown): unknown => {
    const mapped = typeof v === 'string' ? mapPath(v, mappings) : undefined;
    if (mapped === undefined) return v;
    changed = true;
    return mapped;
  };
  for (const key of ['cwd', 'executable']) if (key in info) info[key] = map(info[key]);
  if (Array.isArray(info.argv)) info.argv = info.argv.map(map);
  return changed ? JSON.stringify(found.parsed) : undefined;
}

/** The one line users see (CLI stderr, editor log), e.g. the detected move and the explicit maps. */
export function describePathMap(report: PathMapReport): string {
  const parts: string[] = [];
  if (report.detected) parts.push(`store recorded under ${report.detected.from}, read here as ${report.detected.to}`);
  for (const m of report.explicit) parts.push(`${m.from} read as ${m.to}`);
  return `${parts.join('; ')} (paths mapped; the store is unchanged)`;
}
