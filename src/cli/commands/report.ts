/** `clew report [FILE…] -o report.html`: the self-contained reproducibility page. */
import * as path from 'node:path';
import { writeReport } from '../../engine/export/exportPackage';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew report [FILE…] [-o report.html] [--cached]

Writes one self-contained HTML page (no network, no script, strict CSP) to attach to a paper:
summary counts, the DAG coloured by verdict, each run with its command, files and verdict (files
re-hashed now; --cached uses the stat cache), rerun results, claims with their live status,
stamps re-checked, files recorded with several contents. It prints cleanly. No FILE: every run;
with FILEs: the runs behind them. Exit: 0 written, 1 a FILE was never recorded.`;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'write a self-contained HTML reproducibility report',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, cached: { type: 'boolean' } }, USAGE);
    const out = path.resolve(io.cwd, values.output ?? 'report.html');
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher, pathMap }) => {
      const written = await writeReport({ view, cwd: io.cwd, targets: positionals, pathMap }, hasher, out);
      io.err(`clew: wrote the report on ${written.runs} run(s) to ${out} (${written.overall})`);
      return 0;
    });
  },
};
