/**
 * `gate-completeness` (extras §4.2): a submission maps question ids to claim ids, and passes only
 * as a strict 1:1 correspondence with the grounded claims — every answer's claim grounded, no
 * claim answering two questions, no grounded claim left unanswered.
 *
 * Deliberate difference: upstream computes its grounded set differently from `grounding` and, on
 * seq-clean, calls `final-n` ungrounded here while `grounding final-n` says grounded. Here both
 * ask the one function, groundClaim, so the two commands cannot disagree.
 */
import { findClaim, listClaims, type Claim } from '../claims/claims';
import { ClewError } from '../errors';
import type { StoreView } from '../store/types';
import { anchorIndex, groundClaim } from './grounding';
import type { SourcesState } from './state';

export interface CompletenessResult {
  ok: boolean;
  missing: Record<string, string>;
  orphan: string[];
  duplicate_claims: Record<string, string[]>;
  grounded: string[];
  report: string;
}

/** `{question_id: claim_id}`, or a list of `{question_id, claim_id}`; anything else is an error naming the file. */
export function parseSubmission(data: unknown, file: string): [string, string][] {
  const bad = (why: string): ClewError => new ClewError('usage', `submission ${file} ${why}: expected {"question_id": "claim_id", ...}`);
  if (Array.isArray(data)) {
    return data.map((item, i): [string, string] => {
      if (item === null || typeof item !== 'object' || typeof (item as Record<string, unknown>).question_id !== 'string' || typeof (item as Record<string, unknown>).claim_id !== 'string') {
        throw bad(`item ${i} has no string question_id/claim_id`);
      }
      const { question_id, claim_id } = item as { question_id: string; claim_id: string };
      return [question_id, claim_id];
    });
  }
  if (data === null || typeof data !== 'object') throw bad('is not a JSON object');
  return Object.entries(data as Record<string, unknown>).map(([q, c]): [string, string] => {
    if (typeof c !== 'string') throw bad(`maps ${JSON.stringify(q)} to a ${c === null ? 'null' : typeof c}, not a claim id`);
    return [q, c];
  });
}

/** Python's repr of a str, as upstream's report prints ids. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

export function submissionCompleteness(view: StoreView, answers: readonly [string, string][], state: SourcesState, cwd?: string): CompletenessResult {
  const anchors = anchorIndex(state);
  const claims = listClaims(view, { limit: 10_000, cwd });
  const grounded = claims.filter((c) => groundClaim(view, c, state, anchors).grounded).map((c) => c.claim_id);
  const groundedSet = new Set(grounded);
  const missing: Record<string, string> = {};
  const why: Record<string, string> = {};
  const byClaim = new Map<string, string[]>();
  for (const [question, claimRef] of answers) {
    const claim: Claim | undefined = findClaim(view, claimRef, cwd);
    const id = claim?.claim_id ?? claimRef;
    byClaim.set(id, [...(byClaim.get(id) ?? []), question]);
    if (!claim || !groundedSet.has(id)) {
      missing[question] = claimRef;
      why[question] = claim ? 'not grounded' : 'no such claim';
    }
  }
  const duplicate_claims: Record<string, string[]> = {};
  for (const [id, questions] of byClaim) if (questions.length > 1) duplicate_claims[id] = questions;
  const orphan = grounded.filter((id) => !byClaim.has(id));
  const ok = Object.keys(missing).length === 0 && orphan.length === 0 && Object.keys(duplicate_claims).length === 0;
  const lines: string[] = [];
  if (ok) {
    lines.push(`submission-completeness OK \u2014 ${answers.length} answer(s), a strict 1:1 correspondence with clew's grounded claims`);
  } else {
    lines.push("submission-completeness FAILED \u2014 the submission is not a strict 1:1 correspondence with clew's grounded claims:");
    const missingQs = Object.keys(missing);
    if (missingQs.length > 0) {
      lines.push(`  missing (${missingQs.length}): answer(s) with no grounded provenance \u2014`);
      for (const q of missingQs) lines.push(`    question_id=${pyRepr(q)} -> claim_id=${pyRepr(missing[q])} (${why[q]})`);
    }
    if (orphan.length > 0) {
      lines.push(`  orphan (${orphan.length}): grounded claim(s) no answer uses \u2014`);
      for (const id of orphan) lines.push(`    claim_id=${pyRepr(id)}`);
    }
    const dups = Object.keys(duplicate_claims);
    if (dups.length > 0) {
      lines.push(`  duplicate (${dups.length}): claim(s) answering more than one question \u2014`);
      for (const id of dups) lines.push(`    claim_id=${pyRepr(id)} <- ${duplicate_claims[id].map(pyRepr).join(', ')}`);
    }
  }
  return { ok, missing, orphan, duplicate_claims, grounded, report: lines.join('\n') };
}
