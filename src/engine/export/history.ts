/**
 * `clew history FILE`: every run that wrote, read or ran the file, newest first, with the hash it
 * saw and whether that hash differs from the version before it — "made 7 times, the last 2 from a
 * changed input" reads off this list. Each entry carries its run's verdict, judged as `clew run`
 * judges it (its own files re-hashed) plus its latest re-execution, if any.
 */
import type { FileHasher } from '../hash/types';
import { latestVerifications } from '../rerun/log';
import type { SqlValue, StoreView } from '../store/types';
import { getRun, type RunRow } from '../verify/rows';
import { verifyRuns } from '../verify/runVerify';
import type { VerificationStatus } from '../verify/types';

export interface HistoryEntry {
  session_id: string;
  /** What the run did with the file. */
  role: 'output' | 'input' | 'script';
  hash: string;
  /** True when this hash differs from the next older entry's (the bytes changed between versions). */
  changed: boolean;
  recorded_at: string | null;
  started_at: string | null;
  run_status: string | null;
  verdict: VerificationStatus;
  /** The run's latest re-execution: reproduced, not-reproduced, or absent. */
  rerun?: 'reproduced' | 'not-reproduced';
}

export interface FileHistory {
  file: string;
  entries: HistoryEntry[];
  /** Distinct contents the file was recorded with. */
  versions: number;
  /** How many times the recorded bytes changed from one entry to the next. */
  changes: number;
}

interface Sighting {
  session_id: string;
  role: HistoryEntry['role'];
  hash: string;
  recorded_at: string | null;
  order: number;
  [key: string]: SqlValue;
}

export async function fileHistory(view: StoreView, hasher: FileHasher, file: string): Promise<FileHistory> {
  const sightings: Sighting[] = [];
  if (view.hasTable('file_hashes')) {
    sightings.push(...view.all<Sighting>(`SELECT session_id, role, hash, recorded_at, id AS "order" FROM file_hashes WHERE file_path = ? AND +role IN ('input', 'output')`, [file]));
  }
  if (view.hasTable('runs')) {
    sightings.push(...view.all<Sighting>(`SELECT session_id, 'script' AS role, script_hash AS hash, started_at AS recorded_at, -rowid AS "order" FROM runs WHERE script_path = ? AND script_hash IS NOT NULL AND script_hash != ''`, [file]));
  }
  const runs = new Map<string, RunRow & { finished_at?: string | null }>();
  for (const s of sightings) {
    const run = getRun(view, s.session_id);
    if (run) runs.set(s.session_id, run);
  }
  // Oldest first by the run's start (then the row's own time and id), to decide "changed".
  const key = (s: Sighting) => `${runs.get(s.session_id)?.started_at ?? s.recorded_at ?? ''}`;
  sightings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.order - b.order));
  const verified = await verifyRuns(view, hasher, [...runs.values()], { propagate: true });
  const verdictOf = new Map(verified.map((r) => [r.session_id, r.status]));
  const latest = latestVerifications(view, runs.keys());
  let previous: string | undefined;
  let changes = 0;
  const entries: HistoryEntry[] = sightings.map((s) => {
    const changed = previous !== undefined && previous !== s.hash;
    if (changed) changes++;
    previous = s.hash;
    const v = latest.get(s.session_id);
    const run = runs.get(s.session_id);
    return {
      session_id: s.session_id,
      role: s.role,
      hash: s.hash,
      changed,
      recorded_at: s.recorded_at,
      started_at: run?.started_at ?? null,
      run_status: run?.status ?? null,
      verdict: verdictOf.get(s.session_id) ?? 'unknown',
      ...(v?.level === 'rerun' ? { rerun: v.status === 'verified' ? ('reproduced' as const) : ('not-reproduced' as const) } : {}),
    };
  });
  return { file, entries: entries.reverse(), versions: new Set(sightings.map((s) => s.hash)).size, changes };
}
