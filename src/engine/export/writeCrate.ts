/**
 * Writing a built crate to a folder: `ro-crate-metadata.json`, the stamps' tokens, and with data
 * the current version of every recorded file, copied and re-hashed so a copy that is not the
 * recorded bytes (edited or deleted since recording) is reported instead of silently shipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashFile } from '../hash/sha256';
import type { BuiltCrate } from './roCrate';

export const METADATA_FILE = 'ro-crate-metadata.json';

export interface CrateWriteResult {
  dir: string;
  copied: number;
  /** Recorded files whose bytes on disk are not the recorded ones (copied anyway: check-crate reports them). */
  differing: string[];
  /** Recorded files gone from disk (not copied). */
  missing: string[];
}

export function serialiseCrate(built: BuiltCrate): string {
  return `${JSON.stringify(built.document, null, 2)}\n`;
}

export async function writeCrate(built: BuiltCrate, dir: string, options: { includeData: boolean }): Promise<CrateWriteResult> {
  fs.mkdirSync(dir, { recursive: true });
  const result: CrateWriteResult = { dir, copied: 0, differing: [], missing: [] };
  for (const file of built.files) {
    const dest = path.join(dir, ...file.cratePath.split('/'));
    if ('bytes' in file.source) {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, file.source.bytes);
      continue;
    }
    if (!options.includeData) continue;
    const from = file.source.recordedPath;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(from);
    } catch {
      result.missing.push(file.cratePath);
      continue;
    }
    if (!stat.isFile()) {
      result.missing.push(file.cratePath);
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(from, dest);
    result.copied++;
    if ((await hashFile(dest)) !== file.sha256) result.differing.push(file.cratePath);
  }
  fs.writeFileSync(path.join(dir, METADATA_FILE), serialiseCrate(built));
  return result;
}
