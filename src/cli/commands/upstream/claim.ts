/**
 * Upstream's `clew claim add|list|verify|remove|supersede|register-intermediate`, unchanged
 * (flags, text, JSON, exit codes), on the same engine functions as Clew's `clew claims`.
 */
import { addClaim, listClaims, verifyClaim } from '../../../engine/claims/claims';
import { ClewError, errorMessage } from '../../../engine/errors';
import { parseCommandArgs } from '../../args';
import type { CliCommand, CliIo, GlobalOptions } from '../../types';
import { claimType, emit, location, refuse, wholeNumber } from './claimOutput';
import { registerIntermediateCli, removeCli, supersedeCli } from './claimMutate';
import { reexportClaims, withClaimsStore } from './claimsStore';
import { pyJson } from './pyJson';

export const CLAIM_USAGE = `Usage: clew [--json] claim <subcommand> [options]

scitex-clew's claim commands, unchanged (Clew's own names: clew claims …):
  add --file-path F --type statistic|figure|table|text|value [--line-number N] [--value V]
      [--source-file S] [--source-session ID] [--claim-id ID] [--dry-run] [-y]
  list [--file-path F] [--file-path-prefix DIR] [--type T] [--status S] [--limit 100]
       [--include-superseded] [--json]
  verify CLAIM_ID|FILE:Lnn                 exit 1 if not found, else 0 whatever the verdict
  remove CLAIM_ID|--file-path-prefix DIR  -y [--dry-run]
  supersede CLAIM_ID|--file-path-prefix DIR [-y]   (-y needed for a prefix)
  register-intermediate --name N --value V [--supports ID]… [--session-id ID] [--type T] [--dry-run] [--json]
Refusals and not-found exit 1; bad flags exit 2.`;

const ICONS: Record<string, string> = { registered: '○', verified: '✓', mismatch: '✗', missing: '?', suspect: '~', superseded: '-' };

async function add(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'file-path': { type: 'string' },
      type: { type: 'string' },
      'line-number': { type: 'string' },
      value: { type: 'string' },
      'source-file': { type: 'string' },
      'source-session': { type: 'string' },
      'claim-id': { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    CLAIM_USAGE,
  );
  if (!values['file-path']) throw new ClewError('usage', `claim add needs --file-path\n${CLAIM_USAGE}`);
  const type = claimType(values.type, true, CLAIM_USAGE) as string;
  const line = wholeNumber(values['line-number'], '--line-number');
  const request = {
    file_path: values['file-path'],
    claim_type: type,
    line_number: line ?? null,
    claim_value: values.value ?? null,
    source_file: values['source-file'] ?? null,
    source_session: values['source-session'] ?? null,
    claim_id: values['claim-id'] ?? null,
  };
  if (values['dry-run']) {
    emit(io, globals.json, { dry_run: true, claim: request }, ['DRY RUN — would add claim:', ...Object.entries(request).map(([k, v]) => `  ${k}: ${v ?? '(none)'}`)].join('\n'));
    return 0;
  }
  return withClaimsStore(globals, io, async (ctx) => {
    let claim;
    try {
      claim = await addClaim(ctx, {
        filePath: request.file_path,
        claimType: type,
        lineNumber: line,
        claimValue: values.value,
        sourceFile: values['source-file'],
        sourceSession: values['source-session'],
        claimId: values['claim-id'],
      });
    } catch (err) {
      if (!(err instanceof ClewError) || err.code !== 'usage') throw err;
      return refuse(io, globals.json, errorMessage(err), { claim: null });
    }
    // Spec §5.1 step 5: a source no recorded run produced has no lineage; say so unless silenced.
    if (claim.source_file && !claim.source_session && io.env.SCITEX_CLEW_WARN_NO_LINEAGE !== '0') {
      io.err(`clew: warning: ${claim.source_file} has no owning @stx.session run (no recorded lineage); clew verify --strict will report NO_LINEAGE. Silence with SCITEX_CLEW_WARN_NO_LINEAGE=0.`);
    }
    emit(io, globals.json, claim, [`[ADDED] claim ${claim.claim_id}`, `  type:     ${claim.claim_type}`, `  location: ${location(claim)}`, `  value:    ${claim.claim_value || '(none)'}`, `  source:   ${claim.source_file || '(none)'}`].join('\n'));
    await reexportClaims(ctx, io, globals);
    return 0;
  });
}

async function list(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'file-path': { type: 'string' },
      'file-path-prefix': { type: 'string' },
      type: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      'include-superseded': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    CLAIM_USAGE,
  );
  const limit = wholeNumber(values.limit, '--limit') ?? 100;
  const type = claimType(values.type, false, CLAIM_USAGE);
  return withClaimsStore(globals, io, async ({ view }) => {
    const claims = listClaims(view, {
      filePath: values['file-path'],
      filePathPrefix: values['file-path-prefix'],
      claimType: type,
      status: values.status,
      limit,
      includeSuperseded: values['include-superseded'],
      cwd: io.cwd,
    });
    const human = claims.map((c) => `  ${ICONS[c.status] ?? '?'} [${c.claim_type}] ${location(c)}${c.claim_value ? ` = ${c.claim_value}` : ''}`).join('\n');
    emit(io, globals.json || Boolean(values.json), { count: claims.length, claims }, human || 'No claims registered.');
    return 0;
  });
}

async function verify(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, CLAIM_USAGE);
  if (positionals.length !== 1) throw new ClewError('usage', `claim verify needs one CLAIM_ID or FILE:Lnn\n${CLAIM_USAGE}`);
  return withClaimsStore(globals, io, async (ctx) => {
    const result = await verifyClaim(ctx, positionals[0]);
    if ('message' in result) {
      if (globals.json) io.out(pyJson(result));
      else io.err(`ERROR: ${result.message}`);
      return 1;
    }
    const c = result.claim;
    // Python prints booleans as True/False in the text form.
    const py = (b: boolean): string => (b ? 'True' : 'False');
    emit(
      io,
      globals.json,
      result,
      [`claim_id:        ${c.claim_id}`, `status:          ${c.status}`, `source_verified: ${py(result.source_verified)}`, `chain_verified:  ${py(result.chain_verified)}`, ...result.details.map((d) => `  - ${d}`)].join('\n'),
    );
    return 0;
  });
}

export const claimCommand: CliCommand = {
  name: 'claim',
  summary: "scitex-clew's claim add|list|verify|remove|supersede|register-intermediate",
  usage: CLAIM_USAGE,
  async run(argv, globals, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'add':
        return add(rest, globals, io);
      case 'list':
        return list(rest, globals, io);
      case 'verify':
        return verify(rest, globals, io);
      case 'remove':
        return removeCli(rest, globals, io);
      case 'supersede':
        return supersedeCli(rest, globals, io);
      case 'register-intermediate':
        return registerIntermediateCli(rest, globals, io);
      default:
        throw new ClewError('usage', `unknown claim subcommand '${sub ?? ''}'\n${CLAIM_USAGE}`);
    }
  },
};
