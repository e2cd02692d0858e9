/**
 * What the reproducibility report shows, decided here and only drawn by reportHtml.ts: each
 * exported run verified now (its files re-hashed, as `clew dag`), each claim's live status by the
 * rule every other surface uses, each stamp re-checked against the store.
 */
import { liveClaimStatus, type LiveClaimStatus } from '../claims/liveStatus';
import { claimFacts, claimSourceStates } from '../claims/sourceFacts';
import type { FileHasher } from '../hash/types';
import { checkStamp } from '../stamps/stamps';
import type { StampVerdict } from '../stamps/types';
import type { StoreView } from '../store/types';
import { firstChangedUpstream } from '../verify/lineage';
import { getRun, type RunRow } from '../verify/rows';
import { verifyRuns } from '../verify/runVerify';
import type { RunVerification, VerificationStatus } from '../verify/types';
import { aggregateStatus } from '../verify/verdicts';
import type { ExportClaim, ExportModel } from './model';

export interface ReportData {
  model: ExportModel;
  /** By session id. */
  verified: Map<string, RunVerification>;
  overall: VerificationStatus;
  claims: { claim: ExportClaim; live: LiveClaimStatus }[];
  stamps: { stampId: string; verdict: StampVerdict | 'not-found'; details: string[] }[];
  generatedAt: string;
}

export async function buildReportData(view: StoreView, hasher: FileHasher, model: ExportModel, generatedAt: string): Promise<ReportData> {
  const rows = model.runs.map((r) => getRun(view, r.sessionId)).filter((r): r is RunRow => r !== undefined);
  const runs = await verifyRuns(view, hasher, rows, { propagate: true });
  const verified = new Map(runs.map((r) => [r.session_id, r]));
  const newestFirst = [...model.runs].sort((a, b) => ((a.startedAt ?? '') < (b.startedAt ?? '') ? 1 : -1)).map((r) => verified.get(r.sessionId)).filter((r): r is RunVerification => r !== undefined);
  const verdictOfFile = new Map<string, 'verified' | 'mismatch' | 'missing'>();
  for (const r of newestFirst) for (const f of r.files) if (!verdictOfFile.has(f.path) && f.status !== 'unknown' && f.status !== 'suspect') verdictOfFile.set(f.path, f.status);
  const states = await claimSourceStates(view, hasher, model.claims.map((c) => ({ source_file: c.sourceFile })));
  const claims = model.claims.map((claim) => {
    const source = claim.sourceFile ?? undefined;
    const upstream = source ? firstChangedUpstream(newestFirst, source) : undefined;
    const pinned = { source_file: claim.sourceFile, source_hash: claim.sourceHash };
    const facts = { source: source ? verdictOfFile.get(source) : undefined, ...claimFacts(pinned, source ? states.get(source) : undefined, upstream) };
    return { claim, live: liveClaimStatus({ status: claim.status, source_file: claim.sourceFile }, facts) };
  });
  const stamps: ReportData['stamps'] = [];
  for (const s of model.stamps) {
    const check = await checkStamp({ view }, s.stamp_id);
    stamps.push('status' in check ? { stampId: s.stamp_id, verdict: 'not-found', details: [check.message] } : { stampId: s.stamp_id, verdict: check.verdict, details: check.details });
  }
  return { model, verified, overall: aggregateStatus(runs), claims, stamps, generatedAt };
}
