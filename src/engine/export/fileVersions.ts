/**
 * Where each recorded file lives inside an export, and which of its versions is the one a reader
 * can check. A path recorded with several contents has several versions; the newest recorded is
 * the *current* one (a data entity at the path itself), older ones are kept as contextual
 * entities so the runs that read or wrote them still point at the bytes they saw.
 */
import * as path from 'node:path';
import { isUnder } from '../util/paths';
import type { ExportModel } from './model';

/** Files outside the project are placed under this folder, by their absolute path. */
export const EXTERNAL_DIR = '_external';

export interface FileVersion {
  /** Absolute path the file is read at (as recorded, or through the store's path map). */
  recordedPath: string;
  /** Absolute path as the store recorded it (what its run's combined hash covers). */
  originalPath: string;
  /** Path inside the crate, `/`-separated, never starting with `/` or containing `..`. */
  cratePath: string;
  sha256: string;
  size: number | null;
  /** The newest recorded version of its path: a data entity whose bytes can be checked. */
  current: boolean;
  /** The JSON-LD @id: the percent-encoded crate path, plus `#sha256-<hex>` for an older version. */
  id: string;
}

/** The crate path of a recorded absolute path. */
export function cratePathOf(recordedPath: string, projectRoot: string): string {
  const posix = (p: string) => p.split(path.sep).join('/');
  if (isUnder(recordedPath, projectRoot) && recordedPath !== projectRoot) return posix(path.relative(projectRoot, recordedPath));
  return `${EXTERNAL_DIR}/${posix(recordedPath).replace(/^\/+/, '').replace(/^([A-Za-z]):/, '$1')}`;
}

/** Percent-encodes each segment, so spaces, `#`, `?`, `%` and non-ASCII stay part of the path. */
export function encodeCratePath(cratePath: string): string {
  return cratePath.split('/').map(encodeURIComponent).join('/');
}

/** The crate path an @id names, or undefined when it is not a safe relative path (a URI, `..`, a fragment). */
export function decodeCrateId(id: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(id) || id.startsWith('/') || id.startsWith('#') || id.includes('#') || id.includes('?')) return undefined;
  let segments: string[];
  try {
    segments = id.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments.some((s) => s === '..' || s === '.' || s === '' || s.includes('/') || s.includes('\\') || s.includes('\0'))) return undefined;
  return segments.join('/');
}

function compareRank(a: readonly [number, string, number], b: readonly [number, string, number]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

const versionKey = (recordedPath: string, sha256: string): string => `${recordedPath}\0${sha256}`;

export class FileVersions {
  private readonly byKey = new Map<string, FileVersion>();

  constructor(model: ExportModel) {
    // Which version of a path is newest: among its file rows, the latest (recorded_at, row id), as
    // the badges decide; a path only ever recorded as a script, the latest run start. Scripts and
    // rows are not compared with each other (runs.started_at is local time, recorded_at UTC).
    const seen = new Map<string, { rank: [number, string, number]; size: number | null }>();
    const see = (recordedPath: string, sha256: string, rank: [number, string, number], size: number | null) => {
      const key = versionKey(recordedPath, sha256);
      const prev = seen.get(key);
      if (!prev) seen.set(key, { rank, size });
      else {
        if (compareRank(rank, prev.rank) > 0) prev.rank = rank;
        prev.size ??= size;
      }
    };
    model.runs.forEach((run, i) => {
      if (run.scriptPath && run.scriptHash) see(run.scriptPath, run.scriptHash, [0, run.startedAt ?? '', i], null);
      for (const f of [...run.inputs, ...run.outputs]) see(f.path, f.sha256, [1, f.recordedAt ?? '', f.rowId], f.size);
    });
    for (const claim of model.claims) if (claim.sourceFile && claim.sourceHash) see(claim.sourceFile, claim.sourceHash, [-1, '', 0], null);
    const newest = new Map<string, { key: string; rank: [number, string, number] }>();
    for (const [key, s] of seen) {
      const recordedPath = key.slice(0, key.indexOf('\0'));
      const best = newest.get(recordedPath);
      if (!best || compareRank(s.rank, best.rank) > 0) newest.set(recordedPath, { key, rank: s.rank });
    }
    for (const [key, s] of seen) {
      const [recordedPath, sha256] = key.split('\0');
      const cratePath = cratePathOf(recordedPath, model.projectRoot);
      const current = newest.get(recordedPath)?.key === key;
      const encoded = encodeCratePath(cratePath);
      this.byKey.set(key, { recordedPath, originalPath: model.recordedPathOf(recordedPath), cratePath, sha256, size: s.size, current, id: current ? encoded : `${encoded}#sha256-${sha256}` });
    }
  }

  get(recordedPath: string, sha256: string): FileVersion {
    const found = this.byKey.get(versionKey(recordedPath, sha256));
    if (!found) throw new Error(`internal: file version ${recordedPath}@${sha256} was not collected`);
    return found;
  }

  find(recordedPath: string, sha256: string): FileVersion | undefined {
    return this.byKey.get(versionKey(recordedPath, sha256));
  }

  /** Current versions first (by crate path), then older ones. */
  all(): FileVersion[] {
    return [...this.byKey.values()].sort((a, b) => Number(b.current) - Number(a.current) || (a.cratePath < b.cratePath ? -1 : a.cratePath > b.cratePath ? 1 : a.sha256 < b.sha256 ? -1 : 1));
  }
}
