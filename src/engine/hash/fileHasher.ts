/**
 * createFileHasher: the one way the engine hashes files. Paths are hashed concurrently on a worker
 * pool; with `useCache` the stat cache answers for unchanged files (see statCache.ts). Without it
 * every byte is re-read (the cache is still refreshed, so a later cached call benefits).
 */
import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { HashPool } from './pool';
import { hashOutcome } from './sha256';
import { nowNs, StatCache, statKeyOf } from './statCache';
import type { FileHasher, FileHasherOptions, HashOutcome, HashRequestOptions } from './types';

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createFileHasher(options: FileHasherOptions): FileHasher {
  const concurrency = options.concurrency ?? defaultConcurrency();
  let pool: HashPool | undefined;
  const cache = options.storeDir ? StatCache.open(options.storeDir) : undefined;

  async function hashOne(p: string): Promise<HashOutcome> {
    let stat;
    try {
      stat = await fsp.stat(p, { bigint: true });
    } catch {
      return hashOutcome(p); // classifies missing vs unreadable consistently
    }
    if (!stat.isFile()) return hashOutcome(p);
    const key = statKeyOf(stat);
    if (options.useCache && cache) {
      const hit = cache.lookup(p, key);
      if (hit) return { kind: 'hash', hash: hit, cached: true };
    }
    const takenAt = nowNs();
    pool ??= new HashPool(concurrency);
    const outcome = await pool.hash(p);
    if (outcome.kind === 'hash' && cache) cache.remember(p, key, outcome.hash, takenAt);
    return outcome;
  }

  return {
    async hashMany(paths: readonly string[], request: HashRequestOptions = {}): Promise<Map<string, HashOutcome>> {
      const unique = [...new Set(paths)];
      const results = new Map<string, HashOutcome>();
      let next = 0;
      let done = 0;
      const lanes = Math.max(1, Math.min(unique.length, concurrency * 2));
      const lane = async (): Promise<void> => {
        while (next < unique.length) {
          request.signal?.throwIfAborted();
          const p = unique[next++];
          results.set(p, await hashOne(p));
          request.onProgress?.({ done: ++done, total: unique.length, bytes: 0 });
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
      cache?.save();
      return new Map(paths.map((p) => [p, results.get(p) as HashOutcome]));
    },
    async dispose(): Promise<void> {
      cache?.save();
      await pool?.dispose();
      pool = undefined;
    },
  };
}
