/** One `clew` invocation against a list of commands: global options, --help, --version, errors and exit codes. */
import { ClewError, errorMessage } from '../engine/errors';
import { CLEW_VERSION as VERSION } from '../engine/version';
import { extractGlobals } from './globals';
import type { CliCommand, CliHandoff, CliIo } from './types';

export async function dispatch(argv: string[], io: CliIo, handoff: CliHandoff, commands: readonly CliCommand[], helpText: () => string): Promise<number> {
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
    const command = commands.find((c) => c.name === name || c.aliases?.includes(name));
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

