/**
 * The pieces every export shares: where the project is (paths inside an export are relative to
 * it), and the one disk read the crate needs from outside the store (a script's size).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storeProjectRoot } from '../store/pathMapSources';

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
