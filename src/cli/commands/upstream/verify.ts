/**
 * Upstream's `clew verify`: with SESSION_ID, one run verified fail-loud (0 verified, 12 mismatch,
 * 11 missing, 10 anything else); without, the claims gate of spec §5.5 whose exit code names the
 * worst failing outcome (10 unverified, 11 source missing, 12 hash mismatch, 13 no lineage,
 * 17 unsourced (registered-source gate), 20 no claims). Text and JSON as upstream prints them.
 */
import { ClewError } from '../../../engine/errors';
import { resolveSeverityOverrides } from '../../../engine/claims/severityConfig';
import { verifyAllClaims, type VerifyAllResult } from '../../../engine/claims/verifyAll';
import { verifyRun } from '../../../engine/verify';
import type { RunVerification } from '../../../engine/verify/types';
import { parseCommandArgs } from '../../args';
import { withStore } from '../../context';
import { exitCodeFor } from '../../render/style';
import type { CliCommand, CliIo } from '../../types';
import { withClaimsStore } from './claimsStore';
import { pyJson } from './pyJson';
import { commandSources } from './sourcesState';

const USAGE = `Usage: clew verify [SESSION_ID] [--strict] [--config PATH] [--json]

scitex-clew's verify, unchanged.
  clew verify SESSION_ID   verify one run (also a script or output path): its inputs, outputs and
                           script, re-reading every byte. Exit 0 verified, 12 mismatch, 11 missing,
                           10 anything else (suspect, unknown, no such run).
  clew verify              the claims gate: verify every claim (writes their statuses back).
    --strict               a claim also needs a verified provenance chain (else NO_LINEAGE)
    --config PATH          a config file or .scitex/clew folder whose verify.severity map
                           (pattern: error|warning|ignore) overrides the user and project config
                           With a registered-source manifest (clew register-source), a claim
                           whose provenance reaches no registered source is UNSOURCED.
  Exit 0 all OK, 10 UNVERIFIED, 11 SOURCE_MISSING, 12 HASH_MISMATCH, 13 NO_LINEAGE, 17 UNSOURCED,
  20 NO_CLAIMS.`;

function runPayload(r: RunVerification, code: number): Record<string, unknown> {
  return {
    session_id: r.session_id,
    script_path: r.script_path,
    status: r.status,
    is_verified: r.is_verified,
    exit_code: code,
    files: r.files.map((f) => ({ path: f.path, role: f.role, status: f.status, expected_hash: f.expected_hash, current_hash: f.current_hash, is_verified: f.is_verified, frozen: f.frozen })),
  };
}

function runText(r: RunVerification): string {
  const lines = [`[${r.is_verified ? 'OK' : 'FAIL'}] ${r.session_id} (${r.status})`];
  if (r.provenance === 'exception') lines.push(`  EXCEPTION (reason: ${r.exception_reason || 'no reason given'})`);
  for (const f of r.files) {
    const icon = f.is_verified ? 'OK' : '!!';
    lines.push(f.frozen ? `  [${icon}] ${f.role.padEnd(6)} FROZEN (trusted hash, not re-read): ${f.path}` : `  [${icon}] ${f.role.padEnd(6)} ${f.path}`);
  }
  return lines.join('\n');
}

function gateText(r: VerifyAllResult): string {
  const lines = [`[${r.exit_code === 0 ? 'OK' : 'FAIL'}] verify claims${r.strict ? ' (strict)' : ''}: ${r.verified}/${r.total} verified -> ${r.exit_name} (exit ${r.exit_code})`];
  if (r.reason) lines.push(`  reason: ${r.reason}`);
  if (r.warnings.length > 0) lines.push(`  warnings (tolerated): ${r.warnings.join(', ')}`);
  for (const c of r.claims) {
    // Upstream tags only the tolerated levels; "error" is implied by the [!!].
    const tag = c.severity === 'ok' || c.severity === 'error' ? '' : ` [${c.severity}]`;
    lines.push(`  [${c.outcome === 'OK' ? 'OK' : '!!'}] ${c.outcome.padEnd(14)} ${c.location}${c.claim_value ? ` = ${c.claim_value}` : ''}${tag}`);
  }
  return lines.join('\n');
}

async function verifySession(target: string, asJson: boolean, globals: Parameters<CliCommand['run']>[1], io: CliIo): Promise<number> {
  return withStore(globals, io, { useCache: false }, async ({ view, hasher }) => {
    const result = await verifyRun({ view, hasher, cwd: io.cwd }, target);
    const code = exitCodeFor(result.status);
    io.out(asJson ? pyJson(runPayload(result, code)) : runText(result));
    return code;
  });
}

export const upstreamVerifyCommand: CliCommand = {
  name: 'verify',
  summary: "scitex-clew's verify: one run by SESSION_ID, or the claims gate (--strict, --config)",
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { strict: { type: 'boolean' }, config: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const asJson = globals.json || Boolean(values.json);
    if (positionals.length > 1) throw new ClewError('usage', `clew verify takes at most one SESSION_ID\n${USAGE}`);
    if (positionals.length === 1) return verifySession(positionals[0], asJson, globals, io);
    // Config problems are reported before the store is touched: a gate must not half-run.
    const severities = resolveSeverityOverrides({ cwd: io.cwd, env: io.env, explicit: values.config });
    // Likewise a malformed sources manifest: the registered-source gate must not silently switch off.
    const sources = await commandSources(globals, io);
    return withClaimsStore(globals, io, async (ctx) => {
      const result = await verifyAllClaims(ctx, { strict: values.strict, severities, sources });
      // Upstream's CLI prints the result without the API's per-claim is_verified.
      io.out(asJson ? pyJson({ ...result, claims: result.claims.map(({ is_verified: _api, ...c }) => c) }) : gateText(result));
      return result.exit_code;
    });
  },
};
