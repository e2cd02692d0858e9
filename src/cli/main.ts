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
import type { CliHandoff, CliIo, GlobalOptions } from './types';


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

/** Pull `--db X` / `--db=X` / `--map X` / `--map=X` / `--json` out of argv anywhere before a `--` separator. */
export function extractGlobals(argv: string[]): { globals: GlobalOptions; rest: string[] } {
  const globals: GlobalOptions = { json: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--db') {
      const value = argv[i + 1];
      if (value === undefined) throw new ClewError('usage', '--db needs a path');
      globals.db = value;
      i++;
    } else if (arg.startsWith('--db=')) {
      globals.db = arg.slice('--db='.length);
    } else if (arg === '--map') {
      const value = argv[i + 1];
      if (value === undefined) throw new ClewError('usage', '--map needs OLD=NEW');
      (globals.map ??= []).push(value);
      i++;
    } else if (arg.startsWith('--map=')) {
      (globals.map ??= []).push(arg.slice('--map='.length));
    } else if (arg === '--json') {
      globals.json = true;
    } else {
      rest.push(arg);
    }
  }
  return { globals, rest };
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
    if (commandArgv.includes('--help') || commandArgv.includes('-h')) {
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
