/**
 * What the store's verification log says about re-execution, read in one query: the newest
 * `verification_results` row of each run (written by `clew rerun*`, the editor, or scitex-clew).
 * A run is "verified from scratch" when that newest row is a verified rerun — the one rule the
 * DAG (✓✓, file_rerun), the explorer badges, the Runs view and the status bar all use.
 */
import type { StoreView } from '../store/types';

export interface LatestVerification {
  level: string;
  status: string;
  verified_at: string | null;
}

/** The newest verification row per session (only for `sessionIds` when given). */
export function latestVerifications(view: StoreView, sessionIds?: Iterable<string>): Map<string, LatestVerification> {
  const latest = new Map<string, LatestVerification>();
  if (!view.hasTable('verification_results')) return latest;
  const wanted = sessionIds ? new Set(sessionIds) : undefined;
  const rows = view.all<{ session_id: string; level: string; status: string; verified_at: string | null }>(
    'SELECT session_id, level, status, verified_at FROM verification_results ORDER BY verified_at DESC, id DESC',
  );
  for (const row of rows) {
    if (latest.has(row.session_id) || (wanted && !wanted.has(row.session_id))) continue;
    latest.set(row.session_id, { level: row.level, status: String(row.status).toLowerCase(), verified_at: row.verified_at });
  }
  return latest;
}

/** How a run stands after its latest re-execution, if its latest verification was one. */
export type RerunStanding = 'reproduced' | 'not-reproduced';

export function rerunStanding(latest: LatestVerification | undefined): RerunStanding | undefined {
  if (!latest || latest.level !== 'rerun') return undefined;
  return latest.status === 'verified' ? 'reproduced' : 'not-reproduced';
}

/** Runs whose newest verification row is a verified rerun. */
export function verifiedFromScratch(view: StoreView, sessionIds: Iterable<string>): Set<string> {
  const scratch = new Set<string>();
  for (const [id, latest] of latestVerifications(view, sessionIds)) if (rerunStanding(latest) === 'reproduced') scratch.add(id);
  return scratch;
}
