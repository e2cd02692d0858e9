/**
 * A FileHasher that first takes the answers of a table hashed ahead of time (tableHash.ts) — e.g.
 * `status --rehash` setting the threads on the last status's path list before the store is even
 * open — and hashes only the rest with `inner`. The list may be stale: paths the store no longer
 * holds are ignored, paths it gained (and anything the table could not hash: missing files,
 * directories, errors) go to `inner`, which classifies them as always.
 */
import type { HashTable } from './tableHash';
import { HASHED } from './tableHash';
import type { FileHasher, HashOutcome } from './types';

export interface Prefetch {
  table: Promise<HashTable>;
  /** Stops the prefetch's threads. */
  dispose(): Promise<void>;
}

export function prefetchedHasher(inner: FileHasher, prefetch: Prefetch): FileHasher {
  let index: Map<string, number> | undefined;
  return {
    async hashMany(paths, request = {}) {
      let table: HashTable;
      try {
        table = await prefetch.table;
      } catch {
        return inner.hashMany(paths, request); // the prefetch failed: as if there were none
      }
      // A caller that keeps stats cannot use a table hashed without them: everything is re-hashed.
      if (request.onStat && !table.hasStats) return inner.hashMany(paths, request);
      index ??= new Map(table.paths.map((p, i) => [p, i]));
      const found = new Map<string, HashOutcome>();
      const rest: string[] = [];
      for (const p of new Set(paths)) {
        const i = index.get(p);
        if (i === undefined || table.stateAt(i) !== HASHED) {
          rest.push(p);
          continue;
        }
        request.onStat?.(p, table.statAt(i));
        found.set(p, { kind: 'hash', hash: table.hexAt(i), cached: false });
      }
      const others = rest.length > 0 ? await inner.hashMany(rest, request) : undefined;
      return new Map(paths.map((p): [string, HashOutcome] => [p, found.get(p) ?? (others?.get(p) as HashOutcome)]));
    },
    async dispose() {
      await Promise.all([inner.dispose(), prefetch.dispose()]);
    },
  };
}
