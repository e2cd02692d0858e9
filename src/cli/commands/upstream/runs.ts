/**
 * Upstream's `clew list-runs` and `clew show-stats`, unchanged: list-runs prints
 * "  <status:8> <session>  <script>" lines or {count, runs}; show-stats prints the stats JSON
 * (indented by default, one line with --json, as upstream). Both exit 0.
 */
import { ClewError } from '../../../engine/errors';
import { listRuns, stats } from '../../../engine/verify';
import { parseCommandArgs } from '../../args';
import { withStore } from '../../context';
import type { CliCommand } from '../../types';
import { pyJson } from './pyJson';

const LIST_USAGE = `Usage: clew list-runs [--limit N] [--status success|failed|running] [--json]

scitex-clew's list-runs: recorded runs, newest first (default 50). Exit 0.
(Clew's own view of the same list: clew list.)`;

export const listRunsCommand: CliCommand = {
  name: 'list-runs',
  summary: "scitex-clew's list of recorded runs (clew list in Clew's words)",
  usage: LIST_USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { limit: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } }, LIST_USAGE);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit)) throw new ClewError('usage', `--limit must be a whole number, got '${values.limit}'`);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      const runs = listRuns(view, { limit, status: values.status });
      if (globals.json || values.json) io.out(pyJson({ count: runs.length, runs }));
      else if (runs.length > 0) io.out(runs.map((r) => `  ${String(r.status ?? '?').padEnd(8)} ${String(r.session_id)}  ${String(r.script_path ?? '')}`).join('\n'));
      return 0;
    });
  },
};

const STATS_USAGE = `Usage: clew show-stats [--json]

scitex-clew's show-stats: run and file-record counts as JSON (one line with --json). Exit 0.
(Clew's own text view: clew stats.)`;

export const showStatsCommand: CliCommand = {
  name: 'show-stats',
  summary: "scitex-clew's store statistics as JSON (clew stats in Clew's words)",
  usage: STATS_USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, STATS_USAGE);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      io.out(pyJson(stats(view), !(globals.json || values.json)));
      return 0;
    });
  },
};
