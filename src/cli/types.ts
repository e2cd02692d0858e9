/**
 * The contract between `clew` subcommands and the dispatcher in ./main.ts.
 * A command parses its own argv (after the subcommand name) with `parseArgs` from ./args,
 * writes through `io`, and returns its exit status. Throw ClewError for user-facing failures:
 * the dispatcher prints one line `clew: <message>` on stderr and exits with the error's code.
 */
import type { LaunchedCommand } from '../engine/record/launch';
import type { RehashPrefetch } from './commands/statusRehash';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when ANSI colours may be used (stdout is a TTY and NO_COLOR is unset). */
  readonly color: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** What dist/cli.js already started before loading the full CLI, for the command to take over. */
export interface CliHandoff {
  /** `status --rehash`: the last snapshot's files, being hashed (commands/statusRehash.ts). */
  rehash?: RehashPrefetch;
  /** `record` without declared inputs: the command, already started under its capture (bin.ts). */
  record?: LaunchedCommand;
}

export interface GlobalOptions {
  /** `--db PATH` given before or after the subcommand. */
  db?: string;
  /** `--map OLD=NEW`, repeatable: recorded paths read as other paths (a store that moved). */
  map?: string[];
  /** `--json` given before the subcommand (commands also accept their own `--json`). */
  json: boolean;
}

export interface CliCommand {
  name: string;
  /** Other names it answers to (upstream's command names). */
  aliases?: readonly string[];
  /** One line for `clew --help`. */
  summary: string;
  /** Full usage text for `clew <name> --help`. */
  usage: string;
  run(argv: string[], globals: GlobalOptions, io: CliIo, handoff?: CliHandoff): Promise<number>;
}
