/**
 * A pool of hashing worker threads. Single jobs go to the least-busy worker, which streams the
 * file in 1 MiB chunks; batches (hashAll) go to every worker at once, which share them through
 * an atomic counter and answer in chunks, so many files cost a few messages, not two per file.
 * When the worker bundle is unavailable (e.g. inside a test bundle without dist/), hashing falls
 * back to the calling thread with the same results.
 */
import type { Worker } from 'node:worker_threads';
import { assetPath } from '../util/assets';
import { lazyWorkerThreads } from '../util/lazyBuiltins';
import type { BatchReply } from './hashWorker';
import { hashOutcome } from './sha256';
import { claimAndHash, HashTable, newHashTableJob } from './tableHash';
import type { HashOutcome } from './types';

interface Pending {
  resolve(outcome: HashOutcome): void;
}

interface Batch {
  onResults(results: BatchReply['results']): void;
  /** A worker is done with the batch (finished it, or died). */
  onWorkerDone(): void;
}

export class HashPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly batches = new Map<number, Batch>();
  private nextId = 1;
  /** Jobs waiting for the workers: while there are any, the workers keep the process alive. */
  private outstanding = 0;
  /** Table jobs in flight: dispose() aborts them and waits for the workers to let go. */
  private readonly tables = new Map<number, { abort(): void; done: Promise<void> }>();

  constructor(size: number) {
    this.addWorkers(size);
  }

  /** Starts `count` more workers (none when the worker bundle is unavailable). */
  addWorkers(count: number): void {
    if (count <= 0) return;
    let script: string;
    try {
      script = assetPath('hashWorker.js');
    } catch {
      return;
    }
    for (let i = 0; i < count; i++) {
      const worker = new (lazyWorkerThreads().Worker)(script);
      const slot = { worker, busy: 0 };
      worker.on('message', (msg: { id: number; outcome: HashOutcome } | BatchReply) => {
        if ('results' in msg) {
          const batch = this.batches.get(msg.id);
          batch?.onResults(msg.results);
          if (msg.finished) batch?.onWorkerDone();
          return;
        }
        slot.busy--;
        this.pending.get(msg.id)?.resolve(msg.outcome);
        this.pending.delete(msg.id);
      });
      worker.on('error', () => {
        // A crashed worker fails only its own jobs; they are re-run on the calling thread.
        slot.busy = Number.MAX_SAFE_INTEGER;
        for (const batch of this.batches.values()) batch.onWorkerDone();
      });
      // Idle workers never keep the process alive (a caller may never get to dispose(), e.g. a
      // command that failed after `status --rehash` had started its threads); busy ones must,
      // or the process could exit while awaiting their answers (see hold()). After the listeners:
      // adding a 'message' listener refs the worker again.
      if (this.outstanding === 0) worker.unref();
      this.workers.push(slot);
    }
  }

  /** Refs the workers while a job waits for them; call the returned function once it is done. */
  private hold(): () => void {
    if (this.outstanding++ === 0) for (const w of this.workers) w.worker.ref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.outstanding === 0) for (const w of this.workers) w.worker.unref();
    };
  }

  hash(filePath: string): Promise<HashOutcome> {
    const slot = this.workers.reduce<(typeof this.workers)[number] | undefined>((best, w) => (!best || w.busy < best.busy ? w : best), undefined);
    if (!slot || slot.busy === Number.MAX_SAFE_INTEGER) return hashOutcome(filePath);
    const id = this.nextId++;
    slot.busy++;
    const release = this.hold();
    return new Promise((resolve) => {
      this.pending.set(id, {
        resolve: (outcome) => {
          release();
          resolve(outcome);
        },
      });
      slot.worker.postMessage({ id, path: filePath });
    });
  }

  /**
   * Hashes `paths` on every live worker. Resolves with one entry per path: an outcome, or
   * undefined where the caller must hash that path itself (directories, errors, a dead worker,
   * an abort). Returns undefined when there are no live workers.
   */
  hashAll(paths: readonly string[], onResults?: (count: number) => void, signal?: AbortSignal): Promise<(HashOutcome | undefined)[]> | undefined {
    const live = this.workers.filter((w) => w.busy !== Number.MAX_SAFE_INTEGER);
    if (live.length === 0) return undefined;
    const id = this.nextId++;
    const next = new Int32Array(new SharedArrayBuffer(8));
    const results = new Array<HashOutcome | undefined>(paths.length);
    const abort = () => Atomics.store(next, 1, 1);
    signal?.addEventListener('abort', abort);
    const release = this.hold();
    return new Promise((resolve) => {
      let running = live.length;
      this.batches.set(id, {
        onResults: (chunk) => {
          for (const [i, outcome] of chunk) results[i] = outcome;
          onResults?.(chunk.length);
        },
        onWorkerDone: () => {
          if (--running > 0) return;
          this.batches.delete(id);
          signal?.removeEventListener('abort', abort);
          release();
          resolve(results);
        },
      });
      const job = { id, paths: [...paths], next };
      for (const w of live) w.worker.postMessage(job);
    });
  }

  /**
   * Hashes `paths` into shared memory (tableHash.ts) on every live worker and, with
   * `callingThread`, on this thread too until the list is exhausted (it blocks meanwhile: for
   * callers with nothing else to do, e.g. while the workers are still booting). Without live
   * workers the calling thread does it all. Entries left PENDING or OTHER are the caller's.
   */
  async hashTable(paths: readonly string[], options: { callingThread?: boolean; signal?: AbortSignal; withStats?: boolean } = {}): Promise<HashTable> {
    const job = newHashTableJob(this.nextId++, paths, options.withStats ?? true);
    const abort = () => Atomics.store(job.next, 1, 1);
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort);
    const live = this.workers.filter((w) => w.busy !== Number.MAX_SAFE_INTEGER);
    const release = this.hold();
    const workersDone = new Promise<void>((resolve) => {
      let running = live.length;
      if (running === 0) return resolve();
      this.batches.set(job.id, {
        onResults: () => undefined,
        onWorkerDone: () => {
          if (--running > 0) return;
          this.batches.delete(job.id);
          resolve();
        },
      });
      for (const w of live) w.worker.postMessage({ table: job });
    });
    if (options.callingThread || live.length === 0) claimAndHash(job, Buffer.allocUnsafe(1 << 20));
    this.tables.set(job.id, { abort, done: workersDone });
    try {
      await workersDone;
    } finally {
      this.tables.delete(job.id);
      release();
    }
    options.signal?.removeEventListener('abort', abort);
    return new HashTable(job);
  }

  get threads(): number {
    return this.workers.length;
  }

  async dispose(): Promise<void> {
    // Table jobs first: aborted, the workers stop claiming files and answer at once (also one
    // still booting). Terminating a worker in the middle of a job could leave its 'exit' unheard
    // while the event loop drained, ending the process before the caller's await returned.
    const tables = [...this.tables.values()];
    for (const t of tables) t.abort();
    await Promise.all(tables.map((t) => t.done));
    // Referenced while they stop, for the same reason.
    for (const w of this.workers) w.worker.ref();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
