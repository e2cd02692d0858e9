/** `verify_all_claims` (spec §5.5): classify every claim and derive the gate's exit code. */
import { anchorIndex, groundClaim } from '../sources/grounding';
import type { SourcesState } from '../sources/state';
import type { StoreView } from '../store/types';
import { type Claim, type ClaimsContext, listClaims, verifyClaim } from './claims';
import type { Severity } from './severityConfig';

export const OUTCOME_CODES = { OK: 0, UNVERIFIED: 10, SOURCE_MISSING: 11, HASH_MISMATCH: 12, NO_LINEAGE: 13, UNSOURCED: 17, NO_CLAIMS: 20 } as const;
export type Outcome = keyof typeof OUTCOME_CODES;
/** Ranking low → high; the exit code is the highest-ranked outcome whose severity is `error`. */
const RANK: Outcome[] = ['NO_CLAIMS', 'NO_LINEAGE', 'UNSOURCED', 'UNVERIFIED', 'SOURCE_MISSING', 'HASH_MISMATCH'];
/**
 * scitex-clew's fixed sentence per exit code (`_cli/_exit_codes.py`, extras spec §1), byte for
 * byte: scripts match on them. Dashes U+2014, apostrophes U+0027.
 */
export const GATE_REASONS = {
  OK: 'all registered claims are source-verified',
  UNVERIFIED: 'claims registered but not verified (verified_at is null / no computation behind the source) \u2014 possible fabrication',
  SOURCE_MISSING: "a claim's source file is missing",
  HASH_MISMATCH: "a claim's source file changed since registration (hash mismatch)",
  NO_LINEAGE: "a claim's source has no upstream @stx.session lineage (hand-written leaf) \u2014 strict mode",
  CITATION_STUB: 'a cited source is a scholar stub (auto-generated / journal pending / no DOI) \u2014 a hallucinated or placeholder reference',
  CITATION_UNRESOLVED: 'a cited key has no confirmed real source yet (registered but not resolved to a DOI-bearing source)',
  CITATION_UNLINKED: 'a cited key has no clew citation node at all (never registered by scholar)',
  UNSOURCED: 'a claim is link-hash-verified but its provenance chain reaches no registered source (ungrounded) \u2014 register the source or ground the chain',
  NO_CLAIMS: 'no claims registered \u2014 nothing to verify',
} as const;
const REASONS: Record<Outcome, string> = GATE_REASONS;
/** The per-claim detail an unsourced claim carries (the editor shows the same words). */
export const UNSOURCED_DETAIL = 'Provenance reaches no registered source';
const DEFAULT_SEVERITIES: Record<string, 'error' | 'warning' | 'ignore'> = {
  unverified: 'error',
  source_missing: 'error',
  hash_mismatch: 'error',
  no_lineage: 'warning',
  citation_stub: 'error',
  citation_unresolved: 'error',
  citation_unlinked: 'error',
  unsourced: 'error',
  no_claims: 'error',
};

export interface ClaimOutcome {
  claim_id: string;
  location: string;
  claim_value: string | null;
  status: string;
  source_file: string | null;
  source_session: string | null;
  source_verified: boolean;
  chain_verified: boolean;
  outcome: Outcome;
  severity: string;
  details: string[];
  is_verified: boolean;
}

export interface VerifyAllResult {
  exit_code: number;
  exit_name: string;
  reason: string;
  strict: boolean;
  total: number;
  verified: number;
  counts: Record<string, number>;
  severities: Record<string, string>;
  errors: string[];
  warnings: string[];
  claims: ClaimOutcome[];
}

export async function verifyAllClaims(
  ctx: ClaimsContext,
  options: {
    filePath?: string;
    claimType?: string;
    strict?: boolean;
    /** `verify.severity` from config (./severityConfig.ts); --strict still forces no_lineage to error, as upstream. */
    severities?: Partial<Record<string, Severity>>;
    refreshView?: () => Promise<StoreView>;
    /**
     * The registered-source state (engine/sources/state.ts loadSources). When its gate is active,
     * a claim that would be OK but reaches no anchor is UNSOURCED. Absent: no gate, as before.
     */
    sources?: SourcesState;
  } = {},
): Promise<VerifyAllResult> {
  const strict = Boolean(options.strict);
  const severities: Record<string, Severity> = { ...DEFAULT_SEVERITIES };
  for (const [key, level] of Object.entries(options.severities ?? {})) if (level) severities[key] = level;
  if (strict) severities.no_lineage = 'error';
  const claims: Claim[] = listClaims(ctx.view, { filePath: options.filePath, claimType: options.claimType, limit: 10_000, cwd: ctx.cwd });
  const outcomes: ClaimOutcome[] = [];
  const gate = options.sources?.active ? options.sources : undefined;
  const anchors = gate ? anchorIndex(gate) : undefined;
  for (const claim of claims) {
    const r = await verifyClaim(ctx, claim.claim_id);
    if ('message' in r) continue;
    let outcome: Outcome;
    if (!claim.source_file) outcome = 'UNVERIFIED';
    else if (r.claim.status === 'missing') outcome = 'SOURCE_MISSING';
    else if (r.claim.status === 'mismatch') outcome = 'HASH_MISMATCH';
    else if (r.source_verified && strict && !r.chain_verified) outcome = 'NO_LINEAGE';
    else if (r.source_verified) outcome = 'OK';
    else outcome = 'UNVERIFIED';
    const details = [...r.details];
    // Mismatch and missing outrank the gate: only a claim that would pass can be unsourced.
    if (outcome === 'OK' && gate && !groundClaim(ctx.view, claim, gate, anchors).grounded) {
      outcome = 'UNSOURCED';
      details.push(UNSOURCED_DETAIL);
    }
    const severity = outcome === 'OK' ? 'ok' : severities[outcome.toLowerCase()];
    outcomes.push({
      claim_id: claim.claim_id,
      location: claim.line_number ? `${claim.file_path}:L${claim.line_number}` : claim.file_path,
      claim_value: claim.claim_value,
      // The stored status stays the hash-level word; the gate's verdict is a view over the manifest, which can change without the store.
      status: outcome === 'UNSOURCED' ? 'unsourced' : r.claim.status,
      source_file: claim.source_file,
      source_session: claim.source_session,
      source_verified: r.source_verified,
      chain_verified: r.chain_verified,
      outcome,
      severity,
      details,
      is_verified: outcome === 'OK',
    });
  }
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  const errors = outcomes.filter((o) => o.severity === 'error').map((o) => o.outcome as string);
  const warnings = outcomes.filter((o) => o.severity === 'warning').map((o) => o.outcome as string);
  if (outcomes.length === 0) {
    counts.NO_CLAIMS = 1;
    if (severities.no_claims === 'error') errors.push('NO_CLAIMS');
    else if (severities.no_claims === 'warning') warnings.push('NO_CLAIMS');
  }
  const worst = [...RANK].reverse().find((name) => errors.includes(name));
  const exitName: Outcome = worst ?? 'OK';
  return {
    exit_code: OUTCOME_CODES[exitName],
    exit_name: exitName,
    reason: REASONS[exitName],
    strict,
    total: outcomes.length,
    verified: outcomes.filter((o) => o.is_verified).length,
    counts,
    severities,
    errors,
    warnings,
    claims: outcomes,
  };
}
