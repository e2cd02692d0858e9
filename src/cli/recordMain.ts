/**
 * dist/recordMain.js: `clew record` alone, loaded by the small entry (bin.ts) instead of the full
 * CLI. A recorded step waits for what loads after its command exits; this bundle is a third of
 * cliMain.js and loads in a third of the time (docs/recording.md). Same dispatcher, same errors.
 */
import { recordCommand } from './commands/record';
import { dispatch } from './dispatch';
import type { CliHandoff, CliIo } from './types';

export function runCli(argv: string[], io: CliIo, handoff: CliHandoff = {}): Promise<number> {
  return dispatch(argv, io, handoff, [recordCommand], () => 'Usage: clew record [options] -- CMD ARGS… (clew --help lists every command)');
}
