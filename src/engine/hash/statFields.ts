/**
 * Stats for loops over every recorded file (the warm status), as the doubles Node's own stat
 * array holds — dev, ino, size, mtime and ctime as seconds and nanoseconds apart — so the loop
 * compares them with its snapshot's table in place, allocating nothing.
 *
 * Why not just fs.statSync({ bigint: true }): it builds a BigIntStats with four Date objects per
 * call, which on 10,000 files was about half of the loop's time and nearly all of its garbage.
 * Where this Node's own statSync is exactly `binding.stat(path, bigint, undefined, throwIfNoEntry)`
 * (read from its source text, so another calling convention is never guessed at), the same call
 * is made directly and its shared array of doubles read in place; a self-check against
 * fs.statSync must agree first. Anywhere else (Windows, another Node, --pending-deprecation, where
 * process.binding would print a warning) fs.statSync fills the same layout, its values converted
 * the same way. Errors are fs.statSync's: ENOENT is "absent" (undefined), anything else throws.
 *
 * Exactness: times are exact (seconds and nanoseconds are each far below 2^53). A dev, inode or
 * size above 2^53 is rounded — the same way whichever way it was read (Node converts the unsigned
 * 64-bit value to a double as `toDouble` does): git keeps only 32 bits of an inode; a file
 * replaced by another also changes its ctime, which is exact.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Offsets of the fields in a snapshot table entry (statDoubles, statValues). */
export const STAT_DEV = 0;
export const STAT_INO = 1;
export const STAT_SIZE = 2;
export const STAT_MTIME_S = 3;
export const STAT_MTIME_NSEC = 4;
export const STAT_CTIME_S = 5;
export const STAT_CTIME_NSEC = 6;
export const STAT_FIELD_COUNT = 7;

