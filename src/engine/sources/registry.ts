/**
 * Pinning and unpinning files in the manifest (extras §4.2). A rewrite drops the signature: the
 * old one no longer covers the new bytes, and leaving it would only make the manifest look signed.
 */
import * as fs from 'node:fs';
import { ClewError } from '../errors';
import { hashOutcome } from '../hash/sha256';
import { resolvePath } from '../util/paths';
import { manifestPathOf, type Manifest } from './manifest';

export interface Pin {
  path: string;
  sha256: string;
}

/** Each file's manifest path and current full SHA-256; a missing or non-regular file is an error naming it. */
export async function pinsFor(files: readonly string[], cwd: string, root: string): Promise<Pin[]> {
  const pins: Pin[] = [];
  for (const file of files) {
    const absolute = resolvePath(file, cwd);
    const outcome = await hashOutcome(absolute);
    if (outcome.kind === 'missing') throw new ClewError('not-found', `source file not found: ${file}`);
    if (outcome.kind !== 'hash') throw new ClewError('usage', `cannot register ${file}: ${outcome.kind === 'unreadable' ? outcome.error : 'it is a directory, not a file'}`);
    pins.push({ path: manifestPathOf(root, absolute), sha256: outcome.hash });
  }
  return pins;
}

/** `--from-list F`: one path a line; blank lines and `#` comments skipped. Paths are relative to cwd. */
export function readPathList(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ClewError('not-found', `--from-list file not found: ${file}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Adds or updates pins in place (re-registering a path updates its hash; order kept). */
export function withPins(m: Manifest, pins: readonly Pin[]): Manifest {
  const entries = m.entries.map((e) => ({ ...e }));
  for (const pin of pins) {
    const existing = entries.find((e) => e.path === pin.path);
    if (existing) existing.sha256 = pin.sha256;
    else entries.push({ path: pin.path, sha256: pin.sha256, extra: {} });
  }
  return { ...m, entries, signature: null };
}

/** Removes entries by manifest path; the count removed (0 is fine: unregistering is idempotent). */
export function withoutPaths(m: Manifest, paths: readonly string[]): { manifest: Manifest; removed: number } {
  const drop = new Set(paths);
  const entries = m.entries.filter((e) => !drop.has(e.path));
  return { manifest: { ...m, entries, signature: null }, removed: m.entries.length - entries.length };
}
