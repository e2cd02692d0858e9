/** `clew init-examples DEST [--variant sequential|multi_parent] [--force]` */
import { ClewError } from '../../engine/errors';
import { initExamples } from '../../engine/examples/initExamples';
import { parseCommandArgs } from '../args';
import { json } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew init-examples DEST [--variant sequential|multi_parent] [--force] [--json]

Writes a small stdlib-python example pipeline into DEST. Run it with \`sh DEST/00_run_all.sh\`
(each step runs under \`clew record\`), then try \`clew status\` and \`clew dag\` there.
Refuses a non-empty DEST unless --force. Exit 0, or 2 on bad arguments.`;

export const initExamplesCommand: CliCommand = {
  name: 'init-examples',
  summary: 'scaffold an example pipeline to try Clew on',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { variant: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `clew init-examples needs exactly one DEST folder\n${USAGE}`);
    const result = initExamples(positionals[0], values.variant ?? 'sequential', { force: values.force });
    if (globals.json || values.json) io.out(json(result));
    else io.out(`Wrote ${result.file_count} files (${result.variant}) to ${result.path}\nNext: sh "${result.path}/00_run_all.sh"`);
    return 0;
  },
};
