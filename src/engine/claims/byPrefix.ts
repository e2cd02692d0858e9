/**
 * Spec §5.6 `remove_claims_by_prefix` / `supersede_claims_by_prefix`: act on every claim whose
 * manuscript lies under a folder, in one write so a half-done bulk change cannot be left behind.
 * Removing includes already superseded claims; superseding only touches active ones (as upstream).
 */
import { localIsoNow } from '../util/time';
import { type Claim, type ClaimsContext, listClaims } from './claims';

const BULK_LIMIT = 10_000;

export function claimsUnderPrefix(ctx: ClaimsContext, prefix: string, includeSuperseded: boolean): Claim[] {
  return listClaims(ctx.view, { filePathPrefix: prefix, includeSuperseded, limit: BULK_LIMIT, cwd: ctx.cwd });
}

export async function removeClaimsByPrefix(ctx: ClaimsContext, prefix: string): Promise<number> {
  const claims = claimsUnderPrefix(ctx, prefix, true);
  if (claims.length > 0) await ctx.store.write(claims.map((c) => ({ sql: 'DELETE FROM claims WHERE claim_id = ?', params: [c.claim_id] })));
  return claims.length;
}

export async function supersedeClaimsByPrefix(ctx: ClaimsContext, prefix: string): Promise<number> {
  const claims = claimsUnderPrefix(ctx, prefix, false);
  const now = localIsoNow();
  if (claims.length > 0) await ctx.store.write(claims.map((c) => ({ sql: "UPDATE claims SET status = 'superseded', verified_at = ? WHERE claim_id = ?", params: [now, c.claim_id] })));
  return claims.length;
}
