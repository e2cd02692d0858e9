/**
 * Upstream's `clew export-claims`: regenerate claims.json (per-claim, schema 1.4) or, with
 * --unified, scitex-writer's render feed (schema 1.6-unified). Path: --path, else
 * $SCITEX_CLEW_CLAIMS_JSON, else <project>/.scitex/clew/runtime/claims.json. Exit 0.
 */
import * as path from 'node:path';
import { exportClaimsJson } from '../../../engine/claims/exportJson';
import { exportUnifiedClaims } from '../../../engine/claims/unifiedExport';
import { parseCommandArgs } from '../../args';
import { withStore } from '../../context';
import type { CliCommand } from '../../types';
import { defaultClaimsJson } from './claimsStore';
import { pyJson } from './pyJson';
import { commandSources } from './sourcesState';

const USAGE = `Usage: clew export-claims [--unified] [--path P] [--read-only|--no-read-only] [--dry-run] [-y] [--json]

scitex-clew's export-claims: writes claims.json for manuscript tools, read-only (0444) unless
--no-read-only. --unified writes scitex-writer's render feed (claims and citations in one list).
--dry-run only says what would be written. (Clew's own: clew claims export.)`;

export const exportClaimsCommand: CliCommand = {
  name: 'export-claims',
  summary: "scitex-clew's claims.json export (--unified: scitex-writer's render feed)",
  usage: USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(
      argv,
      {
        unified: { type: 'boolean' },
        path: { type: 'string' },
        'read-only': { type: 'boolean' },
        'no-read-only': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const asJson = globals.json || Boolean(values.json);
    const unified = Boolean(values.unified);
    const kind = unified ? 'unified render feed' : 'per-claim v1.3';
    if (values['dry-run']) {
      // Upstream names the canonical file without resolving it in a dry run.
      const target = values.path ?? '<canonical .scitex/clew/runtime/claims.json>';
      io.out(asJson ? pyJson({ dry_run: true, unified, path: target }) : `DRY RUN \u2014 would export ${kind} -> ${target}`);
      return 0;
    }
    const target = values.path ? path.resolve(io.cwd, values.path) : defaultClaimsJson(io, globals);
    const readOnly = !values['no-read-only'];
    // The registered-source gate colours the export too: a verified claim reaching no registered source is unsourced.
    const sources = await commandSources(globals, io);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      const written = unified ? exportUnifiedClaims(view, target, { readOnly, sources }) : exportClaimsJson(view, target, { readOnly, sources });
      io.out(asJson ? pyJson({ path: written, unified }) : `[EXPORTED] ${kind} -> ${written}`);
      return 0;
    });
  },
};
