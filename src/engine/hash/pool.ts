/**
 * A pool of hashing worker threads. Jobs go to the least-busy worker; each worker streams its file
 * in 1 MiB chunks, so many files use every core and one huge file never blocks the caller's thread.
 * When the worker bundle is unavailable (e.g. inside a test bundle without dist/), hashing falls
 * back to the calling thread with the same results.
 */
import { Worker } from 'node:worker_threads';
import { assetPath } from '../util/assets';
import { hashOutcome } from './sha256';
import type { HashOutcome } from './types';

interface Pending {
  resolve(outcome: HashOutcome): void;
}

export class HashPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number) {
    if (size <= 0) return;
    let script: string;
    try {
      script = assetPath('hashWorker.js');
    } catch {
      return;
    }
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script);
      worker.unref();
      const slot = { worker, busy: 0 };
      worker.on('message', (msg: { id: number; outcome: HashOutcome }) => {
        slot.busy--;
        this.pending.get(msg.id)?.resolve(msg.outcome);
        this.pending.delete(msg.id);
      });
      worker.on('error', () => {
        // A crashed worker fails only its own jobs; they are re-run on the calling thread.
        slot.busy = Number.MAX_SAFE_INTEGER;
      });
      this.workers.push(slot);
    }
  }

  hash(filePath: string): Promise<HashOutcome> {
    const slot = this.workers.reduce<(typeof this.workers)[number] | undefined>((best, w) => (!best || w.busy < best.busy ? w : best), undefined);
    if (!slot || slot.busy === Number.MAX_SAFE_INTEGER) return hashOutcome(filePath);
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      slot.worker.postMessage({ id, path: filePath });
    });
  }

  get threads(): number {
    return this.workers.length;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
