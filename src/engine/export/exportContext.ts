/**
 * The pieces every export shares: where the project is (paths inside an export are relative to
 * it), and the one disk read the crate needs from outside the store (a script's size).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PathMapReport } from '../store/pathMap';
import { storeProjectRoot } from '../store/pathMapSources';
import { isUnder } from '../util/paths';

/** The folder holding `.scitex/clew/…` (a store kept elsewhere: the working directory). */
export function exportProjectRoot(dbPath: string, cwd: string): string {
  return storeProjectRoot(dbPath) ?? path.resolve(cwd);
}

/** Scripts have no recorded size: their size on disk, when those bytes are still the recorded ones. */
export function scriptSizeOnDisk(recordedPath: string, sha256: string): number | null {
  try {
    const bytes = fs.readFileSync(recordedPath);
    return createHash('sha256').update(bytes).digest('hex') === sha256 ? bytes.length : null;
  } catch {
    return null;
  }
}

/**
 * A path as the store recorded it, from the path it is read as through a path map (a moved
 * project). Combined hashes were computed over recorded paths, so a crate must carry those for
 * check-crate to recompute them.
 */
export function recordedPathFrom(report: PathMapReport | undefined): (current: string) => string {
  const mappings = report ? [...(report.detected ? [report.detected] : []), ...report.explicit.slice().reverse()] : [];
  if (mappings.length === 0) return (p) => p;
  return (current) => {
    for (const m of mappings) if (isUnder(current, m.to)) return m.from + current.slice(m.to.length);
    return current;
  };
}
