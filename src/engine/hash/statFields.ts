/**
 * One stat as the five fields a change check compares (dev, ino, size, mtime ns, ctime ns),
 * written into a caller's BigUint64Array, for loops over every recorded file (the warm status).
 *
 * Why not just fs.statSync({ bigint: true }): it builds a BigIntStats with four Date objects per
 * call, which on 10,000 files is about half of the loop's time and nearly all of its garbage.
 * Where this Node's own statSync is exactly `binding.stat(path, bigint, undefined, throwIfNoEntry)`
 * (read from its source text, so another calling convention is never guessed at), the same call
 * is made directly and its shared result array read in place; a self-check against fs.statSync
 * must agree first. Anywhere else (Windows, another Node, --pending-deprecation, where
 * process.binding would print a warning) it is fs.statSync. Errors are fs.statSync's: ENOENT is
 * "absent", anything else throws.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What statFields found: nothing (ENOENT), a regular file, or something else (folder, device…). */
export type StatKind = 'absent' | 'file' | 'other';

/** Field order in `out`. */
export const STAT_DEV = 0;
export const STAT_INO = 1;
export const STAT_SIZE = 2;
export const STAT_MTIME_NS = 3;
export const STAT_CTIME_NS = 4;

type RawStat = (p: string) => BigInt64Array | undefined;

const NS_PER_S = 1_000_000_000n;
const S_IFMT = 0o170000n;
const S_IFREG = 0o100000n;
// Node's stat array (src/node_file.h FsStatsOffset): dev, mode, nlink, uid, gid, rdev, blksize,
// ino, size, blocks, atime s/ns, mtime s/ns, ctime s/ns, birthtime s/ns.
const RAW_DEV = 0;
const RAW_MODE = 1;
const RAW_INO = 7;
const RAW_SIZE = 8;
const RAW_MTIME_S = 12;
const RAW_CTIME_S = 14;

function pendingDeprecation(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.includes('--pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1';
}

function fromBinding(): RawStat | undefined {
  if (process.platform === 'win32' || pendingDeprecation()) return undefined;
  const source = fs.statSync.toString().replace(/\s+/g, '');
  if (!/binding\.stat\(pathModule\.toNamespacedPath\(path\),options\.bigint,undefined,options\.throwIfNoEntry,?\)/.test(source)) return undefined;
  const binding = (process as unknown as { binding(name: string): { stat?: unknown } }).binding('fs');
  if (typeof binding.stat !== 'function') return undefined;
  const stat = binding.stat as (p: string, bigint: boolean, req: undefined, throwIfNoEntry: boolean) => unknown;
  const raw: RawStat = (p) => {
    const a = stat(p, true, undefined, false);
    if (a === undefined) return undefined;
    if (!(a instanceof BigInt64Array) || a.length < 16) throw new Error('unexpected stat result');
    return a;
  };
  // Self-check on a file that exists and one that does not.
  const probe = process.execPath;
  const want = fs.statSync(probe, { bigint: true });
  const got = raw(probe);
  if (!got || raw(path.join(os.tmpdir(), `clew-absent-${process.pid}-${Date.now()}`)) !== undefined) return undefined;
  const same =
    got[RAW_DEV] === want.dev &&
    got[RAW_INO] === want.ino &&
    got[RAW_SIZE] === want.size &&
    got[RAW_MTIME_S] * NS_PER_S + got[RAW_MTIME_S + 1] === want.mtimeNs &&
    got[RAW_CTIME_S] * NS_PER_S + got[RAW_CTIME_S + 1] === want.ctimeNs &&
    ((got[RAW_MODE] & S_IFMT) === S_IFREG) === want.isFile();
  return same ? raw : undefined;
}

let rawStat: RawStat | null | undefined;

function rawStatOnce(): RawStat | undefined {
  if (rawStat === undefined) {
    try {
      rawStat = fromBinding() ?? null;
    } catch {
      rawStat = null;
    }
  }
  return rawStat ?? undefined;
}

/** Which way statFields reads: for tests and benchmarks. */
export function statFieldsVia(): 'binding' | 'fs.statSync' {
  return rawStatOnce() ? 'binding' : 'fs.statSync';
}

/**
 * Stats `p` (following symlinks) into out[STAT_DEV..STAT_CTIME_NS]. `out` is untouched when the
 * file is absent. `viaFs` forces fs.statSync (tests compare the two ways).
 */
export function statFields(p: string, out: BigUint64Array, viaFs = false): StatKind {
  const raw = viaFs ? undefined : rawStatOnce();
  if (!raw) {
    const s = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
    if (!s) return 'absent';
    out[STAT_DEV] = s.dev;
    out[STAT_INO] = s.ino;
    out[STAT_SIZE] = s.size;
    out[STAT_MTIME_NS] = s.mtimeNs;
    out[STAT_CTIME_NS] = s.ctimeNs;
    return s.isFile() ? 'file' : 'other';
  }
  const a = raw(p);
  if (!a) return 'absent';
  // Assigning a BigInt64Array value into a BigUint64Array wraps it, as BigIntStats' unsigned dev/ino do.
  out[STAT_DEV] = a[RAW_DEV];
  out[STAT_INO] = a[RAW_INO];
  out[STAT_SIZE] = a[RAW_SIZE];
  out[STAT_MTIME_NS] = a[RAW_MTIME_S] * NS_PER_S + a[RAW_MTIME_S + 1];
  out[STAT_CTIME_NS] = a[RAW_CTIME_S] * NS_PER_S + a[RAW_CTIME_S + 1];
  return (a[RAW_MODE] & S_IFMT) === S_IFREG ? 'file' : 'other';
}
