/**
 * The facts the engine needs to decide a claim's live status, gathered from the models (the
 * source's live badge, the verified runs behind it). Deciding is the engine's
 * (engine/claims/liveStatus.ts); lenses, Problems and the Claims view all ask here.
 */
import type { Claim } from '../engine/claims/claims';
import { liveClaimStatus, type LiveClaimStatus } from '../engine/claims/liveStatus';
import { claimFacts } from '../engine/claims/sourceFacts';
import { firstChangedUpstream } from '../engine/verify/lineage';
import type { ClewModel } from './model';

export function claimStatusIn(models: readonly ClewModel[], claim: Pick<Claim, 'status' | 'source_file' | 'source_hash'>): LiveClaimStatus {
  const source = claim.source_file;
  if (!source) return liveClaimStatus(claim);
  const sourceVerdict = models.map((m) => m.files.get(source)?.verdict).find((v) => v !== undefined);
  let upstream: string | undefined;
  for (const m of models) {
    upstream = firstChangedUpstream(m.runs, source, (p) => m.files.get(p)?.verdict);
    if (upstream) break;
  }
  const state = models.map((m) => m.claimSources.get(source)).find((s) => s !== undefined);
  return liveClaimStatus(claim, { ...(sourceVerdict ? { source: sourceVerdict } : {}), ...claimFacts(claim, state, upstream) });
}
