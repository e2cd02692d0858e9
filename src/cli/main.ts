/**
 * `clew` entry point: global options, dispatch, and the one place errors become exit codes.
 * Exit codes (the README's table): 0 ok or verified; verification commands 10 suspect/unknown,
 * 11 missing, 12 mismatch (render/style.ts exitCodeFor; claims verify-all adds 13 and 20);
 * errors 1 failure, 2 usage, 3 store unreadable, 4 store not writable (engine/errors.ts);
 * `clew record` passes on the recorded command's own status.
 */
import { ClewError, errorMessage } from '../engine/errors';
import { CLEW_VERSION as VERSION } from '../engine/version';
import { COMMANDS } from './commands/index';
import { processIo } from './io';
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

export async function runCli(argv: string[], io: CliIo, handoff: CliHandoff = {}): Promise<number> {
  try {
    const { globals, rest } = extractGlobals(argv);
    const [name, ...commandArgv] = rest;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(helpText());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.out(globals.json ? JSON.stringify({ version: VERSION, package: 'clew' }) : `clew ${VERSION}`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
    if (!command) throw new ClewError('usage', `unknown command '${name}' (see clew --help)`);
    // Only the command's own options: `clew record -- tool --help` runs `tool --help`.
    const own = commandArgv.includes('--') ? commandArgv.slice(0, commandArgv.indexOf('--')) : commandArgv;
    if (own.includes('--help') || own.includes('-h')) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(commandArgv, globals, io, handoff);
  } catch (err) {
    if (err instanceof ClewError) {
      io.err(`clew: ${err.message}`);
      return err.exitCode;
    }
    io.err(`clew: internal error: ${errorMessage(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
