/**
 * Upstream's `_mcp/tools/claims`: add, list, verify, register_intermediate, remove, supersede and
 * the manuscript export, on the engine functions the CLI's `clew claim …` calls. Writes go
 * through the CLI's writable store (its safe writer) and re-export claims.json afterwards, as
 * the CLI does. Agents cannot answer a prompt, so remove/supersede act on one claim at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { defaultClaimsJson, reexportClaims } from '../../cli/commands/upstream/claimsStore';
import { pythonStrRepr } from '../../cli/commands/upstream/claimOutput';
import { addClaim, CLAIM_TYPES, findClaim, listClaims, registerIntermediate, removeClaim, supersedeClaim, verifyClaim, type ClaimsContext } from '../../engine/claims/claims';
import { exportUnifiedClaims } from '../../engine/claims/unifiedExport';
import { ClewError } from '../../engine/errors';
import { stderrIo, withToolStore } from '../storeAccess';
import { commaList, defineTool, type ClewTool, type ToolCall } from '../tool';

const claimType = () => z.enum(CLAIM_TYPES);

function withClaims<T>(call: ToolCall, fn: (ctx: ClaimsContext) => Promise<T>): Promise<T> {
  // Verification writes statuses back, so claims always open the store writable (as the CLI).
  return withToolStore(call, { useCache: false, writable: true }, ({ store, view, hasher }) => fn({ store, view, hasher, cwd: call.cwd }));
}

function afterChange(ctx: ClaimsContext, call: ToolCall): Promise<void> {
  return reexportClaims(ctx, stderrIo(call), call.globals);
}

/** Upstream files an intermediate under the program that registered it: for us, this server's CLI. */
function registeringProgram(call: ToolCall): string {
  const script = process.argv[1];
  try {
    return script ? fs.realpathSync(script) : call.cwd;
  } catch {
    return path.resolve(call.cwd, script ?? '.');
  }
}

export const CLAIM_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_add_claim',
    description: 'Register a manuscript claim (file_path, line_number) tied to a recorded source file; the source session is found when a run produced the file. Writes the store. As `clew claim add`.',
    inputSchema: {
      file_path: z.string().min(1),
      claim_type: claimType(),
      line_number: z.number().int().nullish(),
      claim_value: z.string().nullish(),
      source_file: z.string().nullish(),
      source_session: z.string().nullish(),
      claim_id: z.string().nullish(),
    },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async (ctx) => {
        const claim = await addClaim(ctx, {
          filePath: args.file_path,
          claimType: args.claim_type,
          lineNumber: args.line_number ?? undefined,
          claimValue: args.claim_value ?? undefined,
          sourceFile: args.source_file ?? undefined,
          sourceSession: args.source_session ?? undefined,
          claimId: args.claim_id ?? undefined,
        });
        await afterChange(ctx, call);
        return claim;
      }),
  }),
  defineTool({
    name: 'clew_list_claims',
    description: 'List registered claims (optionally of one manuscript file, type or status), with their stored status. As `clew claim list --json`.',
    inputSchema: { file_path: z.string().nullish(), claim_type: z.string().nullish(), status: z.string().nullish(), limit: z.number().int().min(0).default(100) },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async ({ view }) => {
        const claims = listClaims(view, { filePath: args.file_path ?? undefined, claimType: args.claim_type ?? undefined, status: args.status ?? undefined, limit: args.limit, cwd: call.cwd });
        return { count: claims.length, claims };
      }),
  }),
  defineTool({
    name: 'clew_verify_claim',
    description: 'Does this claim still hold? Re-hashes its source file and verifies the chain behind it; writes the new status back. claim_id_or_location: a claim id or FILE:Lnn. As `clew claim verify`.',
    inputSchema: { claim_id_or_location: z.string().min(1) },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async (ctx) => {
        const result = await verifyClaim(ctx, args.claim_id_or_location);
        if ('message' in result) throw new ClewError('not-found', result.message);
        return result;
      }),
  }),
  defineTool({
    name: 'clew_register_intermediate',
    description:
      'Register an intermediate value (name, value) computed by a recorded session (session_id, else $SCITEX_SESSION_ID) that supports other claims (supports: comma-separated claim ids). Writes the store. As `clew claim register-intermediate`.',
    inputSchema: { name: z.string().min(1), value: z.string(), supports: z.string().nullish().describe('comma-separated claim ids'), session_id: z.string().nullish(), claim_type: claimType().default('value') },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async (ctx) => {
        const sessionId = args.session_id ?? call.env.SCITEX_SESSION_ID;
        if (!sessionId) throw new ClewError('usage', 'register_intermediate needs a session id: pass session_id or set SCITEX_SESSION_ID');
        // The value arrives as text, so upstream stores repr() of a str (quoted), as the CLI does.
        const claim = await registerIntermediate(ctx, { name: args.name, value: pythonStrRepr(args.value), supports: commaList(args.supports), sessionId, claimType: args.claim_type, filePath: registeringProgram(call) });
        await afterChange(ctx, call);
        return claim;
      }),
  }),
  defineTool({
    name: 'clew_remove_claim',
    description: 'Permanently delete one claim (claim id or FILE:Lnn). Writes the store; prefer clew_supersede_claim to keep history. As `clew claim remove -y`.',
    inputSchema: { claim_id_or_location: z.string().min(1) },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async (ctx) => {
        const removed = await removeClaim(ctx, args.claim_id_or_location);
        if (!removed) throw new ClewError('not-found', `No claim found for '${args.claim_id_or_location}'`);
        await afterChange(ctx, call);
        return { removed, claim_id_or_location: args.claim_id_or_location };
      }),
  }),
  defineTool({
    name: 'clew_supersede_claim',
    description: 'Mark one claim superseded (kept, no longer listed or verified). Writes the store. As `clew claim supersede`.',
    inputSchema: { claim_id_or_location: z.string().min(1) },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async (ctx) => {
        const superseded = findClaim(ctx.view, args.claim_id_or_location, ctx.cwd) ? await supersedeClaim(ctx, args.claim_id_or_location) : false;
        if (!superseded) throw new ClewError('not-found', `No claim found for '${args.claim_id_or_location}'`);
        await afterChange(ctx, call);
        return { superseded, claim_id_or_location: args.claim_id_or_location };
      }),
  }),
  defineTool({
    name: 'clew_export_manuscript_claims',
    description:
      "Write scitex-writer's render feed of every claim (schema 1.6-unified) to path (default .scitex/clew/runtime/claims.json), read-only unless read_only=false. As `clew export-claims --unified`.",
    inputSchema: { path: z.string().nullish(), read_only: z.boolean().default(true) },
    needsStore: true,
    run: (args, call) =>
      withClaims(call, async ({ view }) => {
        const target = args.path ? path.resolve(call.cwd, args.path) : defaultClaimsJson(stderrIo(call), call.globals);
        const written = exportUnifiedClaims(view, target, { readOnly: args.read_only });
        return { success: true, path: written, unified: true, read_only: args.read_only };
      }),
  }),
];
