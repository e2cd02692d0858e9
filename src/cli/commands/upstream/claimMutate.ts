/**
 * Upstream's `claim remove`, `claim supersede` and `claim register-intermediate`. Destructive
 * actions never prompt: without -y they refuse (exit 1), as upstream; --dry-run only previews.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { claimsUnderPrefix, removeClaimsByPrefix, supersedeClaimsByPrefix } from '../../../engine/claims/byPrefix';
import { findClaim, registerIntermediate, removeClaim, supersedeClaim } from '../../../engine/claims/claims';
import { ClewError, errorMessage } from '../../../engine/errors';
import { parseCommandArgs } from '../../args';
import type { CliIo, GlobalOptions } from '../../types';
import { claimType, emit, pythonStrRepr, refuse } from './claimOutput';
import { reexportClaims, withClaimsStore } from './claimsStore';

const USAGE = 'Usage: clew claim remove|supersede CLAIM_ID|FILE:Lnn|--file-path-prefix DIR [-y] [--dry-run]';

function target(argv: string[], withDryRun: boolean) {
  const { values, positionals } = parseCommandArgs(
    argv,
    { 'file-path-prefix': { type: 'string' }, yes: { type: 'boolean', short: 'y' }, ...(withDryRun ? { 'dry-run': { type: 'boolean' as const } } : {}) },
    USAGE,
  );
  return { id: positionals[0], prefix: values['file-path-prefix'], yes: Boolean(values.yes), dryRun: Boolean((values as { 'dry-run'?: boolean })['dry-run']) };
}

function oneOf(id: string | undefined, prefix: string | undefined): string | undefined {
  if (id && prefix) return 'provide either CLAIM_ID_OR_LOCATION or --file-path-prefix, not both.';
  if (!id && !prefix) return 'provide either CLAIM_ID_OR_LOCATION or --file-path-prefix.';
  return undefined;
}

export async function removeCli(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { id, prefix, yes, dryRun } = target(argv, true);
  const problem = oneOf(id, prefix);
  if (problem) return refuse(io, false, problem);
  return withClaimsStore(globals, io, async (ctx) => {
    if (prefix) {
      const count = claimsUnderPrefix(ctx, prefix, true).length;
      if (count === 0) emit(io, globals.json, { deleted: 0, file_path_prefix: prefix }, `No claims found under prefix '${prefix}'.`);
      else if (dryRun) emit(io, globals.json, { dry_run: true, would_delete: count, file_path_prefix: prefix }, `[DRY RUN] Would remove ${count} claim(s) under '${prefix}'.`);
      else if (!yes) return refuse(io, false, `removing ${count} claim(s) under '${prefix}' is destructive. Pass -y/--yes to confirm.`);
      else {
        const deleted = await removeClaimsByPrefix(ctx, prefix);
        emit(io, globals.json, { deleted, file_path_prefix: prefix }, `[REMOVED] ${deleted} claim(s) under prefix '${prefix}'.`);
        await reexportClaims(ctx, io, globals);
      }
      return 0;
    }
    const given = id as string;
    if (dryRun) {
      emit(io, globals.json, { dry_run: true, claim_id_or_location: given }, `[DRY RUN] Would remove claim '${given}'.`);
      return 0;
    }
    if (!yes) return refuse(io, false, `permanently deleting claim '${given}' is destructive. Pass -y/--yes to confirm.`);
    const removed = await removeClaim(ctx, given);
    emit(io, globals.json, { removed, claim_id_or_location: given }, removed ? `[REMOVED] claim '${given}'.` : `No claim found for '${given}'.`);
    if (removed) await reexportClaims(ctx, io, globals);
    return removed ? 0 : 1;
  });
}

export async function supersedeCli(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { id, prefix, yes } = target(argv, false);
  const problem = oneOf(id, prefix);
  if (problem) return refuse(io, false, problem);
  return withClaimsStore(globals, io, async (ctx) => {
    if (prefix) {
      const count = claimsUnderPrefix(ctx, prefix, false).length;
      if (count === 0) emit(io, globals.json, { superseded: 0, file_path_prefix: prefix }, `No active claims found under prefix '${prefix}'.`);
      else if (!yes) return refuse(io, false, `superseding ${count} claim(s) under '${prefix}' is a bulk operation. Pass -y/--yes to confirm.`);
      else {
        const superseded = await supersedeClaimsByPrefix(ctx, prefix);
        emit(io, globals.json, { superseded, file_path_prefix: prefix }, `[SUPERSEDED] ${superseded} claim(s) under prefix '${prefix}'.`);
        await reexportClaims(ctx, io, globals);
      }
      return 0;
    }
    const given = id as string;
    const superseded = findClaim(ctx.view, given, ctx.cwd) ? await supersedeClaim(ctx, given) : false;
    emit(io, globals.json, { superseded, claim_id_or_location: given }, superseded ? `[SUPERSEDED] claim '${given}'.` : `No claim found for '${given}'.`);
    if (superseded) await reexportClaims(ctx, io, globals);
    return superseded ? 0 : 1;
  });
}

/** Upstream files the claim under sys.argv[0], the program that registered it; for us, this CLI. */
function registeringProgram(io: CliIo): string {
  const script = process.argv[1];
  try {
    return script ? fs.realpathSync(script) : io.cwd;
  } catch {
    return path.resolve(io.cwd, script ?? '.');
  }
}

export async function registerIntermediateCli(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      name: { type: 'string' },
      value: { type: 'string' },
      supports: { type: 'string', multiple: true },
      'session-id': { type: 'string' },
      type: { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.name === undefined || values.value === undefined) throw new ClewError('usage', 'claim register-intermediate needs --name and --value');
  const asJson = globals.json || Boolean(values.json);
  const type = claimType(values.type, false, USAGE) ?? 'value';
  const supports = values.supports ?? [];
  const sessionId = values['session-id'] ?? io.env.SCITEX_SESSION_ID;
  if (values['dry-run']) {
    const preview = { name: values.name, value: values.value, supports, session_id: values['session-id'] ?? null, claim_type: type };
    emit(io, asJson, { dry_run: true, claim: preview }, ['DRY RUN — would register intermediate:', ...Object.entries(preview).map(([k, v]) => `  ${k}: ${v === null || (Array.isArray(v) && v.length === 0) ? '(none)' : String(v)}`)].join('\n'));
    return 0;
  }
  if (!sessionId) return refuse(io, asJson, 'register_intermediate needs a session id: pass --session-id or set SCITEX_SESSION_ID', { claim: null });
  return withClaimsStore(globals, io, async (ctx) => {
    try {
      // The value arrives as text, so upstream stores repr() of a str (quoted).
      const claim = await registerIntermediate(ctx, { name: values.name as string, value: pythonStrRepr(values.value as string), supports, sessionId, claimType: type, filePath: registeringProgram(io) });
      emit(io, asJson, claim, [`[REGISTERED] intermediate '${values.name}' as claim ${claim.claim_id}`, `  type:     ${claim.claim_type}`, `  supports: ${supports.length > 0 ? supports.join(', ') : '(none)'}`, `  session:  ${values['session-id'] ?? '$SCITEX_SESSION_ID'}`].join('\n'));
      await reexportClaims(ctx, io, globals);
      return 0;
    } catch (err) {
      if (!(err instanceof ClewError) || err.code !== 'usage') throw err;
      return refuse(io, asJson, errorMessage(err), { claim: null });
    }
  });
}
