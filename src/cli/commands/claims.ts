/** `clew claims add|list|verify|remove|supersede` (spec §5). */
import * as path from 'node:path';
import { addClaim, type Claim, findClaim, listClaims, registerIntermediate, removeClaim, supersedeClaim, verifyClaim } from '../../engine/claims/claims';
import { verifyAllClaims } from '../../engine/claims/verifyAll';
import { exportClaimsJson } from '../../engine/claims/exportJson';
import { ClewError } from '../../engine/errors';
import { glyphFor } from '../../engine/present/icons';
import { locateStore } from '../../engine/store/locate';
import { parseCommandArgs } from '../args';
import { commandSources } from './upstream/sourcesState';
import { withStore } from '../context';
import { json, styler } from '../render/style';
import type { CliCommand, CliIo, GlobalOptions } from '../types';

const USAGE = `Usage: clew claims <subcommand> [options]

  list [--file F] [--prefix DIR] [--type T] [--status S] [--limit N] [--include-superseded]
  add --file MANUSCRIPT --type statistic|figure|table|text|value [--line N] [--value V]
      [--source FILE] [--session ID] [--id CLAIM_ID]
  verify [CLAIM_ID | FILE:Lnn | FILE] [--strict]     without an id: verify every claim
  remove CLAIM_ID -y
  supersede CLAIM_ID -y
  register-intermediate --name N --value V [--supports CLAIM_ID]… [--session ID] [--type T] [--file F]
  export [--path P] [--no-read-only] [--include-superseded]   write claims.json (schema 1.4)

A claim ties a statement in a manuscript (e.g. paper.tex line 42) to a recorded source file.
Exit: list/add 0; verify with an id 0 verified, 12 mismatch, 11 source missing, 10 otherwise,
1 not found; verify without an id: 0 all OK, 10 unverified, 11 source missing, 12 hash mismatch,
13 no lineage (--strict), 17 unsourced (a registered-source manifest exists and the
claim's provenance reaches none of its files), 20 no claims; remove/supersede 1 when not found or without -y.`;

function location(c: Claim): string {
  return c.line_number ? `${c.file_path}:L${c.line_number}` : c.file_path;
}

/** claims.json location (spec §5.7): $SCITEX_CLEW_CLAIMS_JSON, else <project root>/.scitex/clew/runtime/claims.json. */
function claimsJsonPath(io: CliIo, globals: GlobalOptions): string {
  const fromEnv = io.env.SCITEX_CLEW_CLAIMS_JSON;
  if (fromEnv) return path.resolve(io.cwd, fromEnv);
  return path.join(locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env, migrate: false }).projectRoot, '.scitex', 'clew', 'runtime', 'claims.json');
}

