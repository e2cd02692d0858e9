/**
 * One stat as the fields a change check compares — dev, ino, size, mtime and ctime as seconds and
 * nanoseconds apart — written as doubles into a caller's Float64Array: the warm status's loop over
 * every recorded file compares them with its snapshot's table, allocating nothing.
 *
 * Why not just fs.statSync({ bigint: true }): it builds a BigIntStats with four Date objects per
 * call, which on 10,000 files was about half of the loop's time and nearly all of its garbage.
 * Where this Node's own statSync is exactly `binding.stat(path, bigint, undefined, throwIfNoEntry)`
 * (read from its source text, so another calling convention is never guessed at), the same call
 * is made directly and its shared array of doubles read in place; a self-check against
 * fs.statSync must agree first. Anywhere else (Windows, another Node, --pending-deprecation, where
 * process.binding would print a warning) it is fs.statSync, its values converted the same way.
 * Errors are fs.statSync's: ENOENT is "absent", anything else throws.
 *
 * Exactness: times are exact (seconds and nanoseconds are each far below 2^53). A dev, inode or
 * size above 2^53 is rounded — the same way whichever way it was read (Node converts the unsigned
 * 64-bit value to a double as `statDoubles` does): git keeps only 32 bits of an inode; a file
 * replaced by another also changes its ctime, which is exact.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What statFields found: nothing (ENOENT), a regular file, or something else (folder, FIFO, device…). */
export type StatKind = 'absent' | 'file' | 'other';

/** Offsets in `out`. */
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
type RawStat = StatArrayReader;

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

/** Whether a stat array (RAW_* layout) is a regular file's. */
export function isRegularFile(a: Float64Array): boolean {
  return (a[RAW_MODE] & S_IFMT) === S_IFREG;
}

/** ns since the epoch as whole seconds (rounded down) and nanoseconds in [0, 10^9), as the OS gives them. */
export function splitNs(ns: bigint): [number, number] {
  let s = ns / NS_PER_S;
  if (s * NS_PER_S > ns) s -= 1n; // BigInt division rounds towards zero; times before 1970 round down
  return [Number(s), Number(ns - s * NS_PER_S)];
}

/** The fields of `v` into out[at …], as the direct way reads them. */
export function statDoubles(out: Float64Array, at: number, v: StatValues): void {
  out[at + STAT_DEV] = Number(BigInt.asUintN(64, v.dev));
  out[at + STAT_INO] = Number(BigInt.asUintN(64, v.ino));
  out[at + STAT_SIZE] = Number(BigInt.asUintN(64, v.size));
  [out[at + STAT_MTIME_S], out[at + STAT_MTIME_NSEC]] = splitNs(v.mtimeNs);
  [out[at + STAT_CTIME_S], out[at + STAT_CTIME_NSEC]] = splitNs(v.ctimeNs);
}

/** The fields at in[at …] back as bigints. */
export function statValues(fields: Float64Array, at: number): StatValues {
  return {
    dev: BigInt(fields[at + STAT_DEV]),
    ino: BigInt(fields[at + STAT_INO]),
    size: BigInt(fields[at + STAT_SIZE]),
    mtimeNs: BigInt(fields[at + STAT_MTIME_S]) * NS_PER_S + BigInt(fields[at + STAT_MTIME_NSEC]),
    ctimeNs: BigInt(fields[at + STAT_CTIME_S]) * NS_PER_S + BigInt(fields[at + STAT_CTIME_NSEC]),
  };
}

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
    const a = stat(p, false, undefined, false);
    if (a === undefined) return undefined;
    if (!(a instanceof Float64Array) || a.length < 16) throw new Error('unexpected stat result');
    return a;
  };
  // Self-check on a file that exists and one that does not.
  const probe = process.execPath;
  const want = new Float64Array(STAT_FIELD_COUNT);
  const wantKind = fromFs(probe, want);
  const got = new Float64Array(STAT_FIELD_COUNT);
  if (raw(path.join(os.tmpdir(), `clew-absent-${process.pid}-${Date.now()}`)) !== undefined) return undefined;
  if (fromRaw(raw, probe, got) !== wantKind || got.some((v, k) => v !== want[k])) return undefined;
  return raw;
}

/** fs.statSync's answer in Node's stat array layout (the fields statFields reads), in one reused array. */
const fsArray = new Float64Array(RAW_LENGTH);
const fsFields = new Float64Array(STAT_FIELD_COUNT);
const viaFsStatSync: StatArrayReader = (p) => {
  const s = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  if (!s) return undefined;
  statDoubles(fsFields, 0, s);
  fsArray[RAW_DEV] = fsFields[STAT_DEV];
  fsArray[RAW_MODE] = Number(s.mode);
  fsArray[RAW_INO] = fsFields[STAT_INO];
  fsArray[RAW_SIZE] = fsFields[STAT_SIZE];
  fsArray[RAW_MTIME_S] = fsFields[STAT_MTIME_S];
  fsArray[RAW_MTIME_NSEC] = fsFields[STAT_MTIME_NSEC];
  fsArray[RAW_CTIME_S] = fsFields[STAT_CTIME_S];
  fsArray[RAW_CTIME_NSEC] = fsFields[STAT_CTIME_NSEC];
  return fsArray;
};

function fromFs(p: string, out: Float64Array): StatKind {
  return fromRaw(viaFsStatSync, p, out);
}

function fromRaw(raw: RawStat, p: string, out: Float64Array): StatKind {
  const a = raw(p);
  if (!a) return 'absent';
  out[STAT_DEV] = a[RAW_DEV];
  out[STAT_INO] = a[RAW_INO];
  out[STAT_SIZE] = a[RAW_SIZE];
  out[STAT_MTIME_S] = a[RAW_MTIME_S];
  out[STAT_MTIME_NSEC] = a[RAW_MTIME_NSEC];
  out[STAT_CTIME_S] = a[RAW_CTIME_S];
  out[STAT_CTIME_NSEC] = a[RAW_CTIME_NSEC];
  return isRegularFile(a) ? 'file' : 'other';
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
 * The fastest reader of stat arrays here: Node's own where it can be used, else one filled from
 * fs.statSync. The array it returns is reused by the next call. `viaFs` forces fs.statSync.
 */
export function statArrayReader(viaFs = false): StatArrayReader {
  return (viaFs ? undefined : rawStatOnce()) ?? viaFsStatSync;
}

/**
 * Stats `p` (following symlinks) into out[0 … STAT_FIELD_COUNT). `out` is untouched when the
 * file is absent. `viaFs` forces fs.statSync (tests compare the two ways).
 */
export function statFields(p: string, out: Float64Array, viaFs = false): StatKind {
  return fromRaw(statArrayReader(viaFs), p, out);
}
