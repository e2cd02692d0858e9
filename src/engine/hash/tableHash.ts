/**
 * Hashing a list of files into shared memory: the fastest way to re-read every byte of many files.
 * Every thread taking part (the workers, and optionally the calling thread) claims the next index
 * from one shared counter and writes the answer for that index straight into shared typed arrays:
 * a state, the 32-byte digest and, when asked for, the stat taken on the opened file BEFORE its
 * bytes are read.
 * No per-file message, no per-file object on the calling thread.
 *
 * The stat layout is the warm snapshot's (warmSnapshot.ts): u64 words present, dev, ino, size,
 * mtime ns, ctime ns per entry, so a status can save the table as it is.
 */
import * as fs from 'node:fs';
import { hashDescriptor, openForHashing } from './syncHash';
import type { HashOutcome } from './types';

/** State of one entry. PENDING also after an abort or a dead worker: the caller hashes it itself. */
export const PENDING = 0;
export const HASHED = 1;
export const MISSING = 2;
/** Not a plain readable file (directory, permission error…): the caller classifies it. */
export const OTHER = 3;

export const STAT_WORDS = 6;
export const DIGEST_BYTES = 32;

export interface HashTableJob {
  id: number;
  paths: string[];
  /** [0]: next index to claim, [1]: non-zero when aborted. */
  next: Int32Array;
  state: Int32Array;
  /** STAT_WORDS per entry, valid when HASHED; empty when the job takes no stats. */
  stats: BigUint64Array;
  withStats: boolean;
  /** DIGEST_BYTES per entry, valid when HASHED. */
  digests: Uint8Array;
}

export function newHashTableJob(id: number, paths: readonly string[], withStats: boolean): HashTableJob {
  const n = paths.length;
  return {
    id,
    paths: [...paths],
    next: new Int32Array(new SharedArrayBuffer(8)),
    state: new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4))),
    stats: new BigUint64Array(new SharedArrayBuffer(withStats ? Math.max(8, n * STAT_WORDS * 8) : 8)),
    withStats,
    digests: new Uint8Array(new SharedArrayBuffer(Math.max(1, n * DIGEST_BYTES))),
  };
}

function hashOne(job: HashTableJob, i: number, buffer: Buffer): number {
  const fd = openForHashing(job.paths[i]);
  if (fd === 'missing') return MISSING;
  if (fd === 'other') return OTHER;
  try {
    // fstat of the descriptor we read: taken before any byte is read, and of the very inode read
    // even if the path is replaced meanwhile. A later change shows another stat next time.
    // Node 20 builds four Date objects per BigIntStats: skipped when the caller needs no stats.
    const s = job.withStats ? fs.fstatSync(fd, { bigint: true }) : undefined;
    if (s && !s.isFile()) return OTHER; // without the stat, a directory fails the read (EISDIR) below
    const hash = hashDescriptor(fd, buffer, s !== undefined);
    if (!hash) return OTHER;
    job.digests.set(hash.digest(), i * DIGEST_BYTES);
    if (!s) return HASHED;
    const at = i * STAT_WORDS;
    job.stats[at] = 1n;
    job.stats[at + 1] = s.dev;
    job.stats[at + 2] = s.ino;
    job.stats[at + 3] = s.size;
    job.stats[at + 4] = s.mtimeNs;
    job.stats[at + 5] = s.ctimeNs;
    return HASHED;
  } catch {
    return OTHER;
  } finally {
    fs.closeSync(fd);
  }
}

/** Claims and hashes entries until the list is exhausted or the job aborted. Returns how many this thread did. */
export function claimAndHash(job: HashTableJob, buffer: Buffer): number {
  let done = 0;
  for (;;) {
    if (Atomics.load(job.next, 1) !== 0) return done;
    const i = Atomics.add(job.next, 0, 1);
    if (i >= job.paths.length) return done;
    Atomics.store(job.state, i, hashOne(job, i, buffer));
    done++;
  }
}

/** The result of a finished job, read in place. */
export class HashTable {
  constructor(readonly job: HashTableJob) {}

  get paths(): readonly string[] {
    return this.job.paths;
  }

  get hasStats(): boolean {
    return this.job.withStats;
  }

  /** True when entry `i` is HASHED with exactly these 32 bytes at `offset` of `digests`. */
  digestEquals(i: number, digests: Uint8Array, offset: number): boolean {
    const mine = this.job.digests;
    const at = i * DIGEST_BYTES;
    for (let k = 0; k < DIGEST_BYTES; k++) if (mine[at + k] !== digests[offset + k]) return false;
    return true;
  }

  stateAt(i: number): number {
    return Atomics.load(this.job.state, i);
  }

  /** Hex digest of a HASHED entry. */
  hexAt(i: number): string {
    return Buffer.from(this.job.digests.buffer, i * DIGEST_BYTES, DIGEST_BYTES).toString('hex');
  }

  /** The outcome of a HASHED or MISSING entry; undefined where the caller must hash it itself. */
  outcomeAt(i: number): HashOutcome | undefined {
    const state = this.stateAt(i);
    if (state === HASHED) return { kind: 'hash', hash: this.hexAt(i), cached: false };
    if (state === MISSING) return { kind: 'missing' };
    return undefined;
  }

  /** The stat of a HASHED entry (taken before it was read); only for a job with stats. */
  statAt(i: number): { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint } {
    const s = this.job.stats;
    const at = i * STAT_WORDS;
    return { dev: s[at + 1], ino: s[at + 2], size: s[at + 3], mtimeNs: s[at + 4], ctimeNs: s[at + 5] };
  }
}
