/**
 * A claim's status right now, and why: the one rule behind code lenses, Problems entries, the
 * Claims view, claims drawn on a DAG and the report. It decides as `clew verify` does
 * (claims.ts verifyClaim: missing, then the source's bytes against the claim's pin, then the
 * chain behind it) from what is known now, so an edit shows before anyone re-verifies and a claim
 * never shows one verdict in the editor and another in the CLI. The stored status (from the last
 * `verify`) is used only where the facts are not known. `registered` is left only for a claim
 * never checked whose source cannot be judged. Words are upstream's claim statuses.
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
  /** The source is intact but no recorded run produced it (a hand-written file): nothing behind it to verify. */
  | { kind: 'no run produced'; path: string }
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
  /** The source's bytes now against the claim's own pin (`source_hash`), when they were hashed. */
  current?: SourceAgainstPin;
  /** Whether a recorded run wrote the source (false: a hand-written file); undefined: not known. */
  produced?: boolean;
  /**
   * The registered-source gate's answer (engine/sources/grounding.ts): false when the gate is
   * active and the claim reaches no anchor; undefined when there is no gate.
   */
  grounded?: boolean;
}

export type SourceAgainstPin = 'intact' | 'changed' | 'missing';

/**
 * The source's current hash (undefined: missing or unreadable) against the claim's pin, compared
 * as verifyClaim does: a prefix match either way (short hashes), an empty pin never intact.
 */
export function sourceAgainstPin(pin: string | null, currentHash: string | undefined): SourceAgainstPin {
  if (currentHash === undefined) return 'missing';
  const stored = pin ?? '';
  return stored && currentHash.slice(0, stored.length) === stored.slice(0, currentHash.length) ? 'intact' : 'changed';
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
  if (facts.current === 'missing' || facts.source === 'missing') return { status: 'missing', reason: { kind: 'source missing', path: source } };
  if (facts.current === 'changed' || facts.source === 'mismatch') return { status: 'mismatch', reason: { kind: 'source changed', path: source } };
  if (facts.upstreamChanged !== undefined) {
    return { status: 'suspect', reason: { kind: 'upstream changed', path: source, ...(facts.upstreamChanged ? { changed: facts.upstreamChanged } : {}) } };
  }
  const intact = facts.current === 'intact' || (facts.current === undefined && facts.source === 'verified');
  // As in verify's gate: failures outrank it, and only a claim whose source verified can be unsourced.
  const sourceVerified = intact || (facts.current === undefined && (stored === 'verified' || stored === 'suspect'));
  if (facts.grounded === false && sourceVerified) return { status: 'unsourced', reason: { kind: 'unsourced', path: source } };
  // verify: an intact source no run produced has no chain to verify — suspect, as upstream says.
  if (intact && facts.produced === false) return { status: 'suspect', reason: { kind: 'no run produced', path: source } };
  // Intact, produced, nothing upstream changed: what verify decides now, whatever it stored before.
  if (intact && facts.produced === true) return { status: 'verified' };
  if (stored === 'mismatch') return { status: stored, reason: { kind: 'source changed', path: source } };
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
    case 'no run produced':
      return `no run produced ${path.basename(reason.path)}`;
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
    case 'no run produced':
      return `Claim ${claimId}: no run produced ${reason.path} (nothing behind it to verify)`;
    case 'unsourced':
      return `Claim ${claimId}: ${reason.path} is intact but its provenance reaches no registered source (clew register-source)`;
  }
}
