/**
 * `clew` entry point: global options, dispatch, and the one place errors become exit codes.
 * Exit codes (the README's table): 0 ok or verified; verification commands 10 suspect/unknown,
 * 11 missing, 12 mismatch (render/style.ts exitCodeFor; claims verify-all adds 13 and 20);
 * errors 1 failure, 2 usage, 3 store unreadable, 4 store not writable (engine/errors.ts);
 * `clew record` passes on the recorded command's own status.
 */
import { COMMANDS } from './commands/index';
import { processIo } from './io';
import { dispatch } from './dispatch';
import { extractGlobals } from './globals';
import type { CliHandoff, CliIo } from './types';

export { extractGlobals };

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: clew [--db PATH] [--map OLD=NEW]... [--json] <command> [options]',
    '',
    'Hash-based provenance for reproducible science (reads and writes the scitex-clew store).',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --db PATH        use this store instead of locating .scitex/clew/runtime/clew.db',
    '  --map OLD=NEW    read recorded paths under OLD as under NEW (repeatable); a moved',
    '                   project is detected without it; the store itself is never changed',
    '  --json           machine-readable output',
    '  --version        print the version',
    '',
    'Run `clew <command> --help` for details.',
  ].join('\n');
}

export function runCli(argv: string[], io: CliIo, handoff: CliHandoff = {}): Promise<number> {
  return dispatch(argv, io, handoff, COMMANDS, helpText);
}

if (require.main === module) {
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
