/**
 * One stat as the five fields a change check compares (dev, ino, size, mtime ns, ctime ns), each
 * a u64 written as two u32 words (low, high) into a caller's Uint32Array: the warm status's loop
 * over every recorded file compares them with its snapshot's table without allocating anything.
 *
 * Why not just fs.statSync({ bigint: true }): it builds a BigIntStats with four Date objects per
 * call, which on 10,000 files was about half of the loop's time and nearly all of its garbage.
 * Where this Node's own statSync is exactly `binding.stat(path, bigint, undefined, throwIfNoEntry)`
 * (read from its source text, so another calling convention is never guessed at), the same call
 * is made directly and its shared result array (doubles: seconds and nanoseconds apart, so exact)
 * read in place; a value a double cannot hold exactly (an inode above 2^53, a time before 1970)
 * takes the BigInt call for that file. A self-check against fs.statSync must agree first.
 * Anywhere else (Windows, another Node, --pending-deprecation, where process.binding would print
 * a warning) it is fs.statSync. Errors are fs.statSync's: ENOENT is "absent", anything else throws.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What statFields found: nothing (ENOENT), a regular file, or something else (folder, FIFO, device…). */
export type StatKind = 'absent' | 'file' | 'other';

/** Word offsets in `out` (each field is two words, low then high). */
export const STAT_DEV = 0;
export const STAT_INO = 2;
export const STAT_SIZE = 4;
export const STAT_MTIME_NS = 6;
export const STAT_CTIME_NS = 8;
export const STAT_WORD_COUNT = 10;

type RawStat = (p: string, bigint: boolean) => Float64Array | BigInt64Array | undefined;

const TWO_32 = 4294967296;
const SAFE = Number.MAX_SAFE_INTEGER;
const NS_PER_S = 1_000_000_000n;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
// Node's stat array (src/node_file.h FsStatsOffset): dev, mode, nlink, uid, gid, rdev, blksize,
// ino, size, blocks, atime s/ns, mtime s/ns, ctime s/ns, birthtime s/ns.
const RAW_DEV = 0;
const RAW_MODE = 1;
const RAW_INO = 7;
const RAW_SIZE = 8;
const RAW_MTIME_S = 12;
const RAW_CTIME_S = 14;

/** The u64 `v` (0 ≤ v < 2^64, as a BigInt) into out[at], out[at + 1]. */
export function putU64(out: Uint32Array, at: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  out[at] = Number(u & 0xffffffffn);
  out[at + 1] = Number(u >> 32n);
}

/** The u64 at out[at], out[at + 1] as a BigInt. */
export function getU64(words: Uint32Array, at: number): bigint {
  return (BigInt(words[at + 1]) << 32n) | BigInt(words[at]);
}

/** sec × 10^9 + nsec (sec, nsec exact non-negative doubles, sec < 2^34) as two words, with doubles only. */
function putNs(out: Uint32Array, at: number, sec: number, nsec: number): void {
  // sec = high × 2^16 + low keeps every product below 2^53: low × 10^9 + nsec < 6.6e13, high × 10^9 < 2.6e14.
  const a = (sec % 65536) * 1e9 + nsec;
  const b = Math.floor(sec / 65536) * 1e9;
  // total = b × 2^16 + a = ⌊b / 2^16⌋ × 2^32 + t
  const t = (b % 65536) * 65536 + a;
  out[at] = t % TWO_32;
  out[at + 1] = Math.floor(b / 65536) + Math.floor(t / TWO_32);
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
  const raw: RawStat = (p, bigint) => {
    const a = stat(p, bigint, undefined, false);
    if (a === undefined) return undefined;
    if (!(bigint ? a instanceof BigInt64Array : a instanceof Float64Array) || (a as ArrayLike<unknown>).length < 16) throw new Error('unexpected stat result');
    return a as Float64Array | BigInt64Array;
  };
  // Self-check, both ways, on a file that exists and one that does not.
  const probe = process.execPath;
  const want = fs.statSync(probe, { bigint: true });
  const wanted = new Uint32Array(STAT_WORD_COUNT);
  fillFromBigIntStats(wanted, want);
  if (raw(path.join(os.tmpdir(), `clew-absent-${process.pid}-${Date.now()}`), false) !== undefined) return undefined;
  for (const viaBigInt of [false, true]) {
    const got = new Uint32Array(STAT_WORD_COUNT);
    const kind = fillFromRaw(got, raw, probe, viaBigInt);
    if (kind !== (want.isFile() ? 'file' : 'other') || got.some((w, k) => w !== wanted[k])) return undefined;
  }
  return raw;
}

function fillFromBigIntStats(out: Uint32Array, s: fs.BigIntStats): void {
  putU64(out, STAT_DEV, s.dev);
  putU64(out, STAT_INO, s.ino);
  putU64(out, STAT_SIZE, s.size);
  putU64(out, STAT_MTIME_NS, s.mtimeNs);
  putU64(out, STAT_CTIME_NS, s.ctimeNs);
}

function fillFromRaw(out: Uint32Array, raw: RawStat, p: string, viaBigInt = false): StatKind {
  if (!viaBigInt) {
    const a = raw(p, false) as Float64Array | undefined;
    if (!a) return 'absent';
    const dev = a[RAW_DEV];
    const ino = a[RAW_INO];
    const size = a[RAW_SIZE];
    const ms = a[RAW_MTIME_S];
    const cs = a[RAW_CTIME_S];
    if (dev >= 0 && dev < SAFE && ino >= 0 && ino < SAFE && size >= 0 && size < SAFE && ms >= 0 && ms < 2 ** 34 && cs >= 0 && cs < 2 ** 34) {
      out[STAT_DEV] = dev % TWO_32;
      out[STAT_DEV + 1] = Math.floor(dev / TWO_32);
      out[STAT_INO] = ino % TWO_32;
      out[STAT_INO + 1] = Math.floor(ino / TWO_32);
      out[STAT_SIZE] = size % TWO_32;
      out[STAT_SIZE + 1] = Math.floor(size / TWO_32);
      putNs(out, STAT_MTIME_NS, ms, a[RAW_MTIME_S + 1]);
      putNs(out, STAT_CTIME_NS, cs, a[RAW_CTIME_S + 1]);
      return (a[RAW_MODE] & S_IFMT) === S_IFREG ? 'file' : 'other';
    }
  }
  const b = raw(p, true) as BigInt64Array | undefined;
  if (!b) return 'absent';
  putU64(out, STAT_DEV, b[RAW_DEV]);
  putU64(out, STAT_INO, b[RAW_INO]);
  putU64(out, STAT_SIZE, b[RAW_SIZE]);
  putU64(out, STAT_MTIME_NS, b[RAW_MTIME_S] * NS_PER_S + b[RAW_MTIME_S + 1]);
  putU64(out, STAT_CTIME_NS, b[RAW_CTIME_S] * NS_PER_S + b[RAW_CTIME_S + 1]);
  return (Number(b[RAW_MODE]) & S_IFMT) === S_IFREG ? 'file' : 'other';
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
 * Stats `p` (following symlinks) into out[0..STAT_WORD_COUNT). `out` is untouched when the file
 * is absent. `via` forces a way (tests compare them).
 */
export function statFields(p: string, out: Uint32Array, via?: 'fs.statSync' | 'bigint'): StatKind {
  const raw = via === 'fs.statSync' ? undefined : rawStatOnce();
  if (raw) return fillFromRaw(out, raw, p, via === 'bigint');
  const s = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  if (!s) return 'absent';
  fillFromBigIntStats(out, s);
  return s.isFile() ? 'file' : 'other';
}
