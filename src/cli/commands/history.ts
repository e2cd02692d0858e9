/** `clew history FILE`: every run that wrote or read one file, newest first. */
import { ClewError } from '../../engine/errors';
import { fileHistory } from '../../engine/export/history';
import { resolvePath } from '../../engine/util/paths';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { json, styler } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew history FILE [--cached] [--json]

Lists every run that wrote, read or ran FILE, newest first: the hash it saw, whether the bytes
changed from the version before, and the run's verdict (its files re-hashed, --cached uses the
stat cache) with its latest rerun. Exit: 0 listed, 1 FILE was never recorded.`;

export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'every run that wrote or read a file, newest first',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { cached: { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `clew history needs exactly one FILE\n${USAGE}`);
    const file = resolvePath(positionals[0], io.cwd);
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      const history = await fileHistory(view, hasher, file);
      if (history.entries.length === 0) throw new ClewError('not-found', `no recorded run wrote, read or ran ${positionals[0]}`);
      if (globals.json || values.json) {
        io.out(json(history));
        return 0;
      }
      const s = styler(io.color);
      const verb = { output: 'wrote', input: 'read ', script: 'ran  ' } as const;
      const lines = [`History of ${history.file}: ${history.entries.length} run(s), ${history.versions} version(s), ${history.changes} change(s) (newest first)`];
      for (const e of history.entries) {
        const change = e.changed ? s.paint('yellow', ' ← bytes changed') : '';
        const rerun = e.rerun ? `, rerun ${e.rerun}` : '';
        lines.push(`  ${String(e.started_at ?? e.recorded_at ?? '').slice(0, 19).padEnd(19)}  ${verb[e.role]} ${e.hash.slice(0, 12)}  ${e.session_id}  ${s.status(e.verdict)}${rerun}${change}`);
      }
      io.out(lines.join('\n'));
      return 0;
    });
  },
};
