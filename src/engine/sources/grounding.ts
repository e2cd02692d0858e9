/**
 * Is a claim grounded in registered raw data (extras §4.3)? Yes when its own source file (at the
 * hash the claim pinned) or any file of any run in the newest-producer DAG behind it is an anchor:
 * the absolute path of a valid entry of a trusted manifest, recorded at a hash consistent with the
 * pin. Only recorded hashes are compared here; whether the files still hold those bytes is the
 * hash-level verification's job, and the entry's own re-hash (OK) covers the anchor itself.
 */
import type { Claim } from '../claims/claims';
import { hashesMatch } from '../hash/sha256';
import type { StoreView } from '../store/types';
import { buildGraph, rootsFirstOrder } from '../verify/graph';
import { filesOfSessions, newestProducer } from '../verify/rows';
import type { CheckedEntry } from './manifest';
import type { SourcesState } from './state';

export type GroundingReason = 'grounded' | 'no_chain_match' | 'untrusted_manifest' | 'no_registered_sources';

export interface GroundingResult {
  grounded: boolean;
  claim_id: string;
  matched_source: { path: string; sha256: string } | null;
  reason: GroundingReason;
  fix_hint: string;
}

const FIX_HINTS: Record<GroundingReason, string> = {
  grounded: '',
  no_chain_match: "register a source for this claim's input chain (clew register-source ...)",
  untrusted_manifest: 're-sign the sources manifest with `clew sign` (an enforcing signing.pub rejects it as it stands)',
  no_registered_sources: 'register the raw-data files this claim rests on (clew register-source FILE...)',
};

function anchorMatch(anchors: Map<string, CheckedEntry>, filePath: string, recordedHash: string | null): CheckedEntry | undefined {
  const entry = anchors.get(filePath);
  return entry && recordedHash && hashesMatch(recordedHash.toLowerCase(), entry.sha256.toLowerCase()) ? entry : undefined;
}

/**
 * The registered file nearest the claim: its own source first, then the runs behind it from the
 * producer back to the roots (the reverse of the deterministic roots-first order, spec §3.7),
 * each run's files in recorded order. Upstream's pick among several anchors follows a hash set;
 * nearest-first is deterministic and names the same file on seq-clean.
 */
function findAnchor(view: StoreView, claim: Pick<Claim, 'source_file' | 'source_hash' | 'source_session'>, anchors: Map<string, CheckedEntry>): CheckedEntry | undefined {
  if (claim.source_file) {
    const own = anchorMatch(anchors, claim.source_file, claim.source_hash);
    if (own) return own;
  }
  const leaf = claim.source_session ?? (claim.source_file ? newestProducer(view, claim.source_file) : undefined);
  if (!leaf) return undefined;
  const order = rootsFirstOrder(buildGraph(view, [leaf])).order.reverse();
  const files = filesOfSessions(view, order);
  for (const session of order) {
    for (const row of files.get(session) ?? []) {
      const hit = anchorMatch(anchors, row.file_path, row.hash);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function anchorIndex(state: SourcesState): Map<string, CheckedEntry> {
  return new Map(state.anchors.map((e) => [e.abspath, e]));
}

export function groundClaim(
  view: StoreView,
  claim: Pick<Claim, 'claim_id' | 'source_file' | 'source_hash' | 'source_session'>,
  state: SourcesState,
  anchors: Map<string, CheckedEntry> = anchorIndex(state),
): GroundingResult {
  const result = (reason: GroundingReason, match?: CheckedEntry): GroundingResult => ({
    grounded: reason === 'grounded',
    claim_id: claim.claim_id,
    matched_source: match ? { path: match.path, sha256: match.sha256 } : null,
    reason,
    fix_hint: FIX_HINTS[reason],
  });
  if (!state.active) return result('no_registered_sources');
  if (!state.trusted) return result('untrusted_manifest');
  const match = findAnchor(view, claim, anchors);
  return match ? result('grounded', match) : result('no_chain_match');
}