/** The stat values a snapshot stores, as bigints (engine/hash/types.ts FileStat). */
export interface StatValues {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Stats a path into an array laid out as Node's own (RAW_* offsets); undefined when absent. */
export type StatArrayReader = (p: string) => Float64Array | undefined;

const NS_PER_S = 1_000_000_000n;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
// Node's stat array (src/node_file.h FsStatsOffset): dev, mode, nlink, uid, gid, rdev, blksize,
// ino, size, blocks, atime s/ns, mtime s/ns, ctime s/ns, birthtime s/ns.
export const RAW_DEV = 0;
export const RAW_MODE = 1;
export const RAW_INO = 7;
export const RAW_SIZE = 8;
export const RAW_MTIME_S = 12;
export const RAW_MTIME_NSEC = 13;
export const RAW_CTIME_S = 14;
export const RAW_CTIME_NSEC = 15;
const RAW_LENGTH = 18;
/** The fields of a stat array a change check compares. */
const RAW_COMPARED = [RAW_DEV, RAW_INO, RAW_SIZE, RAW_MTIME_S, RAW_MTIME_NSEC, RAW_CTIME_S, RAW_CTIME_NSEC];

/** Whether a stat array (RAW_* layout) is a regular file's. */
export function isRegularFile(a: Float64Array): boolean {
  return (a[RAW_MODE] & S_IFMT) === S_IFREG;
}

/** An unsigned 64-bit id or size as a double, as Node's stat array holds it. */
function toDouble(v: bigint): number {
  return Number(BigInt.asUintN(64, v));
}

/** ns since the epoch as whole seconds (rounded down) and nanoseconds in [0, 10^9), as the OS gives them. */
export function splitNs(ns: bigint): [number, number] {
  let s = ns / NS_PER_S;
  if (s * NS_PER_S > ns) s -= 1n; // BigInt division rounds towards zero; times before 1970 round down
  return [Number(s), Number(ns - s * NS_PER_S)];
}

/** The fields of `v` into out[at …] (STAT_* offsets), as a stat array holds them. */
export function statDoubles(out: Float64Array, at: number, v: StatValues): void {
  out[at + STAT_DEV] = toDouble(v.dev);
  out[at + STAT_INO] = toDouble(v.ino);
  out[at + STAT_SIZE] = toDouble(v.size);
  [out[at + STAT_MTIME_S], out[at + STAT_MTIME_NSEC]] = splitNs(v.mtimeNs);
  [out[at + STAT_CTIME_S], out[at + STAT_CTIME_NSEC]] = splitNs(v.ctimeNs);
}

/** Bigints from doubles at the given offsets (the nanoseconds follow each seconds). */
function valuesAt(a: Float64Array, dev: number, ino: number, size: number, mtimeS: number, ctimeS: number): StatValues {
  return {
    dev: BigInt(a[dev]),
    ino: BigInt(a[ino]),
    size: BigInt(a[size]),
    mtimeNs: BigInt(a[mtimeS]) * NS_PER_S + BigInt(a[mtimeS + 1]),
    ctimeNs: BigInt(a[ctimeS]) * NS_PER_S + BigInt(a[ctimeS + 1]),
  };
}

/** The fields at fields[at …] (STAT_* offsets) back as bigints. */
export function statValues(fields: Float64Array, at: number): StatValues {
  return valuesAt(fields, at + STAT_DEV, at + STAT_INO, at + STAT_SIZE, at + STAT_MTIME_S, at + STAT_CTIME_S);
}

/** The fields of a stat array (RAW_* offsets) as bigints. */
export function rawStatValues(a: Float64Array): StatValues {
  return valuesAt(a, RAW_DEV, RAW_INO, RAW_SIZE, RAW_MTIME_S, RAW_CTIME_S);
}

/** fs.statSync's answer in Node's stat array layout (the fields compared, and the mode), in one reused array. */
const fsArray = new Float64Array(RAW_LENGTH);
const viaFsStatSync: StatArrayReader = (p) => {
  const s = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  if (!s) return undefined;
  fsArray[RAW_DEV] = toDouble(s.dev);
  fsArray[RAW_MODE] = Number(s.mode);
  fsArray[RAW_INO] = toDouble(s.ino);
  fsArray[RAW_SIZE] = toDouble(s.size);
  [fsArray[RAW_MTIME_S], fsArray[RAW_MTIME_NSEC]] = splitNs(s.mtimeNs);
  [fsArray[RAW_CTIME_S], fsArray[RAW_CTIME_NSEC]] = splitNs(s.ctimeNs);
  return fsArray;
};

function pendingDeprecation(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.includes('--pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1';
}

function fromBinding(): StatArrayReader | undefined {
  if (process.platform === 'win32' || pendingDeprecation()) return undefined;
  const source = fs.statSync.toString().replace(/\s+/g, '');
  if (!/binding\.stat\(pathModule\.toNamespacedPath\(path\),options\.bigint,undefined,options\.throwIfNoEntry,?\)/.test(source)) return undefined;
  const binding = (process as unknown as { binding(name: string): { stat?: unknown } }).binding('fs');
  if (typeof binding.stat !== 'function') return undefined;
  const stat = binding.stat as (p: string, bigint: boolean, req: undefined, throwIfNoEntry: boolean) => unknown;
  const raw: StatArrayReader = (p) => {
    const a = stat(p, false, undefined, false);
    if (a === undefined) return undefined;
    if (!(a instanceof Float64Array) || a.length < 16) throw new Error('unexpected stat result');
    return a;
  };
  // Self-check on a file that exists and one that does not.
  const probe = process.execPath;
  const seen = (a: Float64Array | undefined) => (a ? [...RAW_COMPARED.map((k) => a[k]), isRegularFile(a) ? 1 : 0] : []);
  const want = seen(viaFsStatSync(probe));
  const got = seen(raw(probe));
  if (raw(path.join(os.tmpdir(), `clew-absent-${process.pid}-${Date.now()}`)) !== undefined) return undefined;
  return want.length > 0 && got.length === want.length && got.every((v, k) => v === want[k]) ? raw : undefined;
}

let rawStat: StatArrayReader | null | undefined;

function rawStatOnce(): StatArrayReader | undefined {
  if (rawStat === undefined) {
    try {
      rawStat = fromBinding() ?? null;
    } catch {
      rawStat = null;
    }
  }
  return rawStat ?? undefined;
}

/** Which way statArrayReader reads: for tests and benchmarks. */
export function statArrayVia(): 'binding' | 'fs.statSync' {
  return rawStatOnce() ? 'binding' : 'fs.statSync';
}

/**
 * The fastest reader of stat arrays here (following symlinks): Node's own where it can be used,
 * else one filled from fs.statSync. The array it returns is reused by the next call. `viaFs`
 * forces fs.statSync (tests compare the two ways).
 */
export function statArrayReader(viaFs = false): StatArrayReader {
  return (viaFs ? undefined : rawStatOnce()) ?? viaFsStatSync;
}
