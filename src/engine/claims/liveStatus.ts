/**
 * A claim's status right now, and why: the one rule behind code lenses, Problems entries, the
 * Claims view and claims drawn on a DAG. The stored status (from the last `verify`) is overridden
 * when the claim's source changed or went missing since, or when something upstream of an intact
 * source changed — so an edit shows before anyone re-verifies. Words are upstream's claim statuses.
 */
import * as path from 'node:path';
import type { ClaimStatus, FileVerdict } from '../verify/verdicts';

export type ClaimReason =
  | { kind: 'source changed'; path: string }
  | { kind: 'source missing'; path: string }
  /** `changed`: the first changed or missing file upstream of the intact source, when known. */
  | { kind: 'upstream changed'; path: string; changed?: string }
  /** The source is intact but its provenance chain did not verify when the claim was last verified. */
  | { kind: 'no lineage'; path: string }
  /** Hash-verified, but a registered-source manifest is in force and the claim's provenance reaches none of its files. */
  | { kind: 'unsourced'; path: string };

export interface LiveClaimStatus {
  status: ClaimStatus;
  /** Absent for verified and registered claims. */
  reason?: ClaimReason;
}

/** What is known about a claim's source now. */
export interface ClaimSourceFacts {
  /** The source file's own verdict against its recorded hash (undefined: not a recorded file). */
  source?: FileVerdict;
  /** Something upstream of the source changed; the first such file when known, else ''. */
  upstreamChanged?: string;
  /**
   * The registered-source gate's answer (engine/sources/grounding.ts): false when the gate is
   * active and the claim reaches no anchor; undefined when there is no gate.
   */
  grounded?: boolean;
}

/** Upstream's stored words, `partial` (an old spelling) read as `suspect`. */
export function storedClaimStatus(status: string | null): ClaimStatus {
  if (status === 'partial') return 'suspect';
  const known: readonly ClaimStatus[] = ['verified', 'suspect', 'mismatch', 'missing', 'registered', 'superseded'];
  return known.find((s) => s === status) ?? 'registered';
}

export function liveClaimStatus(claim: { status: string | null; source_file: string | null }, facts: ClaimSourceFacts = {}): LiveClaimStatus {
  const stored = storedClaimStatus(claim.status);
  const source = claim.source_file;
  if (!source || stored === 'superseded') return { status: stored };
  if (facts.source === 'mismatch') return { status: 'mismatch', reason: { kind: 'source changed', path: source } };
  if (facts.source === 'missing') return { status: 'missing', reason: { kind: 'source missing', path: source } };
  if (facts.upstreamChanged !== undefined) {
    return { status: 'suspect', reason: { kind: 'upstream changed', path: source, ...(facts.upstreamChanged ? { changed: facts.upstreamChanged } : {}) } };
  }
  if (stored === 'mismatch') return { status: stored, reason: { kind: 'source changed', path: source } };
  // As in verify's gate: failures outrank it, and only a claim whose source verified can be unsourced.
  if (facts.grounded === false && (stored === 'verified' || stored === 'suspect')) return { status: 'unsourced', reason: { kind: 'unsourced', path: source } };
  if (stored === 'missing') return { status: stored, reason: { kind: 'source missing', path: source } };
  if (stored === 'suspect') return { status: stored, reason: { kind: 'no lineage', path: source } };
  return { status: stored };
}

/** A short phrase for a lens or tree item: "upstream final.csv changed". */
export function reasonPhrase(reason: ClaimReason): string {
  switch (reason.kind) {
    case 'source changed':
      return `${path.basename(reason.path)} changed`;
    case 'source missing':
      return `${path.basename(reason.path)} is missing`;
    case 'upstream changed':
      return reason.changed ? `upstream ${path.basename(reason.changed)} changed` : 'something upstream changed';
    case 'no lineage':
      return 'its provenance chain did not verify';
    case 'unsourced':
      return 'reaches no registered source';
  }
}

/** A full sentence for a Problems entry. */
export function reasonSentence(claimId: string, reason: ClaimReason): string {
  switch (reason.kind) {
    case 'source changed':
      return `Claim ${claimId}: its source ${reason.path} changed since it was registered`;
    case 'source missing':
      return `Claim ${claimId}: its source ${reason.path} is missing`;
    case 'upstream changed':
      return `Claim ${claimId}: ${reason.path} is intact but ${reason.changed ?? 'a file'} upstream of it changed`;
    case 'no lineage':
      return `Claim ${claimId}: ${reason.path} is intact but its provenance chain did not verify`;
    case 'unsourced':
      return `Claim ${claimId}: ${reason.path} is intact but its provenance reaches no registered source (clew register-source)`;
  }
}
