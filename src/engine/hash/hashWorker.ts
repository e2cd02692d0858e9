/**
 * Worker thread body (bundled to dist/hashWorker.js): hashes one path per message so SHA-256 work
 * runs off the calling thread. Protocol: in {id, path} → out {id, outcome: HashOutcome}.
 */
import { parentPort } from 'node:worker_threads';
import { hashOutcome } from './sha256';

export interface HashJob {
  id: number;
  path: string;
}

parentPort?.on('message', (job: HashJob) => {
  void hashOutcome(job.path).then((outcome) => parentPort?.postMessage({ id: job.id, outcome }));
});
