/** `clew list`, `clew run`, `clew stats`. */
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { listRuns, stats, verifyRun } from '../../engine/verify';
import type { RunVerification } from '../../engine/verify/types';
import { runLines } from '../../engine/verify/text';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { exitCodeFor, json, styler, type Styler } from '../render/style';
import type { CliCommand } from '../types';
import { runFromScratch } from './rerun';

const LIST_USAGE = `Usage: clew list [--limit N] [--status success|failed|running|error] [--json]

Lists recorded runs, newest first (default 50). Exit 0.`;

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'list recorded runs, newest first',
  usage: LIST_USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { limit: { type: 'string', short: 'n' }, status: { type: 'string' }, json: { type: 'boolean' } }, LIST_USAGE);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new ClewError('usage', `--limit must be a whole number, got '${values.limit}'`);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      const runs = listRuns(view, { limit, status: values.status });
      if (globals.json || values.json) {
        io.out(json({ count: runs.length, runs }));
        return 0;
      }
      if (runs.length === 0) {
        io.out('No runs recorded yet. Record one with: clew record -- python3 script.py');
        return 0;
      }
      const lines = runs.map((r) => `  ${String(r.status ?? '').padEnd(8)} ${String(r.session_id)}  ${String(r.started_at ?? '').slice(0, 19)}  ${r.script_path ? String(r.script_path) : '(no script)'}`);
      lines.push('', `Showing ${runs.length} runs (use --limit to change)`);
      io.out(lines.join('\n'));
      return 0;
    });
  },
};

/** The CLI's run rendering: the engine's, painted with the terminal's colours. */
export function renderRun(r: RunVerification, s: Styler, verbose: boolean): string[] {
  return runLines(r, { verbose, style: s });
}

const RUN_USAGE = `Usage: clew run SESSION_ID|SCRIPT|OUTPUT_FILE [--no-propagate] [--cached] [-v] [--json]
       clew run SESSION_ID|SCRIPT|OUTPUT_FILE --from-scratch [clew rerun options]

Verifies one run: its inputs, outputs and script, re-reading every byte (--cached uses the stat
cache). A run whose own files are fine but whose inputs changed is "suspect".
--from-scratch re-executes the run in a sandbox instead (same as clew rerun; see clew rerun --help).
Exit: 0 verified, 12 mismatch, 11 missing, 10 suspect or unknown (e.g. no such run).`;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'verify one run (by session id, script or output file)',
  usage: RUN_USAGE,
  async run(argv, globals, io) {
    if (argv.includes('--from-scratch')) return runFromScratch(argv, globals, io);
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'no-propagate': { type: 'boolean' }, cached: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' } },
      RUN_USAGE,
    );
    if (positionals.length !== 1) throw new ClewError('usage', `clew run needs exactly one SESSION_ID, script or file\n${RUN_USAGE}`);
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      const result = await verifyRun({ view, hasher, cwd: io.cwd }, positionals[0], { propagate: !values['no-propagate'] });
      if (globals.json || values.json) io.out(json(result));
      else if (result.script_path === null && result.files.length === 0 && result.status === 'unknown') io.err(`clew: no run found for '${positionals[0]}'`);
      else io.out(renderRun(result, styler(io.color), Boolean(values.verbose)).join('\n'));
      return exitCodeFor(result.status);
    });
  },
};

const STATS_USAGE = `Usage: clew stats [--json]

Counts runs and file records in the store. Exit 0.`;

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'count runs and file records in the store',
  usage: STATS_USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, STATS_USAGE);
    return withStore(globals, io, { useCache: true }, async ({ view }) => {
      const st = stats(view);
      if (globals.json || values.json) io.out(json(st));
      else
        io.out(
          [
            `Store:              ${st.db_path}`,
            `Runs:               ${st.total_runs} (${st.success_runs} succeeded, ${st.failed_runs} failed, ${st.total_runs - st.success_runs - st.failed_runs} other)`,
            `File records:       ${st.total_file_records}`,
            `Unique files:       ${st.unique_files}`,
            `Store folder:       ${path.dirname(st.db_path)}`,
          ].join('\n'),
        );
      return 0;
    });
  },
};
