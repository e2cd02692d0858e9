/**
 * Upstream's `grounding CLAIM` and `gate-completeness --submission F` (extras §4.2–4.3): which
 * registered file grounds a claim, and whether a submission answers exactly the grounded claims.
 * Both ask engine/sources/grounding.ts, so they cannot disagree (upstream's do, on seq-clean).
 */
import * as fs from 'node:fs';
import { findClaim } from '../../../engine/claims/claims';
import { ClewError, errorMessage } from '../../../engine/errors';
import { parseSubmission, submissionCompleteness } from '../../../engine/sources/completeness';
import { groundClaim } from '../../../engine/sources/grounding';
import { resolvePath } from '../../../engine/util/paths';
import { parseCommandArgs } from '../../args';
import { withStore } from '../../context';
import type { CliCommand } from '../../types';
import { pyJson } from './pyJson';
import { commandSources, inWorkdir } from './sourcesState';

const GROUNDING_USAGE = `Usage: clew grounding CLAIM_LOCATION [--workdir D] [--sources-path P] [--json]

Is the claim (a claim id or file.tex:L42) grounded in a registered source? Names the registered
file its provenance reaches, or says why not and how to fix it. Exit 0 either way; 1 no such claim.`;

const COMPLETENESS_USAGE = `Usage: clew gate-completeness --submission F [--workdir D] [--db-path P] [--sources-path P] [--json]

F is JSON mapping question ids to claim ids. Exit 0 iff every answer's claim is grounded, each
claim answers one question, and no grounded claim is left unanswered; else 1 with the report.`;

export const groundingCommand: CliCommand = {
  name: 'grounding',
  summary: "scitex-clew's grounding: which registered source grounds a claim, or why none does",
  usage: GROUNDING_USAGE,
  async run(argv, globals, rawIo) {
    const { values, positionals } = parseCommandArgs(argv, { workdir: { type: 'string' }, 'sources-path': { type: 'string' }, json: { type: 'boolean' } }, GROUNDING_USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `grounding takes one CLAIM_LOCATION\n${GROUNDING_USAGE}`);
    const asJson = globals.json || Boolean(values.json);
    const io = inWorkdir(rawIo, values.workdir);
    const state = await commandSources(globals, io, values['sources-path']);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      const claim = findClaim(view, positionals[0], io.cwd);
      if (!claim) throw new ClewError('not-found', `No claim found for '${positionals[0]}'`);
      const r = groundClaim(view, claim, state);
      if (asJson) io.out(pyJson(r));
      else if (r.grounded && r.matched_source) io.out(`[GROUNDED] ${r.claim_id} \u2014 ${r.matched_source.path}  ${r.matched_source.sha256.slice(0, 12)}...`);
      else io.out(`[NOT GROUNDED] ${r.claim_id} \u2014 ${r.reason}\n  fix: ${r.fix_hint}`);
      return 0;
    });
  },
};

export const gateCompletenessCommand: CliCommand = {
  name: 'gate-completeness',
  summary: "scitex-clew's gate-completeness: a submission must answer exactly the grounded claims",
  usage: COMPLETENESS_USAGE,
  async run(argv, globals, rawIo) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { submission: { type: 'string' }, workdir: { type: 'string' }, 'db-path': { type: 'string' }, 'sources-path': { type: 'string' }, json: { type: 'boolean' } },
      COMPLETENESS_USAGE,
    );
    if (positionals.length > 0 || !values.submission) throw new ClewError('usage', `gate-completeness needs --submission F\n${COMPLETENESS_USAGE}`);
    const asJson = globals.json || Boolean(values.json);
    const io = inWorkdir(rawIo, values.workdir);
    const file = resolvePath(values.submission, io.cwd);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ClewError('usage', `cannot read submission ${values.submission}: ${errorMessage(err)}`);
    }
    const answers = parseSubmission(data, values.submission);
    const scoped = values['db-path'] ? { ...globals, db: resolvePath(values['db-path'], io.cwd) } : globals;
    const state = await commandSources(scoped, io, values['sources-path']);
    return withStore(scoped, io, { useCache: true }, async ({ view }) => {
      const r = submissionCompleteness(view, answers, state, io.cwd);
      io.out(asJson ? pyJson(r) : r.report);
      return r.ok ? 0 : 1;
    });
  },
};
