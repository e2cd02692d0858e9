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
import * as path from 'node:path';
import { defaultConcurrency } from '../../engine/hash/fileHasher';
import { HashPool } from '../../engine/hash/pool';
import { nowNs } from '../../engine/hash/statCache';
import type { HashTable } from '../../engine/hash/tableHash';
import { rehashedEntries } from '../../engine/status/rehashSnapshot';
import { decodeModel, reverify } from '../../engine/status/warmStatus';
import { readSnapshot, storeGeneration, writeSnapshot, type StoredSnapshot } from '../../engine/status/warmSnapshot';
import { summarizeStatus } from '../../engine/verify/verify';
import { renderStatusJson, renderStatusText, statusExitCode } from '../render/statusReport';
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
  try {
    const takenAtNs = nowNs();
    const snapshot = readSnapshot(req.dbPath);
    if (!snapshot || snapshot.paths.length === 0) return undefined;
    const generation = storeGeneration(req.dbPath);
    const current = snapshot.key === keyOf(req, generation);
    // With a current snapshot this thread has nothing else to do: it hashes too (it blocks here),
    // in place of one worker, whose boot (~40 ms of CPU here) would only compete with the hashing.
    const pool = new HashPool(current ? Math.max(1, defaultConcurrency() - 1) : defaultConcurrency());
    const table = pool.hashTable(snapshot.paths, { callingThread: current });
    return { current, snapshot, generation, takenAtNs, table, dispose: () => pool.dispose() };
  } catch {
    return undefined;
  }
}

/**
 * Prints the rehash status from a current snapshot and returns its exit code; undefined (nothing
 * printed) when the full status must answer. Leaves the next warm snapshot behind.
 */
export async function answerRehash(req: WarmRequest, prefetch: RehashPrefetch, json: boolean, io: CliIo): Promise<number | undefined> {
  let text: string;
  let code: number;
  let save: (() => void) | undefined;
  try {
    if (!prefetch.current) return undefined;
    const { snapshot } = prefetch;
    const fresh = rehashedEntries(snapshot, await prefetch.table);
    if (!fresh) return undefined;
    const runs = reverify(decodeModel(snapshot.model, snapshot), fresh.differing);
    const report = { status: summarizeStatus(runs), runs, dbPath: path.resolve(req.dbPath), cached: false };
    text = json ? renderStatusJson(report) : renderStatusText(report, io.color);
    code = statusExitCode(runs);
    save = () => {
      // Not when a commit landed meanwhile: the answer is right for the store we checked, but the
      // next status must read the store again.
      if (storeGeneration(req.dbPath) !== prefetch.generation) return;
      const answer = fresh.differing.size === 0 ? snapshot : outputsOf(req.dbPath, runs, fresh.entries);
      writeSnapshot(req.dbPath, { key: snapshot.key, takenAtNs: prefetch.takenAtNs, entries: fresh.entries, outputs: answer.outputs, exitCode: answer.exitCode, model: answer.model });
    };
  } catch {
    return undefined;
  }
  io.out(text);
  try {
    save();
  } catch {
    // No snapshot only means no warm path next time.
  }
  return code;
}
