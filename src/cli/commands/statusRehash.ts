/**
 * `clew status --rehash`, started before the full CLI loads. dist/cli.js reads the warm snapshot's
 * path list (the files the last status verified) and sets the hashing threads on it at once, so
 * hashing overlaps with everything else the process does:
 * - when the store has not changed since that snapshot, the snapshot's runs are what the store
 *   would give, and the answer comes from them and the fresh hashes (rehashSnapshot.ts): no sql.js,
 *   and this thread hashes too while the workers boot;
 * - otherwise the full status reads the store meanwhile and takes the hashes it can from the table
 *   (engine/hash/prefetchedHasher.ts); the rest (files the store gained, missing files) it hashes itself.
 * Like statusWarm.ts, kept free of sql.js and of the other commands.
 */
import { defaultConcurrency } from '../../engine/hash/fileHasher';
import { HashPool } from '../../engine/hash/pool';
import { nowNs } from '../../engine/hash/statCache';
import type { HashTable } from '../../engine/hash/tableHash';
import { differingEntries, entriesWith } from '../../engine/status/rehashSnapshot';
import { decodeModel, reverify } from '../../engine/status/warmStatus';
import { readSnapshot, storeGeneration, writeSnapshot, type StatusOutputs, type StoredSnapshot } from '../../engine/status/warmSnapshot';
import type { CliIo } from '../types';
import { keyOf, outputsOf, type WarmRequest } from './statusWarm';

export interface RehashPrefetch {
  /** True when the snapshot was taken against the store as it is now: it can answer alone. */
  readonly current: boolean;
  readonly snapshot: StoredSnapshot;
  readonly generation: string;
  /** Wall clock before any file was stat'ed: the racy rule's reference for the next snapshot. */
  readonly takenAtNs: bigint;
  readonly table: Promise<HashTable>;
  dispose(): Promise<void>;
}

/** Starts hashing the last snapshot's files; undefined when there is none. Never throws. */
export function startRehash(req: WarmRequest): RehashPrefetch | undefined {
  // The workers boot (~30 ms) while the snapshot is read. With a current snapshot this thread has
  // nothing else to do: it hashes too (it blocks then), in place of one worker, whose boot would
  // only compete with the hashing; otherwise it reads the store, and that worker is added.
  const pool = new HashPool(defaultConcurrency() - 1);
  try {
    const takenAtNs = nowNs();
    const snapshot = readSnapshot(req.dbPath);
    if (!snapshot || snapshot.paths.length === 0) {
      void pool.dispose();
      return undefined;
    }
    const generation = storeGeneration(req.dbPath);
    const current = snapshot.key === keyOf(req, generation);
    if (!current) pool.addWorkers(1);
    // Stats only for the full status, which keeps them for its snapshot (rehashSnapshot.ts says why the other needs none).
    const table = pool.hashTable(snapshot.paths, { callingThread: current, withStats: !current });
    return { current, snapshot, generation, takenAtNs, table, dispose: () => pool.dispose() };
  } catch {
    void pool.dispose();
    return undefined;
  }
}

/**
 * Prints the rehash status from a current snapshot and returns its exit code; undefined (nothing
 * printed) when the full status must answer. Leaves the next warm snapshot behind.
 */
export async function answerRehash(req: WarmRequest, prefetch: RehashPrefetch, json: boolean, io: CliIo): Promise<number | undefined> {
  const pick = (o: StatusOutputs) => (json ? o.json : io.color ? o.color : o.plain);
  let text: string;
  let code: number;
  let save: (() => void) | undefined;
  try {
    if (!prefetch.current) return undefined;
    const { snapshot } = prefetch;
    const differing = differingEntries(snapshot, await prefetch.table);
    if (!differing) return undefined;
    if (differing.size === 0) {
      // Every file as the snapshot says: its answer, and the snapshot stays as it is.
      text = pick(snapshot.outputs.rehash);
      code = snapshot.exitCode;
    } else {
      const runs = reverify(decodeModel(snapshot.model, snapshot), differing);
      const entries = entriesWith(snapshot, differing);
      const answer = outputsOf(req.dbPath, runs, entries);
      text = pick(answer.outputs.rehash);
      code = answer.exitCode;
      save = () => {
        // Not when a commit landed meanwhile: the answer is right for the store we checked, but
        // the next status must read the store again. The snapshot's own takenAt stays the racy
        // reference: the entries kept are the ones it judged.
        if (storeGeneration(req.dbPath) !== prefetch.generation) return;
        writeSnapshot(req.dbPath, { key: snapshot.key, takenAtNs: snapshot.takenAtNs, entries, ...answer });
      };
    }
  } catch {
    return undefined;
  }
  io.out(text);
  try {
    save?.();
  } catch {
    // No snapshot only means no warm path next time.
  }
  return code;
}
