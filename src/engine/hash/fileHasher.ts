/**
 * createFileHasher: the one way the engine hashes files. Paths are hashed concurrently on a worker
 * pool; with `useCache` the stat cache answers for unchanged files (see statCache.ts). Without it
 * every byte is re-read (the cache is still refreshed, so a later cached call benefits). A path
 * that is absent is looked for in an ancestor archive (archiveOutcome.ts), so every caller gets it.
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ArchiveStatMemo } from './archive';
import { archiveOutcome } from './archiveOutcome';
import { HashPool } from './pool';
import { hashOutcome } from './sha256';
import { nowNs, StatCache, statKeyOf, type StatKey } from './statCache';
import { HASHED } from './tableHash';
import type { FileHasher, FileHasherOptions, HashOutcome, HashRequestOptions } from './types';

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createFileHasher(options: FileHasherOptions): FileHasher {
  const concurrency = options.concurrency ?? defaultConcurrency();
  let pool: HashPool | undefined = options.prestart ? new HashPool(concurrency) : undefined;
  // Without useCache nothing is looked up: skip parsing the cache file (save() merges with it).
  const refresh = options.useCache || options.refreshCache !== false;
  const cache = options.storeDir && refresh ? (options.useCache ? StatCache.open(options.storeDir) : StatCache.empty(options.storeDir)) : undefined;
  let saveTimer: NodeJS.Timeout | undefined;
  const saveCache = () => {
    if (!cache) return;
    if (!options.saveDelayMs) return cache.save();
    saveTimer ??= setTimeout(() => {
      saveTimer = undefined;
      cache.save();
    }, options.saveDelayMs);
    saveTimer.unref();
  };

  /**
   * Synchronous first pass (cheap: one stat per path): answers missing files and stat-cache hits
   * without touching the worker pool; returns the stat key for files that must be read.
   */
  function triage(p: string, onStat: HashRequestOptions['onStat']): HashOutcome | { key: StatKey; takenAt: bigint } | 'slow' {
    let stat: fs.BigIntStats | undefined;
    try {
      // No exception for the common "missing" case: building one per missing file was most of
      // the cost of checking stores whose files are gone.
      stat = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : 'slow';
    }
    onStat?.(p, stat);
    if (!stat) return { kind: 'missing' };
    if (!stat.isFile()) return 'slow';
    const key = statKeyOf(stat);
    if (options.useCache && cache) {
      const hit = cache.lookup(p, key);
      if (hit) return { kind: 'hash', hash: hit, cached: true };
    }
    return { key, takenAt: nowNs() };
  }

  async function hashSlow(p: string, plan: { key: StatKey; takenAt: bigint } | 'slow'): Promise<HashOutcome> {
    if (plan === 'slow') return hashOutcome(p); // directories, errors: classified in one place
    pool ??= new HashPool(concurrency);
    const outcome = await pool.hash(p);
    if (outcome.kind === 'hash' && cache) cache.remember(p, plan.key, outcome.hash, plan.takenAt);
    return outcome;
  }

  /** Hashes `unique` on the pool into a shared table; fills `results` with the plain files, returns the other paths. */
  async function hashIntoTable(unique: readonly string[], results: Map<string, HashOutcome>, request: HashRequestOptions): Promise<string[]> {
    if (unique.length === 0) return [];
    pool ??= new HashPool(concurrency);
    const takenAt = nowNs();
    const table = await pool.hashTable(unique, { signal: request.signal });
    request.signal?.throwIfAborted();
    const rest: string[] = [];
    unique.forEach((p, i) => {
      if (table.stateAt(i) !== HASHED) return void rest.push(p);
      const stat = table.statAt(i);
      const hash = table.hexAt(i);
      request.onStat?.(p, stat);
      results.set(p, { kind: 'hash', hash, cached: false });
      cache?.remember(p, stat, hash, takenAt);
    });
    return rest;
  }

  return {
    async hashMany(paths: readonly string[], request: HashRequestOptions = {}): Promise<Map<string, HashOutcome>> {
      const unique = [...new Set(paths)];
      const results = new Map<string, HashOutcome>();
      const slow: [string, { key: StatKey; takenAt: bigint } | 'slow'][] = [];
      // Every byte is re-read anyway: the threads stat and hash each file themselves, answering in
      // shared memory (tableHash.ts), instead of a stat loop here and a message per chunk of files.
      // What they leave (missing, directories, errors) takes the general path below.
      const triaged = options.useCache ? unique : await hashIntoTable(unique, results, request);
      for (const p of triaged) {
        const t = triage(p, request.onStat);
        if (t === 'slow' || 'key' in t) slow.push([p, t]);
        else results.set(p, t);
      }
      let done = results.size;
      const report = (n: number) => {
        done += n;
        request.onProgress?.({ done, total: unique.length, bytes: 0 });
      };
      if (done > 0 && !options.useCache) request.onProgress?.({ done, total: unique.length, bytes: 0 });
      request.signal?.throwIfAborted();
      // Plain files go to the workers as one batch; whatever they hand back (directories,
      // errors, a dead worker) is classified here, on the calling thread.
      const files = slow.filter(([, plan]) => plan !== 'slow');
      pool ??= files.length > 0 ? new HashPool(concurrency) : undefined;
      const batch = files.length > 0 ? await pool?.hashAll(files.map(([p]) => p), report, request.signal) : undefined;
      const rest: typeof slow = [];
      if (batch) {
        files.forEach(([p, plan], i) => {
          const outcome = batch[i];
          if (!outcome) return void rest.push([p, plan]);
          results.set(p, outcome);
          if (outcome.kind === 'hash' && cache && plan !== 'slow') cache.remember(p, plan.key, outcome.hash, plan.takenAt);
        });
        rest.push(...slow.filter(([, plan]) => plan === 'slow'));
      } else {
        rest.push(...slow);
      }
      request.signal?.throwIfAborted();
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < rest.length) {
          request.signal?.throwIfAborted();
          const [p, plan] = rest[next++];
          results.set(p, await hashSlow(p, plan));
          report(1);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(rest.length, concurrency * 2)) }, lane));
      // Absent paths: one pass over ancestor archives (tar runs in child processes, off this thread).
      const absent = unique.filter((p) => results.get(p)?.kind === 'missing');
      const memo: ArchiveStatMemo = new Map();
      let nextAbsent = 0;
      const archiveLane = async (): Promise<void> => {
        while (nextAbsent < absent.length) {
          request.signal?.throwIfAborted();
          const p = absent[nextAbsent++];
          results.set(p, await archiveOutcome(p, memo, cache, options.useCache));
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(absent.length, concurrency * 2)) }, archiveLane));
      saveCache();
      return new Map(paths.map((p) => [p, results.get(p) as HashOutcome]));
    },
    async dispose(): Promise<void> {
      clearTimeout(saveTimer);
      saveTimer = undefined;
      cache?.save();
      await pool?.dispose();
      pool = undefined;
    },
  };
}