/** Upstream re-exports claims.json after every change unless SCITEX_CLEW_AUTO_EXPORT_CLAIMS=0; failures only warn. */
async function autoExport(ctx: Parameters<typeof verifyClaim>[0], io: CliIo, globals: GlobalOptions): Promise<void> {
  if (io.env.SCITEX_CLEW_AUTO_EXPORT_CLAIMS === '0') return;
  try {
    const sources = await commandSources(globals, io);
    exportClaimsJson(await ctx.store.snapshot(), claimsJsonPath(io, globals), { sources });
  } catch (err) {
    io.err(`clew: warning: could not re-export claims.json: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Claims write statuses back, so they open the store writable; sources are always re-hashed. */
function withClaims<T>(globals: GlobalOptions, io: CliIo, fn: (ctx: Parameters<typeof verifyClaim>[0]) => Promise<T>): Promise<T> {
  return withStore(globals, io, { useCache: false, writable: true }, ({ store, view, hasher }) => fn({ store, view, hasher, cwd: io.cwd }));
}

export const claimsCommand: CliCommand = {
  name: 'claims',
  summary: 'register, list and verify manuscript claims',
  usage: USAGE,
  async run(argv, globals, io) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseCommandArgs(
      rest,
      {
        file: { type: 'string' },
        prefix: { type: 'string' },
        type: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        'include-superseded': { type: 'boolean' },
        path: { type: 'string' },
        name: { type: 'string' },
        supports: { type: 'string', multiple: true },
        'no-read-only': { type: 'boolean' },
        line: { type: 'string' },
        value: { type: 'string' },
        source: { type: 'string' },
        session: { type: 'string' },
        id: { type: 'string' },
        strict: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const asJson = globals.json || Boolean(values.json);
    const s = styler(io.color);
    switch (sub) {
      case 'list':
        return withClaims(globals, io, async ({ view }) => {
          const claims = listClaims(view, {
            filePath: values.file,
            filePathPrefix: values.prefix,
            claimType: values.type,
            status: values.status,
            limit: values.limit ? Number(values.limit) : 100,
            includeSuperseded: values['include-superseded'],
            cwd: io.cwd,
          });
          if (asJson) io.out(json({ count: claims.length, claims }));
          else if (claims.length === 0) io.out('No claims registered.');
          else io.out(claims.map((c) => `  ${glyphFor(c.status)} [${c.claim_type}] ${location(c)}${c.claim_value ? ` = ${c.claim_value}` : ''}`).join('\n'));
          return 0;
        });
      case 'add': {
        if (!values.file || !values.type) throw new ClewError('usage', `claims add needs --file and --type\n${USAGE}`);
        const line = values.line === undefined ? undefined : Number(values.line);
        if (line !== undefined && !Number.isInteger(line)) throw new ClewError('usage', `--line must be a whole number, got '${values.line}'`);
        return withClaims(globals, io, async (ctx) => {
          const claim = await addClaim(ctx, { filePath: values.file as string, claimType: values.type as string, lineNumber: line, claimValue: values.value, sourceFile: values.source, sourceSession: values.session, claimId: values.id });
          if (asJson) io.out(json(claim));
          else io.out([`[ADDED] claim ${claim.claim_id}`, `  type:     ${claim.claim_type}`, `  location: ${location(claim)}`, `  value:    ${claim.claim_value ?? ''}`, `  source:   ${claim.source_file ?? '(none)'}`].join('\n'));
          if (!claim.source_session && claim.source_file) io.err('clew: warning: no recorded run produced the source file; the claim has no lineage');
          await autoExport(ctx, io, globals);
          return 0;
        });
      }
      case 'verify': {
        // Loaded before the store opens: a malformed manifest is an error, never a silently inactive gate.
        const sources = positionals.length === 0 ? await commandSources(globals, io) : undefined;
        return withClaims(globals, io, async (ctx) => {
          if (positionals.length === 0) {
            const all = await verifyAllClaims(ctx, { strict: values.strict, sources });
            if (asJson) io.out(json(all));
            else {
              io.out(`[${all.exit_code === 0 ? 'OK' : 'FAIL'}] verify claims${all.strict ? ' (strict)' : ''}: ${all.verified}/${all.total} verified -> ${all.exit_name} (exit ${all.exit_code})`);
              io.out(`  reason: ${all.reason}`);
              for (const c of all.claims) io.out(`  [${c.outcome === 'OK' ? 'OK' : '!!'}] ${c.outcome.padEnd(14)} ${c.location}${c.claim_value ? ` = ${c.claim_value}` : ''}${c.severity !== 'ok' ? ` [${c.severity}]` : ''}`);
            }
            return all.exit_code;
          }
          const r = await verifyClaim(ctx, positionals[0]);
          if ('message' in r) throw new ClewError('not-found', r.message);
          if (asJson) io.out(json(r));
          else io.out([`claim_id:        ${r.claim.claim_id}`, `status:          ${s.paint(r.claim.status === 'verified' ? 'green' : 'red', r.claim.status)}`, `source_verified: ${r.source_verified}`, `chain_verified:  ${r.chain_verified}`, ...r.details.map((d) => `  - ${d}`)].join('\n'));
          return { verified: 0, mismatch: 12, missing: 11 }[r.claim.status] ?? 10;
        });
      }
      case 'remove':
      case 'supersede': {
        const id = positionals[0];
        if (!id) throw new ClewError('usage', `claims ${sub} needs a claim id\n${USAGE}`);
        if (!values.yes) throw new ClewError('not-found', `refusing to ${sub} claim '${id}' without -y`);
        return withClaims(globals, io, async (ctx) => {
          const found = findClaim(ctx.view, id, ctx.cwd);
          if (!found) throw new ClewError('not-found', `No claim found for '${id}'`);
          const done = sub === 'remove' ? await removeClaim(ctx, id) : await supersedeClaim(ctx, id);
          io.out(asJson ? json({ claim_id: found.claim_id, [sub === 'remove' ? 'removed' : 'superseded']: done }) : `[${sub === 'remove' ? 'REMOVED' : 'SUPERSEDED'}] claim ${found.claim_id}`);
          await autoExport(ctx, io, globals);
          return done ? 0 : 1;
        });
      }
      case 'register-intermediate': {
        if (!values.name || values.value === undefined) throw new ClewError('usage', `claims register-intermediate needs --name and --value\n${USAGE}`);
        return withClaims(globals, io, async (ctx) => {
          const claim = await registerIntermediate(ctx, {
            name: values.name as string,
            value: values.value as string,
            supports: values.supports,
            sessionId: values.session,
            claimType: values.type,
            filePath: values.file ?? io.cwd,
          });
          io.out(asJson ? json(claim) : `[ADDED] intermediate ${claim.claim_id} = ${claim.claim_value ?? ''}`);
          await autoExport(ctx, io, globals);
          return 0;
        });
      }
      case 'export': {
        const sources = await commandSources(globals, io);
        return withClaims(globals, io, async ({ view }) => {
          const target = values.path ? path.resolve(io.cwd, values.path) : claimsJsonPath(io, globals);
          const written = exportClaimsJson(view, target, { readOnly: !values['no-read-only'], includeSuperseded: values['include-superseded'], sources });
          io.out(asJson ? json({ path: written }) : `[EXPORTED] claims (schema 1.4) -> ${written}`);
          return 0;
        });
      }
      default:
        throw new ClewError('usage', `unknown claims subcommand '${sub ?? ''}'\n${USAGE}`);
    }
  },
};
