/**
 * Claims (spec §5): manuscript statements tied to a recorded source file. Ids, statuses,
 * verification and the verify-all exit codes match upstream; verification writes the claim's new
 * status back to the shared store (one short transaction per claim), as upstream does.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { ClewError } from '../errors';
import type { FileHasher } from '../hash/types';
import { CLAIMS_DDL } from '../store/schema';
import type { Row, SqlValue, Store, StoreView } from '../store/types';
import { resolvePath } from '../util/paths';
import { localIsoNow } from '../util/time';
import { newestProducer, verifyChain } from '../verify';

export const CLAIM_TYPES = ['statistic', 'figure', 'table', 'text', 'value'] as const;

export interface Claim extends Row {
  claim_id: string;
  file_path: string;
  line_number: number | null;
  claim_type: string;
  claim_value: string | null;
  source_session: string | null;
  source_file: string | null;
  source_hash: string | null;
  registered_at: string | null;
  verified_at: string | null;
  status: string;
}

export interface ClaimsContext {
  store: Store;
  view: StoreView;
  hasher: FileHasher;
  cwd?: string;
}

const COLUMNS = 'claim_id, file_path, line_number, claim_type, claim_value, source_session, source_file, source_hash, registered_at, verified_at, status';

function normalise(c: Claim): Claim {
  return c.status === 'partial' ? { ...c, status: 'suspect' } : c;
}

export interface ListClaimsOptions {
  filePath?: string;
  filePathPrefix?: string;
  claimType?: string;
  status?: string;
  limit?: number;
  includeSuperseded?: boolean;
  cwd?: string;
}

/** Spec §5.3. A store without a claims table has no claims. */
export function listClaims(view: StoreView, options: ListClaimsOptions = {}): Claim[] {
  if (!view.hasTable('claims')) return [];
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (options.filePath) {
    where.push('file_path = ?');
    params.push(resolvePath(options.filePath, options.cwd));
  }
  if (options.filePathPrefix) {
    const prefix = resolvePath(options.filePathPrefix, options.cwd);
    const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
    where.push("(file_path LIKE ? ESCAPE '\\' OR file_path = ?)");
    params.push(`${withSlash.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, prefix.replace(/\/$/, ''));
  }
  if (options.claimType) {
    where.push('claim_type = ?');
    params.push(options.claimType);
  }
  if (options.status) {
    where.push(options.status === 'suspect' ? "status IN ('suspect', 'partial')" : 'status = ?');
    if (options.status !== 'suspect') params.push(options.status);
  } else if (!options.includeSuperseded) {
    where.push("status IS NOT 'superseded'");
  }
  const sql = `SELECT ${COLUMNS} FROM claims${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY file_path, line_number LIMIT ?`;
  return view.all<Claim>(sql, [...params, options.limit ?? 100]).map(normalise);
}

/** Lookup by claim id, else `<path>:L<n>`, else a bare path (its first claim by line). */
export function findClaim(view: StoreView, identifier: string, cwd?: string): Claim | undefined {
  if (!view.hasTable('claims')) return undefined;
  const byId = view.get<Claim>(`SELECT ${COLUMNS} FROM claims WHERE claim_id = ?`, [identifier]);
  if (byId) return normalise(byId);
  const m = /^(.*):L(\d+)$/.exec(identifier);
  if (m) {
    const hit = view.get<Claim>(`SELECT ${COLUMNS} FROM claims WHERE file_path = ? AND line_number = ?`, [resolvePath(m[1], cwd), Number(m[2])]);
    if (hit) return normalise(hit);
  }
  const bare = view.get<Claim>(`SELECT ${COLUMNS} FROM claims WHERE file_path = ? ORDER BY line_number LIMIT 1`, [resolvePath(identifier, cwd)]);
  return bare ? normalise(bare) : undefined;
}

/** Spec §5.1 id: "claim_" + sha256("<loc>:<type>:<value>")[:12]. */
export function claimIdFor(filePath: string, claimType: string, lineNumber?: number | null, claimValue?: string | null): string {
  const loc = lineNumber ? `${filePath}:L${lineNumber}` : filePath;
  return `claim_${createHash('sha256').update(`${loc}:${claimType}:${claimValue ?? ''}`).digest('hex').slice(0, 12)}`;
}

export interface AddClaimOptions {
  filePath: string;
  claimType: string;
  lineNumber?: number;
  claimValue?: string;
  sourceFile?: string;
  sourceSession?: string;
  claimId?: string;
}

/**
 * The id of the claim already stored for this place, type and value. Normally the same as
 * claimIdFor's; in a store that moved it is the id derived from the old path (the view shows
 * the path mapped), so adding the claim again replaces it instead of adding a twin.
 */
function sameClaimId(view: StoreView, filePath: string, o: AddClaimOptions): string | undefined {
  if (!view.hasTable('claims')) return undefined;
  return view.get<{ claim_id: string }>(
    'SELECT claim_id FROM claims WHERE file_path = ? AND line_number IS ? AND claim_type = ? AND claim_value IS ? ORDER BY registered_at DESC LIMIT 1',
    [filePath, o.lineNumber || null, o.claimType, o.claimValue ?? null],
  )?.claim_id;
}

export async function addClaim(ctx: ClaimsContext, o: AddClaimOptions): Promise<Claim> {
  if (!(CLAIM_TYPES as readonly string[]).includes(o.claimType)) throw new ClewError('usage', `claim type must be one of ${CLAIM_TYPES.join(', ')}, got '${o.claimType}'`);
  if (o.lineNumber !== undefined && (!Number.isInteger(o.lineNumber) || o.lineNumber < 0)) throw new ClewError('usage', `line number must be a whole number, got ${o.lineNumber}`);
  const filePath = resolvePath(o.filePath, ctx.cwd);
  const explicitId = o.claimId?.trim();
  if (o.claimId !== undefined && !explicitId) throw new ClewError('usage', 'claim id must not be empty');
  const claimId = explicitId ?? sameClaimId(ctx.view, filePath, o) ?? claimIdFor(filePath, o.claimType, o.lineNumber, o.claimValue);
  const sourceFile = o.sourceFile ? resolvePath(o.sourceFile, ctx.cwd) : null;
  let sourceHash: string | null = null;
  if (sourceFile && fs.existsSync(sourceFile)) {
    const outcome = (await ctx.hasher.hashMany([sourceFile])).get(sourceFile);
    if (outcome?.kind === 'hash') sourceHash = outcome.hash;
  }
  const sourceSession = o.sourceSession ?? (sourceFile ? (newestProducer(ctx.view, sourceFile) ?? null) : null);
  await ctx.store.write([
    ...CLAIMS_DDL,
    {
      sql: `INSERT OR REPLACE INTO claims (claim_id, file_path, line_number, claim_type, claim_value, source_session, source_file, source_hash, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'registered')`,
      params: [claimId, filePath, o.lineNumber || null, o.claimType, o.claimValue ?? null, sourceSession, sourceFile, sourceHash],
    },
  ]);
  return {
    claim_id: claimId,
    file_path: filePath,
    line_number: o.lineNumber || null,
    claim_type: o.claimType,
    claim_value: o.claimValue ?? null,
    source_session: sourceSession,
    source_file: sourceFile,
    source_hash: sourceHash,
    registered_at: null,
    verified_at: null,
    status: 'registered',
  };
}

export interface ClaimVerification {
  claim: Claim;
  source_verified: boolean;
  chain_verified: boolean;
  details: string[];
}

export type VerifyClaimResult = ClaimVerification | { status: 'not_found'; message: string };

async function setStatus(ctx: ClaimsContext, claimId: string, status: string): Promise<void> {
  await ctx.store.write([{ sql: 'UPDATE claims SET status = ?, verified_at = ? WHERE claim_id = ?', params: [status, localIsoNow(), claimId] }]);
}

/** Spec §5.4 (mutates the store). The view must already contain the claim. */
export async function verifyClaim(ctx: ClaimsContext, identifier: string): Promise<VerifyClaimResult> {
  const claim = findClaim(ctx.view, identifier, ctx.cwd);
  if (!claim) return { status: 'not_found', message: `No claim found for '${identifier}'` };
  if (!claim.source_file) return { claim, source_verified: false, chain_verified: false, details: [] };
  const outcome = (await ctx.hasher.hashMany([claim.source_file])).get(claim.source_file);
  if (!outcome || outcome.kind === 'missing' || outcome.kind === 'unreadable') {
    await setStatus(ctx, claim.claim_id, 'missing');
    return { claim: { ...claim, status: 'missing' }, source_verified: false, chain_verified: false, details: [`Source file missing: ${claim.source_file}`] };
  }
  const current = outcome.hash;
  const stored = claim.source_hash ?? '';
  if (!stored || current.slice(0, stored.length) !== stored.slice(0, current.length)) {
    await setStatus(ctx, claim.claim_id, 'mismatch');
    return { claim: { ...claim, status: 'mismatch' }, source_verified: false, chain_verified: false, details: [`Source hash mismatch: stored=${claim.source_hash}, current=${current}`] };
  }
  const chain = await verifyChain({ view: ctx.view, hasher: ctx.hasher, cwd: ctx.cwd }, claim.source_file);
  const failed = chain.runs.filter((r) => !r.is_verified).length;
  const details = ['Source file hash matches', chain.is_verified ? `Chain verified (${chain.runs.length} runs)` : `Chain verification failed (${failed} failed runs)`];
  const status = chain.is_verified ? 'verified' : 'suspect';
  await setStatus(ctx, claim.claim_id, status);
  return { claim: { ...claim, status }, source_verified: true, chain_verified: chain.is_verified, details };
}

/** Spec §5.6: delete a claim (true when one was removed). */
export async function removeClaim(ctx: ClaimsContext, identifier: string): Promise<boolean> {
  const claim = findClaim(ctx.view, identifier, ctx.cwd);
  if (!claim) return false;
  await ctx.store.write([{ sql: 'DELETE FROM claims WHERE claim_id = ?', params: [claim.claim_id] }]);
  return true;
}

/** Spec §5.6: retire a claim (status superseded, verified_at now). */
export async function supersedeClaim(ctx: ClaimsContext, identifier: string): Promise<boolean> {
  const claim = findClaim(ctx.view, identifier, ctx.cwd);
  if (!claim) return false;
  await setStatus(ctx, claim.claim_id, 'superseded');
  return true;
}

/**
 * Spec §5.8 `register_intermediate`: an in-pipeline value claim with no source file, tied to a
 * session (default $SCITEX_SESSION_ID). The value is stored as sorted-key JSON with the Python
 * repr of the value — for strings, upstream stores repr() with quotes; here values arrive as text.
 */
export async function registerIntermediate(
  ctx: ClaimsContext,
  o: { name: string; value: string; supports?: string[]; sessionId?: string; claimType?: string; filePath: string },
): Promise<Claim> {
  const sessionId = o.sessionId ?? process.env.SCITEX_SESSION_ID;
  if (!sessionId) throw new ClewError('usage', 'register-intermediate needs a session id (--session-id or $SCITEX_SESSION_ID)');
  const claimValue = pythonJson({ name: o.name, supports: o.supports ?? [], value: o.value });
  return addClaim(ctx, { filePath: o.filePath, claimType: o.claimType ?? 'value', claimValue, sourceSession: sessionId });
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Python's json.dumps(value, sort_keys=True) layout: ", " and ": " separators, non-ASCII escaped. */
export function pythonJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${pythonJson(k)}: ${pythonJson(value[k])}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
