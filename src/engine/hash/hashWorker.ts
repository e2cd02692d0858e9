/**
 * Worker thread body (bundled to dist/hashWorker.js). Three messages:
 * - {id, path} → {id, outcome}: one file, streamed (kept for single large files);
 * - {id, paths, next} → {id, results, finished}: a batch shared by every worker, each claiming the
 *   next index from the shared counter `next[0]` (work stealing, so no worker idles while another
 *   has a queue) until the list ends or `next[1]` (abort) is set. Results come back in chunks, so
 *   one message carries many files. An undefined result asks the caller to hash that path itself.
 * - {table} → {id, results: [], finished}: the same sharing, answers written into shared memory
 *   (tableHash.ts), one message per worker in all.
 */
import { parentPort } from 'node:worker_threads';
import { hashOutcome } from './sha256';
import { hashFileSyncOutcome } from './syncHash';
import { claimAndHash, type HashTableJob } from './tableHash';
import type { HashOutcome } from './types';

export interface HashJob {
  id: number;
  path: string;
}

export interface BatchJob {
  id: number;
  paths: string[];
  /** [0]: next index to claim, [1]: non-zero when aborted. */
  next: Int32Array;
}

export interface BatchReply {
  id: number;
  results: [number, HashOutcome | undefined][];
  finished: boolean;
}

const CHUNK_FILES = 128;
const buffer = Buffer.allocUnsafe(1 << 20);

function runBatch(job: BatchJob): void {
  let results: BatchReply['results'] = [];
  for (;;) {
    if (Atomics.load(job.next, 1) !== 0) break;
    const i = Atomics.add(job.next, 0, 1);
    if (i >= job.paths.length) break;
    results.push([i, hashFileSyncOutcome(job.paths[i], buffer)]);
    if (results.length >= CHUNK_FILES) {
      parentPort?.postMessage({ id: job.id, results, finished: false } satisfies BatchReply);
      results = [];
    }
  }
  parentPort?.postMessage({ id: job.id, results, finished: true } satisfies BatchReply);
}

parentPort?.on('message', (job: HashJob | BatchJob | { table: HashTableJob }) => {
  if ('table' in job) {
    // Answers go straight into the job's shared arrays; the one message says this worker is done.
    claimAndHash(job.table, buffer);
    parentPort?.postMessage({ id: job.table.id, results: [], finished: true } satisfies BatchReply);
  } else if ('paths' in job) runBatch(job);
  else void hashOutcome(job.path).then((outcome) => parentPort?.postMessage({ id: job.id, outcome }));
});
