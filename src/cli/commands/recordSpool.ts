/** The spool decision for `clew record`, kept apart from record.ts so its capture code stays untouched. */
import { spoolDecision } from '../../engine/cluster/networkFs';
import { createPrivateStore, handOver, removePrivateStore } from '../../engine/cluster/spool';
import type { CliIo } from '../types';

export interface SpoolTarget {
  dir: string;
  dbPath: string;
}

export function recordSpoolTarget(mainDbPath: string, asked: boolean, io: CliIo): SpoolTarget | undefined {
  const decision = asked ? { spool: true } : spoolDecision(mainDbPath, io.env);
  if (!decision.spool) return undefined;
  if (decision.reason) io.err(`clew: ${decision.reason}; recording through the spool (run 'clew ingest' to merge; CLEW_SPOOL=0 to write directly)`);
  return createPrivateStore();
}

export function finishSpool(target: SpoolTarget, mainDbPath: string, io: CliIo): void {
  try {
    const handed = handOver(target.dbPath, mainDbPath);
    if (handed) io.err(`clew: spooled into ${handed}`);
  } finally {
    removePrivateStore(target.dir);
  }
}
